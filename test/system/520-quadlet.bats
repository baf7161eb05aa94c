#!/usr/bin/env bats
# pod-quadlet: .container files → services; the services' own commands run
# the container under a real NOTIFY_SOCKET listener.

load helpers

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT" "$BATS_FILE_TMPDIR/h"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    sdnotify_helper "$BATS_FILE_TMPDIR/h/sdnotify-helper"
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

@test "pod-quadlet: .volume and .network files become oneshot services; a .container using them requires them and gets their names" {
    subnet="10.$((190 + RANDOM % 2)).$((RANDOM % 250)).0/24"
    cat >"$QUADLET_UNIT_DIRS/qdata.volume" <<EOF
[Volume]
Label=app=q
GlobalArgs=$GLOBAL
EOF
    cat >"$QUADLET_UNIT_DIRS/qnet.network" <<EOF
[Network]
NetworkName=qnet-$$
Subnet=$subnet
Internal=yes
GlobalArgs=$GLOBAL
EOF
    cat >"$QUADLET_UNIT_DIRS/qweb.container" <<EOF
[Container]
Image=$IMAGE
Exec=sh -c 'echo stored >/data/f; exec sleep 100'
Volume=qdata.volume:/data
Network=qnet.network
GlobalArgs=$GLOBAL
EOF
    run "$POD_BIN/pod-quadlet" -dryrun
    [[ $status -eq 0 ]] || die "dryrun: $output"
    "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    for u in qdata-volume qnet-network qweb; do [[ -f $BATS_TEST_TMPDIR/out/$u.service ]] || die "no $u.service"; done
    is "$(unit_value "$BATS_TEST_TMPDIR/out/qweb.service" Requires | tr '\n' ' ')" "qdata-volume.service qnet-network.service "
    is "$(unit_value "$BATS_TEST_TMPDIR/out/qdata-volume.service" Type)" "oneshot"
    # Run the services' commands in systemd's order: the objects, then the
    # container; an object's command may run again (--ignore).
    for u in qdata-volume qnet-network qdata-volume; do
        eval "$(expand "$u" "$(unit_value "$BATS_TEST_TMPDIR/out/$u.service" ExecStart)")" >/dev/null || die "$u's ExecStart failed"
    done
    run_pod volume inspect --format '{{.Name}} {{.Labels.app}}' systemd-qdata
    is "$output" "systemd-qdata q"
    run_pod network inspect --format '{{.Name}} {{.Internal}}' "qnet-$$"
    is "$output" "qnet-$$ true"
    eval "$(expand qweb "$(unit_value "$BATS_TEST_TMPDIR/out/qweb.service" ExecStart)")" >/dev/null || die "qweb's ExecStart failed"
    run_pod exec systemd-qweb cat /data/f
    is "$output" "stored"
    run_pod inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' systemd-qweb
    is "$output" "qnet-$$"
    run_pod rm -f -t 0 systemd-qweb
    run_pod volume rm systemd-qdata
    run_pod network rm "qnet-$$"
    # A reference to a file that is not there: an error naming it.
    printf '[Container]\nImage=x\nVolume=gone.volume:/d\n' >"$QUADLET_UNIT_DIRS/bad.container"
    run "$POD_BIN/pod-quadlet" -dryrun
    contains "$output" "bad.container:3: key Volume: gone.volume: no such file in the unit directories"
}

@test "pod-quadlet: a .pod file creates, starts and removes its pod; Pod= members join it and are bound to its service" {
    skip_unless_pods
    cat >"$QUADLET_UNIT_DIRS/qapp.pod" <<EOF
[Pod]
PodName=qapp-$$
Label=app=qapp
GlobalArgs=$GLOBAL
EOF
    cat >"$QUADLET_UNIT_DIRS/qmember.container" <<EOF
[Container]
Image=$IMAGE
Exec=sleep 100
Pod=qapp.pod
GlobalArgs=$GLOBAL
EOF
    "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    p=$BATS_TEST_TMPDIR/out/qapp-pod.service m=$BATS_TEST_TMPDIR/out/qmember.service
    is "$(unit_value "$p" Type) $(unit_value "$p" PIDFile) $(unit_value "$p" Wants)" "forking %t/%N.pid qmember.service"
    is "$(unit_value "$m" BindsTo)" "qapp-pod.service"
    # systemd's order: the pod's ExecStartPre and ExecStart, then the member.
    for k in ExecStartPre ExecStart; do
        eval "$(expand qapp-pod "$(unit_value "$p" "$k")")" >/dev/null || die "the pod's $k failed"
    done
    [[ -s $BATS_TEST_TMPDIR/qapp-pod.pid ]] || die "no infra monitor pid file (PIDFile=)"
    pid_alive "$(cat "$BATS_TEST_TMPDIR/qapp-pod.pid")" || die "PIDFile's process is not running"
    eval "$(expand qmember "$(unit_value "$m" ExecStart)")" >/dev/null || die "the member's ExecStart failed"
    run_pod inspect --format '{{.Pod}} {{.State.Status}}' systemd-qmember
    is "$output" "$(pod pod inspect "qapp-$$" | jq -r .Id) running" "the member joined the pod"
    run_pod pod inspect --format '{{.Labels.app}}' "qapp-$$"
    is "$output" "qapp"
    # Stopping the pod's service stops and removes the pod and its member.
    for k in ExecStop ExecStopPost; do
        eval "$(expand qapp-pod "$(unit_value "$p" "$k")")" >/dev/null || die "the pod's $k failed"
    done
    run_pod 1 pod exists "qapp-$$"
    run_pod 1 container exists systemd-qmember
}

@test "pod-quadlet: a .kube file plays its YAML (relative to the unit file) and takes it down when it stops" {
    skip_unless_pods
    cat >"$QUADLET_UNIT_DIRS/qk.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: qkube-$$
spec:
  containers:
  - name: c
    image: $IMAGE
    command: ["sleep", "100"]
EOF
    printf '[Kube]\nYaml=qk.yaml\nGlobalArgs=%s\n' "$GLOBAL" >"$QUADLET_UNIT_DIRS/qk.kube"
    "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    k=$BATS_TEST_TMPDIR/out/qk.service
    is "$(unit_value "$k" Type) $(unit_value "$k" RemainAfterExit)" "oneshot yes"
    contains "$(unit_value "$k" ExecStart)" "kube play --replace $QUADLET_UNIT_DIRS/qk.yaml"
    eval "$(expand qk "$(unit_value "$k" ExecStart)")" >/dev/null || die "the .kube's ExecStart failed"
    run_pod pod ps --format '{{.Name}} {{.Status}}' --filter name="qkube-$$"
    is "$output" "qkube-$$ Running"
    eval "$(expand qk "$(unit_value "$k" ExecStopPost)")" >/dev/null || die "the .kube's ExecStopPost failed"
    run_pod 1 pod exists "qkube-$$"
}

@test "pod-quadlet: bad files are errors naming file, line and key; good ones still generate" {
    printf '[Container]\nImage=x\n\n# note\nMask=/x\n' >"$QUADLET_UNIT_DIRS/bad.container"
    printf '[Container]\nImage=x\nFrobnicate=yes\n' >"$QUADLET_UNIT_DIRS/unknown.container"
    printf '[Container]\nImage=x\nRuntime=relative/crun\n' >"$QUADLET_UNIT_DIRS/rt.container"
    printf '[Container]\nImage=%s\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/good.container"
    run "$POD_BIN/pod-quadlet" "$BATS_TEST_TMPDIR/out"
    is "$status" 1
    contains "$output" "$QUADLET_UNIT_DIRS/bad.container:5: key Mask: not supported by pod"
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

@test "systemd as PID 1 in a pod container runs a pod-quadlet unit: READY, MainPID = the monitor, stop removes it" {
    # crun for the outer and the inner container, whatever POD_TEST_RUNTIME
    # (this file runs once: test/system/run-runtimes.sh).
    d=$BATS_TEST_TMPDIR/pid1
    systemd_pid1_setup "$d" sd1
    make_rootfs "$d/inner/bb"
    cat >"$d/q/podtest.container" <<EOF
[Unit]
Description=pod unit under systemd as PID 1

[Container]
Rootfs=/inner/bb
# A clean exit on SIGTERM: the monitor, systemd's main process, exits with
# the container's status, so a SIGKILL after the stop timeout (137) would
# leave the unit failed or inactive by how the stop and the exit race.
Exec=sh -c 'trap "exit 0" TERM; echo inner-up; sleep 1000 & wait'
# The host's network config is read-only in there: no bridge.
Network=none
GlobalArgs=--root /inner/root --runroot /inner/run --tmpdir /inner/tmp --runtime crun
EOF
    QUADLET_UNIT_DIRS=$d/q "$POD_BIN/pod-quadlet" "$d/units"
    printf '[Unit]\nDescription=pod test target\nWants=podtest.service\n' >"$d/units/pod-test.target"
    cat >>"$d/run.sh" <<EOF
for i in \$(seq 100); do
    [ "\$(\$P exec sd1 systemctl show -p SubState --value podtest.service 2>/dev/null)" = running ] && break
    sleep 0.2
done
echo "state=\$(\$P exec sd1 systemctl show -p ActiveState,SubState,MainPID,NotifyAccess --value podtest.service | tr '\n' ' ')"
echo "monitor=\$(\$P exec sd1 \$I inspect --format '{{.State.ConmonPid}}' systemd-podtest)"
echo "logs=\$(\$P exec sd1 \$I logs systemd-podtest)"
\$P exec sd1 systemctl stop podtest.service
echo "after=\$(\$P exec sd1 systemctl show -p ActiveState --value podtest.service) [\$(\$P exec sd1 \$I ps -a -q)]"
# For a failure's log: how the unit's processes ended.
\$P exec sd1 systemctl show -p Result,ExecMainCode,ExecMainStatus podtest.service || true
\$P exec sd1 journalctl -u podtest.service --no-pager -n 40 2>/dev/null || \$P logs -n sd1 2>&1 | tail -40
\$P rm -f -t 0 sd1 >/dev/null
EOF
    systemd_pid1_run "$d"
    state=$(sed -n 's/^state=//p' <<<"$output")
    mon=$(sed -n 's/^monitor=//p' <<<"$output")
    # systemctl prints the values in its own order: NotifyAccess, MainPID, ActiveState, SubState.
    is "$state" "all $mon active running " "podtest.service NotifyAccess MainPID ActiveState SubState"
    is "$(sed -n 's/^logs=//p' <<<"$output")" "inner-up"
    is "$(sed -n 's/^after=//p' <<<"$output")" "inactive \[\]"
}
