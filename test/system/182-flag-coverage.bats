#!/usr/bin/env bats
# Flags of run/create/ps/logs/exec that no other file exercised, each with
# an assertion on its effect (make flag-coverage lists the rest).

load helpers

@test "run --timeout: the monitor kills the container, exit code -1 as Podman 4.3.1" {
    start=$SECONDS
    run_pod 255 run --name 'to-fg' --timeout 2 "$IMAGE" sh -c 'trap "" TERM; echo started; sleep 100'
    is "$output" "started"
    elapsed=$((SECONDS - start))
    ((elapsed >= 2 && elapsed < 15)) || die "run --timeout 2 took ${elapsed}s"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.Config.Timeout}}' to-fg
    is "$output" "exited -1 2"
    run_pod ps -a --filter name=to-fg --format '{{.Status}}'
    is "$output" "Exited \(-1\) .*"

    # Detached: wait reports -1; nothing of the container is left running.
    run_pod run -d --name to-bg --timeout 1 "$IMAGE" sleep 100
    pid=$(pod inspect --format '{{.State.Pid}}' to-bg)
    run_pod wait to-bg
    is "$output" "-1"
    ! pid_alive "$pid" || die "the container's process $pid outlived its --timeout"

    # A container that ends first keeps its own code.
    run_pod 3 run --name to-quick --timeout 30 "$IMAGE" sh -c 'exit 3'
    run_pod inspect --format '{{.State.ExitCode}}' to-quick
    is "$output" "3"

    # create --timeout counts from the start; a restart gets the limit again.
    run_pod create --name to-created --timeout 1 "$IMAGE" sleep 100
    run_pod start to-created
    run_pod wait to-created
    is "$output" "-1"
    run_pod start to-created
    run_pod wait to-created
    is "$output" "-1"

    run_pod 125 run --timeout -1 "$IMAGE" true
    run_pod 125 run --timeout x "$IMAGE" true
}

@test "run flags: capabilities, groups, umask, oom score, no-new-privileges, entrypoint, device, tmpfs, shm, sysctl, cpuset" {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "gVisor's /proc does not show these settings as Linux does"
    # --cpuset-cpus is a cgroup setting: rootless on cgroup v1 (no cgroup)
    # it is refused (400-rootless.bats checks that) and the cpus are all.
    local cpuset=(--cpuset-cpus 0) cpus=0
    if is_rootless_cgroupv1; then
        cpuset=() cpus=$(grep Cpus_allowed_list /proc/self/status | awk '{print $2}')
    fi
    run_pod run --rm --cap-drop all --cap-add NET_RAW --group-add 1234 --umask 0077 --oom-score-adj 100 \
        --security-opt no-new-privileges "${cpuset[@]}" --shm-size 5m --tmpfs '/scr atch:size=1m' \
        --sysctl kernel.msgmax=65536 --device /dev/null:/dev/my-null \
        "$IMAGE" sh -c 'grep -E "^(CapEff|NoNewPrivs|Cpus_allowed_list):" /proc/self/status; id -G; umask
            cat /proc/self/oom_score_adj; df -k /dev/shm | tail -1; grep "/scr" /proc/mounts
            cat /proc/sys/kernel/msgmax; test -c /dev/my-null && echo char-device'
    is "${lines[0]}" "CapEff:.0000000000002000" "only NET_RAW (bit 13) left"
    is "${lines[1]}" "NoNewPrivs:.1"
    is "${lines[2]}" "Cpus_allowed_list:.$cpus"
    is "${lines[3]}" "0 1234" "groups"
    is "${lines[4]}" "0077" "umask"
    is "${lines[5]}" "100" "oom_score_adj"
    is "${lines[6]}" "shm +5120 .*" "/dev/shm of 5 MiB"
    is "${lines[7]}" 'tmpfs /scr\\040atch tmpfs .*size=1024k.*' "tmpfs with a space in its path"
    is "${lines[8]}" "65536" "kernel.msgmax"
    is "${lines[9]}" "char-device"

    # --entrypoint replaces the image's; the arguments follow it.
    run_pod run --rm --entrypoint /bin/echo "$IMAGE" hi there
    is "$output" "hi there"
    run_pod run --rm --entrypoint '["/bin/sh","-c","echo json-$0"]' "$IMAGE" arg
    is "$output" "json-arg"

    run_pod 125 run --rm --cap-add NOT_A_CAP "$IMAGE" true
    run_pod 125 run --rm --umask 999 "$IMAGE" true
    run_pod 125 run --rm --oom-score-adj 5000 "$IMAGE" true
}

@test "run flags: --ipc/--pid/--uts host share the host's namespaces, private ones do not" {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "gVisor has its own kernel: no host namespaces"
    ns() { local n; for n in ipc pid uts; do ls -l "/proc/self/ns/$n" | sed 's/.*-> //'; done; }
    host=$(ns | tr '\n' ' ')
    if is_rootless && [[ ! -d /dev/mqueue ]]; then
        # an ordinary user's --ipc host binds the host's /dev/mqueue: without
        # one it is refused (183-run-flags-more.bats), so pid and uts only
        host=$(ns | sed 1d | tr '\n' ' ')
        run_pod run --rm --pid host --uts host "$IMAGE" sh -c 'for n in pid uts; do ls -l /proc/self/ns/$n | sed "s/.*-> //"; done; hostname'
        [[ "$(echo "${lines[@]:0:2}") " == "$host" ]] || die "--pid/--uts host: ${lines[*]:0:2}, host: $host"
        is "${lines[2]}" "$(hostname)" "--uts host: the host's name"
        host=$(ns | tr '\n' ' ')
    else
        run_pod run --rm --ipc host --pid host --uts host "$IMAGE" sh -c 'for n in ipc pid uts; do ls -l /proc/self/ns/$n | sed "s/.*-> //"; done; hostname'
        [[ "$(echo "${lines[@]:0:3}") " == "$host" ]] || die "--ipc/--pid/--uts host: ${lines[*]:0:3}, host: $host"
        is "${lines[3]}" "$(hostname)" "--uts host: the host's name"
    fi
    run_pod run --rm --ipc private --pid private --uts private "$IMAGE" sh -c 'for n in ipc pid uts; do ls -l /proc/self/ns/$n | sed "s/.*-> //"; done'
    for i in 0 1 2; do
        [[ " $host " != *" ${lines[$i]} "* ]] || die "namespace ${lines[$i]} is the host's"
    done
}

@test "run flags: --pids-limit, --memory-swap and --cgroup-parent reach the cgroup" {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "gVisor's /sys/fs/cgroup is its own"
    skip_if_rootless_cgroupv1
    parent=podtest-182-$$
    if [[ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]]; then
        files='/sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max'
        want_swap=67108864 # v2: swap alone = memory-swap - memory
    else
        files='/sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'
        want_swap=134217728
    fi
    run_pod run --rm --pids-limit 50 --memory 64m --memory-swap 128m --cgroup-parent "/$parent" "$IMAGE" \
        sh -c "cat $files; cat /proc/self/cgroup"
    is "${lines[0]}" "50"
    is "${lines[1]}" "67108864"
    is "${lines[2]}" "$want_swap"
    contains "$output" "/$parent/" "the container's cgroup is below --cgroup-parent"
    # The parent stays after the container, as with Podman: remove it.
    wait_for_monitors
    local d
    for d in /sys/fs/cgroup/*/"$parent" /sys/fs/cgroup/"$parent"; do
        [[ -d "$d" ]] && rmdir "$d" 2>/dev/null || true
    done
    run_pod 125 run --rm --memory 64m --memory-swap 32m "$IMAGE" true
    run_pod 125 run --rm --pids-limit x "$IMAGE" true
}

@test "logs --until: lines logged after the time are left out" {
    run_pod run --name until-logs "$IMAGE" sh -c 'echo early; sleep 2; echo late'
    # Halfway: the first line's time plus one second.
    first=$(pod logs -t until-logs | head -1 | cut -d' ' -f1)
    cut=$(date -d "$first + 1 second" +%s)
    run_pod logs --until "$cut" until-logs
    is "$output" "early"
    run_pod logs --until 0s until-logs
    is "$output" "early
late"
    run_pod 125 logs --until notatime until-logs
}

@test "run --authfile: a missing file is refused before anything is made; an existing one is used" {
    run_pod 125 run --name auth-missing --authfile "$BATS_TEST_TMPDIR/no such/auth.json" "$IMAGE" true
    contains "$output" "stat $BATS_TEST_TMPDIR/no such/auth.json: no such file or directory"
    run_pod 1 container exists auth-missing
    echo '{"auths":{}}' >"$BATS_TEST_TMPDIR/auth.json"
    run_pod run --rm --authfile "$BATS_TEST_TMPDIR/auth.json" "$IMAGE" echo ok
    is "$output" "ok"
    run_pod 125 create --authfile /nonexistent/auth.json "$IMAGE" true
}
