#!/usr/bin/env bats
# create, start, stop, kill, restart, pause/unpause, wait, rename, exists, cleanup.

load helpers

@test "create then start -a, start again" {
    run_pod create --name c1 "${IMG[@]}" sh -c 'echo started; exit 4'
    cid=$output
    is "$cid" "[0-9a-f]{64}"
    run_pod ps -a --format '{{.Status}}'
    is "$output" "Created"
    run_pod 4 start -a c1
    is "$output" "started"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' c1
    is "$output" "exited 4"
    run_pod start c1
    is "$output" "c1"
    run_pod wait c1
    is "$output" "4"
}

@test "stop sends the stop signal, then SIGKILL after the timeout" {
    # sh as PID 1 has a TERM handler here, so it exits on the stop signal.
    run_pod run -d --name st "${IMG[@]}" sh -c 'trap "exit 11" TERM; echo ready; while :; do sleep 0.1; done'
    wait_for_output st ready
    run_pod stop st
    run_pod inspect --format '{{.State.ExitCode}}' st
    is "$output" "11"
    run_pod start st
    run_pod run -d --name ig "${IMG[@]}" sleep 1000
    run_pod stop -t 1 ig
    if [[ "$POD_TEST_RUNTIME" == "runsc" ]]; then
        # gVisor's PID 1 does not ignore SIGTERM without a handler.
        run_pod inspect --format '{{.State.ExitCode}} {{.State.Status}}' ig
        is "$output" "143 exited"
    else
        contains "$output" "resorting to SIGKILL"
        run_pod inspect --format '{{.State.ExitCode}} {{.State.Status}}' ig
        is "$output" "137 exited"
    fi
    # Stopping a stopped container is fine.
    run_pod stop ig
    run_pod stop --all -t 0
    run_pod ps --format '{{.Names}}'
    is "$output" ""
}

@test "stop-signal and stop-timeout from create are used" {
    run_pod run -d --name sig --stop-signal USR1 --stop-timeout 5 "${IMG[@]}" sh -c 'trap "exit 21" USR1; echo ready; while :; do sleep 0.1; done'
    wait_for_output sig ready
    run_pod inspect --format '{{.Config.StopSignal}} {{.Config.StopTimeout}}' sig
    is "$output" "10 5"
    run_pod stop sig
    run_pod inspect --format '{{.State.ExitCode}}' sig
    is "$output" "21"
}

@test "kill with a signal; kill of a stopped container is an error" {
    run_pod run -d --name k "${IMG[@]}" sh -c 'trap "exit 12" HUP; echo ready; while :; do sleep 0.1; done'
    wait_for_output k ready
    run_pod kill -s HUP k
    is "$output" "k"
    run_pod wait k
    is "$output" "12"
    run_pod 125 kill k
    contains "$output" "can only kill running containers"
    run_pod 125 kill -s NOSUCHSIG k
}

@test "restart runs the container again" {
    run_pod run -d --name rs "${IMG[@]}" sleep 1000
    pid1=$(pod inspect --format '{{.State.Pid}}' rs)
    run_pod restart -t 0 rs
    is "$output" "rs"
    pid2=$(pod inspect --format '{{.State.Pid}}' rs)
    [[ "$pid1" != "$pid2" && "$pid2" -gt 0 ]] || die "restart did not start a new process ($pid1 -> $pid2)"
    run_pod inspect --format '{{.State.Status}}' rs
    is "$output" "running"
}

@test "pause and unpause" {
    skip_if_rootless_cgroupv1
    run_pod run -d --name pz "${IMG[@]}" sleep 1000
    run_pod pause pz
    is "$output" "pz"
    # Podman's ps lists paused containers only with --all.
    run_pod ps -a --format '{{.Status}}'
    is "$output" "Paused"
    run_pod 125 pause pz
    run_pod 2 rm pz
    contains "$output" "without force"
    run_pod unpause pz
    run_pod inspect --format '{{.State.Status}}' pz
    is "$output" "running"
    run_pod 125 unpause pz
}

@test "rm of a running container needs -f; rm -f stops it" {
    run_pod run -d --name rmf "${IMG[@]}" sleep 1000
    run_pod 2 rm rmf
    contains "$output" "cannot remove container"
    run_pod rm -f -t 0 rmf
    is "$output" "rmf"
    run_pod 1 container exists rmf
    run_pod rm --ignore nosuchcontainer
    run_pod 1 rm nosuchcontainer
}

@test "stop, rm -f and pod stop return after the container's monitor exited (a systemd unit's main process)" {
    # The monitor runs the exit command after the container ended; a unit
    # whose MainPID is the monitor ends failed when it outlives ExecStop.
    run_pod run -d --name mw "${IMG[@]}" sleep 1000
    mon=$(pod inspect --format '{{.State.ConmonPid}}' mw)
    pid_alive "$mon" || die "no monitor running ($mon)"
    run_pod stop -t 0 mw
    ! pid_alive "$mon" || die "the monitor $mon still runs after stop returned"
    run_pod start mw
    mon=$(pod inspect --format '{{.State.ConmonPid}}' mw)
    run_pod rm -f -t 0 mw
    ! pid_alive "$mon" || die "the monitor $mon still runs after rm -f returned"
    # --rm: the exit command removes it while rm -f stops it.
    run_pod run -d --rm --name mwr "${IMG[@]}" sleep 1000
    mon=$(pod inspect --format '{{.State.ConmonPid}}' mwr)
    run_pod rm -f -t 0 mwr
    ! pid_alive "$mon" || die "the monitor $mon of a --rm container still runs after rm -f returned"
    run_pod 1 container exists mwr
    skip_unless_pods
    run_pod pod create --name mwp
    run_pod run -d --pod mwp --name mwm "${IMG[@]}" sleep 1000
    mons="$(pod inspect --format '{{.State.ConmonPid}}' mwm) $(pod inspect --format '{{.State.ConmonPid}}' "$(pod pod inspect --format '{{.InfraContainerID}}' mwp)")"
    run_pod pod stop -t 0 mwp
    for m in $mons; do ! pid_alive "$m" || die "the monitor $m still runs after pod stop returned"; done
    run_pod pod rm mwp
}

@test "rename, exists, container cleanup" {
    run_pod create --name before "${IMG[@]}" true
    run_pod rename before after
    run_pod container exists after
    run_pod 1 container exists before
    run_pod 125 rename after "bad name"
    run_pod start after
    run_pod wait after
    run_pod container cleanup after
    run_pod inspect --format '{{.State.Status}}' after
    is "$output" "exited"
}

@test "wait returns the exit code; wait on several containers" {
    run_pod run -d --name w1 "${IMG[@]}" sh -c 'sleep 0.3; exit 5'
    run_pod run -d --name w2 "${IMG[@]}" sh -c 'exit 6'
    run_pod wait w1 w2
    is "${lines[0]}" "5"
    is "${lines[1]}" "6"
}
