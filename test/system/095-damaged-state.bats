#!/usr/bin/env bats
# Damaged state (issue #13): an exit file with garbage, a truncated state
# database. A clear error or a repair, never a panic, nothing lost silently.

load helpers

@test "an exit file with garbage after the monitor died: exited (-1) with the reason, rm works" {
    run_pod run -d --name g "${IMG[@]}" sleep 100
    local id=$output
    run_pod inspect -f '{{.State.ConmonPid}} {{.State.Pid}}' g
    local mpid=${output% *} cpid=${output#* }
    kill -9 "$mpid"
    # The container's process goes too (the shim's or the runtime's child).
    kill -9 "$cpid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do pid_alive "$cpid" || break; sleep 0.1; done
    local exits
    exits=$(find "$PODT" -type d -name exits | head -1)
    [[ -n "$exits" ]] || die "no exits directory under $PODT"
    printf '\x00\xffgarbage' > "$exits/$id"
    run_pod ps -a --format '{{.Names}} {{.Status}}'
    contains "$output" "g Exited (-1)"
    run_pod inspect -f '{{.State.ExitCode}} {{.State.Error}}' g
    contains "$output" "-1 exit file"
    contains "$output" "not an exit code"
    run_pod rm g
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "a truncated state database: a clear error naming it and the fix, exit 125, no panic" {
    local root=$BATS_TEST_TMPDIR/troot
    local P=("$POD_BIN/pod" --root "$root" --runroot "$BATS_TEST_TMPDIR/trun" --tmpdir "$BATS_TEST_TMPDIR/ttmp" --runtime "$POD_TEST_RUNTIME")
    "${P[@]}" ps -a >/dev/null
    local db=$root/pod/pod.db
    [[ -f "$db" ]] || die "no state database at $db"
    rm -f "$db-wal" "$db-shm"
    truncate -s 100 "$db"
    run "${P[@]}" ps -a
    [[ "$status" -eq 125 ]] || die "exit $status, expected 125: $output"
    contains "$output" "$db is damaged"
    contains "$output" "move it"
    [[ "$output" != *panic* ]] || die "panic: $output"
    # Moving it away, as the message says, gives an empty state again.
    mv "$db" "$db.damaged"
    run "${P[@]}" ps -a --format '{{.Names}}'
    [[ "$status" -eq 0 ]] || die "after moving the database away: exit $status: $output"
}
