#!/usr/bin/env bash
# test/bench/run.sh — `make bench`: pod against Podman and the raw runtime,
# side by side, with medians, p90 and ratios. Needs root. See README.md.
#
# Knobs (environment):
#   BENCH_N=30          rounds of each interleaved comparison
#   BENCH_QUICK=1       a few minutes less: small N, 100 containers for ps
#   BENCH_PS_COUNTS     container counts for `ps -a` (default "100 1000")
#   BENCH_DETACHED=100  detached containers started per engine
#   BENCH_MANY=50       containers of the stop -a / rm -af section ("many")
#   BENCH_MANY_N=3      rounds of that section
#   BENCH_SECTIONS      subset of "run network rootless variants ps detached many shim profile"
#   BENCH_ROOTLESS_USER the ordinary user of section "rootless" (podtest, contrib/rootless-user.sh)
#   BENCH_NICE=-5       run the measurements at this nice level (default: as is)
#   BENCH_BASE=DIR      section 1 also runs DIR/pod (an older build's bin/) for before/after
#   BENCH_PODMAN=0      leave Podman out
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
POD=$TOP/bin/pod
BUILDTAGS=${BUILDTAGS:-containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp cni}
# shellcheck source=lib.sh
. "$HERE/lib.sh"

if [[ $(id -u) != 0 ]]; then
	say "make bench: needs root (it creates containers)" >&2
	exit 2
fi
for b in "$POD" "$TOP/bin/pod-conmon"; do
	[[ -x $b ]] || { say "make bench: $b missing: run make build" >&2; exit 2; }
done
for b in crun jq go; do
	have "$b" || { say "make bench: $b not installed" >&2; exit 2; }
done

if [[ -n ${BENCH_QUICK:-} ]]; then
	N=${BENCH_N:-8}
	PS_COUNTS=${BENCH_PS_COUNTS:-100}
	DETACHED=${BENCH_DETACHED:-20}
	PROF_N=5 STRACE_N=1 PS_N=8
	MANY=${BENCH_MANY:-50} MANY_N=${BENCH_MANY_N:-2}
else
	N=${BENCH_N:-30}
	PS_COUNTS=${BENCH_PS_COUNTS:-100 1000}
	DETACHED=${BENCH_DETACHED:-100}
	PROF_N=15 STRACE_N=2 PS_N=15
	MANY=${BENCH_MANY:-50} MANY_N=${BENCH_MANY_N:-3}
fi
SECTIONS=${BENCH_SECTIONS:-run network rootless variants ps detached many shim profile}
want() { [[ " $SECTIONS " == *" $1 "* ]]; }

W=$(mktemp -d /tmp/podbench.XXXXXX)
trap teardown EXIT
trap 'exit 130' INT TERM
TSV=$W/results.tsv
: >"$TSV"
T0=$SECONDS

BT=$W/benchtool
go build -o "$BT" "$HERE/benchtool" || exit 1
NICE=()
[[ -n ${BENCH_NICE:-} ]] && NICE=(nice -n "$BENCH_NICE")
bt() { "${NICE[@]}" "$BT" "$@"; }

say "pod benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, kernel $(uname -r)"
say "pod $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null) ($POD); $(crun --version | head -n1); $(have podman && podman --version)"
say "load average at start: $(load_line)  (other work may share the CPUs: every comparison is"
say "interleaved round by round with the order rotated, and the verdicts use the median of the"
say "per-round ratios, so a burst of load hits both sides of a ratio alike)"

make_busybox
podman_setup
pod_target
P_G=$(pod_g "$W/pod")
# --network none on both sides: section 1 measures the engine, section 1c the network.
POD_RUN="$(q "$POD") $P_G run --rm --network none $POD_TARGET true"
PM_ENV="CONTAINERS_CONF=$W/podman/containers.conf"
PM_CMD="$PM_ENV podman $(pm_g "$W/podman")"
if [[ $POD_MODE == image ]]; then
	say "pod runs the image localhost/busybox (imported with pod import from the same tarball as Podman's)"
else
	say "NOTE: pod runs --rootfs $W/rootfs, not an image: ${POD_MODE_WHY:-}"
	say "      Podman is measured both ways: with the imported image (overlay) and with --rootfs."
fi
raw_bundle && HAVE_RAW=1 || HAVE_RAW=
raw_cmd() { # raw_cmd RUNTIME [BUNDLE [LABEL]]: the raw runtime running the bundle
	local extra= bundle=${2:-$W/bundle} label=${3:-$1}
	# pod passes runsc --network=none for a new netns without a path:
	# runsc refuses its own network stack in the root netns.
	[[ $1 == runsc ]] && extra=--network=none
	mkdir -p "$W/rt-$label"
	printf '%s' "$label=$1 --root $W/rt-$label $extra run --bundle $bundle bench-raw-$label-{i}"
}

# ---------------------------------------------------------------- run --rm
if want run; then
	section "1. run --rm busybox true: pod vs Podman vs raw crun"
	# pod-keep: the foreground run of a kept container (no --rm), cleaned
	# up by pod itself with no exit command either (docs/monitor.md).
	cmds=("pod=$POD_RUN" "pod-keep=${POD_RUN/ run --rm / run }")
	ratios=()
	if [[ -n ${BENCH_BASE:-} ]]; then
		BASE_RUN="$(q "$BENCH_BASE/pod") $P_G run --rm --network none $POD_TARGET true"
		cmds+=("base=$BASE_RUN" "base-keep=${BASE_RUN/ run --rm / run }")
		ratios+=(-ratio "pod/base" -ratio "pod-keep/base-keep")
		note "base: $BENCH_BASE/pod (BENCH_BASE), the same commands"
	fi
	if [[ -n $HAVE_PODMAN ]]; then
		cmds+=("podman=$PM_CMD run --rm --network none localhost/busybox true")
		ratios+=(-ratio "podman/pod>=5")
		if [[ $POD_MODE == rootfs ]]; then
			cmds+=("podman-rootfs=$PM_CMD run --rm --network none --rootfs $W/rootfs-podman true")
			ratios+=(-ratio "podman-rootfs/pod>=5")
		fi
	fi
	if [[ -n $HAVE_RAW ]]; then
		cmds+=("$(raw_cmd crun)" "$(raw_cmd crun "$W/bundle-bpf" crun-bpf)")
		ratios+=(-ratio "pod/crun<=2.5" -ratio "pod/crun-bpf" -ratio "pod-keep/crun")
	fi
	note "pod target: $POD_TARGET   podman: image localhost/busybox, --network none"
	note "crun: \`crun run\` of the config.json pod generated (same rootfs, same spec), compiling its seccomp profile as for any engine"
	note "crun-bpf: the same with the seccomp filter pod cached and passes to crun precompiled (run.oci.seccomp_bpf_data)"
	bt interleave -n "$N" -title "run --rm true" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
fi

# ---------------------------------------------------------------- network
if want network; then
	section "1c. run --rm with the default bridge network and with -p: pod vs Podman"
	NP=$((30000 + RANDOM % 10000))
	cmds=("pod-bridge=$(q "$POD") $P_G run --rm $POD_TARGET true"
		"pod-publish=$(q "$POD") $P_G run --rm -p 127.0.0.1:$NP:80 $POD_TARGET true")
	ratios=(-ratio "pod-bridge/pod-publish")
	if [[ -n $HAVE_PODMAN ]]; then
		cmds+=("podman-bridge=$PM_CMD run --rm localhost/busybox true"
			"podman-publish=$PM_CMD run --rm -p 127.0.0.1:$((NP + 1)):80 localhost/busybox true")
		ratios+=(-ratio "podman-bridge/pod-bridge" -ratio "podman-publish/pod-publish")
	fi
	note "pod: the default network of its backend ($("$POD" $P_G info --format '{{.Host.NetworkBackend}}' 2>/dev/null)); podman: its own default for a fresh store"
	bt interleave -n "$N" -title "run --rm true (bridge, -p)" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
fi

# ---------------------------------------------------------------- rootless
if want rootless; then
	RL_USER=${BENCH_ROOTLESS_USER:-podtest}
	if id "$RL_USER" >/dev/null 2>&1 && grep -q "^$RL_USER:" /etc/subuid; then
		# shellcheck source=rootless.sh
		. "$HERE/rootless.sh"
	else
		section "1d. rootless run --rm true: skipped, no user $RL_USER with /etc/subuid ranges (contrib/rootless-user.sh)"
	fi
fi

# ---------------------------------------------------------------- variants
if want variants; then
	section "1b. pod run --rm on other runtimes and monitors (each next to its raw runtime)"
	cmds=("pod=$POD_RUN"
		"pod+conmon=$(q "$POD") $P_G --conmon /usr/bin/conmon run --rm $POD_TARGET true")
	ratios=(-ratio "pod+conmon/pod")
	for rt in runc runsc; do
		have "$rt" || continue
		cmds+=("pod-$rt=$(q "$POD") $P_G run --rm --runtime $rt $POD_TARGET true")
		ratios+=(-ratio "pod-$rt/pod")
		if [[ -n $HAVE_RAW ]]; then
			cmds+=("$(raw_cmd "$rt")")
			ratios+=(-ratio "pod-$rt/$rt<=2.5")
		fi
	done
	if want shim && "$POD" $P_G runtime ls 2>/dev/null | awk '$1 == "io.containerd.runc.v2"' | grep -qE '[[:space:]]available'; then
		cmds+=("pod-shim=$(q "$POD") $P_G run --rm --runtime io.containerd.runc.v2 $POD_TARGET true")
		ratios+=(-ratio "pod-shim/pod")
		note "io.containerd.runc.v2 is available: measuring pod on it as pod-shim"
	fi
	note "pod = crun + pod-conmon; pod+conmon = crun + /usr/bin/conmon; pod-runc, pod-runsc = pod-conmon + that runtime"
	bt interleave -n "$N" -title "run --rm true: runtimes and monitors" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
fi

# ---------------------------------------------------------------- ps -a
if want ps; then
	section "2. ps -a with many created containers (private roots)"
	mkdir -p "$W/ps-pod"
	if [[ -n $HAVE_PODMAN ]]; then
		podman_conf "$W/ps-podman"
		pm "$W/ps-podman" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null
	fi
	if [[ $POD_MODE == image ]]; then
		pd "$W/ps-pod" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null
	fi
	have_n=0
	for count in $PS_COUNTS; do
		t=$SECONDS
		# Two creators at a time: the machine has few cores and others use them.
		seq $((have_n + 1)) "$count" | xargs -P 2 -I{} "$POD" $(pod_g "$W/ps-pod") create --name c{} $POD_TARGET true >/dev/null ||
			{ note "pod create failed"; break; }
		if [[ -n $HAVE_PODMAN ]]; then
			seq $((have_n + 1)) "$count" | CONTAINERS_CONF=$W/ps-podman/containers.conf xargs -P 2 -I{} \
				podman $(pm_g "$W/ps-podman") create --network none --name c{} localhost/busybox true >/dev/null ||
				{ note "podman create failed"; break; }
		fi
		have_n=$count
		got=$(pd "$W/ps-pod" ps -a -q | wc -l)
		note "$count containers created in each root in $((SECONDS - t))s (pod ps -a -q lists $got)"
		cmds=("pod-ps=$(q "$POD") $(pod_g "$W/ps-pod") ps -a")
		ratios=()
		if [[ -n $HAVE_PODMAN ]]; then
			cmds+=("podman-ps=CONTAINERS_CONF=$W/ps-podman/containers.conf podman $(pm_g "$W/ps-podman") ps -a")
			ratios=(-ratio "podman-ps/pod-ps")
		fi
		bt interleave -n "$PS_N" -warmup 1 -settle 0 -title "ps -a, $count containers" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
	done
	t=$SECONDS
	pd "$W/ps-pod" rm -af >/dev/null 2>&1
	[[ -n $HAVE_PODMAN ]] && pm "$W/ps-podman" rm -af >/dev/null 2>&1
	note "removed them all in $((SECONDS - t))s"
fi

# ---------------------------------------------------------------- detached
if want detached; then
	section "3. start $DETACHED detached containers (run -d … sleep 3600), then the monitors' memory"
	cmds=("pod-d=$(q "$POD") $P_G run -d --name d{i} $POD_TARGET sleep 3600")
	ratios=()
	if [[ -n $HAVE_PODMAN ]]; then
		cmds+=("podman-d=$PM_CMD run -d --network none --name d{i} localhost/busybox sleep 3600")
		ratios=(-ratio "podman-d/pod-d>=5")
	fi
	note "one pod and one Podman start per round, alternating; total = wall time to start them all"
	bt interleave -n "$DETACHED" -warmup 0 -settle 0 -sum -title "$DETACHED x run -d sleep" -tsv "$TSV" "${ratios[@]}" "${cmds[@]}"
	sleep 2
	note "pod running: $(pd "$W/pod" ps -q | wc -l); podman running: $([[ -n $HAVE_PODMAN ]] && pm "$W/podman" ps -q | wc -l)"
	note "memory of the live monitors of those containers (mean per monitor, /proc/PID/smaps_rollup):"
	"$BT" mem -match "$W/pod/" -exe pod-conmon
	[[ -n $HAVE_PODMAN ]] && "$BT" mem -header=false -match "$W/podman/" -exe conmon
	t=$SECONDS
	pd "$W/pod" rm -af -t 0 >/dev/null 2>&1
	note "pod rm -af -t 0 of $DETACHED running: $((SECONDS - t))s"
	if [[ -n $HAVE_PODMAN ]]; then
		t=$SECONDS
		pm "$W/podman" rm -af -t 0 >/dev/null 2>&1
		note "podman rm -af -t 0 of $DETACHED running: $((SECONDS - t))s"
	fi
	if [[ -d $TOP/test/bench/monitormem ]] && go build -tags "$BUILDTAGS" -o "$W/monitormem" "$TOP/test/bench/monitormem" 2>"$W/monitormem.err"; then
		note "test/bench/monitormem: $DETACHED sleeping containers per monitor, Podman's monitor flags:"
		"$W/monitormem" -n "$DETACHED" -monitor /usr/bin/conmon -monitor "$TOP/bin/pod-conmon" | sed 's/^/    /'
	else
		note "test/bench/monitormem unavailable: $(head -n3 "$W/monitormem.err" 2>/dev/null)"
	fi
fi

# ---------------------------------------------------------------- many
if want many; then
	# shellcheck source=many.sh
	. "$HERE/many.sh"
fi

# ---------------------------------------------------------------- shim
if want shim; then
	for s in "$HERE"/shim*; do
		[[ -e $s ]] || continue
		section "4. $(basename "$s") (the shim helper's benchmark)"
		# Both conventions: POD (binary) / BENCH_N, and POD_BIN (dir) / RUNS.
		shim_env=(env POD="$POD" POD_BIN="$TOP/bin" BENCH_N="$N" RUNS="$N" TMPDIR="$W")
		if [[ -f $s && $s == *.sh ]]; then
			"${shim_env[@]}" bash "$s"
		elif [[ -f $s && -x $s ]]; then
			"${shim_env[@]}" "$s"
		elif [[ -f $s/run.sh ]]; then
			"${shim_env[@]}" bash "$s/run.sh"
		elif [[ -d $s ]] && ls "$s"/*.go >/dev/null 2>&1; then
			go build -tags "$BUILDTAGS" -o "$W/$(basename "$s")" "$s" && "${shim_env[@]}" "$W/$(basename "$s")"
		fi || { rc=$?; note "$(basename "$s") failed (exit $rc)"; }
	done
fi

# ---------------------------------------------------------------- profile
if want profile; then
	# shellcheck source=profile.sh
	. "$HERE/profile.sh"
fi

# ---------------------------------------------------------------- summary
section "Summary (verdicts use the paired ratio: the median over rounds of A_i/B_i)"
awk -F'\t' '$1 == "ratio" { printf "    %-38s %-24s %7.2fx  (paired %.2fx)  %s\n", $2, $3, $4, $5, $6 }' "$TSV"
awk -F'\t' '$1 == "time" && $3 == "pod" && $2 == "run --rm true" { printf "    pod run --rm median %.1f ms (p90 %.1f ms, min %.1f ms)\n", $5, $6, $7 }' "$TSV"
awk -F'\t' '$1 == "time" && $2 == "rootless run --rm true" && $3 ~ /rootless$/ { printf "    %s run --rm median %.1f ms (p90 %.1f ms, min %.1f ms)\n", $3, $5, $6, $7 }' "$TSV"
[[ $POD_MODE == rootfs ]] && note "pod ran --rootfs (images not runnable by pod yet); podman = image, podman-rootfs = --rootfs"
say "    load average at end: $(load_line); whole run took $((SECONDS - T0))s"
