#!/usr/bin/env bats
# pod auto-update: the policy label, the unit label a systemd unit's
# environment gives, dry runs, and what happens without systemd (this host
# has none as PID 1; 520's PID-1 test restarts a real unit).

load helpers

@test "auto-update: PODMAN_SYSTEMD_UNIT becomes a label; local policy pending after a new image; no systemd: failed, no rollback" {
    run_pod tag "$IMAGE" localhost/au:1
    old=$(pod image inspect --format '{{.Id}}' localhost/au:1)
    PODMAN_SYSTEMD_UNIT=au.service run_pod run -d --name au --label io.containers.autoupdate=local localhost/au:1 sleep 1000
    run_pod inspect --format '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}' au
    is "$output" "au.service"
    # a container without the policy label does not take part
    PODMAN_SYSTEMD_UNIT=other.service run_pod run -d --name plain localhost/au:1 sleep 1000

    run_pod auto-update --dry-run
    is "${lines[0]}" "UNIT +CONTAINER +IMAGE +POLICY +UPDATED"
    is "${lines[1]}" "au.service +[0-9a-f]{12} \(au\) +localhost/au:1 +local +false"
    is "${#lines[@]}" 2

    # a new local image under the same name
    run_pod exec au sh -c 'echo v2 > /v'
    run_pod commit -q au localhost/au:1
    new=$output
    run_pod auto-update --dry-run --format '{{.Unit}} {{.ContainerName}} {{.Policy}} {{.Updated}}'
    is "$output" "au.service au local pending"
    run_pod auto-update --dry-run --format json
    is "$(jq -r '.[0].Updated + " " + .[0].ContainerID' <<<"$output")" "pending $(pod inspect --format '{{.Id}}' au)"

    # no systemd here: the restart fails, and nothing is rolled back
    run_pod 125 auto-update --rollback=false --format '{{.Unit}} {{.Updated}}'
    is "${lines[0]}" "au.service failed"
    run_pod 125 auto-update --format '{{.Unit}} {{.Updated}}'
    is "${lines[0]}" "au.service failed"
    contains "$output" "cannot connect to systemd"
    is "$(pod image inspect --format '{{.Id}}' localhost/au:1)" "${new#sha256:}" "the new image keeps the name"
    run_pod inspect --format '{{.State.Status}}' au
    is "$output" running
    run_pod rm -f -t 0 au plain
}

@test "auto-update: refusals name the container and the fix" {
    run_pod run -d --name nounit --label io.containers.autoupdate=local "$IMAGE" sleep 1000
    run_pod 125 auto-update --dry-run
    contains "$output" "no PODMAN_SYSTEMD_UNIT label found"
    run_pod rm -f -t 0 nounit
    PODMAN_SYSTEMD_UNIT=x.service run_pod run -d --name shortname --label io.containers.autoupdate=registry busybox sleep 1000
    run_pod 125 auto-update --dry-run
    contains "$output" "\"busybox\" is not a fully-qualified image reference"
    run_pod rm -f -t 0 shortname
    PODMAN_SYSTEMD_UNIT=x.service run_pod run -d --name badpol --label io.containers.autoupdate=sometimes "$IMAGE" sleep 1000
    run_pod 125 auto-update --dry-run
    contains "$output" "invalid auto-update policy \"sometimes\""
    run_pod rm -f -t 0 badpol
    run_pod auto-update --format json
    is "$output" "\[\]"
    run_pod 125 auto-update extra
}

@test "auto-update under systemd as PID 1: a pod-quadlet unit with AutoUpdate=local runs the new image after the update" {
    # crun for the outer and the inner container (this file runs once).
    command -v crun >/dev/null || skip "needs crun (outer and inner containers)"
    [[ -x /lib/systemd/systemd ]] || skip "no systemd binary"
    [[ "$(readlink /proc/1/exe)" != */systemd ]] || skip "the host runs systemd itself"
    d=$BATS_TEST_TMPDIR/pid1
    mkdir -p "$d/units" "$d/inner" "$d/rootfs" "$d/q"
    "$BATS_TEST_DIRNAME/../../contrib/mkbusybox.sh" -t -o "$d/inner/bb.tar" >/dev/null
    cat >"$d/q/au.container" <<EOF
[Container]
Image=localhost/au:1
AutoUpdate=local
Exec=sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
Network=none
GlobalArgs=--root /inner/root --runroot /inner/run --tmpdir /inner/tmp --runtime crun
EOF
    QUADLET_UNIT_DIRS=$d/q "$POD_BIN/pod-quadlet" "$d/units"
    printf '[Unit]\nDescription=pod test target\n' >"$d/units/pod-test.target"
    # As 520's PID-1 test: the host's root, read-only, with empty /tmp and /run.
    cat >"$d/run.sh" <<EOF
set -e
mount --bind / $d/rootfs
mount -t tmpfs tmpfs $d/rootfs/tmp
mount -t tmpfs tmpfs $d/rootfs/run
mount -o remount,bind,ro $d/rootfs
P="$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp --runtime crun"
I="$POD_BIN/pod --root /inner/root --runroot /inner/run --tmpdir /inner/tmp"
\$P run -d --name sdau --read-only --privileged -v $d/units:/etc/systemd/system:ro -v $d/inner:/inner -v $POD_BIN:$POD_BIN:ro \
    --rootfs $d/rootfs /lib/systemd/systemd --unit=pod-test.target >/dev/null
running() {
    for i in \$(seq 100); do
        [ "\$(\$P exec sdau systemctl show -p SubState --value au.service 2>/dev/null)" = running ] && return 0
        sleep 0.2
    done
    return 1
}
for i in \$(seq 100); do \$P exec sdau systemctl is-system-running >/dev/null 2>&1 && break; [ "\$(\$P exec sdau systemctl is-system-running 2>/dev/null)" = degraded ] && break; sleep 0.2; done
\$P exec sdau \$I import -q /inner/bb.tar localhost/au:1 >/dev/null
\$P exec sdau systemctl start au.service
running
echo "before=\$(\$P exec sdau \$I inspect --format '{{.Id}} {{.Image}}' systemd-au)"
\$P exec sdau \$I exec systemd-au sh -c 'echo v2 > /v'
echo "new=\$(\$P exec sdau \$I commit -q systemd-au localhost/au:1)"
echo "update=\$(\$P exec sdau \$I auto-update --format '{{.Unit}} {{.Policy}} {{.Updated}}')"
running
echo "after=\$(\$P exec sdau \$I inspect --format '{{.Id}} {{.Image}}' systemd-au)"
echo "v=\$(\$P exec sdau \$I exec systemd-au cat /v)"
echo "again=\$(\$P exec sdau \$I auto-update --format '{{.Updated}}')"
\$P exec sdau systemctl stop au.service
\$P rm -f -t 0 sdau >/dev/null
EOF
    run timeout 180 unshare -m --propagation private bash "$d/run.sh"
    echo "$output"
    [[ $status -eq 0 ]] || die "systemd container run failed"
    read -r before_id before_img <<<"$(sed -n 's/^before=//p' <<<"$output")"
    read -r after_id after_img <<<"$(sed -n 's/^after=//p' <<<"$output")"
    new=$(sed -n 's/^new=//p' <<<"$output")
    is "$(sed -n 's/^update=//p' <<<"$output")" "au.service local true"
    [[ "$after_id" != "$before_id" ]] || die "the unit's container was not replaced"
    is "$after_img" "${new#sha256:}" "the new container runs the new image"
    is "$(sed -n 's/^v=//p' <<<"$output")" "v2"
    is "$(sed -n 's/^again=//p' <<<"$output")" "false"
}
