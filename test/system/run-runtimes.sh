#!/bin/bash
# Runs the bats system tests once per runtime, the runtimes side by side.
#
#   test/system/run-runtimes.sh BIN_DIR RUNTIME...
#
# Every line is streamed as it comes, prefixed with its runtime, so a CI log
# that is cut off still shows how far each runtime got; each runtime's whole
# log is also kept in BIN_DIR/bats-RUNTIME.log. A test that runs longer than
# POD_BATS_TEST_TIMEOUT seconds fails (bats' BATS_TEST_TIMEOUT), a run whose
# log is silent for POD_BATS_IDLE_TIMEOUT seconds (900) is stopped after its
# process tree is printed, and a runtime's whole run is stopped after
# POD_BATS_RUN_TIMEOUT (60m), so one hang cannot eat the CI's time. Files in
# POD_BATS_ONCE (about pod itself, not about the runtime: image, build,
# quadlet, kube, events ...) run once, dealt round the runtimes by their
# position in that list; POD_BATS_FILES narrows the files for every runtime.
set -u
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
test_timeout=${POD_BATS_TEST_TIMEOUT:-600}
run_timeout=${POD_BATS_RUN_TIMEOUT:-60m}
idle_timeout=${POD_BATS_IDLE_TIMEOUT:-900}
# The once files, in the order that deals them round the runtimes: append
# new files at the end, so the others keep their lane (runtime).
once=${POD_BATS_ONCE-096-lock-perms 120-many-containers 130-ps 140-global-info 170-secret 180-system 181-image-prune 186-remote-machine 190-commit 191-build 192-build-flags 300-image 305-manifest-search 310-run-pull 510-generate-systemd 520-quadlet 525-journald 545-auto-update 550-events 611-macvlan 630-network-connect 710-kube 711-kube-flags 712-kube-more 800-man-examples 801-man-examples 802-man-examples 803-man-examples 615-network-interrupted 432-image-scp 166-checkpoint}

if [[ -n "${POD_BATS_FILES:-}" ]]; then
    read -r -a all <<<"$POD_BATS_FILES"
else
    all=("$here"/*.bats)
fi

# once_pos FILE prints FILE's position in the once list (nothing when it is
# not a once file): the lane a once file runs on is its position modulo the
# number of runtimes, so appending a file to the list moves no other file.
once_pos() {
    local f w n=0
    f=$(basename "$1" .bats)
    for w in $once; do
        [[ "$f" == "$w" ]] && echo "$n" && return 0
        n=$((n + 1))
    done
    return 1
}

# descendants PID prints PID and every process below it.
descendants() {
    local c
    echo "$1"
    for c in $(ps -o pid= --ppid "$1"); do descendants "$c"; done
}

# dump_hang RT PID tells what a silent run is doing: its processes, and the
# processes outside it that hold a pipe one of them reads (bats' output ends
# only when every writer has closed it: a leaked daemon keeps it open).
dump_hang() {
    local rt=$1 mine p fd f pipes=" "
    mine=$(descendants "$2")
    echo "=== $rt: no output for ${idle_timeout}s (POD_BATS_IDLE_TIMEOUT); its processes:"
    ps -o pid,etimes,args -p "$(paste -sd, <<<"$mine")" | cut -c1-300
    for f in $mine; do
        pipes+="$(readlink "/proc/$f/fd/0" 2>/dev/null) "
    done
    for p in /proc/[0-9]*; do
        grep -qx "${p#/proc/}" <<<"$mine" && continue
        for fd in "$p"/fd/*; do
            f=$(readlink "$fd" 2>/dev/null) || continue
            [[ $f == pipe:* && "$pipes" == *" $f "* ]] || continue
            echo "holds the run's output open: ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" | cut -c1-200)"
            break
        done
    done
}

# watch_idle RT PID LOG stops the run when its log has not grown for
# idle_timeout seconds (a test is stopped after test_timeout; setup and
# teardown of a file are not), after telling what it hangs on.
watch_idle() {
    local age
    while kill -0 "$2" 2>/dev/null; do
        sleep 20
        age=$(($(date +%s) - $(stat -c %Y "$3")))
        if ((age > idle_timeout)); then
            dump_hang "$1" "$2" >>"$3" 2>&1
            kill -KILL $(descendants "$2") 2>/dev/null
            return
        fi
    done
}

runtimes=("$@")
i=0
for rt in "${runtimes[@]}"; do
    # The once files are dealt round the runtimes, so no run is the long pole.
    files=()
    for f in "${all[@]}"; do
        if ! pos=$(once_pos "$f"); then
            files+=("$f")
        elif ((pos % ${#runtimes[@]} == i)); then
            files+=("$f")
        fi
    done
    i=$((i + 1))
    (
        log=$bin/bats-$rt.log
        POD_BIN=$bin POD_TEST_RUNTIME=$rt BATS_TEST_TIMEOUT=$test_timeout \
            timeout -k 30 "$run_timeout" bats --timing "${files[@]}" >"$log" 2>&1 </dev/null &
        bats_pid=$!
        watch_idle "$rt" "$bats_pid" "$log"
        wait "$bats_pid"
        echo $? >"$bin/bats-$rt.rc"
    ) &
    # tail follows the log as it grows and ends with the run.
    tail -n +1 --pid=$! -F "$bin/bats-$rt.log" 2>/dev/null | sed -u "s/^/[$rt] /" &
done
wait

failed=
for rt in "$@"; do
    rc=$(cat "$bin/bats-$rt.rc" 2>/dev/null || echo missing)
    summary=$(grep -c '^ok ' "$bin/bats-$rt.log")/$(grep -cE '^(not )?ok ' "$bin/bats-$rt.log")
    echo "=== system tests with runtime $rt: exit $rc, $summary passed"
    # Each failure with the first lines of its diagnostics: a CI log is
    # often seen only by its tail.
    awk '/^not ok /{n=30; print; next} /^(ok |not ok )/{n=0} n>0 && /^#/{print; n--}' \
        "$bin/bats-$rt.log" | sed "s/^/    /"
    [[ "$rc" == 124 ]] && echo "    stopped after $run_timeout (POD_BATS_RUN_TIMEOUT)"
    [[ "$rc" == 137 ]] && echo "    stopped: no output for ${idle_timeout}s (POD_BATS_IDLE_TIMEOUT) or after $run_timeout"
    [[ "$rc" == 0 ]] || failed="$failed $rt"
done
if [[ -n "$failed" ]]; then
    echo "=== system tests failed with:$failed (logs: $bin/bats-RUNTIME.log)"
    exit 1
fi
