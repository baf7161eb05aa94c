#!/usr/bin/env bats
# Concurrency: many pod processes at once, no errors, nothing left behind.

load helpers

@test "20 parallel run --rm: all succeed with their own exit codes, no leftover state" {
    local pids=() i
    for i in $(seq 1 20); do
        ( set +e
          pod run --rm --name par$i "${IMG[@]}" sh -c "echo out$i; exit $((i % 7))" >"$BATS_TEST_TMPDIR/out$i" 2>&1
          echo $? >"$BATS_TEST_TMPDIR/rc$i" ) &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    for i in $(seq 1 20); do
        is "$(cat $BATS_TEST_TMPDIR/rc$i)" "$((i % 7))" "exit code of par$i ($(cat $BATS_TEST_TMPDIR/out$i))"
        is "$(cat $BATS_TEST_TMPDIR/out$i)" "out$i" "output of par$i"
    done
    # The monitors' exit commands may still be finishing.
    local tries=50
    while ((tries-- > 0)) && pgrep -f "pod-conmon.*-c [0-9a-f]{64}.*$PODT" >/dev/null; do sleep 0.1; done
    run_pod ps -a --format '{{.Names}}'
    is "$output" "" "containers left"
    leftovers=$(ls "$PODT/root/pod/containers" "$PODT/run/pod/containers" "$PODT/tmp/exits" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
    is "$leftovers" "" "container files left"
    ls "$PODT/run/pod/runtime/"*/ 2>/dev/null | grep -E '^[0-9a-f]{64}$' && die "runtime state left behind"
    true
}

@test "parallel stop and rm of the same containers do not fail or deadlock" {
    for i in 1 2 3 4; do run_pod run -d --name pr$i "${IMG[@]}" sleep 1000; done
    # Only these three are waited for: bats' BATS_TEST_TIMEOUT runs a
    # background sleep in this shell, so a bare wait would wait for it too.
    local pids=()
    ( pod stop -t 0 pr1 pr2 pr3 pr4 >/dev/null 2>&1 ) & pids+=($!)
    ( pod rm -f -t 0 pr1 pr2 pr3 pr4 >/dev/null 2>&1 ) & pids+=($!)
    ( pod stop -t 0 pr4 pr3 pr2 pr1 >/dev/null 2>&1 ) & pids+=($!)
    wait "${pids[@]}" || true
    run_pod rm -f -t 0 --ignore pr1 pr2 pr3 pr4
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}
