#!/usr/bin/env bats
# Podman's remote-service and machine commands: they exist, list nothing,
# and refuse (exit 125) what would need a service or a VM, saying why.

load helpers

@test "system connection list is empty; add, default, remove, rename and system service are refused" {
    run_pod system connection list
    is "$output" "NAME +URI +IDENTITY +DEFAULT"
    run_pod system connection ls --format json
    is "$output" "\[\]"
    run_pod system connection ls --quiet
    is "$output" ""
    run_pod system connection ls --format '{{.Name}}'
    is "$output" ""
    for args in "add x ssh://root@127.0.0.1/run/podman/podman.sock" "default x" "remove x" "rename x y"; do
        run_pod 125 system connection $args
        contains "$output" "pod has no API service and no remote connections"
    done
    run_pod 125 system service --time 0
    contains "$output" "runs without a daemon"
}

@test "machine verbs are refused, naming why" {
    for args in "init" "list" "start m" "ssh m true" "rm -f m"; do
        run_pod 125 machine $args
        contains "$output" "pod machine ${args%% *}: pod has no virtual machines"
    done
    run_pod 125 machine
}

@test "image sign and image scp to another host are refused, naming what to do instead" {
    run_pod 125 image sign --sign-by ABCD "$IMAGE"
    contains "$output" "pod does not sign images"
    run_pod 125 image scp "$IMAGE" other@otherhost::
    contains "$output" "pod save IMAGE | ssh HOST pod load"
}
