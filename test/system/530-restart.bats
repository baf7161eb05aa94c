#!/usr/bin/env bats
# --restart policies, applied by the monitor's exit command (no daemon, no systemd).

load helpers

# wait_restarts NAME STATUS COUNT [TRIES]: poll until NAME has STATUS and RestartCount COUNT.
wait_restarts() {
    local name=$1 st=$2 n=$3 tries=${4:-200} got
    while ((tries-- > 0)); do
        got=$(pod inspect --format '{{.State.Status}} {{.RestartCount}}' "$name" 2>/dev/null) || true
        [[ "$got" == "$st $n" ]] && return 0
        sleep 0.1
    done
    die "container $name is '$got', expected '$st $n'"
}

# wait_atleast NAME COUNT: poll until NAME's RestartCount is at least COUNT.
wait_atleast() {
    local name=$1 n=$2 tries=200 got=0
    while ((tries-- > 0)); do
        got=$(pod inspect --format '{{.RestartCount}}' "$name" 2>/dev/null) || true
        ((got >= n)) && return 0
        sleep 0.1
    done
    die "container $name restarted $got times, expected at least $n"
}

@test "on-failure:3 runs four times and stays exited with its last exit code" {
    run_pod run -d --name of --restart on-failure:3 "${IMG[@]}" sh -c 'echo run; exit 3'
    wait_restarts of exited 3
    sleep 1.5 # no fifth run
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' of
    is "$output" "exited 3 3 on-failure:3"
    run_pod logs of
    is "$(grep -c run <<<"$output")" 4 "runs"
    # Every run's exit code is in the events.
    run_pod events --stream=false --filter container=of --filter event=died --format '{{.ContainerExitCode}}'
    is "$(tr '\n' ' ' <<<"$output")" "3 3 3 3 "
    run_pod events --stream=false --filter container=of --filter event=restart --format '{{.Status}}'
    is "${#lines[@]}" 3 "restart events"
    run_pod ps -a --filter restart-policy=on-failure --format '{{.Names}} {{.Restarts}}'
    is "$output" "of 3"
    # A success does not restart; a user's start resets the count (Podman).
    run_pod run -d --name ok --restart on-failure "${IMG[@]}" true
    wait_for_status ok exited
    sleep 1
    run_pod inspect --format '{{.RestartCount}}' ok
    is "$output" 0
    run_pod start of
    run_pod inspect --format '{{.RestartCount}}' of
    is "$output" "[0-3]"
}

@test "always survives kill -9 of the container's process, stop ends it" {
    run_pod run -d --name al --restart always "${IMG[@]}" sleep 1000
    wait_for_status al running
    for i in 1 2; do
        run_pod inspect --format '{{.State.Pid}}' al
        pid=$output
        kill -9 "$pid"
        wait_restarts al running "$i"
        run_pod inspect --format '{{.State.Pid}}' al
        [[ "$output" != "$pid" ]] || die "same pid after the restart"
    done
    run_pod events --stream=false --filter container=al --filter event=died --format '{{.ContainerExitCode}}'
    is "$(tr '\n' ' ' <<<"$output")" "137 137 "
    run_pod stop -t 0 al
    sleep 1.5
    run_pod inspect --format '{{.State.Status}} {{.RestartCount}}' al
    is "$output" "exited 2"
    run_pod ps --filter restart-policy=always -a --format '{{.Names}}'
    is "$output" "al"
}

@test "stop ends a loop waiting in its back-off; pod kill does not restart (Podman)" {
    run_pod run -d --name fast --restart always "${IMG[@]}" true
    # `true` exits at once: the back-off grows (0, 100, 200, 400 ms…).
    wait_atleast fast 3
    run_pod stop -t 0 fast
    run_pod inspect --format '{{.RestartCount}}' fast
    n=$output
    sleep 2
    run_pod inspect --format '{{.State.Status}} {{.RestartCount}}' fast
    is "$output" "exited $n"
    run_pod run -d --name k --restart always "${IMG[@]}" sleep 1000
    wait_for_status k running
    run_pod kill k
    sleep 1.5
    run_pod inspect --format '{{.State.Status}} {{.RestartCount}}' k
    is "$output" "exited 0"
}

@test "unless-stopped restarts until stopped; start begins again" {
    run_pod run -d --name us --restart unless-stopped "${IMG[@]}" sh -c 'sleep 0.3; exit 0'
    wait_atleast us 2
    run_pod stop -t 0 us
    run_pod inspect --format '{{.RestartCount}}' us
    n=$output
    sleep 1.5
    run_pod inspect --format '{{.State.Status}} {{.RestartCount}}' us
    is "$output" "exited $n"
    run_pod start us
    wait_atleast us 1
    run_pod stop -t 0 us
}

@test "a foreground run returns the exit code, the restart happens behind it" {
    run_pod 2 run --name fg --restart on-failure:1 "${IMG[@]}" sh -c 'echo attached; exit 2'
    # Attached: the output came through (a crash would exit 2 too).
    is "$output" "attached"
    wait_restarts fg exited 1
    run_pod inspect --format '{{.State.ExitCode}}' fg
    # (Once, rootless on runsc: 0. The state says whether the restart failed.)
    [[ "$output" == 2 ]] || die "exit code $output after the restart: $(pod inspect --format '{{json .State}}' fg)"
}

@test "bad --restart values are refused and create nothing" {
    run_pod 125 run --restart bogus "${IMG[@]}" true
    contains "$output" '"bogus" is not a valid restart policy'
    run_pod 125 create --restart always:3 "${IMG[@]}" true
    contains "$output" "restart policy retries can only be specified with on-failure restart policy"
    run_pod 125 create --restart on-failure:-1 "${IMG[@]}" true
    contains "$output" "must specify restart policy retry count as a number greater than 0"
    run_pod 125 create --restart on-failure:x "${IMG[@]}" true
    contains "$output" "parsing restart policy retry count"
    run_pod 125 run --rm --restart always "${IMG[@]}" true
    contains "$output" 'the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"'
    run_pod run --rm --restart no "${IMG[@]}" true
    run_pod ps -a -q
    is "$output" ""
}
