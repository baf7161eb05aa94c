# Helpers for the bats files that, run as root, drive the rootless test
# users (contrib/rootless-user.sh: podtest, podtest2, podtestnosub,
# podtestsmall) with runuser, each user against private roots under $RL.
# Used by 400-rootless.bats, 410-rootless-network.bats and 420-userns-maps.bats.

# rootless_users_setup NNN: make the users and $RL, a directory every test
# user can read holding the binaries, the image tarball and each user's roots.
rootless_users_setup() {
    "$BATS_TEST_DIRNAME/../../contrib/rootless-user.sh"
    RL=$(mktemp -d "/tmp/pod-$1.XXXXXX")
    export RL
    chmod 755 "$RL"
    mkdir "$RL/bin"
    cp "$POD_BIN"/pod "$POD_BIN"/pod-conmon "$POD_BIN"/pod-image "$RL/bin/"
    cp "$(busybox_tarball)" "$RL/busybox.tar"
    chmod -R a+rX "$RL"
}

# rootless_users_rm_all: remove the users' containers (after each test).
rootless_users_rm_all() {
    [[ -n "$RL" ]] || return 0
    upod podtest rm -af -t 0 >/dev/null 2>&1 || true
    upod podtest2 rm -af -t 0 >/dev/null 2>&1 || true
}

# rootless_users_teardown: the users' containers, stores and pause
# processes go, then $RL.
rootless_users_teardown() {
    [[ -n "$RL" ]] || return 0
    local u
    for u in podtest podtest2; do
        upod "$u" rm -af -t 0 >/dev/null 2>&1 || true
        upod "$u" unshare rm -rf "$RL/$u/root" >/dev/null 2>&1 || true
        upod "$u" system migrate >/dev/null 2>&1 || true
    done
    rm -rf "$RL"
}

# upenv USER: the environment USER's pod commands run with, plus
# UPOD_ENV (more NAME=VALUE words, e.g. XDG_CONFIG_HOME for a storage.conf).
upenv() {
    local u=$1
    echo "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$(getent passwd "$u" | cut -d: -f6) USER=$u XDG_RUNTIME_DIR=$RL/$u/xdg${UPOD_ENV:+ $UPOD_ENV}"
}

# upod USER ARGS...: pod as USER against USER's private roots in $RL.
upod() {
    local u=$1
    shift
    ensure_user_dirs "$u"
    # shellcheck disable=SC2046
    runuser -u "$u" -- env -i $(upenv "$u") "$RL/bin/pod" --root "$RL/$u/root" --runroot "$RL/$u/run" \
        --tmpdir "$RL/$u/tmp" --runtime "$POD_TEST_RUNTIME" "$@"
}

# run_upod [RC] USER ARGS...: upod with run_pod's checking of the exit code.
run_upod() {
    local expect=0
    if [[ "$1" =~ ^[0-9]+$ ]]; then
        expect=$1
        shift
    fi
    status=0
    output=$(upod "$@" 2>&1) || status=$?
    if [[ "$status" -ne "$expect" ]]; then
        echo "# pod as $1: ${*:2}"
        echo "# exit code $status, expected $expect; output:"
        echo "$output" | sed 's/^/#  /'
        return 1
    fi
}

ensure_user_dirs() {
    local u=$1
    [[ -d "$RL/$u/xdg" ]] && return 0
    mkdir -p "$RL/$u/xdg"
    chown "$u:" "$RL/$u" "$RL/$u/xdg"
    chmod 700 "$RL/$u/xdg"
}

# user_image USER: USER's store has the busybox image.
user_image() {
    upod "$1" image exists "$IMAGE" 2>/dev/null || upod "$1" import "$RL/busybox.tar" "$IMAGE" >/dev/null
}

# pause_pid USER: the pid in USER's pause pid file.
pause_pid() {
    cat "$RL/$1/tmp/pause.pid"
}

# The setup_file / teardown_file / teardown of a file whose tests drive the
# rootless users (400, 420): root's own store with the image, the users'
# private roots, everything removed after each test and at the end.
rootless_file_setup() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    is_rootless && return 0
    rootless_users_setup "$1"
}

rootless_file_teardown() {
    rootless_users_teardown
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod rmi -a -f >/dev/null 2>&1 || true
    wait_for_monitors
}

rootless_test_teardown() {
    rootless_users_rm_all
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
}
