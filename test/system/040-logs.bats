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
    run_pod 125 run --log-opt max-size=-1 "${IMG[@]}" true
    contains "$output" 'invalid --log-opt max-size="-1"'
}

@test "--log-opt max-size below 8192 bytes is taken, as Podman 4.3.1: the log is emptied before a line would pass it" {
    # 200 lines of the same length: the log is emptied before the line that
    # would pass 1000 bytes, so it ends with the last 200 % (1000 / RECORD)
    # lines (Podman's conmon keeps line-192 to line-199, as pod does).
    run_pod run --name small --log-opt max-size=1000 "${IMG[@]}" \
        sh -c 'i=0; while [ $i -lt 200 ]; do echo line-$(printf %03d $i)-xxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done'
    is "$(pod inspect --format '{{.HostConfig.LogConfig.Size}}' small)" "1kB"
    local path rec n
    path=$(pod inspect --format '{{.HostConfig.LogConfig.Path}}' small)
    rec=$(head -1 "$path" | wc -c)
    n=$((200 % (1000 / rec)))
    (( n > 0 )) || die "record of $rec bytes: the test needs a remainder"
    is "$(stat -c %s "$path")" "$((n * rec))" "log size"
    run_pod logs small
    is "${#lines[@]}" "$n"
    is "${lines[0]}" "line-$(printf %03d $((200 - n)))-x*"
    is "${lines[-1]}" "line-199-x*"
    # A size smaller than one line: each line replaces the one before.
    run_pod run --name tiny --log-opt max-size=1 "${IMG[@]}" sh -c 'echo first; echo second'
    run_pod logs tiny
    is "$output" "second"
}

# sorted_by_time: the second field of every line (a -t timestamp) is in order.
sorted_by_time() {
    local prev="" t
    while read -r _ t _; do
        [[ -z "$prev" || ! "$t" < "$prev" ]] || die "line at $t printed after one at $prev"
        prev=$t
    done <<<"$1"
}

@test "logs of several containers: labelled, interleaved in time order" {
    run_pod run -d --name m1 "${IMG[@]}" sh -c 'for i in 1 2 3 4; do echo m1-$i; echo m1-err$i >&2; sleep 0.15; done'
    id1=${output:0:12}
    run_pod run -d --name m2 "${IMG[@]}" sh -c 'for i in 1 2 3 4; do echo m2-$i; sleep 0.1; done'
    id2=${output:0:12}
    run_pod wait m1 m2
    run_pod logs -t m1 m2
    is "${#lines[@]}" "12" "line count"
    sorted_by_time "$output"
    contains "$output" "$id1 "
    contains "$output" "$id2 "
    run_pod logs -t --names m1 m2
    sorted_by_time "$output"
    contains "$output" "m2 "
    [[ "$output" != *"$id1"* ]] || die "--names printed IDs: $output"
    # Streams stay apart when several containers are read.
    out=$(pod logs m1 m2 2>/dev/null)
    [[ "$out" != *err* ]] || die "stderr on stdout: $out"
    # One container: no label, with or without --names (as Podman).
    run_pod logs --names m2
    is "${lines[0]}" "m2-1"
    run_pod logs --tail 1 m1 m2
    is "${#lines[@]}" "2" "--tail 1 of two containers"
    run_pod 125 logs m1 nosuch
    contains "$output" 'no container with name or ID "nosuch" found'
}

@test "logs -f of several running containers follows all until they exit" {
    run_pod run -d --name f1 "${IMG[@]}" sh -c 'sleep 0.5; for i in 1 2 3; do echo f1-$i; sleep 0.2; done'
    run_pod run -d --name f2 "${IMG[@]}" sh -c 'for i in 1 2 3; do echo f2-$i; sleep 0.3; done'
    run_pod logs -f -t --names f1 f2
    # Live lines come as they are read, so only the count and labels are checked.
    is "${#lines[@]}" "6" "lines followed: $output"
    contains "$output" "f1 "
    contains "$output" "f2 "
}
