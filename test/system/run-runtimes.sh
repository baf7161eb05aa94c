#!/bin/bash
# Runs the bats system tests once per runtime, the runtimes side by side.
#
#   test/system/run-runtimes.sh BIN_DIR RUNTIME...
#
# Every line is streamed as it comes, prefixed with its runtime, so a CI log
# that is cut off still shows how far each runtime got; each runtime's whole
# log is also kept in BIN_DIR/bats-RUNTIME.log. A test that runs longer than
# POD_BATS_TEST_TIMEOUT seconds fails (bats' BATS_TEST_TIMEOUT) and a runtime's
# whole run is stopped after POD_BATS_RUN_TIMEOUT (60m), so one hang cannot eat the
# CI's time. Files in POD_BATS_ONCE (about pod itself, not about the
# runtime: image, build, quadlet, kube, events ...) run once, dealt round
# the runtimes; POD_BATS_FILES narrows the files for every runtime.
set -u
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
test_timeout=${POD_BATS_TEST_TIMEOUT:-600}
run_timeout=${POD_BATS_RUN_TIMEOUT:-60m}
once=${POD_BATS_ONCE-120-many-containers 130-ps 140-global-info 170-secret 180-system 181-image-prune 190-commit 191-build 300-image 310-run-pull 510-generate-systemd 520-quadlet 525-journald 550-events 630-network-connect 710-kube 711-kube-flags}

if [[ -n "${POD_BATS_FILES:-}" ]]; then
    read -r -a all <<<"$POD_BATS_FILES"
else
    all=("$here"/*.bats)
fi

is_once() {
    local f w
    f=$(basename "$1" .bats)
    for w in $once; do [[ "$f" == "$w" ]] && return 0; done
    return 1
}

runtimes=("$@")
i=0
for rt in "${runtimes[@]}"; do
    # The once files are dealt round the runtimes, so no run is the long pole.
    files=() n=0
    for f in "${all[@]}"; do
        if ! is_once "$f"; then
            files+=("$f")
        elif ((n++ % ${#runtimes[@]} == i)); then
            files+=("$f")
        fi
    done
    i=$((i + 1))
    (
        POD_BIN=$bin POD_TEST_RUNTIME=$rt BATS_TEST_TIMEOUT=$test_timeout \
            timeout -k 30 "$run_timeout" bats --timing "${files[@]}" >"$bin/bats-$rt.log" 2>&1 </dev/null
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
    grep '^not ok ' "$bin/bats-$rt.log" | sed "s/^/    /"
    [[ "$rc" == 124 || "$rc" == 137 ]] && echo "    stopped after $run_timeout (POD_BATS_RUN_TIMEOUT)"
    [[ "$rc" == 0 ]] || failed="$failed $rt"
done
if [[ -n "$failed" ]]; then
    echo "=== system tests failed with:$failed (logs: $bin/bats-RUNTIME.log)"
    exit 1
fi
