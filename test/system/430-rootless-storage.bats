#!/usr/bin/env bats
# Rootless storage with fuse-overlayfs: the test user podtest (driven as
# root with runuser, helpers.rootless.bash) with its own storage.conf
# (XDG_CONFIG_HOME) naming overlay.mount_program. pod hands the file to
# go.podman.io/storage, whose overlay driver mounts every layer with the
# program; `pod info` shows it as Podman does; stop, rm, run --rm and a
# container's own exit leave no fuse mount and no fuse-overlayfs process.
# A store made with a mount program keeps it without the line (storage's
# own detection: SupportsNativeOverlay says no, fuse-overlayfs from $PATH).
# About storage, not the runtime: it runs with crun only (skips on the
# others, so the root CI pays for it once without changing how
# run-runtimes.sh deals its POD_BATS_ONCE files).

load helpers
load helpers.rootless

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    is_rootless && return 0
    rootless_users_setup 430
    mkdir -p "$RL/podtest/cfg/containers"
    chown -R podtest: "$RL/podtest"
    export UPOD_ENV="XDG_CONFIG_HOME=$RL/podtest/cfg"
}

teardown_file() {
    rootless_users_teardown
    wait_for_monitors
}

setup() {
    skip_if_rootless "drives the test user with runuser (root)"
    [[ "$POD_TEST_RUNTIME" == crun ]] || skip "about storage, not the runtime: runs with crun only"
    command -v fuse-overlayfs >/dev/null || skip "fuse-overlayfs is not installed (Debian package fuse-overlayfs)"
    # Debian's udev makes /dev/fuse 0666; without udev contrib/setup.sh does.
    if ! runuser -u podtest -- sh -c 'exec 3<>/dev/fuse' 2>/dev/null; then
        skip "/dev/fuse is mode $(stat -c %a /dev/fuse), podtest cannot open it: run contrib/setup.sh"
    fi
    storage_conf "mount_program = \"$(command -v fuse-overlayfs)\""
    user_image podtest
}

teardown() {
    [[ -n "$RL" ]] && upod podtest rm -af -t 0 >/dev/null 2>&1 || true
}

# storage_conf LINE: podtest's storage.conf, overlay with LINE in its
# overlay options.
storage_conf() {
    printf '[storage]\ndriver = "overlay"\n[storage.options.overlay]\n%s\n' "$1" >"$RL/podtest/cfg/containers/storage.conf"
    chmod 644 "$RL/podtest/cfg/containers/storage.conf"
}

# fuse_mounts: podtest's fuse-overlayfs mounts of this file's store, in the
# namespace of its pause process and in the host's.
fuse_mounts() {
    local pp
    pp=$(pause_pid podtest)
    cat "/proc/$pp/mountinfo" /proc/self/mountinfo 2>/dev/null | grep fuse.fuse-overlayfs | grep -F "$RL/podtest/root/" || true
}

# fuse_procs: live (not zombie) fuse-overlayfs processes on this store.
fuse_procs() {
    local pid
    for pid in $(pgrep -u podtest -f -- "fuse-overlayfs .*$RL/podtest/root/"); do
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] || echo "$pid"
    done
    return 0
}

# assert_nothing_mounted WHEN: no fuse mount and no fuse-overlayfs process
# of the store is left (a fuse daemon ends right after its unmount: up to 5 s).
assert_nothing_mounted() {
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -z "$(fuse_mounts)$(fuse_procs)" ]] && return 0
        sleep 0.1
    done
    echo "# after $1 still mounted:"
    fuse_mounts
    ps -o pid,stat,args -p "$(fuse_procs | tr '\n' ',')0"
    return 1
}

@test "rootless fuse-overlayfs: storage.conf's mount_program runs, execs, stops and removes with nothing left mounted" {
    run_upod podtest info --format '{{.Store.GraphDriverName}} {{json .Store.GraphOptions}}'
    [[ "$output" == "overlay "*'"overlay.mount_program":{"Executable":"'"$(command -v fuse-overlayfs)"'"'* ]] || die "info: $output"
    [[ "$output" == *'"Package":"fuse-overlayfs_'* && "$output" == *'fuse-overlayfs: version'* ]] || die "info: $output"

    run_upod podtest run -d --name fo "$IMAGE" sleep 300
    # the container's root is the fuse mount, the store's layer under it
    run_upod podtest exec fo sh -c 'echo data >/new; cat /new; grep " / " /proc/mounts'
    [[ "$output" == data*"fuse-overlayfs / fuse.fuse-overlayfs"* ]] || die "exec: $output"
    [[ -n "$(fuse_mounts)" && -n "$(fuse_procs)" ]] || die "no fuse-overlayfs mount of $RL/podtest/root while running"
    run_upod podtest unshare sh -c "cat $RL/podtest/root/overlay/*/diff/new"
    [[ "$output" == data ]] || die "the write is not in the upper layer: $output"

    run_upod podtest stop -t 0 fo
    assert_nothing_mounted stop
    run_upod podtest start fo
    run_upod podtest exec fo cat /new
    [[ "$output" == data ]] || die "after restart: $output"
    run_upod podtest rm -f -t 0 fo
    assert_nothing_mounted "rm -f"

    run_upod podtest run --rm "$IMAGE" sh -c 'grep " / " /proc/mounts'
    [[ "$output" == *fuse.fuse-overlayfs* ]] || die "run --rm: $output"
    assert_nothing_mounted "run --rm"

    # the container's own exit: the exit command unmounts
    run_upod podtest run -d --name fo2 "$IMAGE" true
    run_upod podtest wait fo2
    assert_nothing_mounted "the container's exit"
}

@test "rootless fuse-overlayfs: a store made with a mount program keeps it without the line, shown by info" {
    run_upod podtest run --rm "$IMAGE" true
    storage_conf ""
    run_upod podtest info --format '{{json .Store.GraphOptions}}'
    [[ "$output" == *'"overlay.mount_program":{"Executable":"'"$(command -v fuse-overlayfs)"'"'* ]] || die "info: $output"
    run_upod podtest run -d --name fo3 "$IMAGE" sleep 300
    [[ -n "$(fuse_mounts)" ]] || die "storage did not pick fuse-overlayfs for a store made with it"
    run_upod podtest rm -f -t 0 fo3
    assert_nothing_mounted "rm -f"
}
