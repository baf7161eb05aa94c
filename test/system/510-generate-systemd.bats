#!/usr/bin/env bats
# pod generate systemd: Podman 4.3.1's units, checked by systemd-analyze
# verify and by running the --new unit's own commands under a real
# NOTIFY_SOCKET listener.

load helpers

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT" "$BATS_FILE_TMPDIR/h"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    sdnotify_helper "$BATS_FILE_TMPDIR/h/sdnotify-helper"
    export HELPER=$BATS_FILE_TMPDIR/h/sdnotify-helper
}

# verify_unit FILE: systemd-analyze verify prints nothing and succeeds.
verify_unit() {
    command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
    local out
    out=$(SYSTEMD_UNIT_PATH="$(dirname "$1"):" systemd-analyze verify "$1" 2>&1) || die "verify $1: $out"
    [[ -z "$out" ]] || die "verify $1: $out"
}

# unit_line FILE KEY: the value of KEY with continuation lines joined.
unit_line() {
    sed -e ':a' -e '/\\$/N; s/ \\\n\t/ /; ta' "$1" | sed -n "s/^$2=//p"
}

@test "generate systemd: the existing container's unit (forking, monitor pid file)" {
    run_pod create --name gweb -e A=1 "${IMG[@]}" sleep 100
    id=$output
    run_pod generate systemd gweb
    is "${lines[0]}" "# container-$id.service"
    contains "$output" "Type=forking"
    contains "$output" "PIDFile=$PODT/run/pod/containers/$id/conmon.pid"
    contains "$output" "TimeoutStopSec=70"
    contains "$output" "Restart=on-failure"
    contains "$output" "ExecStart=$POD_BIN/pod \\"
    cd "$BATS_TEST_TMPDIR"
    run_pod generate systemd --files --name --no-header --restart-policy=always --restart-sec 4 --time 3 \
        --wants a.service --after b.service --requires c.service gweb
    is "$output" "$BATS_TEST_TMPDIR/container-gweb.service"
    f=$output
    is "$(head -1 "$f")" "# container-gweb.service"
    grep -qx "RestartSec=4" "$f" || die "no RestartSec"
    grep -qx "TimeoutStopSec=63" "$f" || die "no TimeoutStopSec=63"
    grep -qx "Requires=c.service" "$f" || die "no Requires"
    for d in a b c; do printf '[Service]\nExecStart=/bin/true\n' >"$BATS_TEST_TMPDIR/$d.service"; done
    verify_unit "$f"
    # The unit's start command is the one that works.
    [[ "$(unit_line "$f" ExecStart)" == *" start gweb" ]] || die "ExecStart: $(unit_line "$f" ExecStart)"
    run_pod generate systemd --format json --container-prefix ab --separator _ --name gweb
    is "$(echo "$output" | jq -r 'keys[0]')" "ab_gweb"
    echo "$output" | jq -r '.ab_gweb' | grep -q '^Type=forking$' || die "json content"
}

@test "generate systemd --new: a notify unit whose commands run the container and notify READY" {
    run_pod create --name gnew --stop-timeout 5 -e 'V=a b' "${IMG[@]}" sh -c 'echo "$V"; sleep 100'
    cd "$BATS_TEST_TMPDIR"
    run_pod generate systemd --new --name --files gnew
    f=$output
    verify_unit "$f"
    grep -qx "Type=notify" "$f" && grep -qx "NotifyAccess=all" "$f" || die "not a notify unit: $(cat "$f")"
    start=$(unit_line "$f" ExecStart)
    contains "$start" " run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --name gnew"
    contains "$start" '-e "V=a b"'
    # Run the unit's commands as systemd would (%t, %n expanded) under a listener.
    pod rm gnew >/dev/null
    sock=$BATS_TEST_TMPDIR/n.sock msgs=$BATS_TEST_TMPDIR/msgs
    "$HELPER" listen "$sock" "$msgs" 3>&- &
    lpid=$!
    for i in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
    # systemd's specifiers and $$ (a literal $), for bash's eval.
    expand() {
        local s=$1
        s=${s//%t/$BATS_TEST_TMPDIR}; s=${s//%n/container-gnew.service}; s=${s//%%/%}; s=${s//\$\$/\\\$}
        echo "$s"
    }
    eval "$(expand "$(unit_line "$f" ExecStartPre)")"
    NOTIFY_SOCKET=$sock eval "$(expand "$start")" || die "ExecStart failed"
    for i in $(seq 100); do grep -q READY=1 "$msgs" && break; sleep 0.05; done
    kill $lpid
    run_pod inspect --format '{{.State.ConmonPid}} {{.State.Status}}' gnew
    is "$output" "[0-9]+ running"
    is "$(head -2 "$msgs")" "MAINPID=${output% *}
READY=1"
    [[ -s $BATS_TEST_TMPDIR/container-gnew.service.ctr-id ]] || die "no cidfile"
    run_pod logs gnew
    is "$output" "a b"
    eval "$(expand "$(unit_line "$f" ExecStop)")" || die "ExecStop failed"
    eval "$(expand "$(unit_line "$f" ExecStopPost)")" || die "ExecStopPost failed"
    run_pod ps -a -q
    is "$output" "" "containers after ExecStopPost"
    # ExecStop/ExecStopPost of a unit whose container is gone succeed (--ignore).
    eval "$(expand "$(unit_line "$f" ExecStop)")" || die "ExecStop on nothing failed"
}

@test "generate systemd: bad input is refused with 125" {
    run_pod 125 generate systemd nosuch
    contains "$output" "nosuch does not refer to a container"
    run_pod create --name gbad "${IMG[@]}" true
    run_pod 125 generate systemd --restart-policy=bogus gbad
    contains "$output" "bogus is not a valid restart policy"
    run_pod 125 generate systemd --format yaml gbad
    contains "$output" "unknown --format argument: yaml"
    run_pod 125 generate systemd
}
