#!/usr/bin/env bats
# `image scp` between users of this host (Podman's local transfer): as
# root, an image goes from root's store to the test user podtest's and
# back (saved to an archive, loaded as the other user with runuser);
# remote hosts, a missing destination, unknown users and an ordinary user
# writing to root's store are refused (125). About pod, not the runtime:
# a once-file (run-runtimes.sh).

load helpers
load helpers.rootless

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    is_rootless && return 0
    rootless_users_setup 432
    # The binaries podtest runs (pod execs itself as the other user).
    export POD_BIN=$RL/bin
    ensure_user_dirs podtest
    mkdir -p "$RL/podtest/cfg/containers"
    local driver
    driver=$(upod podtest info --format '{{.Store.GraphDriverName}}')
    printf '[storage]\ndriver = "%s"\ngraphroot = "%s"\nrunroot = "%s"\n' "$driver" "$RL/podtest/root" "$RL/podtest/run" \
        >"$RL/podtest/cfg/containers/storage.conf"
    chown -R podtest: "$RL/podtest/cfg"
    # podtest's side of a transfer uses the same store as upod.
    export POD_SCP_ENV="XDG_CONFIG_HOME=$RL/podtest/cfg XDG_RUNTIME_DIR=$RL/podtest/xdg"
}

teardown_file() {
    rootless_users_teardown
    pod rmi -a -f >/dev/null 2>&1 || true
    wait_for_monitors
}

@test "image scp refuses what it cannot do, with 125 and the reason" {
    run_pod 125 image scp "$IMAGE"
    is "$output" "Error: must specify a destination.*"
    run_pod 125 image scp "$IMAGE" otherhost::
    contains "$output" "otherhost::: pod has no remote connections (ssh)"
    run_pod 125 image scp "$IMAGE" someone@example.com::
    contains "$output" "example.com::: pod has no remote connections"
    run_pod 125 image scp "$IMAGE" nosuchuser-$$@localhost::
    contains "$output" "unknown user nosuchuser-$$"
    run_pod 125 image scp "$IMAGE" "$(id -un)@localhost::"
    contains "$output" "source and destination are the same user"
    run_pod 125 image scp a b c
    contains "$output" "accepts between 1 and 2 arg(s), received 3"
}

@test "image scp as root: root -> podtest and podtest -> root; podtest cannot write root's store" {
    skip_if_rootless "writes into another user's store (root)"
    run_upod 1 podtest image exists "$IMAGE"
    run_pod image scp "$IMAGE" podtest@localhost::
    contains "$output" "Loaded image: $IMAGE:latest"
    run_upod podtest image exists "$IMAGE"
    is "$(upod podtest image inspect --format '{{.Id}}' "$IMAGE")" "$(pod image inspect --format '{{.Id}}' "$IMAGE")"
    # Back, under a name root's store does not have; -q prints no progress.
    run_upod podtest tag "$IMAGE" localhost/from-podtest:v1
    run_pod image scp -q podtest@localhost::localhost/from-podtest:v1 root@localhost::
    is "$output" "Loaded image: localhost/from-podtest:v1"
    run_pod image exists localhost/from-podtest:v1
    run_pod run --rm localhost/from-podtest:v1 echo copied
    is "$output" "copied"
    # A missing image: the saving side's error and code.
    run_pod 125 image scp podtest@localhost::localhost/nosuch root@localhost::
    contains "$output" "nosuch"
    # As podtest: root's store is not its to write.
    run_upod 125 podtest image scp "$IMAGE" root@localhost::
    contains "$output" "copying an image between users needs root"
}
