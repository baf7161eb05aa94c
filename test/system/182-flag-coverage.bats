#!/usr/bin/env bats
# Flags of run/create/ps/logs/exec that no other file exercised, each with
# an assertion on its effect (make flag-coverage lists the rest).

load helpers

@test "run --timeout: the monitor kills the container, exit code -1 as Podman 4.3.1" {
    start=$SECONDS
    run_pod 255 run --name 'to-fg' --timeout 2 "$IMAGE" sh -c 'trap "" TERM; echo started; sleep 100'
    is "$output" "started"
    elapsed=$((SECONDS - start))
    ((elapsed >= 2 && elapsed < 15)) || die "run --timeout 2 took ${elapsed}s"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.Config.Timeout}}' to-fg
    is "$output" "exited -1 2"
    run_pod ps -a --filter name=to-fg --format '{{.Status}}'
    is "$output" "Exited \(-1\) .*"

    # Detached: wait reports -1; nothing of the container is left running.
    run_pod run -d --name to-bg --timeout 1 "$IMAGE" sleep 100
    pid=$(pod inspect --format '{{.State.Pid}}' to-bg)
    run_pod wait to-bg
    is "$output" "-1"
    ! pid_alive "$pid" || die "the container's process $pid outlived its --timeout"

    # A container that ends first keeps its own code.
    run_pod 3 run --name to-quick --timeout 30 "$IMAGE" sh -c 'exit 3'
    run_pod inspect --format '{{.State.ExitCode}}' to-quick
    is "$output" "3"

    # create --timeout counts from the start; a restart gets the limit again.
    run_pod create --name to-created --timeout 1 "$IMAGE" sleep 100
    run_pod start to-created
    run_pod wait to-created
    is "$output" "-1"
    run_pod start to-created
    run_pod wait to-created
    is "$output" "-1"

    run_pod 125 run --timeout -1 "$IMAGE" true
    run_pod 125 run --timeout x "$IMAGE" true
}
