#!/usr/bin/env bats
# pod run/create IMAGE: short names through registries.conf, pull policies,
# the image's Entrypoint/Cmd/Env/WorkingDir/User/StopSignal.

load helpers
load helpers.image

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    image_env
    start_registry
    # An image with a config worth checking, pushed to the local registry.
    import_busybox localhost/base >/dev/null
    pod import --change 'ENTRYPOINT ["sh", "-c"]' --change 'CMD ["echo from-cmd $GREETING; pwd; id -un"]' \
        --change 'ENV GREETING=hello' --change 'WORKDIR /tmp' --change 'USER nobody' \
        --change 'STOPSIGNAL SIGUSR1' "$(busybox_tarball)" localhost/configured >/dev/null
    pod push localhost/configured "$REGISTRY/test/configured:1" >/dev/null
    pod push localhost/base "$REGISTRY/test/base:1" >/dev/null
    pod rmi -a -f >/dev/null
}

teardown_file() {
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod rmi -a -f >/dev/null 2>&1 || true
    stop_registry
    wait_for_monitors
}

@test "run pulls a missing image by short name and uses its config" {
    run_pod run --rm test/configured:1
    contains "$output" "Trying to pull $REGISTRY/test/configured:1..."
    contains "$output" "from-cmd hello"
    contains "$output" "/tmp"
    contains "$output" "nobody"
    run_pod create --name cfg test/configured:1
    run_pod inspect --format '{{.Config.StopSignal}} {{.ImageName}}' cfg
    is "$output" "10 $REGISTRY/test/configured:1"
    # Arguments replace Cmd; the Entrypoint stays.
    run_pod run --rm test/configured:1 'echo args-$GREETING'
    is "$output" "args-hello"
    # -q keeps the pull quiet.
    run_pod run --rm -q test/base:1 echo quiet
    is "$output" "quiet"
    run_pod rmi -f "$REGISTRY/test/base:1"
}

@test "pull policies: never, missing, always, newer" {
    run_pod 125 run --rm --pull never test/base:2 true
    contains "$output" "image not known"
    run_pod run --rm --pull missing test/base:1 true
    run_pod run --rm --pull missing test/base:1 echo cached
    is "$output" "cached"
    run_pod run --rm --pull always test/base:1 echo again
    contains "$output" "Trying to pull"
    contains "$output" "again"
    run_pod run --rm --pull newer test/base:1 echo newer
    contains "$output" "newer"
    run_pod 125 run --rm --pull always test/nosuchimage:1 true
    contains "$output" "nosuchimage"
    # Failed pulls leave no container behind.
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}
