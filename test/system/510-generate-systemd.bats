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

@test "generate systemd of a pod: pod-NAME.service and its members' units, as Podman 4.3.1" {
    # runsc refuses pods (700 checks that); the units are pod's own work: crun
    [[ "$POD_TEST_RUNTIME" != runsc ]] || POD_TEST_RUNTIME=crun
    run_pod pod create --name gpod
    pid=$output
    run_pod create --pod gpod --name gm1 "${IMG[@]}" sleep 100
    m1=$output
    run_pod create --pod gpod --name gm2 "${IMG[@]}" sleep 100
    cd "$BATS_TEST_TMPDIR"
    run_pod generate systemd --files --name gpod
    is "$output" "$BATS_TEST_TMPDIR/pod-gpod.service
$BATS_TEST_TMPDIR/container-gm1.service
$BATS_TEST_TMPDIR/container-gm2.service"
    for f in pod-gpod container-gm1 container-gm2; do verify_unit "$BATS_TEST_TMPDIR/$f.service"; done
    is "$(unit_line pod-gpod.service Wants | tail -1)" "container-gm1.service container-gm2.service"
    is "$(unit_line pod-gpod.service Before)" "container-gm1.service container-gm2.service"
    [[ "$(unit_line pod-gpod.service ExecStart)" == *" start ${pid:0:12}-infra" ]] || die "pod ExecStart: $(unit_line pod-gpod.service ExecStart)"
    is "$(unit_line pod-gpod.service PIDFile)" "$PODT/run/pod/containers/.*/conmon.pid"
    is "$(unit_line container-gm1.service BindsTo)" "pod-gpod.service"
    # Without --name: IDs; --pod-prefix and --separator as Podman.
    run_pod generate systemd --pod-prefix pp --separator _ gpod
    is "${lines[0]}" "# pp_$pid.service"
    contains "$output" "BindsTo=pp_$pid.service"
    contains "$output" "# container_$m1.service"
    # The pod unit's start command starts the infra (the pod's members
    # have units of their own).
    eval "$(unit_line pod-gpod.service ExecStart)" >/dev/null
    run_pod pod inspect --format '{{.State}}' gpod
    is "$output" "Degraded"
}

@test "generate systemd --new of a pod: the units' commands create, run and remove the pod" {
    # runsc refuses pods (700 checks that); the units are pod's own work: crun
    [[ "$POD_TEST_RUNTIME" != runsc ]] || POD_TEST_RUNTIME=crun
    run_pod pod create --name gnp --label a=b
    run_pod create --pod gnp --name gn1 "${IMG[@]}" sleep 100
    run_pod create --pod gnp "${IMG[@]}" sleep 100
    cd "$BATS_TEST_TMPDIR"
    run_pod generate systemd --new --files --name -t 2 gnp
    is "${lines[0]}" "$BATS_TEST_TMPDIR/pod-gnp.service"
    for f in "${lines[@]}"; do verify_unit "$f"; done
    pf=pod-gnp.service
    pre=$(unit_line $pf ExecStartPre)
    is "$(echo "$pre" | tail -1)" ".* pod create --infra-conmon-pidfile %t/pod-gnp.pid --pod-id-file %t/pod-gnp.pod-id --exit-policy=stop --name gnp --label a=b --replace"
    contains "$(unit_line container-gn1.service ExecStart)" " --rm --pod-id-file %t/pod-gnp.pod-id --sdnotify=conmon -d --replace --name gn1 "
    [[ "$(unit_line container-gn1.service ExecStart)" != *"--pod gnp"* ]] || die "--pod kept"
    is "$(unit_line $pf ExecStop)" ".* pod stop --ignore --pod-id-file %t/pod-gnp.pod-id  -t 2"
    # Run the units' commands as systemd would: the pod's first, then its members'.
    pod pod rm -f gnp >/dev/null
    expand() { local s=${1//%t/$BATS_TEST_TMPDIR}; echo "${s//%n/$2}"; }
    while read -r l; do eval "$(expand "$l")" >/dev/null || die "pod ExecStartPre failed: $l"; done <<<"$pre"
    eval "$(expand "$(unit_line $pf ExecStart)")" >/dev/null || die "pod ExecStart failed"
    [[ -s $BATS_TEST_TMPDIR/pod-gnp.pid ]] || die "no infra pid file"
    for f in "${lines[@]:1}"; do
        u=${f##*/}
        eval "$(expand "$(unit_line "$f" ExecStartPre)" "$u")"
        eval "$(expand "$(unit_line "$f" ExecStart)" "$u")" >/dev/null || die "$u ExecStart failed"
    done
    run_pod pod inspect --format '{{.State}} {{.NumContainers}} {{.ExitPolicy}} {{.Labels}}' gnp
    is "$output" "Running 3 stop map\[a:b\]"
    eval "$(expand "$(unit_line $pf ExecStop)")" >/dev/null || die "pod ExecStop failed"
    eval "$(expand "$(unit_line $pf ExecStopPost)")" >/dev/null || die "pod ExecStopPost failed"
    run_pod pod ps -q
    is "$output" ""
    # A pod not made by `pod create`, or without infra, cannot have units.
    run_pod create --pod new:gnew2 "${IMG[@]}" true
    run_pod 125 generate systemd --new gnew2
    contains "$output" "pod does not appear to be created via \`podman pod create\`"
    run_pod pod create --infra=false --name gnoinf
    run_pod 125 generate systemd gnoinf
    contains "$output" 'Pod "gnoinf" has no infra container'
}

@test "generate systemd: bad input is refused with 125" {
    run_pod 125 generate systemd nosuch
    contains "$output" "nosuch does not refer to a container or pod"
    run_pod create --name gbad "${IMG[@]}" true
    run_pod 125 generate systemd --restart-policy=bogus gbad
    contains "$output" "bogus is not a valid restart policy"
    run_pod 125 generate systemd --format yaml gbad
    contains "$output" "unknown --format argument: yaml"
    run_pod 125 generate systemd
}

@test "generate spec: a container's and a pod's settings as Podman's specgen JSON" {
    # runsc refuses pods (700 checks that); the spec is pod's own work: crun
    [[ "$POD_TEST_RUNTIME" != runsc ]] || POD_TEST_RUNTIME=crun
    mkdir -p "$PODT/bind dir"
    run_pod create --name gspec -e 'GREETING=hé llo' --label l=v -v "$PODT/bind dir:/b:ro" -v gsvol:/data \
        --workdir /tmp --stop-timeout 7 "${IMG[@]}" sh -c 'echo hi'
    cid=$output
    run_pod generate spec gspec
    js=$output
    [[ "${lines[1]}" == ' "name": "gspec-clone",' ]] || die "not indented by one space: ${lines[1]}"
    is "$(jq -r '[.name, .env.GREETING, .labels.l, .work_dir, (.stop_timeout|tostring), .init_container_type] | join("|")' <<<"$js")" \
        "gspec-clone|hé llo|v|/tmp|7|"
    is "$(jq -r '.command | join(" ")' <<<"$js")" "sh -c echo hi"
    is "$(jq -r '.mounts[0] | .source + "|" + .destination + "|" + .type' <<<"$js")" "$PODT/bind dir|/b|bind"
    is "$(jq -r '.volumes[0] | .Name + "|" + .Dest' <<<"$js")" "gsvol|/data"
    is "$(jq -r .image <<<"$js")" "$(pod inspect --format '{{.Image}}' "$cid")"
    # -c: one line; --name=false keeps the name; -f writes the file and prints its path.
    run_pod generate spec -c --name=false "$cid"
    is "${#lines[@]}" 1
    is "$(jq -r .name <<<"$output")" "gspec"
    run_pod generate spec -n -f "$PODT/spec.json" gspec
    is "$output" "$PODT/spec.json"
    is "$(jq -r .name "$PODT/spec.json")" "gspec-clone"
    # A pod.
    run_pod pod create --name gpod --label pl=1 --exit-policy stop
    run_pod generate spec --compact gpod
    is "$(jq -r '[.name, .labels.pl, .exit_policy, (.shared_namespaces|join(","))] | join("|")' <<<"$output")" \
        "gpod-clone|1|stop|ipc,net,uts"
    run_pod 125 generate spec nosuch
    is "$output" "Error: could not find a pod or container with the id nosuch"
    run_pod pod rm -f gpod
    run_pod rm -f -v gspec
}
