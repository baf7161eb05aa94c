#!/usr/bin/env bats
# Podman's man page examples (800-man-examples.bats says how they run):
# pods and kube play.

load helpers
load helpers.examples

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    ex_setup_file
}

teardown_file() {
    ex_teardown_file
    wait_for_monitors
}

teardown() { ex_teardown; }

@test "man examples: pod" { run_examples pod; }
@test "man examples: kube-play" { run_examples kube-play; }
