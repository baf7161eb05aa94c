#!/usr/bin/env bats
# --sdnotify=conmon|container|ignore against a real NOTIFY_SOCKET listener
# (test/system/sdnotify-helper, a static Go binary that also sends from
# inside the busybox container).

load helpers

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT" "$BATS_FILE_TMPDIR/h"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    sdnotify_helper "$BATS_FILE_TMPDIR/h/sdnotify-helper"
    export HELPER=$BATS_FILE_TMPDIR/h/sdnotify-helper
}

# listen: a unixgram listener at $SOCK that appends each datagram to $MSGS.
listen() {
    export SOCK=$BATS_TEST_TMPDIR/notify.sock MSGS=$BATS_TEST_TMPDIR/msgs
    : >"$MSGS"
    "$HELPER" listen "$SOCK" "$MSGS" 3>&- &
    LISTENER=$!
    local i
    for i in $(seq 100); do [[ -S $SOCK ]] && return 0; sleep 0.05; done
    die "listener did not bind $SOCK"
}

# wait_msgs N: wait until N datagrams arrived (10 s at most).
wait_msgs() {
    local i
    for i in $(seq 200); do
        (($(grep -c '^--$' "$MSGS") >= $1)) && return 0
        sleep 0.05
    done
    echo "# got: $(cat "$MSGS")"
    die "expected $1 sd_notify datagrams"
}

teardown() {
    [[ -n "$LISTENER" ]] && kill "$LISTENER" 2>/dev/null
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
}

@test "--sdnotify=conmon: MAINPID is the monitor, READY=1 once the container runs" {
    listen
    NOTIFY_SOCKET=$SOCK run_pod run -d --sdnotify=conmon --name nc "${IMG[@]}" sleep 100
    wait_msgs 1
    run_pod inspect --format '{{.State.ConmonPid}} {{.Config.SdNotifyMode}}' nc
    mon=${output%% *}
    is "${output#* }" conmon
    is "$(cat "$MSGS")" "MAINPID=$mon
READY=1
--"
    pid_alive "$mon" || die "MAINPID $mon is not running"
    # The container itself gets no socket in conmon mode.
    run_pod exec nc sh -c 'echo "[$NOTIFY_SOCKET]"; ls /run/notify 2>&1 || true'
    contains "$output" "[]"
    # A start of the stopped container notifies again.
    run_pod stop -t 0 nc
    NOTIFY_SOCKET=$SOCK run_pod start nc
    wait_msgs 2
    run_pod inspect --format '{{.State.ConmonPid}}' nc
    [[ "$(tail -3 "$MSGS")" == "MAINPID=$output"$'\nREADY=1\n--' ]] || die "second start: $(cat "$MSGS")"
}

@test "--sdnotify=container: the container's READY is relayed, MAINPID set by pod, run -d does not wait" {
    listen
    mkdir -p "$BATS_TEST_TMPDIR/go"
    # The container notifies only once the test says so: run -d returns
    # before, and other commands are not blocked meanwhile.
    NOTIFY_SOCKET=$SOCK run_pod run -d --sdnotify=container --name ctr -v "$BATS_FILE_TMPDIR/h:/h:ro" \
        -v "$BATS_TEST_TMPDIR/go:/go" "${IMG[@]}" \
        sh -c 'echo "sock=$NOTIFY_SOCKET"; i=0; while [ ! -e /go/now ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
               /h/sdnotify-helper send "STATUS=serving\nMAINPID=1\nREADY=1\nFDSTORE=1"; sleep 100'
    wait_msgs 1
    run_pod inspect --format '{{.State.ConmonPid}}' ctr
    mon=$output
    is "$(cat "$MSGS")" "MAINPID=$mon
--"
    NOTIFY_SOCKET=$SOCK timeout 20 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" ps --format '{{.Names}} {{.Status}}' >"$BATS_TEST_TMPDIR/ps"
    contains "$(cat "$BATS_TEST_TMPDIR/ps")" "ctr Up"
    is "$(cat "$MSGS")" "MAINPID=$mon
--" "messages before the container notified"
    touch "$BATS_TEST_TMPDIR/go/now"
    wait_msgs 2
    # Only state lines pass; the container cannot set MAINPID or use the fd store.
    # The relay names the monitor as main process with each message.
    is "$(sed -n '3,$p' "$MSGS")" "MAINPID=$mon
STATUS=serving
READY=1
--"
    run_pod logs ctr
    is "$output" "sock=/run/notify/notify.sock"
}

@test "--sdnotify=ignore sends nothing and hands the container nothing" {
    listen
    NOTIFY_SOCKET=$SOCK run_pod run -d --sdnotify=ignore --name ig -v "$BATS_FILE_TMPDIR/h:/h:ro" "${IMG[@]}" \
        sh -c 'echo "[$NOTIFY_SOCKET]"; /h/sdnotify-helper send READY=1; sleep 100'
    wait_for_output ig "NOTIFY_SOCKET is not set"
    run_pod logs ig
    contains "$output" "[]"
    contains "$output" "NOTIFY_SOCKET is not set"
    sleep 1
    is "$(cat "$MSGS")" "" "datagrams in ignore mode"
}

@test "without NOTIFY_SOCKET the default mode gives the container no socket" {
    NOTIFY_SOCKET= run_pod run --rm "${IMG[@]}" sh -c 'echo "[$NOTIFY_SOCKET]"; ls /run/notify 2>&1 || true'
    contains "$output" "[]"
    contains "$output" "No such file"
}

@test "--sdnotify=healthy: run -d returns once the healthcheck passed, then READY=1 with MAINPID; a container that stops first fails" {
    listen
    NOTIFY_SOCKET=$SOCK run_pod run -d --sdnotify=healthy --name nh --health-cmd 'test -e /tmp/up' --health-interval 1s \
        "${IMG[@]}" sh -c 'sleep 2; touch /tmp/up; exec sleep 100'
    # pod waited: the check has passed, and systemd was told.
    run_pod inspect --format '{{.State.Health.Status}} {{.State.ConmonPid}} {{.Config.SdNotifyMode}}' nh
    is "$output" "healthy [0-9]+ healthy"
    mon=$(cut -d' ' -f2 <<<"$output")
    wait_msgs 2
    is "$(cat "$MSGS")" "MAINPID=$mon
--
MAINPID=$mon
READY=1
--" "MAINPID at the start, READY once healthy"
    # A container that exits before it is healthy: an error, no READY.
    : >"$MSGS"
    NOTIFY_SOCKET=$SOCK run_pod 125 run -d --sdnotify=healthy --name nh2 --health-cmd false --health-interval 1s "${IMG[@]}" sleep 1
    contains "$output" "container nh2 stopped (exited) before its healthcheck passed (--sdnotify=healthy)"
    ! grep -q READY "$MSGS" || die "READY sent for a container that never was healthy: $(cat "$MSGS")"
}

@test "--sdnotify: healthy needs a healthcheck, bad values are refused (125, nothing created)" {
    run_pod 125 create --sdnotify=healthy "${IMG[@]}" true
    contains "$output" 'sdnotify policy "healthy" requires a healthcheck to be set'
    run_pod 125 create --sdnotify=healthy --health-cmd true --health-interval disable "${IMG[@]}" true
    contains "$output" 'sdnotify policy "healthy" requires a healthcheck to be set'
    run_pod 125 run --sdnotify=bogus "${IMG[@]}" true
    contains "$output" 'invalid --sdnotify value "bogus"'
    run_pod ps -a -q
    is "$output" ""
}

@test "socket activation: systemd's LISTEN_FDS sockets are the container's fds 3.., LISTEN_PID=1; a runtime that cannot pass fds warns" {
    command -v systemd-socket-activate >/dev/null || skip "needs systemd-socket-activate"
    local port out=$BATS_TEST_TMPDIR/out
    port=$((20000 + RANDOM % 20000))
    # systemd-socket-activate binds the socket, waits for the first datagram
    # and execs the unit's command with LISTEN_FDS=1 and LISTEN_PID its pid,
    # as systemd does for a .socket's service.
    cat >"$BATS_TEST_TMPDIR/unit.sh" <<UNIT
#!/bin/bash
exec "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" --runtime "$POD_TEST_RUNTIME" \
    run --rm --network none $IMAGE sh -c 'echo "fds=\$LISTEN_FDS pid=\$LISTEN_PID names=\$LISTEN_FDNAMES"; [ -S /proc/self/fd/3 ] || exit 3; head -c 6 <&3'
UNIT
    chmod +x "$BATS_TEST_TMPDIR/unit.sh"
    timeout 60 systemd-socket-activate --datagram -l "127.0.0.1:$port" --fdname=echo "$BATS_TEST_TMPDIR/unit.sh" >"$out" 2>&1 3>&- &
    local sa=$! i
    for i in $(seq 100); do grep -q "^Listening" "$out" && break; sleep 0.1; done
    echo hello >"/dev/udp/127.0.0.1/$port"
    # The datagram that started the unit stays queued for the container.
    wait "$sa" || true
    cat "$out"
    if [[ "$POD_TEST_KIND" == oci ]] && ! is_gvisor; then
        grep -qx "fds=1 pid=1 names=echo" "$out" || die "no LISTEN_* in the container"
        grep -qx "hello" "$out" || die "the container did not read the datagram from fd 3"
    else
        grep -q "cannot pass file descriptors to a container: the 1 socket(s) of LISTEN_FDS" "$out" || die "no warning"
        grep -qx "fds= pid= names=" "$out" || die "LISTEN_* set without the sockets"
    fi
}
