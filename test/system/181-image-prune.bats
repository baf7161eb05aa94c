#!/usr/bin/env bats
# image prune (pod-image on libimage): dangling, --all, --external, --filter,
# Podman's question; container prune and system prune answer the same way.

load helpers

# layer_tar N: a one-file tarball whose content differs by N, so each import
# is its own image.
layer_tar() {
    local d=$BATS_TEST_TMPDIR/layer$1
    mkdir -p "$d"
    printf 'layer %s\n' "$1" >"$d/f"
    tar -C "$d" -cf "$d.tar" f
    echo "$d.tar"
}

@test "image prune: Podman's questions, dangling only, then --all keeps images containers use" {
    dangling=$(pod import "$(layer_tar 1)" 2>/dev/null)
    dangling=${dangling#sha256:}
    run_pod import "$(layer_tar 2)" 'localhost/unused:t-1'
    run_pod create --name user "$IMAGE" true

    out=$(echo n | pod image prune)
    is "$out" "WARNING! This command removes all dangling images.
Are you sure you want to continue\? \[y/N\] "
    out=$(echo n | pod image prune -a)
    is "$out" "WARNING! This command removes all images without at least one container associated with them.
Are you sure you want to continue\? \[y/N\] "
    # No answer at all: Podman's "Error: EOF", exit 125, for every prune.
    for verb in "image prune" "container prune" "system prune"; do
        run_pod 125 $verb </dev/null
        contains "$output" "Error: EOF" "$verb without an answer"
    done
    run_pod images -q
    is "${#lines[@]}" 3 "nothing removed"

    run_pod image prune -f
    is "$output" "$dangling"
    run_pod image exists 'localhost/unused:t-1'
    run_pod image prune -f
    is "$output" "" "nothing dangling any more"

    unused_id=$(pod image inspect --format '{{.Id}}' 'localhost/unused:t-1')
    out=$(echo yes | pod image prune -a)
    contains "$out" "[y/N] $unused_id" "prune -a output"
    run_pod 1 image exists 'localhost/unused:t-1'
    run_pod image exists "$IMAGE"
    run_pod container exists user
}

@test "image prune --filter: label, until; bad filters exit 125" {
    run_pod import --change 'LABEL stage=build x' "$(layer_tar 3)" localhost/labelled:1
    run_pod import "$(layer_tar 4)" localhost/plain:1
    run_pod image prune -a -f --filter 'label=stage=build x'
    is "${#lines[@]}" 1 "only the labelled image"
    run_pod 1 image exists localhost/labelled:1
    run_pod image exists localhost/plain:1
    # Created just now: not before an hour ago.
    run_pod image prune -a -f --filter until=1h
    is "$output" ""
    run_pod image exists localhost/plain:1
    run_pod 125 image prune -a -f --filter bogus=1
    run_pod 125 image prune -a -f --filter until=notatime
    run_pod image exists localhost/plain:1
    run_pod 125 image prune -f extra
}

@test "image prune --external: images only external containers use go, with those containers" {
    command -v buildah >/dev/null || skip "buildah not installed"
    run_pod run -d --name mine --stop-signal KILL "$IMAGE" sleep 1000
    pod image prune -a -f >/dev/null # what the tests before left
    run_pod import "$(layer_tar 5)" localhost/ext:1
    ext_id=$(pod image inspect --format '{{.Id}}' localhost/ext:1)
    buildah --root "$PODT/root" --runroot "$PODT/run" --storage-driver overlay from --name 'their ctr' localhost/ext:1 >/dev/null

    # Without --external the Buildah container keeps its image.
    run_pod image prune -a -f
    is "$output" ""
    run_pod image exists localhost/ext:1

    run_pod image prune -a -f --external
    is "$output" "$ext_id"
    run_pod 1 image exists localhost/ext:1
    run_pod ps -a --external --format '{{.Names}}'
    is "$output" "mine" "the Buildah container went with its image"
    # pod's own container is not external: its image stays.
    run_pod image exists "$IMAGE"
    run_pod container exists mine
}
