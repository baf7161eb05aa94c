# test/bench/many.sh — section "many" of run.sh (sourced): the verbs on many
# containers, pod vs Podman side by side. Each round starts $MANY detached
# `sleep 3600` containers per engine (sleep as PID 1 ignores SIGTERM, so each
# stop takes its whole timeout), then times `stop -a -t 1` and `rm -af` of
# them. Engines run one after the other within a round, the order rotated
# each round; the stray exit commands of one engine are waited for before
# the next one is measured. A one-at-a-time engine needs $MANY timeouts for
# the stop; a parallel one about one.

section "6. stop -a -t 1 and rm -af of $MANY containers that ignore SIGTERM ($MANY_N rounds)"
MANY_TSV=$W/many.tsv
: >"$MANY_TSV"
mkdir -p "$W/many-pod"
many_engines=(pod)
if [[ $POD_MODE == image ]]; then
	pd "$W/many-pod" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null
fi
if [[ -n $HAVE_PODMAN ]]; then
	podman_conf "$W/many-podman"
	pm "$W/many-podman" import --quiet "$W/busybox.tar" localhost/busybox >/dev/null && many_engines+=(podman)
fi

# many_cmd ENGINE ARGS...: the engine on its private root.
many_cmd() {
	local e=$1
	shift
	if [[ $e == pod ]]; then pd "$W/many-pod" "$@"; else pm "$W/many-podman" "$@"; fi
}

# many_settle: wait (up to 30 s) until no exit command or monitor of the
# many-* roots runs any more, so one engine's leftovers do not load the next.
many_settle() {
	local tries=300
	while ((tries-- > 0)) && pgrep -f -- "$W/many-.*(cleanup|conmon|pod-conmon)" >/dev/null; do sleep 0.1; done
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

for ((round = 0; round < MANY_N; round++)); do
	k=${#many_engines[@]}
	for ((j = 0; j < k; j++)); do
		e=${many_engines[$(((round + j) % k))]}
		if [[ $e == pod ]]; then
			starter=("$POD" $(pod_g "$W/many-pod") run -d --name m{} $POD_TARGET sleep 3600)
		else
			starter=(env "CONTAINERS_CONF=$W/many-podman/containers.conf" podman $(pm_g "$W/many-podman") run -d --network none --name m{} localhost/busybox sleep 3600)
		fi
		# Two starters at a time, as the ps section creates.
		seq 1 "$MANY" | xargs -P 2 -I{} "${starter[@]}" >/dev/null 2>"$W/many-$e.err" ||
			{ note "$e: starting $MANY containers failed: $(tail -n1 "$W/many-$e.err")"; many_cmd "$e" rm -af -t 0 >/dev/null 2>&1; continue; }
		many_settle
		running=$(many_cmd "$e" ps -q | wc -l)
		t0=$(now_ms)
		many_cmd "$e" stop -a -t 1 >/dev/null 2>>"$W/many-$e.err"
		t1=$(now_ms)
		exited=$(many_cmd "$e" ps -a --format '{{.Status}}' | grep -c 'Exited (137)')
		many_settle
		t2=$(now_ms)
		many_cmd "$e" rm -af >/dev/null 2>>"$W/many-$e.err"
		t3=$(now_ms)
		left=$(many_cmd "$e" ps -aq | wc -l)
		printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "$e" "$round" $((t1 - t0)) $((t3 - t2)) "$running" "$exited" "$left" >>"$MANY_TSV"
		many_settle
	done
done

note "per round: engine, stop -a -t 1 ms, rm -af ms, running before, exited (137) after stop, left after rm"
sed 's/^/      /' "$MANY_TSV"
# Medians per engine and verb, and paired ratios podman/pod per round.
awk -F'\t' -v title="many containers ($MANY)" -v tsv="$TSV" '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ v[$1, "stop", $2] = $3; v[$1, "rm", $2] = $4; if ($2 + 1 > rounds) rounds = $2 + 1; eng[$1] = 1 }
END {
	split("stop rm", verbs, " ")
	for (x = 1; x <= 2; x++) {
		verb = verbs[x]
		for (e in eng) {
			n = 0; delete a
			for (r = 0; r < rounds; r++) if ((e, verb, r) in v) a[++n] = v[e, verb, r]
			if (n == 0) continue
			m[e, verb] = med(a, n)
			printf "    %-7s %-16s median %8.0f ms over %d rounds\n", e, (verb == "stop" ? "stop -a -t 1" : "rm -af"), m[e, verb], n
			printf "time\t%s: %s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", title, verb, e, n, m[e, verb], m[e, verb], m[e, verb], m[e, verb], m[e, verb], m[e, verb] >> tsv
		}
		if (("pod", verb) in m && ("podman", verb) in m) {
			n = 0; delete a
			for (r = 0; r < rounds; r++) if (("pod", verb, r) in v && ("podman", verb, r) in v && v["pod", verb, r] > 0) a[++n] = v["podman", verb, r] / v["pod", verb, r]
			p = med(a, n)
			printf "    ratio podman/pod %-8s %6.2fx (paired %.2fx)\n", verb, m["podman", verb] / m["pod", verb], p
			printf "ratio\t%s: %s\tpodman/pod\t%.3f\t%.3f\t\n", title, verb, m["podman", verb] / m["pod", verb], p >> tsv
		}
	}
}' "$MANY_TSV"
