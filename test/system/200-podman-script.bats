#!/usr/bin/env bats
# `alias podman=pod`: a test script written for Podman passes against pod on
# every runtime, and against Podman itself (so it really is a Podman script).

load helpers

@test "a Podman user's test script passes against pod" {
    PODMAN="$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp --runtime $POD_TEST_RUNTIME" \
        run "$BATS_TEST_DIRNAME/scripts/podman-user.sh"
    echo "$output"
    is "$status" "0" "script exit code"
}

@test "the same script passes against Podman" {
    command -v podman >/dev/null || skip "podman is not installed"
    [[ "$POD_TEST_RUNTIME" == crun ]] || skip "Podman is the reference: checked once, with crun"
    local d=$PODT/podman
    mkdir -p "$d"
    # No CAP_SYS_RESOURCE here: Podman's default ulimits would fail.
    printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]\n[engine]\nlock_type = "file"\n' >"$d/containers.conf"
    local run
    run=$(podman_runroot "$d/run")
    local pm="podman --root $d/root --runroot $run --tmpdir $d/tmp"
    CONTAINERS_CONF=$d/containers.conf $pm import "$(busybox_tarball)" "$IMAGE" >/dev/null
    CONTAINERS_CONF=$d/containers.conf PODMAN=$pm run "$BATS_TEST_DIRNAME/scripts/podman-user.sh"
    echo "$output"
    CONTAINERS_CONF=$d/containers.conf $pm rmi -af >/dev/null 2>&1 || true
    if [[ "$run" != "$d/run" ]]; then
        $pm unshare rm -rf "$d/root" >/dev/null 2>&1 || true
        $pm system migrate >/dev/null 2>&1 || true
        rm -rf "$run"
    fi
    is "$status" "0" "script exit code with Podman"
}
