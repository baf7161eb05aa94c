#!/usr/bin/env bats
# Faults: a killed monitor, a killed pod CLI, a killed shim.

load helpers

@test "SIGKILL of the monitor: ps, stop and rm -f still work, with a clear state" {
    run_pod run -d --name mk "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' mk)
    mon=$(pod inspect --format '{{.State.ConmonPid}}' mk)
    [[ $mon -gt 0 ]] || die "no monitor pid"
    kill -9 "$mon"
    sleep 0.3
    run_pod inspect --format '{{.State.Status}}|{{.State.Error}}' mk
    is "$output" "running\|.*monitor.*died.*stop or rm -f it"
    run_pod ps --format '{{.Names}}'
    is "$output" "mk"
    run_pod stop -t 1 mk
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' mk
    is "$output" "exited -1"
    ! pid_alive "$pid" || die "container process $pid still runs"
    run_pod rm mk
    run_pod 1 container exists mk
}

@test "SIGKILL of the monitor of a running container, then rm -f" {
    run_pod run -d --name mk2 "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' mk2)
    kill -9 "$(pod inspect --format '{{.State.ConmonPid}}' mk2)"
    run_pod rm -f -t 0 mk2
    run_pod 1 container exists mk2
    ! pid_alive "$pid" || die "container process $pid still runs"
    true
}

@test "SIGKILL of pod during an attached run: no stuck container" {
    # The container runs until the test makes /tmp/go, after pod's death:
    # it is still running when pod is killed, whatever the load.
    (POD_EXEC=1 pod run --rm --name cut "${IMG[@]}" sh -c 'until test -e /tmp/go; do sleep 0.1; done; echo done' >/dev/null 2>&1) &
    podpid=$!
    wait_for_status cut running
    [[ "$(cat /proc/$podpid/comm)" == pod ]] || die "process $podpid is $(cat /proc/$podpid/comm), not pod"
    kill -9 "$podpid"
    wait "$podpid" || true
    run_pod exec cut touch /tmp/go
    # The container finishes on its own; the monitor's exit command removes it.
    local tries=100
    while ((tries-- > 0)) && pod container exists cut; do sleep 0.1; done
    run_pod 1 container exists cut
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "rm -f of a running container keeps its exit code for wait" {
    run_pod run -d --name rmf "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' rmf)
    run_pod rm -f -t 0 rmf
    run_pod wait "$id"
    is "$output" "137"
}

@test "SIGKILL of a shim: the container shows exited and rm -f cleans everything" {
    [[ "$POD_TEST_KIND" == shimv2 ]] || skip "shim runtimes only"
    run_pod run -d --name sk "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' sk)
    shim=$(pgrep -f "containerd-shim.*-id $id" | head -1)
    [[ -n "$shim" ]] || die "no shim process for $id"
    kill -9 "$shim"
    wait_for_status sk exited 100
    run_pod inspect --format '{{.State.ExitCode}}' sk
    is "$output" "137"
    run_pod rm -f sk
    pgrep -f "$id" && die "processes of $id left: $(pgrep -fa $id)"
    true
}
