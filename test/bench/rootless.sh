# test/bench/rootless.sh — section "rootless" of run.sh (sourced): `run --rm
# --network none busybox true` as an ordinary user, pod rootless against
# Podman 4.3 rootless on the same machine, beside root's pod, interleaved
# round by round like section 1. The user is $BENCH_ROOTLESS_USER (podtest,
# made with its /etc/subuid ranges by contrib/rootless-user.sh); each engine
# gets private roots and its own XDG_RUNTIME_DIR under $W/rl, so the user's
# pause processes (pod-rootless-pause, Podman's catatonit) are this run's
# and teardown ends them. Every rootless command goes through
# `runuser -u USER -- env -i …`; the row `runuser` (runuser running `true`)
# is that floor, which both rootless engines pay alike.

section "1d. rootless run --rm true: pod rootless vs Podman rootless (as $RL_USER), beside root's pod"
RL=$W/rl
mkdir -p "$RL/bin" "$RL/pod/xdg" "$RL/podman/xdg"
chmod 755 "$W" "$RL"
cp "$POD" "$TOP/bin/pod-conmon" "$TOP/bin/pod-image" "$RL/bin/"
cp "$W/busybox.tar" "$RL/busybox.tar"
podman_conf "$RL/podman"
chmod -R a+rX "$RL/bin" "$RL/busybox.tar"
chown -R "$RL_USER:" "$RL/pod" "$RL/podman"
chmod 700 "$RL/pod/xdg" "$RL/podman/xdg"

# rl_env ENGINE: runuser and the user's environment, as words.
rl_env() {
	printf '%s ' runuser -u "$RL_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		HOME="$(getent passwd "$RL_USER" | cut -d: -f6)" USER="$RL_USER" XDG_RUNTIME_DIR="$RL/$1/xdg"
}
RL_POD="$(rl_env pod) $RL/bin/pod $(pod_g "$RL/pod")"
RL_PM="$(rl_env podman) CONTAINERS_CONF=$RL/podman/containers.conf podman $(pm_g "$RL/podman")"

cmds=() ratios=()
# shellcheck disable=SC2086
if $RL_POD import --quiet "$RL/busybox.tar" localhost/busybox >/dev/null 2>"$RL/pod-import.err" &&
	$RL_POD run --rm --network none localhost/busybox true >/dev/null 2>"$RL/pod-run.err"; then
	cmds+=("pod-rootless=$RL_POD run --rm --network none localhost/busybox true")
else
	note "pod rootless does not run here: $(tail -n2 "$RL/pod-import.err" "$RL/pod-run.err" | tr '\n' ' ')"
fi
if [[ -n $HAVE_PODMAN ]]; then
	# shellcheck disable=SC2086
	if $RL_PM import --quiet "$RL/busybox.tar" localhost/busybox >/dev/null 2>"$RL/podman-import.err" &&
		$RL_PM run --rm --network none localhost/busybox true >/dev/null 2>"$RL/podman-run.err"; then
		cmds+=("podman-rootless=$RL_PM run --rm --network none localhost/busybox true")
		[[ ${#cmds[@]} == 2 ]] && ratios+=(-ratio "podman-rootless/pod-rootless>=5")
	else
		note "podman rootless does not run here: $(grep -v 'level=warning' "$RL/podman-import.err" "$RL/podman-run.err" | tail -n2 | tr '\n' ' ')"
	fi
fi
if ((${#cmds[@]})); then
	cmds+=("pod=$POD_RUN" "runuser=$(rl_env pod) true")
	[[ ${cmds[0]} == pod-rootless=* ]] && ratios+=(-ratio "pod-rootless/pod")
	note "pod-rootless, podman-rootless: $RL_USER via runuser, private roots and XDG_RUNTIME_DIR, storage's rootless default driver"
	note "   ($(
		# shellcheck disable=SC2086
		$RL_POD info --format '{{.Store.GraphDriverName}}, native overlay diff {{index .Store.GraphStatus "Native Overlay Diff"}}' 2>/dev/null
	)); pod = root's pod of section 1; runuser = \`runuser … env -i … true\`, the floor of both rootless rows"
	bt interleave -n "$N" -title "rootless run --rm true" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
fi

# rootless_teardown: the user's containers and pause processes of this run
# (found by $RL in their environment; their stores go with $W).
rootless_teardown() {
	local p
	[[ -n ${RL:-} && -d $RL ]] || return 0
	# shellcheck disable=SC2086
	$RL_POD rm -af -t 0 >/dev/null 2>&1
	# shellcheck disable=SC2086
	[[ -n $HAVE_PODMAN ]] && $RL_PM rm -af -t 0 >/dev/null 2>&1
	for p in $(pgrep -u "$RL_USER"); do
		grep -qzF "$RL/" "/proc/$p/environ" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	return 0
}
