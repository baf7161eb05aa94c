#!/usr/bin/env bats
# run/create flags beyond 150 and 182, each read back from inside a real
# container (namespaces, /proc, cgroup files) and compared with Podman
# 4.3.1's result, plus wait --condition, attach --no-stdin and cleanup.

load helpers

# nctr: the number of containers in this file's store.
nctr() { pod ps -aq | wc -l; }

@test "--pid/--ipc/--uts container:NAME join the running container's namespaces" {
    run_pod run -d --name 'ns.donor_1' --hostname donorhost --sysctl kernel.msgmax=12345 "$IMAGE" sleep 1000
    donor=$(pod inspect --format '{{.Id}}' 'ns.donor_1')
    if is_gvisor; then
        # Each gVisor container has its own kernel: joining by path would
        # share nothing, so the runtime's missing pod capability refuses it.
        run_pod 125 run --rm --ipc 'container:ns.donor_1' "$IMAGE" true
        contains "$output" 'does not support pod'
        is "$(nctr)" 1 "nothing created"
        return 0
    fi
    run_pod run --rm --pid 'container:ns.donor_1' --ipc 'container:ns.donor_1' --uts "container:$donor" "$IMAGE" \
        sh -c 'ps -o comm | grep -c "^sleep"; hostname; cat /proc/sys/kernel/msgmax; for n in pid ipc uts; do ls -l /proc/self/ns/$n | sed "s/.*-> //"; done'
    is "${lines[0]}" 1 "the donor's sleep is in the joined pid namespace"
    is "${lines[1]}" donorhost "the donor's host name"
    is "${lines[2]}" 12345 "the donor's IPC sysctl"
    # The same namespaces as the donor's process seen from the host.
    pid=$(pod inspect --format '{{.State.Pid}}' 'ns.donor_1')
    n=(pid ipc uts)
    for i in 0 1 2; do
        [[ "${lines[$((i + 3))]}" == "$(readlink "/proc/$pid/ns/${n[$i]}")" ]] || die "${n[$i]}: ${lines[$((i + 3))]}, donor: $(readlink "/proc/$pid/ns/${n[$i]}")"
    done

    # Resolved to the ID at create (as Podman shows it), and a dependency:
    # starting the joiner starts the donor first.
    run_pod create --name joiner --pid 'container:ns.donor_1' --ipc 'container:ns.donor_1' --uts 'container:ns.donor_1' "$IMAGE" \
        sh -c 'ps -o comm | grep -c "^sleep"'
    run_pod inspect --format '{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.Dependencies}}' joiner
    is "$output" "container:$donor container:$donor container:$donor \[$donor\]"
    run_pod stop -t 0 'ns.donor_1'
    run_pod start -a joiner
    is "$output" 1 "the donor was started again for the joiner"
    run_pod inspect --format '{{.State.Status}}' 'ns.donor_1'
    is "$output" running

    # Bad values: exit 125 naming the flag, nothing created.
    n=$(nctr)
    run_pod 125 run --rm --pid container:nosuch "$IMAGE" true
    is "$output" 'Error: looking up container to share pid namespace with: no container with name or ID "nosuch" found: no such container'
    run_pod 125 run --rm --uts container: "$IMAGE" true
    contains "$output" '--uts "container:"'
    run_pod 125 run --rm --uts 'container:ns.donor_1' --hostname other "$IMAGE" true
    contains "$output" '--hostname "other": cannot set the hostname when joining the UTS namespace'
    run_pod 125 run --rm --ipc bogus "$IMAGE" true
    contains "$output" '--ipc "bogus"'
    is "$(nctr)" "$n" "nothing created by the refused runs"
}

@test "--ipc container: and a pod's members share the donor's /dev/shm; --ipc private cannot be joined; the host tmpfs goes at stop" {
    is_gvisor && skip "runsc cannot join namespaces (checked above)"
    # the tmpfs are in the mount table pod mounts in (rootless: the user namespace's)
    shm_mounts() { pod_mountinfo | grep -c " $PODT/run/.*/[0-9a-f]\{64\}/shm " || true; }
    run_pod run -d --name shmd --shm-size 3m "$IMAGE" sh -c 'echo from-donor >/dev/shm/x; sleep 1000'
    local i
    for i in $(seq 50); do pod exec shmd test -e /dev/shm/x && break; sleep 0.1; done
    run_pod run --rm --ipc container:shmd "$IMAGE" sh -c 'cat /dev/shm/x; echo from-joiner >/dev/shm/y; grep " /dev/shm " /proc/mounts'
    is "${lines[0]}" "from-donor" "POSIX shared memory of the joined IPC namespace"
    is "${lines[1]}" "shm /dev/shm tmpfs .*size=3072k.*" "the donor's tmpfs"
    run_pod exec shmd cat /dev/shm/y
    is "$output" "from-joiner"
    is "$(shm_mounts)" 1 "one host tmpfs: the donor's (a --rm joiner has none)"
    # --ipc private: its own IPC namespace, which cannot be joined: refused
    # with Podman 4.3.1's words and exit code, nothing created.
    run_pod run -d --name priv --ipc private "$IMAGE" sleep 1000
    local privid=$output
    is "$(pod inspect --format '{{.HostConfig.IpcMode}}' priv)" "shareable" "Podman 4.3.1 shows --ipc private as shareable"
    run_pod ps -aq --no-trunc
    local before=$output
    run_pod 125 run --rm --ipc container:priv "$IMAGE" true
    [[ "$output" == "Error: joining IPC of container $privid is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)" ]] ||
        die "not Podman's refusal: $output"
    run_pod 125 create --name privj --ipc "container:${privid:0:12}" "$IMAGE" true
    contains "$output" "non-shareable IPC"
    run_pod ps -aq --no-trunc
    is "$output" "$before" "nothing created"
    # --ipc none may be joined (as in Podman): the joiner gets its own /dev/shm.
    run_pod create --name nonei --ipc none "$IMAGE" sleep 1000
    run_pod create --name nonej --ipc container:nonei "$IMAGE" true
    run_pod rm nonej
    run_pod rm nonei
    run_pod stop -t 0 shmd priv
    is "$(shm_mounts)" 0 "the tmpfs is unmounted when the container stops"
    run_pod start shmd
    is "$(shm_mounts)" 1 "and mounted again at its next start"
    run_pod rm -f -t 0 shmd priv
    is "$(shm_mounts)" 0
    # A pod's members share the infra's IPC namespace and so its /dev/shm.
    [[ "$POD_TEST_KIND" == oci ]] || return 0 # 700-pods.bats runs pods on the shims
    run_pod pod create --name shmpod
    run_pod run -d --pod shmpod --name m1 "$IMAGE" sh -c 'echo from-m1 >/dev/shm/z; sleep 1000'
    for i in $(seq 50); do pod exec m1 test -e /dev/shm/z && break; sleep 0.1; done
    run_pod run --rm --pod shmpod "$IMAGE" cat /dev/shm/z
    is "$output" "from-m1"
    run_pod pod rm -f -t 0 shmpod
    is "$(shm_mounts)" 0
}

@test "--ipc none has no /dev/shm, --ipc host the host's; --shm-size with either is refused as Podman" {
    n=$(nctr)
    for ipc in host none; do
        run_pod 125 run --rm --ipc $ipc --shm-size 5m "$IMAGE" true
        contains "$output" "--shm-size \"5m\": cannot set the size of /dev/shm with --ipc $ipc"
    done
    run_pod 125 run --rm --shm-size lots "$IMAGE" true
    contains "$output" '--shm-size "lots"'
    is "$(nctr)" "$n"
    is_gvisor && skip "gVisor mounts its own /dev/shm"
    run_pod run --rm --ipc none "$IMAGE" sh -c 'grep -c " /dev/shm " /proc/mounts || true'
    is "$output" 0
    run_pod run --rm --ipc shareable --shm-size 3m "$IMAGE" sh -c 'grep " /dev/shm " /proc/mounts'
    is "$output" 'shm /dev/shm tmpfs .*size=3072k.*'
    # Without --shm-size: containers.conf's 65536k read as Podman 4.3.1 reads it, 65536000 bytes.
    run_pod run --rm "$IMAGE" sh -c 'grep " /dev/shm " /proc/mounts'
    is "$output" 'shm /dev/shm tmpfs .*size=64000k.*'
    marker=/dev/shm/podtest-183-$$
    touch "$marker"
    if is_rootless && [[ ! -d /dev/mqueue ]]; then
        # an ordinary user binds the host's /dev/mqueue (it cannot mount one
        # in the host's IPC namespace): without it, refused as by Podman
        n=$(nctr)
        run_pod 125 run --rm --ipc host "$IMAGE" ls "$marker"
        rm -f "$marker"
        contains "$output" '--ipc "host": an ordinary user'"'"'s container in the host'"'"'s IPC namespace binds the host'"'"'s /dev/mqueue'
        is "$(nctr)" "$n"
        return
    fi
    run_pod run --rm --ipc host "$IMAGE" ls "$marker"
    rm -f "$marker"
    is "$output" "$marker" "the host's /dev/shm"
}

@test "--security-opt seccomp=unconfined, mask, unmask; --cap-drop/--cap-add by lower-case name; --sysctl kernel.hostname refused" {
    n=$(nctr)
    run_pod 125 run --rm --security-opt bogus=1 "$IMAGE" true
    contains "$output" '--security-opt "bogus=1"'
    run_pod 125 run --rm --security-opt seccomp=/nonexistent.json "$IMAGE" true
    contains "$output" '/nonexistent.json'
    run_pod 125 run --rm --sysctl kernel.hostname=x "$IMAGE" true
    contains "$output" '--sysctl "kernel.hostname=x": set the container'"'"'s host name with --hostname'
    run_pod 125 run --rm --sysctl fs.file-max=5 "$IMAGE" true
    contains "$output" 'is not namespaced'
    run_pod 125 run --rm --device /dev/nosuch "$IMAGE" true
    contains "$output" '--device "/dev/nosuch"'
    is "$(nctr)" "$n"
    is_gvisor && skip "gVisor's /proc/self/status shows no seccomp mode, and it masks /proc itself"
    run_pod run --rm "$IMAGE" grep -E '^(Seccomp|CapEff):' /proc/self/status
    default_caps=$(echo "$output" | awk '/CapEff/{print $2}')
    is "$output" "CapEff:.*
Seccomp:.2" "default: a seccomp filter"
    run_pod run --rm --security-opt seccomp=unconfined "$IMAGE" grep '^Seccomp:' /proc/self/status
    is "$output" "Seccomp:.0"
    # chown is bit 0, sys_admin bit 21: the rest of the default set stays.
    run_pod run --rm --cap-drop chown --cap-add sys_admin "$IMAGE" grep '^CapEff:' /proc/self/status
    want=$(printf '%016x' $(((0x$default_caps & ~1) | (1 << 21))))
    is "$output" "CapEff:.$want"
    run_pod run --rm --security-opt mask=/etc/hostname:/usr/bin "$IMAGE" sh -c 'wc -c </etc/hostname; ls /usr/bin | wc -l'
    is "${lines[0]}" 0 "masked file is empty"
    is "${lines[1]}" 0 "masked directory is empty"
    run_pod run --rm --security-opt unmask=ALL "$IMAGE" sh -c 'ls /sys/firmware | wc -l'
    [[ "$output" -gt 0 ]] || die "unmask=ALL: /sys/firmware still masked"
    run_pod run --rm "$IMAGE" sh -c 'ls /sys/firmware 2>/dev/null | wc -l'
    is "$output" 0 "/sys/firmware is masked by default"

}

@test "--cpu-rt-period/--cpu-rt-runtime reach the cgroup below a parent with a real-time budget" {
    skip_if_rootless_cgroupv1
    is_gvisor && skip "gVisor's /sys/fs/cgroup is its own"
    [[ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]] || skip "needs the cgroup v1 cpu controller with real-time group scheduling"
    is_rootless && skip "needs root to give the parent cgroup a real-time budget"
    parent=podtest-183-rt-$$
    mkdir "/sys/fs/cgroup/cpu/$parent"
    # The kernel refuses a child's budget beyond its parent's (Podman fails
    # the same way under a parent without one).
    echo 20000 >"/sys/fs/cgroup/cpu/$parent/cpu.rt_runtime_us" || {
        rmdir "/sys/fs/cgroup/cpu/$parent"
        skip "no real-time budget left on this host"
    }
    run_pod run --rm --cgroup-parent "/$parent" --cpu-rt-period 500000 --cpu-rt-runtime 10000 "$IMAGE" \
        cat /sys/fs/cgroup/cpu/cpu.rt_period_us /sys/fs/cgroup/cpu/cpu.rt_runtime_us
    wait_for_monitors
    find "/sys/fs/cgroup/cpu/$parent" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null || true
    for d in /sys/fs/cgroup/*/"$parent"; do rmdir "$d" 2>/dev/null || true; done
    is "${lines[0]}" 500000
    is "${lines[1]}" 10000
    n=$(nctr)
    run_pod 125 run --rm --cpu-rt-period 1000 --cpu-rt-runtime 2000 "$IMAGE" true
    contains "$output" '--cpu-rt-runtime "2000": must not exceed --cpu-rt-period'
    run_pod 125 run --rm --cpu-rt-runtime x "$IMAGE" true
    contains "$output" '"x" for "--cpu-rt-runtime"'
    is "$(nctr)" "$n"
}

@test "--blkio-weight-device: the weight, or Podman's warning without a weight file; bad values refused" {
    skip_if_rootless_cgroupv1
    is_gvisor && skip "gVisor emulates cgroups"
    [[ -d /sys/fs/cgroup/blkio ]] || skip "needs the cgroup v1 blkio hierarchy"
    dev=$(lsblk -dno PATH,TYPE 2>/dev/null | awk '$2=="disk"{print $1; exit}')
    [[ -b "$dev" ]] || skip "no block device"
    majmin=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
    run_pod run --rm --blkio-weight-device "$dev:300" "$IMAGE" sh -c 'cat /sys/fs/cgroup/blkio/blkio.weight_device 2>/dev/null || echo no-weight-file'
    if [[ -e /sys/fs/cgroup/blkio/blkio.weight_device ]]; then
        contains "$output" "$majmin 300"
    else
        contains "$output" "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."
        contains "$output" no-weight-file
    fi
    n=$(nctr)
    run_pod 125 run --rm --blkio-weight-device "$dev:5" "$IMAGE" true
    contains "$output" "--blkio-weight-device \"$dev:5\": invalid weight \"5\": want a number from 10 to 1000"
    run_pod 125 run --rm --blkio-weight-device /dev/null:300 "$IMAGE" true
    contains "$output" "not a block device"
    run_pod 125 run --rm --blkio-weight-device "$dev" "$IMAGE" true
    contains "$output" "want DEVICE:WEIGHT"
    is "$(nctr)" "$n"
}

@test "wait --condition: created, running, paused, exited; --interval; bad conditions" {
    run_pod create --name 'w.c_1' "$IMAGE" sh -c 'sleep 2; exit 3'
    run_pod wait --condition created 'w.c_1'
    is "$output" "-1"
    (pod wait --condition running --interval 50ms 'w.c_1' >"$BATS_TEST_TMPDIR/running" 2>&1; echo "rc=$?" >>"$BATS_TEST_TMPDIR/running") &
    local waiter=$!
    sleep 0.5
    run_pod start 'w.c_1'
    wait "$waiter"
    is "$(cat "$BATS_TEST_TMPDIR/running")" "-1
rc=0" "wait --condition running"
    run_pod wait --condition created --condition exited --interval 100 'w.c_1'
    is "$output" 3 "the exit code once it ended"
    run_pod wait --condition stopped 'w.c_1'
    is "$output" 3
    run_pod 125 wait --condition bogus 'w.c_1'
    is "$output" "Error: unknown container state: bogus: invalid argument"
    run_pod 125 wait --condition running --interval soon 'w.c_1'
    contains "$output" '--interval "soon"'
    run_pod run -d --name wp "$IMAGE" sleep 1000
    if is_rootless_cgroupv1; then
        # no cgroup to freeze: pause is refused (400-rootless.bats), nothing to wait for
        run_pod 125 pause wp
        contains "$output" "can not pause containers on rootless containers with cgroup V1"
        return
    fi
    run_pod pause wp
    run_pod wait --condition paused wp
    is "$output" "-1"
    run_pod unpause wp
}

@test "attach --no-stdin: the container gets none of attach's input; attach without it does" {
    run_pod run -d -i --name 'at.n-1' "$IMAGE" sh -c 'sleep 1; echo out; read -t 3 x; echo "got=$x"'
    run_pod attach --no-stdin 'at.n-1' <<<"hello"
    is "$output" "out
got=" "no input reached the container"
    run_pod run -d -i --name at2 "$IMAGE" sh -c 'read x; echo "got=$x"'
    run_pod attach at2 <<<"hello"
    is "$output" "got=hello"
}

@test "container cleanup: refuses a running container, --stopped-only skips it, --exec takes one container; inspect lists exec sessions" {
    run_pod run -d --name 'cl.c-1' "$IMAGE" sleep 1000
    run_pod 125 container cleanup 'cl.c-1'
    contains "$output" "container cl.c-1 is running: cannot clean up a container that is not stopped"
    run_pod container cleanup --stopped-only 'cl.c-1'
    is "$output" "" "--stopped-only: nothing to do, nothing printed"
    run_pod inspect --format '{{.State.Status}}' 'cl.c-1'
    is "$output" running
    run_pod exec -d 'cl.c-1' sleep 500
    sid=$output
    run_pod inspect --format '{{len .ExecIDs}} {{index .ExecIDs 0}}' 'cl.c-1'
    is "$output" "1 $sid"
    run_pod 125 container cleanup --exec "$sid" 'cl.c-1' 'cl.c-1'
    run_pod 125 container cleanup --exec 'bad id' 'cl.c-1'
    contains "$output" 'invalid exec session ID "bad id"'
    run_pod stop -t 0 'cl.c-1'
    run_pod container cleanup 'cl.c-1'
    is "$output" 'cl.c-1'
    run_pod inspect --format '{{.State.Status}}' 'cl.c-1'
    is "$output" exited
    run_pod 125 container cleanup nosuch
    contains "$output" 'no container with name or ID "nosuch" found'
    run_pod container cleanup --stopped-only nosuch
}

@test "rm refuses a container others require (even -f); --depend removes them, dependents first" {
    run_pod create --name 'dep.a' "$IMAGE" sleep 100
    local a=$output
    run_pod create --name 'dep.b' --requires 'dep.a' "$IMAGE" true
    local b=$output
    # A container: namespace is a dependency too (runsc refuses joining one).
    local join=(--pid container:'dep.a')
    [[ "$POD_TEST_RUNTIME" == runsc ]] && join=(--requires 'dep.a')
    run_pod create --name 'dep.c' "${join[@]}" "$IMAGE" true
    local c=$output
    for f in "" -f; do
        run_pod 125 rm $f 'dep.a'
        contains "$output" "container $a has dependent containers which must be removed before it:"
        contains "$output" "container already exists"
    done
    is "$(nctr)" 3 "nothing removed"
    # Both in one removal: the dependent goes first, whatever the order given.
    run_pod rm 'dep.a' 'dep.b' 'dep.c'
    is "$(nctr)" 0
    run_pod create --name 'dep.a' "$IMAGE" sleep 100
    a=$output
    run_pod create --name 'dep.b' --requires 'dep.a' "$IMAGE" true
    b=$output
    run_pod create --name 'dep.c' --requires 'dep.b' "$IMAGE" true
    c=$output
    run_pod rm --depend 'dep.a'
    is "$(sort <<<"$output")" "$(printf '%s\n' "$a" "$b" "$c" | sort)" "--depend prints every removed ID"
    is "$(nctr)" 0
}
