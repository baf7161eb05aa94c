#!/usr/bin/env bats
# Healthchecks scheduled by the container's monitor: no systemd, no timers.

load helpers

# wait_health NAME STATUS [TRIES]: poll inspect until the health status is STATUS.
wait_health() {
    local name=$1 want=$2 tries=${3:-150} got
    while ((tries-- > 0)); do
        got=$(pod inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null) || true
        [[ "$got" == "$want" ]] && return 0
        sleep 0.1
    done
    die "container $name health is '$got', expected '$want'"
}

@test "no systemd runs here: the monitor schedules the checks" {
    [[ "$(cat /proc/1/comm)" != systemd ]] || skip "PID 1 is systemd"
    ! pgrep -x systemd >/dev/null || skip "a systemd runs"
    # The first check waits for /tmp/go, which the test makes once it has
    # seen "starting": a loaded machine cannot run two checks (retries 2)
    # before `ps` looks, whatever the interval.
    run_pod run -d --name h --health-cmd 'until test -e /tmp/go; do sleep 0.1; done; test -e /tmp/ok && echo fine' --health-interval 1s --health-retries 2 "${IMG[@]}" sleep 1000
    run_pod ps --format '{{.Status}}'
    is "$output" "Up .* \(starting\)"
    run_pod exec h touch /tmp/go
    wait_health h unhealthy
    run_pod ps --format '{{.Status}}'
    is "$output" "Up .* \(unhealthy\)"
    run_pod ps --filter health=unhealthy --format '{{.Names}}'
    is "$output" "h"
    run_pod exec h touch /tmp/ok
    wait_health h healthy
    run_pod inspect --format '{{json .State.Health}}' h
    last=$(jq -c '.Log[-1] | [.ExitCode, .Output]' <<<"$output")
    is "$last" '\[0,"fine"\]'
    is "$(jq '.FailingStreak' <<<"$output")" 0
    (( $(jq '.Log | length' <<<"$output") <= 5 )) || die "more than 5 log entries"
    run_pod ps --filter health=healthy --format '{{.Names}}'
    is "$output" "h"
    run_pod events --stream=false --filter event=health_status --filter container=h --format '{{.HealthStatus}}'
    contains "$output" "unhealthy"
    contains "$output" "healthy"
    # The checks write no exec events (Podman): only our own exec's.
    run_pod events --stream=false --filter container=h --filter event=exec --format '{{.Status}}'
    is "$output" "exec
exec"
    run_pod inspect --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}}' h
    is "$output" '\{"Test":\["CMD-SHELL","until test -e /tmp/go; do sleep 0.1; done; test -e /tmp/ok && echo fine"\],"Interval":1000000000,"Timeout":30000000000,"Retries":2\} none'
}

@test "healthcheck run: 0 healthy, 1 unhealthy, 125 errors (as Podman)" {
    run_pod run -d --name good --health-cmd true --health-interval disable "${IMG[@]}" sleep 1000
    run_pod run -d --name bad --health-cmd '["sh","-c","echo no; exit 3"]' --health-interval disable "${IMG[@]}" sleep 1000
    run_pod run -d --name none "${IMG[@]}" sleep 1000
    run_pod healthcheck run good
    is "$output" ""
    run_pod 1 healthcheck run bad
    is "$output" "unhealthy"
    run_pod inspect --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{json .State.Health.Log}}' bad
    is "$output" 'starting 1 \[\{.*"ExitCode":3,"Output":"no"\}\]'
    run_pod 125 healthcheck run none
    contains "$output" "has no defined healthcheck"
    run_pod 125 healthcheck run nosuch
    contains "$output" "unable to look up nosuch to perform a health check"
    run_pod stop -t 0 good
    run_pod 125 healthcheck run good
    contains "$output" "is not running"
    # Not scheduled with --health-interval=disable: nothing ran by itself.
    sleep 1.2
    run_pod inspect --format '{{len .State.Health.Log}}' bad
    is "$output" 1
    # Inside the start period a failure is "starting" and does not count.
    run_pod run -d --name sp --health-cmd false --health-interval disable --health-start-period 1m "${IMG[@]}" sleep 1000
    run_pod 1 healthcheck run sp
    is "$output" "starting"
    run_pod inspect --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' sp
    is "$output" "starting 0"
    # A command that cannot run is a failed check, not an error.
    run_pod run -d --name nx --health-cmd '["/no/such/binary"]' --health-interval disable --health-retries 1 "${IMG[@]}" sleep 1000
    run_pod 1 healthcheck run nx
    is "$output" "unhealthy"
}

@test "each --health-on-failure action" {
    for a in none kill stop restart; do
        run_pod run -d --name "of-$a" --health-cmd false --health-interval 1s --health-retries 1 --health-on-failure "$a" "${IMG[@]}" sleep 1000
    done
    run_pod inspect --format '{{.State.StartedAt}}' of-restart
    started=$output
    wait_for_status of-kill exited 100
    wait_for_status of-stop exited 100
    run_pod inspect --format '{{.State.ExitCode}}' of-kill
    is "$output" 137
    for ((i = 0; i < 100; i++)); do
        run_pod inspect --format '{{.State.StartedAt}}' of-restart
        [[ "$output" != "$started" ]] && break
        sleep 0.1
    done
    [[ "$output" != "$started" ]] || die "of-restart was not restarted"
    run_pod events --stream=false --filter container=of-restart --filter event=restart --format '{{.Name}}'
    contains "$output" "of-restart"
    wait_health of-none unhealthy
    run_pod inspect --format '{{.State.Status}} {{.State.Health.Status}} {{.HostConfig.RestartPolicy.Name}}' of-none
    is "$output" "running unhealthy "
    run_pod inspect --format '{{.Config.HealthcheckOnFailureAction}}' of-stop
    is "$output" "stop"
}

# hc_image NAME TEST-JSON: a docker-archive of busybox with a HEALTHCHECK, loaded as NAME.
hc_image() {
    local dir=$BATS_TEST_TMPDIR/img name=$1 test=$2
    mkdir -p "$dir"
    cp "$(busybox_tarball)" "$dir/layer.tar"
    local diff
    diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
    cat >"$dir/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Cmd":["sleep","1000"],"Healthcheck":{"Test":$test,"Interval":1000000000,"Retries":1}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff"]}}
JSON
    echo "[{\"Config\":\"config.json\",\"RepoTags\":[\"$name\"],\"Layers\":[\"layer.tar\"]}]" >"$dir/manifest.json"
    tar -C "$dir" -cf "$dir.tar" config.json manifest.json layer.tar
    pod load -q -i "$dir.tar" >/dev/null
}

@test "the image's HEALTHCHECK, overridden and disabled by flags" {
    hc_image localhost/hcimg:latest '["CMD-SHELL","test -e /tmp/ok"]'
    run_pod run -d --name img localhost/hcimg:latest
    run_pod inspect --format '{{json .Config.Healthcheck}}' img
    is "$output" '\{"Test":\["CMD-SHELL","test -e /tmp/ok"\],"Interval":1000000000,"Timeout":30000000000,"Retries":1\}'
    wait_health img unhealthy
    run_pod exec img touch /tmp/ok
    wait_health img healthy
    run_pod run -d --name over --health-cmd 'echo flag' --health-interval disable localhost/hcimg:latest
    run_pod healthcheck run over
    run_pod inspect --format '{{(index .State.Health.Log 0).Output}} {{.Config.Healthcheck.Retries}}' over
    is "$output" "flag 3" # --health-cmd replaces the image's check, defaults and all
    run_pod run -d --name off --no-healthcheck localhost/hcimg:latest
    run_pod inspect --format '{{.Config.Healthcheck}}' off
    is "$output" "<nil>"
    run_pod run -d --name off2 --health-cmd none localhost/hcimg:latest
    run_pod 125 healthcheck run off2
    contains "$output" "has no defined healthcheck"
    run_pod ps --format '{{.Names}} {{.Status}}' --filter name=off
    is "$output" "off Up .* ago
off2 Up .* ago"
}

@test "bad healthcheck flags are refused and create nothing" {
    run_pod 125 create --health-cmd true --health-interval 500ms "${IMG[@]}"
    contains "$output" "healthcheck-interval must be at least 1 second"
    run_pod 125 create --health-cmd true --health-retries 0 "${IMG[@]}"
    contains "$output" "healthcheck-retries must be greater than 0"
    run_pod 125 create --health-cmd true --health-timeout 0s "${IMG[@]}"
    contains "$output" "healthcheck-timeout must be at least 1 second"
    run_pod 125 create --health-cmd true --health-start-period -1s "${IMG[@]}"
    contains "$output" "healthcheck-start-period must be 0 seconds or greater"
    run_pod 125 create --health-cmd true --health-on-failure explode "${IMG[@]}"
    contains "$output" 'invalid healthcheck on-failure action "explode"'
    run_pod 125 create --no-healthcheck --health-cmd true "${IMG[@]}"
    contains "$output" "cannot specify both --no-healthcheck and --health-cmd"
    run_pod ps -a -q
    is "$output" ""
}

@test "with the real conmon (--conmon), pod-conmon runs the checks beside it as a timer" {
    [[ "$POD_TEST_RUNTIME" != *.* ]] || skip "shim runtimes run under pod-shim, not conmon"
    conmon=$(command -v conmon) || skip "no conmon installed"
    run_pod --conmon "$conmon" run -d --name hc --health-cmd 'test -e /tmp/ok' --health-interval 1s --health-retries 2 \
        "${IMG[@]}" sh -c 'touch /tmp/ok; exec sleep 1000'
    run_pod inspect --format '{{.State.ConmonPid}}' hc
    is "$(cat /proc/"$output"/comm)" "conmon" "the container's monitor"
    wait_health hc healthy
    run_pod exec hc rm /tmp/ok
    wait_health hc unhealthy
    # One timer, watching this container's process; it ends with it.
    pid=$(pod inspect --format '{{.State.Pid}}' hc)
    timers=$(pgrep -f -- "--periodic-pid $pid\$" | wc -l)
    is "$timers" 1 "timers of the container"
    run_pod rm -f -t 0 hc
    for ((i = 0; i < 50; i++)); do
        pgrep -f -- "--periodic-pid $pid\$" >/dev/null || break
        sleep 0.1
    done
    ! pgrep -f -- "--periodic-pid $pid\$" || die "the timer outlived its container"
}
