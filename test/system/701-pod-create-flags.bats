#!/usr/bin/env bats
# `pod pod create`'s container flags (Podman 4.3): resource flags limit the
# pod cgroup; --device, --security-opt, --shm-size, -v, --volumes-from go on
# the infra and every member; --sysctl, --pid, --uts on the infra (members
# see them through the shared namespaces); --userns and the id-map flags
# give the pod a user namespace every member joins. Bad values and
# combinations are refused (125) with nothing left behind.

load helpers

# skip_unless_pods: runsc refuses pods (checked, with a pod flag given).
skip_unless_pods() {
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        run_pod 125 pod create --name refused --shm-size 8m
        contains "$output" 'does not support pod (capability pod'
        run_pod 1 pod exists refused
        skip "runsc refuses pods (checked)"
    fi
}

# majmin DEV: the MAJ:MIN of a device node.
majmin() {
    local t
    t=$(stat -c '%t %T' "$1")
    printf '%d:%d' "0x${t% *}" "0x${t#* }"
}

# block_dev: a block device of this host (for the block I/O flags).
block_dev() {
    local d
    for d in /dev/vda /dev/sda /dev/nvme0n1 /dev/xvda /dev/loop0; do
        [[ -b $d ]] && echo "$d" && return
    done
    return 1
}

# nothing_left: no pod, container or volume exists.
nothing_left() {
    run_pod pod ps -q
    is "$output" "" "pods left behind"
    run_pod ps -aq
    is "$output" "" "containers left behind"
    run_pod volume ls -q
    is "$output" "" "volumes left behind"
}

@test "pod resource flags limit the pod cgroup; members run inside it" {
    skip_unless_pods
    if is_rootless && [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
        # No cgroup for an ordinary user on cgroup v1: the pod has none, and
        # limits are refused, not ignored.
        run_pod 125 pod create --name lim --cpu-shares 512
        contains "$output" "--cpu-shares \"512\": invalid configuration, cannot specify resource limits without cgroups v2"
        run_pod 1 pod exists lim
        skip "rootless on cgroup v1: no pod cgroup (the refusal is checked)"
    fi
    skip_if_rootless "the pod cgroup is created by root"
    [[ -d /sys/fs/cgroup/cpu ]] || skip "checks cgroup v1 files"
    dev=$(block_dev) || skip "no block device"
    mm=$(majmin "$dev")
    run_pod pod create --name lim --cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 \
        --memory 64m --memory-swap 128m \
        --device-read-bps "$dev:1mb" --device-write-bps "$dev:2mb" \
        --blkio-weight 300 --blkio-weight-device "$dev:200"
    if [[ -e /sys/fs/cgroup/blkio/blkio.weight || -e /sys/fs/cgroup/blkio/blkio.bfq.weight ]]; then
        weights=1
    else
        # No CFQ/BFQ scheduler here: Podman's warning, the pod is made.
        contains "$output" "Weight discarded."
    fi
    run_pod pod inspect --format '{{.CgroupPath}}' lim
    cg=$output
    is "$cg" "/pod/pod_[0-9a-f]{64}"
    S=/sys/fs/cgroup
    is "$(cat $S/cpu$cg/cpu.shares)" 512 "cpu.shares"
    is "$(cat $S/cpuset$cg/cpuset.cpus)" 0 "cpuset.cpus"
    is "$(cat $S/cpuset$cg/cpuset.mems)" 0 "cpuset.mems"
    is "$(cat $S/memory$cg/memory.limit_in_bytes)" 67108864 "memory limit"
    if [[ -e $S/memory$cg/memory.memsw.limit_in_bytes ]]; then
        is "$(cat $S/memory$cg/memory.memsw.limit_in_bytes)" 134217728 "memory+swap limit"
    fi
    is "$(cat $S/blkio$cg/blkio.throttle.read_bps_device)" "$mm 1048576" "read bps"
    is "$(cat $S/blkio$cg/blkio.throttle.write_bps_device)" "$mm 2097152" "write bps"
    if [[ -n "${weights:-}" && -e $S/blkio$cg/blkio.weight ]]; then
        is "$(cat $S/blkio$cg/blkio.weight)" 300 "blkio.weight"
    fi
    # A member lives below the pod cgroup and only gets CPU 0.
    run_pod run -d --pod lim --name in-lim "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' in-lim)
    grep -q "cpu,cpuacct:$cg/\|cpu:$cg/\|cpuacct,cpu:$cg/" "/proc/$pid/cgroup" || die "member not below the pod cgroup: $(cat /proc/$pid/cgroup)"
    run_pod exec in-lim sh -c 'grep Cpus_allowed_list /proc/self/status'
    is "$output" "Cpus_allowed_list:[[:space:]]+0"
    run_pod pod rm -f -t 0 lim
    [[ ! -d $S/cpu$cg ]] || die "pod cgroup $cg left behind"
}

@test "pod -v and --volumes-from: every member sees the same bind and volumes" {
    skip_unless_pods
    src=$BATS_FILE_TMPDIR/bind
    mkdir -p "$src"
    echo "from the host" >"$src/hello"
    run_pod create --name vsrc -v srcvol:/from "${IMG[@]}" true
    run_pod pod create --name vol -v "$src:/bind" -v named-pv:/named -v /anon --volumes-from vsrc
    run_pod run --rm --pod vol "${IMG[@]}" sh -c 'cat /bind/hello; echo one >/named/f; echo two >/anon/f; echo three >/from/f'
    is "$output" "from the host"
    run_pod run --rm --pod vol "${IMG[@]}" cat /named/f /anon/f /from/f
    is "$(echo $output)" "one two three"
    # The infra holds them too (Podman: the members inherit the infra's).
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' vol)
    run_pod inspect --format '{{range .Mounts}}{{.Destination}} {{end}}' "$infra"
    for d in /bind /named /anon /from; do contains "$output" "$d"; done
    # A member's own -v at the same destination wins.
    other=$BATS_FILE_TMPDIR/other
    mkdir -p "$other"
    echo mine >"$other/hello"
    run_pod run --rm --pod vol -v "$other:/bind" "${IMG[@]}" cat /bind/hello
    is "$output" mine
    run_pod volume ls -q
    is "${#lines[@]}" 3 "named-pv, srcvol and the pod's anonymous volume"
    # As Podman, the pod's anonymous volume goes with the pod.
    run_pod pod rm -f -t 0 vol
    run_pod volume ls -q
    is "$(echo $output)" "named-pv srcvol"
    run_pod rm vsrc
    run_pod volume rm named-pv srcvol
}

@test "pod --device, --security-opt and --shm-size apply to every member" {
    skip_unless_pods
    skip_if_rootless "mknod needs root"
    node=$BATS_FILE_TMPDIR/null-dev
    mknod "$node" c 1 3
    run_pod pod create --name dev --device "$node:/dev/podnull" --shm-size 8m \
        --security-opt no-new-privileges --security-opt seccomp=unconfined
    run_pod run --rm --pod dev "${IMG[@]}" sh -c 'ls -l /dev/podnull; echo x >/dev/podnull && echo wrote; df -k /dev/shm | tail -1; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
    contains "$output" "1,   3"
    contains "$output" "wrote"
    [[ "$output" =~ shm[[:space:]]+8192[[:space:]] ]] || die "/dev/shm is not 8m: $output"
    contains "$output" "NoNewPrivs:	1"
    contains "$output" "Seccomp:	0"
    # A member without the pod's flags would have none of them.
    run_pod run --rm "${IMG[@]}" sh -c 'test -e /dev/podnull || echo absent; grep ^NoNewPrivs: /proc/self/status'
    contains "$output" "absent"
    contains "$output" "NoNewPrivs:	0"
    # Members share the infra's IPC namespace and so its /dev/shm: a
    # member's own --shm-size does not change it (Podman 4.3.1 alike).
    run_pod run --rm --pod dev --shm-size 4m "${IMG[@]}" sh -c 'df -k /dev/shm | tail -1'
    [[ "$output" =~ shm[[:space:]]+8192[[:space:]] ]] || die "not the pod's /dev/shm: $output"
}

@test "pod --sysctl is the infra's; members see it in the shared namespaces" {
    skip_unless_pods
    run_pod pod create --name sys --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=12345
    run_pod run --rm --pod sys "${IMG[@]}" cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
    is "$(echo $output)" "1 12345"
    # A pod not sharing ipc: the member keeps its own ipc namespace's value.
    run_pod pod create --name sys2 --share net --sysctl kernel.msgmax=12345 --sysctl net.ipv4.ip_forward=1
    run_pod run --rm --pod sys2 "${IMG[@]}" cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
    is "$(echo $output)" "1 8192"
}

@test "pod --uts host and --pid host" {
    skip_unless_pods
    run_pod pod create --name utsh --uts host
    run_pod run --rm --pod utsh "${IMG[@]}" hostname
    is "$output" "$(hostname)"
    run_pod pod inspect --format '{{.InfraConfig.UtsNS}}' utsh
    is "$output" host
    # --pid host: the infra is in the host's pid namespace; members that
    # share it (--share +pid) see the host's processes, others do not.
    run_pod pod create --name pidh --share +pid --pid host
    run_pod run --rm --pod pidh "${IMG[@]}" test -d "/proc/$$"
    run_pod pod create --name pidh2 --pid host
    run_pod run -d --pod pidh2 --name pm "${IMG[@]}" sleep 1000
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' pidh2)
    ipid=$(pod inspect --format '{{.State.Pid}}' "$infra")
    [[ "$(readlink /proc/$ipid/ns/pid)" == "$(readlink /proc/self/ns/pid)" ]] || die "infra not in the host's pid namespace"
    run_pod 1 exec pm test -d "/proc/$$"
}

@test "pod --network host: members are in the host's network namespace" {
    skip_unless_pods
    # Rootless, joining the infra's namespace by path was refused (setns
    # into the host's network namespace: EPERM); members now leave it out
    # of the spec, as Podman does.
    run_pod pod create --name neth --network host
    run_pod run -d --pod neth --name nm "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' nm)
    [[ "$(readlink /proc/$pid/ns/net)" == "$(readlink /proc/self/ns/net)" ]] || die "the member is not in the host's network namespace"
    run_pod exec nm hostname
    is "$output" "neth" "the member's hostname is the pod's"
    run_pod pod inspect --format '{{.InfraConfig.HostNetwork}}' neth
    is "$output" true
    run_pod pod rm -f -t 0 neth
}

@test "pod --uidmap/--gidmap/--subuidname/--userns: members join the pod's user namespace" {
    skip_unless_pods
    skip_if_rootless "maps host ids"
    # --network none: the infra's network namespace is made by the runtime
    # inside the pod's user namespace. runc joins a user namespace before
    # any other, so it cannot join one with the bridge network namespace pod
    # makes in the host's (docs/pods.md); crun can.
    run_pod pod create --name un --network none --uidmap 0:200000:5000 --gidmap 0:200000:5000
    run_pod run -d --pod un --name un1 "${IMG[@]}" sleep 1000
    run_pod exec un1 cat /proc/self/uid_map /proc/self/gid_map
    is "$(echo $output)" "0 200000 5000 0 200000 5000"
    run_pod exec un1 stat -c '%u:%g' /bin/busybox
    is "$output" "0:0" "member's files, inside"
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' un)
    ipid=$(pod inspect --format '{{.State.Pid}}' "$infra")
    mpid=$(pod inspect --format '{{.State.Pid}}' un1)
    [[ "$(readlink /proc/$mpid/ns/user)" == "$(readlink /proc/$ipid/ns/user)" ]] || die "member not in the infra's user namespace"
    [[ "$(readlink /proc/$mpid/ns/user)" != "$(readlink /proc/self/ns/user)" ]] || die "member in the host's user namespace"
    # With the pod's bridge network: crun can, the others are refused at
    # pod create (capability pod-userns), with nothing made.
    if [[ "$POD_TEST_RUNTIME" == crun ]]; then
        run_pod pod create --name unb --uidmap 0:200000:5000 --gidmap 0:200000:5000
        run_pod run --rm --pod unb "${IMG[@]}" cat /proc/self/uid_map
        is "$(echo $output)" "0 200000 5000"
    else
        run_pod 125 pod create --name unb --uidmap 0:200000:5000 --gidmap 0:200000:5000
        contains "$output" "(capability pod-userns;"
        contains "$output" "--network none"
        run_pod 1 pod exists unb
    fi
    # A member cannot choose its own user namespace in such a pod.
    run_pod 125 run --rm --pod un --userns host "${IMG[@]}" true
    contains "$output" "joins the user namespace of pod un"
    if grep -q '^podtest:' /etc/subuid && grep -q '^podtest:' /etc/subgid; then
        run_pod pod create --name sub --network none --subuidname podtest --subgidname podtest
        run_pod run --rm --pod sub "${IMG[@]}" cat /proc/self/uid_map
        is "$(echo $output)" "0 $(awk -F: '$1=="podtest"{print $2" "$3; exit}' /etc/subuid)"
    fi
    # --userns auto needs an image layer for storage to pick the range.
    run_pod 125 pod create --name au --userns auto
    contains "$output" "--userns auto: the built-in infra container has no image layer"
    run_pod 1 pod exists au
    if grep -q '^containers:' /etc/subuid; then
        run_pod pod create --name au --network none --userns auto --infra-image "$IMAGE" --infra-command "sleep 100000"
        run_pod run -d --pod au --name au1 "${IMG[@]}" sleep 1000
        infra=$(pod pod inspect --format '{{.InfraContainerID}}' au)
        run_pod exec "$infra" cat /proc/self/uid_map
        imap=$(echo $output)
        [[ "$imap" != "0 0 4294967295" ]] || die "infra got no user namespace"
        run_pod exec au1 cat /proc/self/uid_map
        is "$(echo $output)" "$imap" "member's map is the infra's"
    fi
}

@test "pod create refuses bad values and combinations, leaving nothing" {
    skip_unless_pods
    for f in "-v /tmp:/x" "--volumes-from x" "--device /dev/null" "--security-opt no-new-privileges" \
        "--shm-size 8m" "--sysctl net.ipv4.ip_forward=1" "--userns host" "--uidmap 0:1:1" \
        "--gidmap 0:1:1" "--subuidname podtest" "--subgidname podtest" "--pid host" "--uts host"; do
        read -ra a <<<"$f"
        run_pod 125 pod create --infra=false "${a[@]}"
        flag=${a[0]}
        [[ $flag == -v ]] && flag=--volume
        contains "$output" "$flag configures the infra container, which --infra=false does without"
    done
    for f in "--cpu-shares 10" "--cpuset-cpus 0" "--cpuset-mems 0" "--memory-swap 10m" "--blkio-weight 300" \
        "--blkio-weight-device /dev/null:10" "--device-read-bps /dev/null:1mb" "--device-write-bps /dev/null:1mb"; do
        read -ra a <<<"$f"
        run_pod 125 pod create --share-parent=false "${a[@]}"
        contains "$output" "${a[0]} limits the pod cgroup, which --share-parent=false does without"
    done
    run_pod 125 pod create --uts host --hostname h
    contains "$output" "--hostname h: the pod uses the host's uts namespace"
    run_pod 125 pod create --pid container:x
    contains "$output" "--pid container:x: a pod's infra container cannot join"
    run_pod 125 pod create --cpuset-cpus abc
    contains "$output" '--cpuset-cpus "abc"'
    run_pod 125 pod create --blkio-weight 5
    contains "$output" '--blkio-weight "5"'
    run_pod 125 pod create --memory-swap 10m
    contains "$output" '--memory-swap "10m": needs --memory'
    run_pod 125 pod create --device-read-bps /dev/null:1mb
    if is_rootless && [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
        contains "$output" "cannot specify resource limits without cgroups v2" # checked first, as for a container
    else
        contains "$output" "/dev/null is not a block device"
    fi
    run_pod 125 pod create --device "$BATS_FILE_TMPDIR/no-such-dev"
    contains "$output" "does not exist on the host"
    run_pod 125 pod create --shm-size lots
    contains "$output" '--shm-size "lots"'
    run_pod 125 pod create --sysctl kernel.nonsense=1
    contains "$output" '--sysctl "kernel.nonsense=1"'
    run_pod 125 pod create --security-opt bogus=1
    contains "$output" '--security-opt "bogus=1"'
    run_pod 125 pod create -v rel:x
    contains "$output" '--volume "rel:x"'
    run_pod 125 pod create -v /anon-never --volumes-from nope
    contains "$output" '--volumes-from "nope"'
    run_pod 125 pod create --network none --uidmap 0:1:x
    contains "$output" "UID setting is malformed"
    run_pod 125 pod create --network none --userns host --uidmap 0:1:1
    contains "$output" "mutually exclusive"
    run_pod 125 pod create --pid bogus
    contains "$output" '--pid "bogus"'
    run_pod 125 pod create --uts bogus
    contains "$output" '--uts "bogus"'
    nothing_left
}
