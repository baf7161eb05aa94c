#!/usr/bin/env bats
# Image verbs through pod: forwarding to pod-image, output and exit codes.

load helpers
load helpers.image

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    image_env
}

teardown() {
    pod rmi -a -f >/dev/null 2>&1 || true
}

teardown_file() {
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    stop_registry
    wait_for_monitors
    pod rmi -a -f >/dev/null 2>&1 || true
}

@test "import, images, inspect, exists, tag, untag through pod" {
    id=$(import_busybox localhost/busybox)
    is "$id" "sha256:[0-9a-f]{64}" "import output"
    id=${id#sha256:}
    run_pod images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
    is "$output" "localhost/busybox:latest ${id:0:12}"
    run_pod images
    contains "${lines[0]}" "REPOSITORY"
    contains "${lines[1]}" "localhost/busybox"
    run_pod image ls -q --no-trunc
    is "$output" "sha256:$id"
    run_pod image inspect --format '{{.Id}} {{.Config.Cmd}}' busybox
    is "$output" "$id \[sh\]"
    run_pod inspect --type image --format '{{.Id}}' busybox
    is "$output" "$id"
    run_pod image exists busybox
    run_pod 1 image exists nosuch
    run_pod tag busybox localhost/bb:v1
    run_pod image exists bb:v1
    run_pod untag busybox localhost/bb:v1
    run_pod 1 image exists bb:v1
    run_pod 125 image inspect nosuch
    contains "$output" "Error: inspecting object: nosuch: image not known"
    run_pod 1 rmi nosuch
    is "$output" "Error: nosuch: image not known"
    run_pod history busybox
    contains "${lines[0]}" "CREATED BY"
}

@test "global flags after the verb, and --help, reach pod-image" {
    import_busybox localhost/busybox >/dev/null
    out=$("$POD_BIN/pod" images --root "$PODT/root" --runroot="$PODT/run" --runtime crun --format '{{.Repository}}')
    is "$out" "localhost/busybox"
    run_pod images --help
    contains "$output" "pod images [options] [IMAGE]"
    run_pod 125 images --no-such-flag
    contains "$output" "unknown flag: --no-such-flag"
}

@test "save and load through pod, files and pipes" {
    import_busybox localhost/busybox >/dev/null
    run_pod save -q -o "$BATS_TEST_TMPDIR/bb.tar" busybox
    run_pod rmi busybox
    out=$(pod load -i "$BATS_TEST_TMPDIR/bb.tar" 2>/dev/null)
    is "$out" "Loaded image: localhost/busybox:latest"
    pod save --format oci-archive busybox >"$BATS_TEST_TMPDIR/oci.tar"
    run_pod rmi busybox
    out=$(pod load -q <"$BATS_TEST_TMPDIR/oci.tar")
    is "$out" "Loaded image: localhost/busybox:latest"
}

@test "push and pull against a local registry, short names, policies" {
    start_registry
    import_busybox localhost/busybox >/dev/null
    run_pod push busybox "$REGISTRY/test/busybox:1"
    contains "$output" "Writing manifest to image destination"
    run_pod rmi -a -f
    run_pod images -q
    is "$output" ""
    run_pod pull test/busybox:1
    contains "$output" "Trying to pull $REGISTRY/test/busybox:1..."
    contains "$output" "Copying blob"
    id=$(pod image inspect --format '{{.Id}}' "$REGISTRY/test/busybox:1")
    out=$(pod pull --policy never -q test/busybox:1)
    is "$out" "$id"
    run_pod 125 pull --policy never test/busybox:2
    contains "$output" "image not known"
}
