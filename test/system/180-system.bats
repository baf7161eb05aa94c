#!/usr/bin/env bats
# pod system df|prune|reset|renumber|migrate, against Podman 4.3.1's output.

load helpers
load helpers.network

# other_runtime prints a runtime that is not the test runtime (crun, runc
# or the shim), for migrate.
other_runtime() {
    local r
    for r in crun runc io.containerd.runc.v2; do
        [[ "$r" != "$POD_TEST_RUNTIME" ]] && pod runtime ls --format '{{.Name}} {{.Available}}' | grep -qx "$r true" && {
            echo "$r"
            return
        }
    done
    return 1
}

@test "system df: Podman's summary, -v tables, templates and JSON" {
    run_pod run -d --name 'df-run' --stop-signal KILL "$IMAGE" sleep 1000
    run_pod run --name 'df-exited' "$IMAGE" sh -c 'head -c 5000 /dev/zero > /big'
    run_pod create --name 'df-created' "$IMAGE" true
    run_pod system df
    is "${lines[0]}" "TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE"
    is "${lines[1]}" "Images +1 +1 +[0-9.]+[kM]B +0B \(0%\)"
    is "${lines[2]}" "Containers +3 +1 +[0-9.]+kB +[0-9.]+kB \([0-9]+%\)"
    is "${lines[3]}" "Local Volumes +0 +0 +0B +0B \(0%\)"
    is "${#lines[@]}" 4

    run_pod system df --format json
    is "$(jq -r '.[1].Type, .[1].Total, .[1].Active' <<<"$output" | tr '\n' ' ')" "Containers 3 1 "
    size=$(jq -r '.[1].Size' <<<"$output")
    recl=$(jq -r '.[1].Reclaimable' <<<"$output")
    ((size >= 5000 && recl >= 5000 && recl <= size)) || die "container sizes $size / $recl: the exited container wrote 5000 bytes"
    ((size - recl < 5000)) || die "the running container wrote nothing: $size - $recl"
    is "$(jq -r '.[0].Reclaimable' <<<"$output")" 0 "the image is used"

    run_pod system df --format '{{json .}}'
    is "${#lines[@]}" 3 "one JSON object per line, as Podman 4.3"
    is "$(jq -r .Type <<<"${lines[2]}")" "Local Volumes"
    run_pod system df --format '{{.Type}}|{{.Total}}|{{.Active}}|{{.RawReclaimable}}|{{.Reclaimable}}'
    is "${lines[0]}" "Images\|1\|1\|0\|0B \(0%\)"
    is "${lines[1]}" "Containers\|3\|1\|$recl\|.* \([0-9]+%\)"
    run_pod system df --format 'table {{.Type}} {{.Size}}'
    is "${lines[0]}" "TYPE +SIZE"

    run_pod system df -v
    is "${lines[0]}" "Images space usage:"
    is "${lines[1]}" ""
    is "${lines[2]}" "REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS"
    is "${lines[3]}" "localhost/busybox +latest +[0-9a-f]{12} +.* +[0-9.]+[kM]B +0B +[0-9.]+[kM]B +3"
    contains "$output" "
Containers space usage:

CONTAINER ID  IMAGE"
    [[ "$output" =~ [0-9a-f]{12}\ +[0-9a-f]{12}\ +sleep\ 1000\ +0\ +[0-9.]+k?B\ +.*\ +running\ +df-run ]] || die "running row: $output"
    [[ "$output" =~ \ +exited\ +df-exited ]] || die "exited row: $output"
    [[ "$output" =~ \ +created\ +df-created ]] || die "created row: $output"
    is "${lines[-3]}" "Local Volumes space usage:"
    is "${lines[-1]}" "VOLUME NAME +LINKS +SIZE"

    # Volumes: the mounted one is active, the other reclaimable.
    run_pod run --name df-vol -v dfvol:/v "$IMAGE" sh -c 'head -c 3000 /dev/zero > /v/f'
    run_pod volume create dfunused
    run_pod system df --format '{{.Type}}|{{.Total}}|{{.Active}}|{{.RawSize}}|{{.RawReclaimable}}'
    is "${lines[2]}" "Local Volumes\|2\|1\|3000\|0"
    run_pod system df -v
    [[ "$output" =~ dfvol\ +1\ +3kB ]] || die "dfvol row: $output"
    [[ "$output" =~ dfunused\ +0\ +0B ]] || die "dfunused row: $output"
    [[ "$output" =~ \ +1\ +[0-9.]+k?B\ +.*\ +exited\ +df-vol ]] || die "df-vol's LOCAL VOLUMES: $output"
    run_pod rm -v df-vol
    run_pod volume rm dfvol dfunused

    run_pod 125 system df -v --format json
    contains "$output" "cannot combine --format and --verbose flags"
    run_pod 125 system df --format '{{.Nope}}'
    run_pod 125 system df extra
}

@test "system prune: Podman's question, stopped containers and dangling images, --all, filters" {
    run_pod run -d --name keep-running --stop-signal KILL "$IMAGE" sleep 1000
    run_pod run --name old-exited --label 'stage=t e$t' "$IMAGE" true
    run_pod create --name old-created "$IMAGE" true
    # A dangling image (imported without a name) and an unused one, each
    # its own one-file layer.
    mkdir -p "$BATS_TEST_TMPDIR/l1" "$BATS_TEST_TMPDIR/l2"
    printf 'one\n' >"$BATS_TEST_TMPDIR/l1/f"
    printf 'two\n' >"$BATS_TEST_TMPDIR/l2/f"
    tar -C "$BATS_TEST_TMPDIR/l1" -cf "$BATS_TEST_TMPDIR/l1.tar" f
    tar -C "$BATS_TEST_TMPDIR/l2" -cf "$BATS_TEST_TMPDIR/l2.tar" f
    dangling=$(pod import "$BATS_TEST_TMPDIR/l1.tar" 2>/dev/null)
    dangling=${dangling#sha256:}
    run_pod import "$BATS_TEST_TMPDIR/l2.tar" localhost/unused:1

    # No answer or "n": nothing goes, exit 0, Podman's text.
    out=$(echo n | pod system prune)
    is "$out" "WARNING! This command removes:
	- all stopped containers
	- all networks not used by at least one container
	- all dangling images
	- all dangling build cache

Are you sure you want to continue\? \[y/N\] "
    out=$(echo n | pod system prune -a)
    contains "$out" "	- all images without at least one container associated with them
	- all build cache"
    run_pod ps -a -q
    is "${#lines[@]}" 3 "nothing removed without a yes"

    # Refusals leave everything in place.
    run_pod 125 system prune -f --volumes --filter bogus=1
    run_pod 125 system prune -f --filter bogus=1
    is "$output" "Error: bogus is an invalid filter.*"
    run_pod 125 system prune -f --filter until=notatime
    run_pod ps -a -q
    is "${#lines[@]}" 3
    run_pod images -q
    is "${#lines[@]}" 3 "busybox, the dangling and the unused image"

    # label= narrows the containers; an image with no such label stays.
    exited_id=$(pod inspect --format '{{.Id}}' old-exited)
    run_pod system prune -f --filter 'label=stage=t e$t'
    is "${lines[0]}" "Deleted Containers"
    is "${lines[1]}" "$exited_id"
    is "${lines[-1]}" "Total reclaimed space: .*"
    run_pod container exists old-created
    run_pod 1 container exists old-exited

    out=$(echo y | pod system prune)
    contains "$out" "Deleted Containers"
    contains "$out" "Deleted Images
$dangling"
    run_pod container exists keep-running
    run_pod 1 container exists old-created
    run_pod image exists localhost/unused:1

    run_pod system prune -f
    is "$output" "Total reclaimed space: 0B" "nothing left to prune"

    # --all: images no container uses, not the running container's.
    run_pod system prune -a -f
    contains "$output" "Deleted Images"
    run_pod 1 image exists localhost/unused:1
    run_pod image exists "$IMAGE"
    run_pod container exists keep-running
}

@test "system prune --volumes: unused volumes after the containers that used them, Podman's sections, filters" {
    run_pod volume create v.one_1
    run_pod volume create --label keep=no v-labelled
    run_pod volume create v-used-stopped
    run_pod volume create v-used-running
    head -c 20000 /dev/urandom >"$(pod volume inspect --format '{{.Mountpoint}}' v.one_1)/f"
    run_pod create --name vs -v v-used-stopped:/d "$IMAGE" true
    run_pod run -d --name vr --stop-signal KILL -v v-used-running:/d "$IMAGE" sleep 1000
    out=$(echo n | pod system prune --volumes)
    contains "$out" "	- all volumes not used by at least one container"
    run_pod volume ls -q
    is "${#lines[@]}" 4 "nothing removed without a yes"

    # A label filter narrows the volumes (and the containers: vs stays).
    run_pod system prune -f --volumes --filter label=keep=no
    is "$output" "Deleted Volumes
v-labelled
Total reclaimed space: 0B"
    run_pod container exists vs

    # The stopped container goes first, then its volume is unused too; the
    # running container's volume stays. The reclaimed space counts the data.
    vs_id=$(pod inspect --format '{{.Id}}' vs)
    run_pod system prune -f --volumes
    is "$output" "Deleted Containers
$vs_id
Deleted Volumes
v-used-stopped
v.one_1
Total reclaimed space: [1-9][0-9.]*[kM]?B"
    run_pod volume ls -q
    is "$output" "v-used-running"
    # Without --volumes, volumes stay.
    run_pod volume create v-stays
    run_pod system prune -f
    run_pod volume exists v-stays
    run_pod rm -f -t 0 vr
    run_pod volume rm -a
}

@test "system migrate: stops running containers, --new-runtime switches every container" {
    other=$(other_runtime) || skip "no second runtime available"
    run_pod run -d --name mig-run --stop-signal KILL "$IMAGE" sleep 1000
    id=$(pod inspect --format '{{.Id}}' mig-run)
    run_pod create --name mig-created "$IMAGE" echo hello

    run_pod 125 system migrate --new-runtime no-such-runtime
    contains "$output" 'change to runtime "no-such-runtime" requested but no such runtime is defined'
    run_pod inspect --format '{{.State.Status}}' mig-run
    is "$output" "running" "nothing stopped for a bad runtime"

    run_pod system migrate --new-runtime "$other"
    is "$output" "stopped $id"
    run_pod ps -a --format '{{.Names}} {{.Runtime}}' --sort names
    is "$output" "mig-created $other
mig-run $other"
    run_pod start --attach mig-created
    is "$output" "hello" "the container runs on the new runtime"
    run_pod start mig-run
    run_pod inspect --format '{{.OCIRuntime}} {{.State.Status}}' mig-run
    is "$output" "$other running"

    # Without --new-runtime: only the stop.
    run_pod system migrate
    is "$output" "stopped $id"
    run_pod ps -a --format '{{.Runtime}}' --filter name=mig-run
    is "$output" "$other"
    run_pod 125 system migrate extra
}

@test "system renumber: nothing to renumber with per-container lock files, exit 0" {
    run_pod create --name ren "$IMAGE" true
    run_pod system renumber
    is "$output" ""
    run_pod start ren
    run_pod system renumber --help
    contains "$output" "nothing"
}

@test "system reset: Podman's question; -f removes containers, images, secrets, state and storage" {
    # Its own roots: reset removes them.
    local PODT=$BATS_TEST_TMPDIR/reset
    mkdir -p "$PODT"
    run_pod import "$(busybox_tarball)" "$IMAGE"
    run_pod run -d --name reset-run "$IMAGE" sh -c 'trap "" TERM; sleep 1000'
    run_pod create --name reset-created "$IMAGE" true
    printf 'x\000y' | pod secret create reset-secret - >/dev/null
    # A network, in a private network config directory (reset removes every
    # network but the default one, as Podman's): as root a container ran on
    # it, so on CNI its host-local IPAM directory exists too.
    mkdir -p "$PODT/netconf"
    printf '[network]\nnetwork_config_dir = "%s"\n' "$PODT/netconf" >"$BATS_TEST_TMPDIR/net.conf"
    export CONTAINERS_CONF_OVERRIDE=$BATS_TEST_TMPDIR/net.conf
    local net=pt-reset-$$-$RANDOM backend
    run_pod network create --subnet "$(net_subnet)" "$net"
    backend=$(pod info --format '{{.Host.NetworkBackend}}')
    if ! is_rootless; then
        run_pod run --rm --network "$net" "$IMAGE" true
        [[ "$backend" != cni || -e "/var/lib/cni/networks/$net/last_reserved_ip.0" ]] || die "no IPAM directory for $net"
    fi

    out=$(echo n | pod system reset)
    is "$out" "WARNING! This will remove:
        - all containers
        - all pods
        - all images
        - all networks
        - all build cache
        - all machines
        - all volumes
        - the graphRoot directory: \"$PODT/root\"
        - the runRoot directory: \"$PODT/run\"
Are you sure you want to continue\? \[y/N\] "
    run_pod container exists reset-run

    pid=$(pod inspect --format '{{.State.Pid}}' reset-run)
    run_pod system reset -f
    is "$output" ""
    ! pid_alive "$pid" || die "the running container's process survived the reset"
    [[ ! -e "$PODT/root" && ! -e "$PODT/run" ]] || die "graph root or run root left: $(ls -R "$PODT" | head)"
    [[ ! -e "$PODT/tmp/exits" ]] || die "exit files left"
    run_pod ps -a -q
    is "$output" ""
    run_pod images -q
    is "$output" ""
    run_pod secret ls -q
    is "$output" ""
    run_pod secret ls
    is "$output" "ID +NAME +DRIVER +CREATED +UPDATED" "the header without secrets, as Podman"
    run_pod 1 network exists "$net"
    run_pod network exists podman
    [[ -z "$(ls "$PODT/netconf" | grep -F -- "$net")" ]] || die "network $net left in $PODT/netconf: $(ls "$PODT/netconf")"
    [[ ! -e "/var/lib/cni/networks/$net" ]] || die "reset left the IPAM directory of $net"
    unset CONTAINERS_CONF_OVERRIDE
    # The engine works again from nothing.
    run_pod import "$(busybox_tarball)" "$IMAGE"
    run_pod run --rm "$IMAGE" echo again
    is "$output" "again"
    run_pod system reset --force
}
