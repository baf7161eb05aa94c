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
# their CPU is folded in). benchtool's own cost is subtracted.
if have perf && perf stat -e task-clock true >/dev/null 2>&1; then
	note "5e. CPU time of the whole process tree per run (perf stat task-clock; $PROF_N runs each)"
	cpu_of() { # cpu_of NAME=CMD: msec task-clock, context switches, page faults for PROF_N runs
		perf stat -x, -o "$W/perf.out" -e task-clock,context-switches,page-faults -- \
			"$BT" interleave -n "$PROF_N" -warmup 0 "$1" >/dev/null 2>&1
		awk -F, '$3 == "task-clock" { t = $1 } $3 == "context-switches" { c = $1 } $3 == "page-faults" { p = $1 } END { print t, c, p }' "$W/perf.out"
	}
	read -r bt_t bt_c bt_p < <(cpu_of "true=/bin/true")
	printf '    %-14s %10s %10s %10s\n' "" "cpu ms" "ctx sw" "faults"
	perf_cmds=("pod=$POD_RUN" "pod+conmon=$(q "$POD") $P_G --conmon /usr/bin/conmon run --rm $POD_TARGET true")
	[[ -n $HAVE_PODMAN ]] && perf_cmds+=("podman=$PM_CMD run --rm --network none localhost/busybox true")
	[[ -n $HAVE_RAW ]] && perf_cmds+=("$(raw_cmd crun)")
	for c in "${perf_cmds[@]}"; do
		read -r t cs pf < <(cpu_of "$c")
		awk -v n="${c%%=*}" -v t="$t" -v c="$cs" -v p="$pf" -v bt="$bt_t" -v bc="$bt_c" -v bp="$bt_p" -v k="$PROF_N" \
			'BEGIN { printf "    %-14s %10.1f %10.0f %10.0f\n", n, (t - bt) / k, (c - bc) / k, (p - bp) / k }'
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
