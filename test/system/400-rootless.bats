#!/usr/bin/env bats
# Rootless: pod as ordinary users (contrib/rootless-user.sh makes them).
# Run as root, these tests drive the users with runuser, each with private
# roots, and check what root cannot see from the outside: isolation between
# root and the users and between two users, the pause process, the modes of
# the user's files and the refusals. Run as an ordinary user (make
# test-system-rootless) the runuser tests skip and the ones about the
# current user run.

load helpers
load helpers.rootless

# RL is a directory every test user can read: the binaries, the image
# tarball and each user's roots live there.
setup_file() { rootless_file_setup 400; }
teardown_file() { rootless_file_teardown; }
teardown() { rootless_test_teardown; }

@test "rootless run: uid 0 in the container is the user, subordinate ids beyond; the user's files have Podman's modes" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    local uid
    uid=$(id -u podtest)
    if [[ "$POD_TEST_RUNTIME" != runsc ]]; then # gVisor shows its own id map
        run_upod podtest run --rm "${IMG[@]}" cat /proc/self/uid_map
        is "$(echo $output)" "0 $uid 1 1 [0-9]+ 65536" "the container's uid_map"
    fi
    run_upod podtest info --format '{{.Host.Security.Rootless}} {{.Store.GraphRoot}} {{.Store.RunRoot}}'
    is "$output" "true $RL/podtest/root $RL/podtest/run"
    run_upod podtest info --format json
    is "$(jq -r '.host.idMappings.uidmap[0].host_id' <<<"$output")" "$uid" "idMappings uid 0"
    is "$(jq -r '.host.idMappings.uidmap[1].size' <<<"$output")" "65536" "idMappings subordinate range"
    # the state database and the pause pid file are the user's, 0600
    is "$(stat -c '%U %a' "$RL/podtest/root/pod/pod.db")" "podtest 600" "state database"
    is "$(stat -c '%U %a' "$RL/podtest/tmp/pause.pid")" "podtest 600" "pause pid file"
    # the pause process is the user's, in another user namespace
    local pp
    pp=$(pause_pid podtest)
    is "$(stat -c %U /proc/"$pp")" podtest "pause process owner"
    [[ "$(readlink /proc/"$pp"/ns/user)" != "$(readlink /proc/self/ns/user)" ]] || die "the pause process is in root's user namespace"
}

@test "runtime ls has a rootless column; a shim is refused up front naming it" {
    run_pod runtime ls --format '{{.Name}} {{.Rootless}}'
    contains "$output" "crun yes"
    contains "$output" "runsc yes"
    skip_if_rootless "drives the test users with runuser (root)"
    if pod runtime ls --format '{{.Name}} {{.Status}}' | grep -q '^io.containerd.runc.v2 available'; then
        user_image podtest
        run_upod 125 podtest run --rm --runtime io.containerd.runc.v2 "${IMG[@]}" true
        contains "$output" 'runtime "io.containerd.runc.v2" does not support running as an ordinary user (rootless)'
        run_upod podtest ps -a --format '{{.Names}}'
        is "$output" "" "nothing created by the refused run"
    fi
}

@test "same container names for root and two users do not interfere" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    user_image podtest2
    run_pod run -d --name same "${IMG[@]}" sleep 1000
    run_upod podtest run -d --name same "${IMG[@]}" sleep 1000
    run_upod podtest2 run -d --name same "${IMG[@]}" sleep 1000
    local root_id u1_id u2_id
    root_id=$(pod inspect --format '{{.Id}}' same)
    u1_id=$(upod podtest inspect --format '{{.Id}}' same)
    u2_id=$(upod podtest2 inspect --format '{{.Id}}' same)
    [[ "$root_id" != "$u1_id" && "$u1_id" != "$u2_id" && "$root_id" != "$u2_id" ]] || die "ids collide: $root_id $u1_id $u2_id"
    # each sees its own container only
    run_upod podtest ps -a --format '{{.ID}}'
    is "$output" "${u1_id:0:12}"
    run_pod ps -a --format '{{.ID}}'
    is "$output" "${root_id:0:12}"
    # the user's container processes run as the user's ids on the host
    # (gVisor's sandbox as one of the user's subordinate ids, or, on the
    # rootless default network slirp4netns, which runsc uses through its
    # host network stack, as the user: hostinet keeps the sandbox in the
    # user's namespace as its root, the user itself)
    local pid owner
    pid=$(upod podtest inspect --format '{{.State.Pid}}' same)
    owner=$(stat -c %u /proc/"$pid")
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        ((owner >= 100000)) || [[ "$owner" == "$(id -u podtest)" ]] || die "runsc sandbox of podtest runs as $owner"
    else
        is "$owner" "$(id -u podtest)" "the user's container process owner"
    fi
    # stopping and removing one user's container leaves the others running
    run_upod podtest rm -f -t 0 same
    run_upod podtest2 inspect --format '{{.State.Status}}' same
    is "$output" running
    run_pod inspect --format '{{.State.Status}}' same
    is "$output" running
    # a user cannot reach root's or another user's container
    run_upod 125 podtest stop "$u2_id"
    contains "$output" "no such container"
    run_upod podtest2 rm -f -t 0 same
    run_pod rm -f -t 0 same
}

@test "the pause process killed with SIGKILL: the next command rejoins, lists and stops the running container" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    run_upod podtest run -d --name survivor "${IMG[@]}" sleep 1000
    local old
    old=$(pause_pid podtest)
    kill -9 "$old"
    local tries=50
    while ((tries-- > 0)) && pid_alive "$old"; do sleep 0.1; done
    run_upod podtest ps --format '{{.Names}} {{.Status}}'
    is "$output" "survivor Up.*"
    local new
    new=$(pause_pid podtest)
    [[ "$new" != "$old" ]] && pid_alive "$new" || die "no new pause process ($old -> $new)"
    # the new pause process is in the namespace of the container's monitor
    local mpid
    mpid=$(upod podtest inspect --format '{{.State.ConmonPid}}' survivor)
    [[ "$(readlink /proc/"$new"/ns/user)" == "$(readlink /proc/"$mpid"/ns/user)" ]] || die "the new pause process is not in the container's user namespace"
    run_upod podtest stop -t 1 survivor
    run_upod podtest rm survivor
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "system migrate stops the pause process; the next command starts a new one" {
    skip_if_rootless "drives the test users with runuser (root)"
    user_image podtest
    local old id
    # as Podman's, migrate stops the running containers, inside the
    # namespace (outside it, their mounts could not be undone)
    if [[ "$POD_TEST_KIND" == oci ]]; then # shims cannot run rootless
        run_upod podtest run -d --name mig --stop-signal KILL "${IMG[@]}" sleep 1000
        id=$output
    fi
    old=$(pause_pid podtest)
    run_upod podtest system migrate
    is "$output" "${id:+stopped $id}"
    local tries=50
    while ((tries-- > 0)) && pid_alive "$old"; do sleep 0.1; done
    pid_alive "$old" && die "pause process $old still runs after system migrate"
    run_upod podtest unshare cat /proc/self/uid_map
    is "$(echo $output)" "0 $(id -u podtest) 1 1 [0-9]+ 65536"
    [[ "$(pause_pid podtest)" != "$old" ]] || die "no new pause process"
    if [[ -n "$id" ]]; then
        run_upod podtest inspect --format '{{.State.Status}}' mig
        is "$output" "exited"
        run_upod podtest rm mig
    fi
    # unshare's exit code is the command's; root is refused as Podman does
    run_upod 3 podtest unshare sh -c 'exit 3'
    run_pod 125 unshare true
    contains "$output" "please use unshare with rootless"
}

@test "refusals: no subordinate range, too small a range, no newuidmap, unusable XDG_RUNTIME_DIR (exit 125, nothing created)" {
    skip_if_rootless "drives the test users with runuser (root)"
    run_upod 125 podtestnosub run --rm "${IMG[@]}" true
    contains "$output" 'user "podtestnosub" needs ranges in /etc/subuid and /etc/subgid'
    contains "$output" "usermod --add-subuids"
    run_upod 125 podtestsmall run --rm "${IMG[@]}" true
    contains "$output" 'user "podtestsmall" has only 1000 ids in /etc/subuid, rootless containers need at least 65536'
    local u
    for u in podtestnosub podtestsmall; do
        [[ ! -e "$RL/$u/tmp/pause.pid" ]] || die "$u got a pause process"
        [[ ! -e "$RL/$u/root/pod/pod.db" ]] || die "$u got a state database"
    done
    # no newuidmap on $PATH (podtest2 has no namespace yet in this test's roots)
    ensure_user_dirs podtest2
    status=0
    output=$(runuser -u podtest2 -- env -i PATH=/usr/sbin:/sbin HOME=/home/podtest2 XDG_RUNTIME_DIR="$RL/podtest2/xdg" \
        "$RL/bin/pod" --root "$RL/podtest2/nomap" --runroot "$RL/podtest2/nomap-run" --tmpdir "$RL/podtest2/nomap-tmp" ps 2>&1) || status=$?
    is "$status" 125 "exit code without newuidmap"
    contains "$output" "rootless containers need newuidmap (Debian package uidmap)"
    # XDG_RUNTIME_DIR owned by root, and not writable
    mkdir -p "$RL/rootxdg"
    output=$(runuser -u podtest -- env -i PATH=/usr/bin:/bin HOME=/home/podtest XDG_RUNTIME_DIR="$RL/rootxdg" "$RL/bin/pod" ps 2>&1) || status=$?
    is "$status" 125 "exit code with root's XDG_RUNTIME_DIR"
    contains "$output" "XDG_RUNTIME_DIR directory \"$RL/rootxdg\" is not owned by the current user"
}

@test "rootless on cgroup v1: resource limits and pause are refused as Podman does" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]] && skip "cgroup v2 host: rootless limits work with delegation"
    user_image podtest
    local flag
    for flag in "--memory 10m" "--cpus 1" "--pids-limit 10"; do
        # shellcheck disable=SC2086
        run_upod 125 podtest run --rm $flag "${IMG[@]}" true
        contains "$output" "cannot specify resource limits without cgroups v2" "$flag"
    done
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" "" "nothing created by the refused runs"
    run_upod podtest run -d --name nopause "${IMG[@]}" sh -c 'sleep 1000 & exec sleep 2000'
    run_upod 125 podtest pause nopause
    contains "$output" "can not pause containers on rootless containers with cgroup V1"
    # no cgroup to read statistics from: refused in Podman's words
    run_upod 125 podtest stats --no-stream
    is "$output" "Error: stats is not supported in rootless mode without cgroups v2: invalid argument"
    run_upod 125 podtest pod stats --no-stream
    is "$output" "Error: pod stats is not supported in rootless mode without cgroups v2: invalid argument"
    # top finds the processes in the container's PID namespace instead
    run_upod podtest top nopause pid,args
    mapfile -t lines <<<"$output"
    if is_gvisor; then
        # The processes run in gVisor's kernel: the host has the sandbox only.
        is "${#lines[@]}" 2 "header + the sandbox process: $output"
    else
        is "${#lines[@]}" 3 "header + two processes: $output"
        is "${lines[1]}" "1 +sleep 2000 ?"
        is "${lines[2]}" "[0-9]+ +sleep 1000 ?"
    fi
    run_upod podtest rm -f -t 0 nopause
}

@test "rootless host namespaces: a pod's --uts/--pid host members, rm -f of a --pid host container, --ipc host" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    skip_unless_pods
    user_image podtest
    # A pod in the host's UTS and PID namespaces: its members are left in
    # the host's too (Podman), not joined to the infra's by path, which an
    # ordinary user may not setns into; /proc is the host's, bound.
    run_upod podtest pod create --name hu --uts host --pid host --share +pid
    run_upod podtest run --rm --pod hu "${IMG[@]}" sh -c "hostname; test -d /proc/$$ && echo host-pids"
    is "$output" "$(hostname)
host-pids"
    # Without a cgroup (cgroup v1) `kill --all` finds no process: SIGKILL
    # goes to the init process, so rm -f ends a --pid host container at once.
    run_upod podtest run -d --name ph --pid host "${IMG[@]}" sleep 1000
    local t0=$SECONDS
    run_upod podtest pod rm -f -t 0 hu
    run_upod podtest rm -f -t 0 ph
    ((SECONDS - t0 < 5)) || die "rm -f of --pid host took $((SECONDS - t0)) s (SIGKILL timed out?)"
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" "" "nothing left running"
    # --ipc host: the host's /dev/mqueue is bound (mqueue cannot be mounted
    # in the host's IPC namespace); without one, refused naming it.
    if [[ -d /dev/mqueue ]]; then
        run_upod podtest run --rm --ipc host "${IMG[@]}" grep -c " /dev/mqueue " /proc/mounts
        is "$output" 1
    else
        run_upod 125 podtest run --rm --ipc host "${IMG[@]}" true
        contains "$output" '--ipc "host": an ordinary user'"'"'s container in the host'"'"'s IPC namespace binds the host'"'"'s /dev/mqueue'
        contains "$output" "mount -t mqueue mqueue /dev/mqueue"
        run_upod podtest ps -a --format '{{.Names}}'
        is "$output" "" "nothing created by the refused run"
    fi
}

@test "--userns=keep-id: files in a bind mount keep the user's owner; bad values and root are refused" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    local dir=$RL/podtest/bind uid gid
    uid=$(id -u podtest)
    gid=$(id -g podtest)
    mkdir -p "$dir"
    echo data >"$dir/mine"
    chown -R podtest: "$dir"
    run_upod podtest run --rm --userns keep-id -v "$dir:/b" "${IMG[@]}" sh -c 'id -u; id -g; stat -c "%u:%g" /b/mine; echo new >/b/made'
    is "$(echo $output)" "$uid $gid $uid:$gid" "keep-id: the process and the bind mount's file"
    is "$(stat -c '%U:%G' "$dir/made")" "podtest:$(id -gn podtest)" "a file the container made in the bind mount"
    run_upod podtest run --rm --userns keep-id:uid=200,gid=210 -v "$dir:/b" "${IMG[@]}" sh -c 'id -u; id -g; stat -c "%u:%g" /b/mine'
    is "$(echo $output)" "200 210 200:210" "keep-id:uid=200,gid=210"
    # -u wins over keep-id's default user
    run_upod podtest run --rm --userns keep-id -u 0 "${IMG[@]}" id -u
    is "$output" 0
    # without keep-id the user's files are root's in the container
    run_upod podtest run --rm -v "$dir:/b" "${IMG[@]}" stat -c %u /b/mine
    is "$output" 0
    for bad in bogus keep-id:uid=x keep-id:size=3 ns:relative host:x; do
        run_upod 125 podtest run --rm --userns "$bad" "${IMG[@]}" true
        contains "$output" "--userns \"$bad\"" "$bad"
    done
    run_upod 125 podtest run --rm --userns keep-id:uid=70000 "${IMG[@]}" true
    contains "$output" "outside the 65537 ids of the user namespace"
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" "" "nothing created by the refused runs"
    run_pod 125 run --rm --userns keep-id "${IMG[@]}" true
    contains "$output" "keep-id is only supported in rootless mode"
}

@test "as an ordinary user: the user namespace, its uid map and pod unshare" {
    skip_unless_rootless
    run_pod unshare cat /proc/self/uid_map
    is "$(echo $output)" "0 $(id -u) 1 1 [0-9]+ [0-9]+"
    run_pod run --rm "${IMG[@]}" id -u
    is "$output" 0
    run_pod info --format '{{.Host.Security.Rootless}}'
    is "$output" true
    # the host's network namespace is not the user's: /sys is bound, not mounted (runc fails on sysfs there)
    run_pod run --rm --network host "${IMG[@]}" sh -c 'ls /sys/class/net; grep " /sys " /proc/mounts'
    contains "$output" "lo"
    # Relative paths are the caller's working directory's (joining the
    # namespace's mount namespace must not move pod to its "/").
    mkdir -p "$BATS_TEST_TMPDIR/wd"
    cd "$BATS_TEST_TMPDIR/wd"
    echo X=in-cwd >env
    run_pod unshare pwd
    is "$output" "$BATS_TEST_TMPDIR/wd"
    run_pod run --rm --env-file env "${IMG[@]}" sh -c 'echo $X'
    is "$output" "in-cwd"
    run_pod save -o rel.tar "${IMG[@]}"
    [[ -s "$BATS_TEST_TMPDIR/wd/rel.tar" ]] || die "save -o rel.tar wrote nothing in the working directory"
    # pod mount only inside pod unshare, where its mount point exists (Podman's refusal)
    run_pod create --name mnt "${IMG[@]}" true
    run_pod 125 mount mnt
    is "$output" 'Error: cannot run command "pod mount" in rootless mode, must execute `pod unshare` first: invalid argument'
    run_pod 125 image mount "$IMAGE"
    is "$output" 'Error: cannot run command "pod image mount" in rootless mode, must execute `pod unshare` first: invalid argument'
    local inner=("$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" --runtime "$POD_TEST_RUNTIME")
    run_pod unshare "${inner[@]}" container mount mnt
    mp=$output
    run_pod unshare test -d "$mp/bin"
    run_pod unshare "${inner[@]}" umount mnt
    run_pod rm mnt
}
