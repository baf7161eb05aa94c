# Helpers for pod's system tests (bats). Every test file gets its own
# storage root, run root and tmp dir, so files can run in parallel and leave
# nothing behind on the host.
#
# POD_BIN           directory with pod, pod-conmon, pod-image (default: ../../bin)
# POD_TEST_RUNTIME  runtime every container is created with (default: crun)
# POD_TEST_MONITOR  monitor binary passed with --conmon (default: pod's choice)
# POD_TEST_FLAGS    extra global flags for every pod command

POD_BIN=${POD_BIN:-$(cd "$BATS_TEST_DIRNAME/../../bin" && pwd)}
POD_TEST_RUNTIME=${POD_TEST_RUNTIME:-crun}
# POD_TEST_KIND is the runtime's kind: shim types have dots in their names.
if [[ "$POD_TEST_RUNTIME" == *.* ]]; then POD_TEST_KIND=shimv2; else POD_TEST_KIND=oci; fi

# skip_unless_oci skips a test that needs an OCI command-line runtime.
skip_unless_oci() {
    [[ "$POD_TEST_KIND" == oci ]] || skip "${1:-needs an OCI runtime binary, not a shim}"
}

# is_gvisor: runsc (directly or through its shim) emulates cgroups and
# /proc in its own kernel, so host cgroup files and personalities differ.
is_gvisor() { [[ "$POD_TEST_RUNTIME" == *runsc* ]]; }

# skip_unless_pods: runsc refuses pods (700-pods.bats checks the refusal;
# files that check it themselves define their own).
skip_unless_pods() {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "runsc refuses pods (700-pods.bats checks the refusal)"
}

# is_rootless: the tests run as an ordinary user (make test-system-rootless).
is_rootless() {
    [[ $(id -u) -ne 0 ]]
}

# skip_if_rootless [REASON]: skip a test that needs root on the host.
skip_if_rootless() {
    is_rootless && skip "${1:-needs root on the host}"
    return 0
}

# podman_runroot DIR: a run root for reference Podman runs: DIR, or, rootless
# when DIR is longer than the 50 characters Podman accepts there (a rootless
# bats run's tmp dirs are), a short /tmp/pr-HASH of it; rm -rf it afterwards.
podman_runroot() {
    local d=$1
    if is_rootless && ((${#d} > 50)); then
        d=/tmp/pr-$(echo "$1" | sha256sum | cut -c1-16)
    fi
    mkdir -p "$d"
    echo "$d"
}

# podman_on_store ARGS...: the reference Podman on pod's store ($PODT/root):
# its run root from podman_runroot, its own tmp dir (rootless: its own pause
# process) and overlay (Podman 4.3 rootless would pick vfs and not see pod's
# images). podman_on_store_done ends what it left.
podman_on_store() {
    local rc=0 err=$BATS_TEST_TMPDIR/podman-on-store.err
    podman --root "$PODT/root" --runroot "$(podman_runroot "$PODT/run")" --tmpdir "$PODT/ptmp" \
        --storage-driver overlay "$@" 2>"$err" || rc=$?
    # rootless Podman warns on every command that / is not a shared mount
    grep -v 'is not a shared mount' "$err" >&2
    return $rc
}

# podman_on_store_done: rootless, podman_on_store's pause process and short
# run root go; root has neither.
podman_on_store_done() {
    local prun
    prun=$(podman_runroot "$PODT/run")
    if [[ "$prun" != "$PODT/run" ]]; then
        podman_on_store system migrate >/dev/null 2>&1 || true
        rm -rf "$prun"
    fi
}

# pod_mountinfo: the mount table pod mounts volumes and layers in: the
# host's, or rootless the user namespace's (`pod unshare`), which the test's
# own /proc/self/mountinfo does not show.
pod_mountinfo() {
    in_pod_ns cat /proc/self/mountinfo
}

# in_pod_ns CMD...: CMD where pod's mounts are: rootless inside `pod
# unshare` (the user namespace's mount table), as root on the host.
in_pod_ns() {
    if is_rootless; then
        pod unshare "$@"
    else
        "$@"
    fi
}

# is_rootless_cgroupv1: rootless on a cgroup v1 host: no cgroup, so limits
# and pause are refused.
is_rootless_cgroupv1() {
    is_rootless && [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]
}

# skip_if_rootless_cgroupv1: skip a test of cgroup settings when rootless on
# a cgroup v1 host, where (as with Podman) a rootless container has no cgroup.
skip_if_rootless_cgroupv1() {
    if is_rootless_cgroupv1; then
        skip "a rootless container on a cgroup v1 host has no cgroup"
    fi
    return 0
}

# skip_unless_rootless [REASON]: skip a test that is about an ordinary user.
skip_unless_rootless() {
    is_rootless || skip "${1:-runs as an ordinary user only (make test-system-rootless)}"
    return 0
}

# pod runs the pod binary against this file's private roots.
pod() {
    local extra=()
    [[ -n "$POD_TEST_MONITOR" ]] && extra+=(--conmon "$POD_TEST_MONITOR")
    # POD_TEST_FLAGS: extra global flags, e.g. "--runtime-flag debug" when debugging.
    local podt_flags=()
    [[ -n "$POD_TEST_FLAGS" ]] && read -ra podt_flags <<<"$POD_TEST_FLAGS" && extra+=("${podt_flags[@]}")
    # POD_EXEC=1: pod replaces the shell, so `(POD_EXEC=1 pod …) &` makes $!
    # pod's own pid (a function run in the background is a subshell).
    # POD_UNSHARE=1: rootless, the command runs inside `pod unshare` (for
    # the verbs Podman allows only there: mount, image mount).
    if [[ -n "${POD_UNSHARE:-}" && "$1" != unshare ]] && is_rootless; then
        extra=(unshare "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp"
            --runtime "$POD_TEST_RUNTIME" "${extra[@]}")
    fi
    ${POD_EXEC:+exec} "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" \
        --runtime "$POD_TEST_RUNTIME" "${extra[@]}" "$@"
}

# run_pod [EXPECTED_RC] ARGS...: run pod, keep $output and $status, fail with
# the command and its output when the exit code is not the expected one
# (default 0; "?" accepts anything).
run_pod() {
    local expect=0
    if [[ "$1" =~ ^([0-9]+|\?)$ ]]; then
        expect=$1
        shift
    fi
    # Not bats' `run`: it warns about exit code 127, which pod uses on purpose.
    status=0
    output=$(pod "$@" 2>&1) || status=$?
    lines=()
    [[ -n "$output" ]] && mapfile -t lines <<<"$output"
    if [[ "$expect" != "?" && "$status" -ne "$expect" ]]; then
        echo "# pod $*"
        echo "# exit code $status, expected $expect; output:"
        echo "$output" | sed 's/^/#  /'
        return 1
    fi
}

# die prints a failure message and fails the test.
die() {
    echo "# FAIL: $*" >&2
    return 1
}

# is ACTUAL EXPECTED [WHAT]: ACTUAL must match the extended regex EXPECTED.
is() {
    local actual=$1 expect=$2 what=${3:-value}
    if ! [[ "$actual" =~ ^${expect}$ ]]; then
        echo "# $what:"
        echo "#   expected: $expect"
        echo "#   actual:   $actual"
        return 1
    fi
}

# contains HAYSTACK NEEDLE [WHAT]: HAYSTACK must contain the fixed string NEEDLE.
contains() {
    if [[ "$1" != *"$2"* ]]; then
        echo "# ${3:-output} does not contain: $2"
        echo "#   got: $1"
        return 1
    fi
}

# sdnotify_helper OUT: test/system/sdnotify-helper built at OUT, or copied
# from $POD_BIN where run-rootless.sh built it (an ordinary user's copy of
# test/system is outside the Go module and may have no go on its PATH).
sdnotify_helper() {
    if [[ -x "$POD_BIN/sdnotify-helper" ]]; then
        cp "$POD_BIN/sdnotify-helper" "$1"
    else
        (cd "$BATS_TEST_DIRNAME/sdnotify-helper" && CGO_ENABLED=0 go build -o "$1" .)
    fi
}

# make_rootfs DIR: a busybox root filesystem made from Debian's busybox-static.
make_rootfs() {
    local dir=$1
    mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,root,home/user}
    cp /bin/busybox "$dir/bin/busybox"
    local a
    for a in $("$dir/bin/busybox" --list); do
        [[ -e "$dir/bin/$a" ]] || ln -s busybox "$dir/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nuser:x:1000:\nwheel:x:10:user\nnobody:x:65534:\n' >"$dir/etc/group"
}

# rootfs_dir prints $ROOTFS, made by make_rootfs on the first call.
rootfs_dir() {
    [[ -d "$ROOTFS/bin" ]] || make_rootfs "$ROOTFS"
    echo "$ROOTFS"
}

# busybox_tarball prints the path of a busybox rootfs tarball (built once per
# bats run with contrib/mkbusybox.sh).
busybox_tarball() {
    local tar=$BATS_RUN_TMPDIR/busybox.tar
    if [[ ! -s "$tar" ]]; then
        "$BATS_TEST_DIRNAME/../../contrib/mkbusybox.sh" -t -o "$tar.tmp" >/dev/null && mv "$tar.tmp" "$tar"
    fi
    echo "$tar"
}

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    # ROOTFS: where rootfs_dir makes a busybox root filesystem for --rootfs
    # tests (made on first use: most files never need one).
    export ROOTFS=$BATS_FILE_TMPDIR/rootfs
    # The default image, in this file's private store.
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
}

teardown_file() {
    pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod rmi -a -f >/dev/null 2>&1 || true
    wait_for_monitors
    if is_rootless; then
        # Files of the user's subordinate ids can only be removed inside the
        # user namespace; then end this file's pause process.
        pod unshare rm -rf "$PODT/root" "$PODT/run" >/dev/null 2>&1 || true
        pod system migrate >/dev/null 2>&1 || true
    fi
}

# wait_for_monitors waits until no monitor, shim or exit command of this
# file's containers runs any more (exit commands run up to a second after a
# foreground container ended), so bats can delete the file's directory.
wait_for_monitors() {
    local tries=100
    while ((tries-- > 0)) && pgrep -f -- "$PODT" >/dev/null; do sleep 0.1; done
}

# IMAGE is the image tests run: busybox from Debian's busybox-static.
IMAGE=localhost/busybox
IMG=("$IMAGE")

teardown() {
    if uses_pods; then
        pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    fi
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
}

# uses_pods: whether this test file can make pods (pod create, --pod, kube
# play, quadlet .pod/.kube units): only then does teardown run `pod pod rm`,
# one pod process less after each of the other files' tests.
uses_pods() {
    grep -qE '(pod|PODMAN|\$P) pod |--pod|kube|\.pod\b|infra' "$BATS_TEST_FILENAME"
}

# runtimes_available prints the OCI runtimes pod reports as available.
runtimes_available() {
    pod runtime ls --format json | jq -r '.[] | select(.available and .kind == "oci") | .name'
}

# wait_for_status NAME STATUS [TRIES]: poll `pod inspect` until the container has STATUS.
wait_for_status() {
    local name=$1 want=$2 tries=${3:-50} got
    while ((tries-- > 0)); do
        got=$(pod inspect --format '{{.State.Status}}' "$name" 2>/dev/null) || true
        [[ "$got" == "$want" ]] && return 0
        sleep 0.1
    done
    die "container $name is '$got', expected '$want'"
}

# wait_for_output NAME TEXT [TRIES]: poll `pod logs` until it contains TEXT
# (containers print "ready" once their signal traps are set).
wait_for_output() {
    local name=$1 want=$2 tries=${3:-100}
    while ((tries-- > 0)); do
        [[ "$(pod logs "$name" 2>&1)" == *"$want"* ]] && return 0
        sleep 0.05
    done
    die "container $name never printed '$want'; logs: $(pod logs "$name" 2>&1)"
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
    local st
    st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n "$st" && "$st" != Z ]]
}

# systemd_pid1_setup D NAME: for a test that runs systemd as PID 1 in a pod
# container (crun outside and in; skipped where the host runs systemd
# itself). Makes D/{units,inner,rootfs,q} and writes the head of D/run.sh:
# the host's root, read-only, as the container's root (a bind mount in a
# private mount namespace, with empty /tmp and /run): the same systemd, pod
# and crun binaries, the test's units (D/units) in /etc/systemd/system, D/inner
# at /inner, the pod binaries bound at their own path (a clone under /tmp is
# hidden). Container NAME boots pod-test.target; in run.sh, $P is the outer
# pod and $I the pod inside (store under /inner). The test appends its
# commands to D/run.sh and runs it with systemd_pid1_run D.
systemd_pid1_setup() {
    local d=$1 name=$2
    skip_if_rootless "binds the host's / read-only in a private mount namespace (unshare -m, mount): root"
    command -v crun >/dev/null || skip "needs crun (outer and inner containers)"
    [[ -x /lib/systemd/systemd ]] || skip "no systemd binary"
    [[ "$(readlink /proc/1/exe)" != */systemd ]] || skip "the host runs systemd itself"
    mkdir -p "$d/units" "$d/inner" "$d/rootfs" "$d/q"
    cat >"$d/run.sh" <<EOF
set -e
mount --bind / $d/rootfs
mount -t tmpfs tmpfs $d/rootfs/tmp
mount -t tmpfs tmpfs $d/rootfs/run
mount -o remount,bind,ro $d/rootfs
P="$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp --runtime crun"
I="$POD_BIN/pod --root /inner/root --runroot /inner/run --tmpdir /inner/tmp"
\$P run -d --name $name --read-only --privileged -v $d/units:/etc/systemd/system:ro -v $d/inner:/inner -v $POD_BIN:$POD_BIN:ro \\
    --rootfs $d/rootfs /lib/systemd/systemd --unit=pod-test.target >/dev/null
EOF
}

# systemd_pid1_run D: runs D/run.sh in a private mount namespace (3 min at
# most), output in $output; a failure ends the test.
systemd_pid1_run() {
    run timeout 180 unshare -m --propagation private bash "$1/run.sh"
    echo "$output"
    [[ $status -eq 0 ]] || die "systemd container run failed"
}
