#!/usr/bin/env bats
# pod update / pod container update: a running container's cgroup limits
# change through its runtime (`update --resources`, the shim's Update), are
# recorded (inspect, restart keep them); runsc, which cannot, refuses first.

load helpers

# host_cgroup_file CONTROLLER FILE: the file of the container's cgroup,
# read from the host (cgroup v1: /proc/PID/cgroup names it per controller).
host_cgroup_file() {
    local pid path
    pid=$(pod inspect --format '{{.State.Pid}}' up)
    path=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
    cat "/sys/fs/cgroup/$1$path/$2"
}

@test "update: a running container's limits, seen inside and outside, kept by inspect and restart" {
    [[ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]] || skip "needs cgroup v1 (this test reads v1 files)"
    skip_if_rootless
    run_pod run -d --name up "${IMG[@]}" sleep 1000
    id=$output
    if is_gvisor; then
        run_pod 125 update --memory 64m up
        contains "$output" "runtime \"$POD_TEST_RUNTIME\" does not support update"
        contains "$output" "runsc has no update command"
        is "$(pod inspect --format '{{.HostConfig.Memory}}' up)" "0"
        # Stopped, the limits are only recorded: the next start takes them.
        run_pod stop -t0 up
        run_pod update --memory 64m up
        is "$output" "$id"
        is "$(pod inspect --format '{{.HostConfig.Memory}}' up)" "67108864"
        return
    fi
    run_pod update --memory 64m --cpus 0.5 --cpu-shares 512 --memory-reservation 32m up
    is "$output" "$id"
    run_pod exec up cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/memory/memory.soft_limit_in_bytes
    is "$(echo $output)" "67108864 50000 512 33554432"
    is "$(host_cgroup_file memory memory.limit_in_bytes)" "67108864"
    is "$(pod inspect --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.MemoryReservation}}' up)" \
        "67108864 500000000 512 33554432"
    # --cpu-quota replaces --cpus (one CFS limit); the rest is kept.
    run_pod container update --cpu-quota 20000 up
    is "$(host_cgroup_file cpu cpu.cfs_quota_us)" "20000"
    is "$(pod inspect --format '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}} {{.HostConfig.Memory}}' up)" "0 20000 67108864"
    # A bad value changes nothing.
    run_pod 125 update --memory abc up
    is "$output" 'Error: --memory "abc": want a size like 512m or 2g, or 0 for no limit: invalid argument'
    run_pod 125 update --memory-swap 10m up
    contains "$output" "--memory-swap"
    is "$(host_cgroup_file memory memory.limit_in_bytes)" "67108864"
    # A restart keeps the updated limits.
    run_pod restart -t0 up
    is "$(host_cgroup_file memory memory.limit_in_bytes)" "67108864"
    is "$(host_cgroup_file cpu cpu.cfs_quota_us)" "20000"
    run_pod rm -f -t0 up
}

@test "update: configured and initialized containers take their new limits; a missing one is an error" {
    [[ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]] || skip "needs cgroup v1 (this test reads v1 files)"
    skip_if_rootless
    run_pod create --name up "${IMG[@]}" sleep 1000
    id=$output
    # Not yet in the runtime: recorded, taken at start.
    run_pod update --memory 32m up
    is "$output" "$id"
    # Created in the runtime (init): updated there.
    run_pod init up
    if is_gvisor; then
        run_pod 125 update --cpuset-cpus 0 up
        contains "$output" "does not support update"
        run_pod stop -t0 up
    fi
    run_pod update --cpuset-cpus 0 up
    is "$output" "$id"
    run_pod start up
    if ! is_gvisor; then
        is "$(host_cgroup_file memory memory.limit_in_bytes)" "33554432"
        is "$(host_cgroup_file cpuset cpuset.cpus)" "0"
    fi
    is "$(pod inspect --format '{{.HostConfig.Memory}} {{.HostConfig.CpusetCpus}}' up)" "33554432 0"
    run_pod 125 update --memory 64m nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
    run_pod 125 update --pids-limit 10 up
    contains "$output" "unknown flag: --pids-limit"
    run_pod rm -f -t0 up
}

@test "--latest on exec, attach, container cleanup, network reload; logs --color; create -a" {
    run_pod 125 create -a foo "${IMG[@]}" true
    is "$output" 'Error: invalid --attach "foo": use stdin, stdout or stderr: invalid argument'
    run_pod create -a stdout --name lc "${IMG[@]}" echo colored
    run_pod start -a lc
    run_pod run -d --name lt "${IMG[@]}" sh -c 'echo lt-out; exec sleep 1000'
    id=$output
    # --color: one ANSI colour per container in the order given (Podman's
    # cycle starts white, red), the line wrapped in it and a reset.
    wait_for_output lt lt-out
    run_pod logs --color -n lc lt
    want=$'\e[37mlc colored\e[0m\n\e[31mlt lt-out\e[0m'
    [[ "$output" == "$want" ]] || die "logs --color: $(printf '%q' "$output"), want $(printf '%q' "$want")"
    run_pod exec -l echo from-latest
    is "$output" "from-latest"
    run_pod 125 exec -l
    is "$output" "Error: exec requires a command with --latest: invalid argument"
    run_pod 125 attach -l lt
    is "$output" "Error: --latest and containers cannot be used together"
    run_pod network reload -l
    is "$output" "$id"
    run_pod stop -t0 lt
    run_pod container cleanup -l --rm
    is "$output" "$id"
    run_pod 1 container exists lt
}

@test "container runlabel: the label's command with IMAGE and NAME, --display, --replace, a missing label" {
    rootfs=$(busybox_tarball)
    run_pod import --change 'LABEL RUN="podman run --name NAME IMAGE echo label-ran"' "$rootfs" rl
    run_pod container runlabel --display RUN rl x y
    is "$output" "command: podman run --name rl localhost/rl:latest echo label-ran x y"
    run_pod container runlabel --name rl2 RUN rl
    is "$output" "label-ran"
    is "$(pod ps -a --format '{{.Names}} {{.Image}}' --filter name=rl2)" "rl2 localhost/rl:latest"
    run_pod 125 container runlabel --name rl2 RUN rl
    contains "$output" 'already in use'
    run_pod container runlabel --replace --name rl2 RUN rl
    is "$output" "label-ran"
    run_pod 125 container runlabel INSTALL rl
    is "$output" "Error: cannot find the value of label: INSTALL in image: rl: invalid argument"
    run_pod rm -f rl2
}
