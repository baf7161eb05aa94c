# test/bench/profile.sh — section 5 of run.sh (sourced): where the time of
# `pod run --rm … true` goes. Uses run.sh's variables (POD, P_G, POD_TARGET,
# POD_RUN, PM_CMD, BT, W, N, PROF_N, STRACE_N, HAVE_PODMAN, HAVE_RAW).

section "5. Profile of pod run --rm $POD_TARGET true"

# 5a. Floors: what a process that does nothing, pod's argument parsing and
# init, its DB, the monitor binary and the runtime binary cost on their own.
cmds=("true=/bin/true"
	"pod-version=$(q "$POD") version"
	"pod-ps=$(q "$POD") $P_G ps -a"
	"pod-conmon-ver=$(q "$TOP/bin/pod-conmon") --version"
	"crun-ver=crun --version"
	"pod-run=$POD_RUN")
[[ -n $HAVE_PODMAN ]] && cmds+=("podman-version=podman --version")
note "5a. floors (pod-ps: one container in the DB)"
bt interleave -n "$N" -title "process floors" -tsv "$TSV" -ratio "pod-version/true" -ratio "pod-run/pod-version" "${cmds[@]}"

# 5b. Go package initialisation (GODEBUG=inittrace=1), paid by every pod
# process, the exit command's included.
inittrace() { # inittrace NAME ARGV...: median total init clock and the top packages
	local name=$1 i
	shift
	for i in $(seq 7); do
		GODEBUG=inittrace=1 "$@" 2>&1 >/dev/null | awk '$1 == "init" { for (i = 1; i < NF; i++) if ($(i+1) == "ms" && $(i+2) == "clock,") t += $i } END { printf "%.3f\n", t }'
	done | sort -n | awk -v n="$name" '{ v[NR] = $1 } END { printf "    %-16s package init (sum of inittrace clocks), median of %d: %.2f ms\n", n, NR, v[int((NR + 1) / 2)] }'
	GODEBUG=inittrace=1 "$@" 2>&1 >/dev/null | awk '$1 == "init" { for (i = 1; i < NF; i++) if ($(i+1) == "ms" && $(i+2) == "clock,") print $i, $2 }' |
		sort -rn | head -n 6 | awk '{ printf "        %6.2f ms  %s\n", $1, $2 }'
}
note "5b. Go package init (GODEBUG=inittrace=1), heaviest packages of one run:"
inittrace pod "$POD" version
inittrace pod-conmon "$TOP/bin/pod-conmon" --version

# 5c. pod's own phase timestamps (--log-level debug prints DEBU[ms since
# libpod's init]).
note "5c. phases of pod run --rm (from pod --log-level debug)"
bt phases -n "$PROF_N" -- "$POD" --log-level debug $P_G run --rm $POD_TARGET true

# 5d. Which processes run, when and for how long. perf records the
# sched_process_exec/exit tracepoints of the whole process tree (no
# measurable overhead, no argv); one strace run names the verbs.
perf_sched_ok() {
	have perf || return 1
	TRACEFS_WAS_MOUNTED=
	grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts && TRACEFS_WAS_MOUNTED=1
	perf record -q -o "$W/perf.probe" -e sched:sched_process_exec -- true >/dev/null 2>&1
}
if perf_sched_ok; then
	note "5d. process timeline (perf record -e sched:sched_process_exec,sched:sched_process_exit; $PROF_N runs)"
	for i in $(seq "$PROF_N"); do
		perf record -q -o "$W/perf.$i" -e sched:sched_process_exec,sched:sched_process_exit -- \
			"$POD" $P_G run --rm $POD_TARGET true >/dev/null 2>&1
		perf script -i "$W/perf.$i" -F comm,pid,tid,time,event,trace >"$W/sched.$i" 2>/dev/null
	done
	bt sched "$W"/sched.*
	# perf mounts tracefs when it needs it: leave the host as we found it.
	[[ -z $TRACEFS_WAS_MOUNTED ]] && umount /sys/kernel/tracing 2>/dev/null
fi
if have strace; then
	note "5d'. the same with argv (strace -f; it slows every traced process down, so only the order and verbs count)"
	for i in $(seq "$STRACE_N"); do
		strace -f -tt -s 256 --seccomp-bpf -e trace=execve,execveat,exit_group -o "$W/strace.$i" \
			"$POD" $P_G run --rm $POD_TARGET true >/dev/null 2>&1
	done
	bt strace "$W"/strace.*
fi

# 5e. CPU cost of the whole process tree (perf stat follows every fork;
# benchtool waits for the daemonized monitor and exit command to finish, so
# their CPU is folded in). Rounds are interleaved like everything else and
# the medians are reported, minus the median of benchtool running /bin/true.
if have perf && perf stat -e task-clock true >/dev/null 2>&1; then
	note "5e. CPU time of the whole process tree per run (perf stat; median of $PROF_N interleaved rounds)"
	perf_cmds=("base=/bin/true" "pod=$POD_RUN" "pod+conmon=$(q "$POD") $P_G --conmon /usr/bin/conmon run --rm $POD_TARGET true")
	[[ -n $HAVE_PODMAN ]] && perf_cmds+=("podman=$PM_CMD run --rm --network none localhost/busybox true")
	[[ -n $HAVE_RAW ]] && perf_cmds+=("$(raw_cmd crun)")
	k=${#perf_cmds[@]}
	for r in $(seq 0 $((PROF_N - 1))); do
		for j in $(seq 0 $((k - 1))); do
			c=${perf_cmds[$(((r + j) % k))]}
			perf stat -x, -o "$W/perf.out" -e task-clock,context-switches,page-faults -- \
				"$BT" interleave -n 1 -warmup 0 "$c" >/dev/null 2>&1 || continue
			awk -F, '$3 == "task-clock" { t = $1 } $3 == "context-switches" { c = $1 } $3 == "page-faults" { p = $1 } END { print t, c, p }' \
				"$W/perf.out" >>"$W/cpu.${c%%=*}"
		done
	done
	cpu_median() { # cpu_median NAME COLUMN
		awk -v k="$2" '{ print $k }' "$W/cpu.$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
	}
	printf '    %-14s %10s %10s %10s\n' "" "cpu ms" "ctx sw" "faults"
	for c in "${perf_cmds[@]:1}"; do
		n=${c%%=*}
		[[ -s $W/cpu.$n ]] || continue
		printf '    %-14s %10.1f %10.0f %10.0f\n' "$n" \
			"$(echo "$(cpu_median "$n" 1) - $(cpu_median base 1)" | bc -l)" \
			"$(echo "$(cpu_median "$n" 2) - $(cpu_median base 2)" | bc -l)" \
			"$(echo "$(cpu_median "$n" 3) - $(cpu_median base 3)" | bc -l)"
	done
else
	note "5e. perf stat unavailable (apt-get install linux-perf): no CPU-time table"
fi

# 5f. Kernel operations on the hot path whose cost is the machine's, not
# pod's: closing an inotify instance that holds a watch waits for an SRCU
# grace period (pod's exit-file wait does it once per run), fsync of exit
# files in pod's --tmpdir.
note "5f. single kernel operations on pod's hot path (in pod's --tmpdir)"
"$BT" syscost -dir "$W/pod/tmp" -n "$N"

# 5g. What crun spends compiling the seccomp profile (crun 1.8 has no BPF
# cache): the raw bundle as pod generates it, the same with crun's own
# compiled filter handed back through crun's run.oci.seccomp_bpf_data
# annotation (what a pod-side BPF cache would do), and without seccomp.
if [[ -n $HAVE_RAW ]] && jq -e '.linux.seccomp' "$W/bundle/config.json" >/dev/null 2>&1; then
	note "5g. crun and the seccomp profile (raw crun run of pod's spec)"
	mkdir -p "$W/rt-crun" "$W/bundle-bpf" "$W/bundle-noseccomp"
	if crun --root "$W/rt-crun" create --bundle "$W/bundle" bench-grab >/dev/null 2>&1 &&
		[[ -s $W/rt-crun/bench-grab/seccomp.bpf ]]; then
		base64 -w0 "$W/rt-crun/bench-grab/seccomp.bpf" >"$W/seccomp.b64"
		crun --root "$W/rt-crun" delete -f bench-grab >/dev/null 2>&1
		jq --rawfile b "$W/seccomp.b64" '.annotations["run.oci.seccomp_bpf_data"] = $b' \
			"$W/bundle/config.json" >"$W/bundle-bpf/config.json"
		jq 'del(.linux.seccomp)' "$W/bundle/config.json" >"$W/bundle-noseccomp/config.json"
		bt interleave -n "$N" -title "crun run: seccomp variants" -tsv "$TSV" \
			-ratio "crun/crun-bpf" -ratio "crun/crun-noseccomp" \
			"crun=crun --root $W/rt-crun run --bundle $W/bundle s-{i}" \
			"crun-bpf=crun --root $W/rt-crun run --bundle $W/bundle-bpf b-{i}" \
			"crun-noseccomp=crun --root $W/rt-crun run --bundle $W/bundle-noseccomp n-{i}"
	else
		crun --root "$W/rt-crun" delete -f bench-grab >/dev/null 2>&1
		note "crun did not leave a seccomp.bpf in its state directory: skipped"
	fi
fi
