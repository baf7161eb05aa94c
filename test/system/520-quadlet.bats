#!/usr/bin/env bats
# pod-quadlet: .container files → services; the services' own commands run
# the container under a real NOTIFY_SOCKET listener.

load helpers

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT" "$BATS_FILE_TMPDIR/h"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    (cd "$BATS_TEST_DIRNAME/sdnotify-helper" && CGO_ENABLED=0 go build -o "$BATS_FILE_TMPDIR/h/sdnotify-helper" .)
    export HELPER=$BATS_FILE_TMPDIR/h/sdnotify-helper
}

setup() {
    export QUADLET_UNIT_DIRS=$BATS_TEST_TMPDIR/units
    mkdir -p "$QUADLET_UNIT_DIRS" "$BATS_TEST_TMPDIR/out"
    GLOBAL="--root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp"
}

# unit_value FILE KEY: a key's value in a generated unit (one line each).
unit_value() { sed -n "s/^$2=//p" "$1"; }

# expand CMD: systemd's specifiers for a unit named $1.
expand() {
    local s=$2
    s=${s//%t/$BATS_TEST_TMPDIR}; s=${s//%N/$1}; s=${s//%n/$1.service}; s=${s//%%/%}; s=${s//\$\$/\\\$}
    echo "$s"
}

@test "pod-quadlet: a .container becomes a notify service that runs the container" {
    cat >"$QUADLET_UNIT_DIRS/web.container" <<EOF
[Unit]
Description=quadlet web

[Container]
Image=$IMAGE
Exec=sh -c 'echo "up \$\$0"; sleep 100'
Environment="GREETING=hello world"
Runtime=$POD_TEST_RUNTIME
GlobalArgs=$GLOBAL
Label=app=web

[Service]
Restart=always

[Install]
WantedBy=multi-user.target
EOF
    run "$POD_BIN/pod-quadlet" -dryrun
    [[ $status -eq 0 ]] || die "dryrun: $output"
    contains "$output" "---web.service---"
    contains "$output" "Type=notify"
    "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    u=$BATS_TEST_TMPDIR/out/web.service
    [[ -f $u ]] || die "no web.service"
    [[ "$(readlink "$BATS_TEST_TMPDIR/out/multi-user.target.wants/web.service")" == ../web.service ]] || die "no wants link"
    if command -v systemd-analyze >/dev/null; then
        out=$(systemd-analyze verify "$u" 2>&1) || die "verify: $out"
        [[ -z "$out" ]] || die "verify: $out"
    fi
    is "$(unit_value "$u" KillMode)" mixed
    is "$(unit_value "$u" SourcePath)" "$QUADLET_UNIT_DIRS/web.container"
    start=$(unit_value "$u" ExecStart)
    contains "$start" "$POD_BIN/pod $GLOBAL run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm --cgroups=no-conmon --sdnotify=conmon -d"
    contains "$start" "--runtime $POD_TEST_RUNTIME"

    sock=$BATS_TEST_TMPDIR/n.sock msgs=$BATS_TEST_TMPDIR/msgs
    "$HELPER" listen "$sock" "$msgs" 3>&- &
    lpid=$!
    for i in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
    NOTIFY_SOCKET=$sock eval "$(expand web "$start")" || die "ExecStart failed"
    for i in $(seq 100); do grep -q READY=1 "$msgs" && break; sleep 0.05; done
    kill $lpid
    run_pod inspect --format '{{.State.ConmonPid}} {{index .Config.Labels "app"}}' systemd-web
    is "$output" "[0-9]+ web"
    is "$(head -2 "$msgs")" "MAINPID=${output%% *}
READY=1"
    run_pod exec systemd-web sh -c 'echo "$GREETING"'
    is "$output" "hello world"
    run_pod logs systemd-web
    is "$output" "up sh"
    # A container left by a unit whose stop never ran (its cidfile gone with
    # the runtime directory at a reboot) is replaced by the next start.
    rm "$BATS_TEST_TMPDIR/web.cid"
    eval "$(expand web "$start")" || die "second ExecStart failed"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "systemd-web"
    eval "$(expand web "$(unit_value "$u" ExecStop)")" || die "ExecStop failed"
    stoppost=$(unit_value "$u" ExecStopPost)
    eval "$(expand web "${stoppost#-}")" || die "ExecStopPost failed"
    run_pod ps -a -q
    is "$output" ""
}

@test "pod-quadlet: Notify=yes hands the container the socket; Runtime= takes an absolute path" {
    rt=$POD_TEST_RUNTIME
    [[ "$POD_TEST_KIND" == oci ]] && rt=$(command -v "$POD_TEST_RUNTIME")
    cat >"$QUADLET_UNIT_DIRS/n.container" <<EOF
[Container]
Image=$IMAGE
Exec=sh -c '/h/sdnotify-helper send READY=1; sleep 100'
Volume=$BATS_FILE_TMPDIR/h:/h:ro
Notify=yes
Runtime=$rt
GlobalArgs=$GLOBAL
EOF
    start=$("$POD_BIN/pod-quadlet" -dryrun | sed -n 's/^ExecStart=//p')
    contains "$start" "--sdnotify=container"
    contains "$start" "--runtime $rt "
    sock=$BATS_TEST_TMPDIR/n.sock msgs=$BATS_TEST_TMPDIR/msgs
    "$HELPER" listen "$sock" "$msgs" 3>&- &
    lpid=$!
    for i in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
    NOTIFY_SOCKET=$sock eval "$(expand n "$start")" || die "ExecStart failed"
    for i in $(seq 200); do grep -q READY=1 "$msgs" && break; sleep 0.05; done
    kill $lpid
    run_pod inspect --format '{{.State.ConmonPid}}' systemd-n
    # pod's MAINPID and the relayed READY (which names the monitor too)
    # may come in either order.
    grep -qxF "READY=1" "$msgs" || die "no READY: $(cat "$msgs")"
    is "$(grep MAINPID= "$msgs" | sort -u)" "MAINPID=$output"
    is "$(grep -c MAINPID= "$msgs")" 2
}

@test "pod-quadlet: bad files are errors naming file, line and key; good ones still generate" {
    printf '[Container]\nImage=x\n\n# note\nPublishPort=8080:80\n' >"$QUADLET_UNIT_DIRS/bad.container"
    printf '[Container]\nImage=x\nFrobnicate=yes\n' >"$QUADLET_UNIT_DIRS/unknown.container"
    printf '[Container]\nImage=x\nRuntime=relative/crun\n' >"$QUADLET_UNIT_DIRS/rt.container"
    printf '[Container]\nImage=%s\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/good.container"
    run "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    is "$status" 1
    contains "$output" "$QUADLET_UNIT_DIRS/bad.container:5: key PublishPort: not supported by pod"
    contains "$output" "$QUADLET_UNIT_DIRS/unknown.container:3: key Frobnicate: unknown key in [Container]"
    contains "$output" "$QUADLET_UNIT_DIRS/rt.container:3: key Runtime: runtime \"relative/crun\": a path must be absolute"
    [[ -f $BATS_TEST_TMPDIR/out/good.service ]] || die "good.service not generated"
    [[ ! -e $BATS_TEST_TMPDIR/out/bad.service ]] || die "bad.service generated"
    run "$POD_BIN/pod-quadlet"
    is "$status" 2
    contains "$output" "missing output directory"
}

@test "pod-restart.service: its command starts the restart=always containers (none here)" {
    cmd=$(sed -n 's/^ExecStart=@BINDIR@\/pod \$LOGGING //p' "$BATS_TEST_DIRNAME/../../contrib/systemd/pod-restart.service")
    is "$cmd" "start --all --filter restart-policy=always"
    run_pod create --name plain "${IMG[@]}" true
    run_pod $cmd
    run_pod inspect --format '{{.State.Status}}' plain
    is "$output" created
}
