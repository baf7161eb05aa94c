#!/usr/bin/env bats
# The journald log driver, written by the monitor and read back by
# `pod logs` through journalctl. This host runs no journald (PID 1 is not
# systemd), so the file starts Debian's systemd-journald in a private mount
# namespace (tmpfs over /run/systemd, /run/log and /var/log/journal: the
# host is untouched) and runs every pod command in it.

load helpers

journal_ns() { cat "$BATS_FILE_TMPDIR/jpid"; }

# pod: as helpers.bash's, inside the journal's mount namespace.
pod() {
    nsenter -t "$(journal_ns)" -m -- "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" \
        --runtime "$POD_TEST_RUNTIME" "$@"
}

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    # bats cannot skip from setup_file: leave the reason for setup.
    local why=
    [[ "$POD_TEST_RUNTIME" != *.* ]] || why="shim runtimes have no journald log driver"
    is_rootless && why="starts systemd-journald in a mount namespace of its own with tmpfs mounts (root)"
    command -v journalctl >/dev/null && [[ -x /lib/systemd/systemd-journald ]] || why="no systemd-journald"
    [[ -d /run/systemd && -d /run/log && -d /var/log/journal ]] || why="no /run/systemd, /run/log or /var/log/journal to mount over"
    if [[ -n $why ]]; then
        echo "$why" >"$BATS_FILE_TMPDIR/skip"
        return 0
    fi
    unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run/systemd && mount -t tmpfs tmpfs /run/log &&
        mount -t tmpfs tmpfs /var/log/journal && exec /lib/systemd/systemd-journald' \
        >"$BATS_FILE_TMPDIR/journald.log" 2>&1 3>&- &
    echo $! >"$BATS_FILE_TMPDIR/jpid"
    local i
    for i in $(seq 100); do
        nsenter -t "$(journal_ns)" -m -- test -S /run/systemd/journal/socket && break
        sleep 0.05
    done
    nsenter -t "$(journal_ns)" -m -- test -S /run/systemd/journal/socket || {
        cat "$BATS_FILE_TMPDIR/journald.log"
        return 1
    }
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
}

setup() {
    [[ ! -f $BATS_FILE_TMPDIR/skip ]] || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
}

teardown_file() {
    if [[ -f $BATS_FILE_TMPDIR/jpid ]]; then
        pod rm -a -f -t 0 >/dev/null 2>&1 || true
        pod rmi -a -f >/dev/null 2>&1 || true
        wait_for_monitors
        kill "$(journal_ns)" 2>/dev/null || true
    fi
}

@test "journald: stdout, stderr, odd bytes and a partial line come back in order" {
    run_pod run --name j1 --log-driver journald "${IMG[@]}" sh -c \
        'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; printf "tab\there ünï\n"; echo out2; printf "no newline"'
    run_pod logs j1
    is "$output" "out1
err1
tab	here ünï
out2
no newline"
    # The entries carry conmon's fields.
    run nsenter -t "$(journal_ns)" -m -- journalctl -o json -q --all CONTAINER_NAME=j1
    contains "$output" '"SYSLOG_IDENTIFIER":"j1"'
    contains "$output" '"PRIORITY":"3"'
}

@test "journald: --tail, --since, --until, -t and --names" {
    run_pod run --name j2 --log-driver journald "${IMG[@]}" sh -c 'for i in 1 2 3 4 5; do echo line$i; done'
    run_pod logs --tail 2 j2
    is "$output" "line4
line5"
    run_pod logs --tail 0 j2
    is "$output" ""
    run_pod logs -t j2
    is "${lines[0]}" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+.* line1"
    run_pod logs --since 2000-01-01T00:00:00Z --until 2000-01-02T00:00:00Z j2
    is "$output" "" "lines logged in 2000"
    run_pod logs --since 10m j2
    is "${#lines[@]}" 5
    run_pod run --name j3 --log-driver journald --log-opt tag=tagged "${IMG[@]}" echo other
    run_pod logs --names j2 j3
    contains "$output" "j2 line1"
    contains "$output" "j3 other"
    run nsenter -t "$(journal_ns)" -m -- journalctl -o json -q --all CONTAINER_TAG=tagged
    contains "$output" '"SYSLOG_IDENTIFIER":"tagged"'
}

@test "journald: logs -f follows a running container until it exits" {
    run_pod run -d --name jf --log-driver journald "${IMG[@]}" sh -c 'echo first; sleep 1; echo second; sleep 1; echo third'
    run_pod logs -f jf
    is "$output" "first
second
third"
    run_pod inspect --format '{{.State.Status}}' jf
    is "$output" exited
}

@test "journald: with no journal on the host, logs says so" {
    run_pod run --name jn --log-driver journald "${IMG[@]}" echo hidden
    # Outside the namespace this host has no journal at all.
    [[ -S /run/systemd/journal/socket ]] && skip "the host runs journald"
    status=0
    output=$("$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" logs jn 2>&1) || status=$?
    is "$status" 125
    contains "$output" "container jn (journald log driver): no systemd journal is readable on this host"
}

@test "journald events backend: container and image events written and read back with filters" {
    run_pod --events-backend journald run --rm --name jev "${IMG[@]}" true
    run_pod --events-backend journald tag "$IMAGE" "$IMAGE:jtag"
    run_pod --events-backend journald events --stream=false --filter container=jev --format '{{.Type}} {{.Status}} {{.Name}}'
    is "$output" "container create jev
container init jev
container start jev
container attach jev
container died jev
container cleanup jev
container remove jev"
    run_pod --events-backend journald events --stream=false --filter type=image --format '{{.Status}} {{.Name}}'
    is "$output" "tag $IMAGE:jtag"
    # The entries carry Podman's journal fields, for journalctl users.
    run nsenter -t "$(journal_ns)" -m -- journalctl -o json --no-pager PODMAN_EVENT=tag
    is "$(jq -r '[.SYSLOG_IDENTIFIER, .PODMAN_TYPE, .PODMAN_NAME] | join(" ")' <<<"$output")" "pod image $IMAGE:jtag"
    # The file backend saw none of it.
    run_pod events --stream=false --filter container=jev
    is "$output" ""
}
