#!/usr/bin/env bats
# logs: streams, --tail, --since, -t, -f while running, log drivers.

load helpers

@test "logs keep stdout and stderr apart, with --tail and -t" {
    run_pod run --name lg "${IMG[@]}" sh -c 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; printf partial'
    run_pod logs lg
    is "${lines[0]}" "one"
    contains "$output" "two"
    contains "$output" "partial"
    out=$(pod logs lg 2>/dev/null)
    [[ "$out" != *two* ]] || die "stderr line on stdout: $out"
    run_pod logs --tail 1 lg
    is "$output" "partial"
    run_pod logs -t --tail 2 lg
    is "${lines[0]}" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) three"
    run_pod logs --since 1h lg
    contains "$output" "one"
    future=$(date -d '+1 hour' +%s)
    run_pod logs --since $future lg
    is "$output" ""
    run_pod 125 logs --since notatime lg
}

@test "logs -f follows a running container until it exits" {
    run_pod run -d --name lf "${IMG[@]}" sh -c 'for i in 1 2 3; do echo line$i; sleep 0.2; done'
    run_pod logs -f lf
    is "$output" "line1
line2
line3"
}

@test "log drivers: none keeps nothing, k8s-file honours --log-opt path" {
    run_pod run --name ln --log-driver none "${IMG[@]}" echo invisible
    is "$output" "invisible"
    run_pod 125 logs ln
    path=$BATS_TEST_TMPDIR/custom.log
    run_pod run --name lp --log-opt path=$path "${IMG[@]}" echo custom
    grep -q " stdout F custom" "$path" || die "no k8s-file record in $path: $(cat $path)"
    run_pod logs lp
    is "$output" "custom"
    run_pod 125 run --log-driver bogus "${IMG[@]}" true
    run_pod 125 run --log-opt max-size=1k "${IMG[@]}" true
}
