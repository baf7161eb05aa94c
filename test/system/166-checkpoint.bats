#!/usr/bin/env bats
# pod container checkpoint / restore: a running container written to disk
# with criu through its runtime (runc; crun only when built with +CRIU) and
# brought back under its monitor, in place or from an --export archive as
# a new container. What cannot work is refused before anything is done, with
# Podman's messages: runtimes without the checkpoint capability (runsc,
# shims, a crun without CRIU), a host where `criu check` fails (the reason is
# criu's own), containers in the wrong state, flags without --export/--import.
# A once-file: the containers name their runtime with --runtime.

load helpers

# criu_works: criu is installed and `criu check` passes on this kernel.
criu_works() { command -v criu >/dev/null && criu check >/dev/null 2>&1; }

# skip_unless_criu: the tests that really checkpoint need criu and runc.
skip_unless_criu() {
    skip_if_rootless "criu needs root"
    command -v runc >/dev/null || skip "runc is not installed"
    criu_works || skip "criu cannot work here: $(criu check 2>&1 | grep -m1 Error)"
}

# counter NAME [FLAGS...]: a runc container writing 1, 2, 3… to /tmp/n, a
# number every 0.1 s, that keeps counting from where it was after a restore.
counter() {
    local name=$1
    shift
    run_pod run -d --runtime runc --name "$name" "$@" "${IMG[@]}" \
        sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.1; done'
}

# count NAME: the counter's current number.
count() { pod exec "$1" cat /tmp/n; }

# wait_count NAME MIN: wait until the counter is past MIN.
wait_count() {
    local tries=100 n
    while ((tries-- > 0)); do
        n=$(count "$1" 2>/dev/null) || n=0
        ((n > $2)) && return 0
        sleep 0.1
    done
    die "counter of $1 did not pass $2 (at $n)"
}

@test "checkpoint/restore: bad flags, no containers, wrong states: Podman's messages, exit 125" {
    run_pod 125 container checkpoint
    is "$output" "Error: you must provide at least one name or id"
    run_pod 125 container checkpoint -a x
    is "$output" "Error: no arguments are needed with --all"
    for f in "--compress gzip" --ignore-rootfs --ignore-volumes; do
        run_pod 125 container checkpoint $f x
        is "$output" "Error: ${f%% *} can only be used with --export"
    done
    run_pod 125 container checkpoint --with-previous --pre-checkpoint x
    is "$output" "Error: --with-previous can not be used with --pre-checkpoint"
    run_pod 125 container checkpoint --export "$BATS_TEST_TMPDIR/x.tar" -c lz4 x
    contains "$output" 'selected compression algorithm ("lz4") not supported. Please select one from: gzip, none, zstd'
    run_pod 125 container checkpoint nosuch
    contains "$output" 'no container with name or ID "nosuch" found'

    for f in "--name n" "--pod p" --ignore-rootfs --ignore-volumes "--import-previous /x"; do
        run_pod 125 container restore $f x
        is "$output" "Error: ${f%% *} can only be used with image or --import"
    done
    run_pod 125 container restore --import /nonexistent.tar
    is "$output" "Error: failed extracting runtime information from /nonexistent.tar: failed to open checkpoint archive /nonexistent.tar for import: open /nonexistent.tar: no such file or directory"
    printf 'not\0a tar' >"$BATS_TEST_TMPDIR/junk.tar"
    run_pod 125 container restore -i "$BATS_TEST_TMPDIR/junk.tar"
    contains "$output" "failed extracting runtime information from $BATS_TEST_TMPDIR/junk.tar: unpacking of checkpoint archive"
    # --import makes a new container: no names, no --all/--latest with it.
    # Podman reads the archive first (a real one gives these messages);
    # pod refuses before reading it. Nothing is created.
    run_pod 125 container restore --import "$BATS_TEST_TMPDIR/junk.tar" x
    is "$output" "Error: cannot use --import with positional arguments"
    run_pod 125 container restore -i "$BATS_TEST_TMPDIR/junk.tar" -n new x y
    is "$output" "Error: cannot use --import with positional arguments"
    run_pod 125 container restore -i "$BATS_TEST_TMPDIR/junk.tar" -a
    is "$output" "Error: cannot use --import with --all or --latest"
    run_pod ps -a -q
    is "$output" "" "containers after the --import refusals"

    # States: a stopped container is not checkpointed; a running one or
    # one never checkpointed is not restored.
    command -v runc >/dev/null || skip "runc is not installed"
    run_pod run --runtime runc --name done "${IMG[@]}" true
    run_pod 125 container checkpoint done
    is "$output" 'Error: "exited" is not running, cannot checkpoint: container state improper'
    id=$(pod inspect --format '{{.Id}}' done)
    run_pod 125 container restore done
    contains "$output" "Error: a complete checkpoint for this container cannot be found, cannot restore: stat "
    contains "$output" "/$id/checkpoint/inventory.img: no such file or directory"
    run_pod run -d --runtime runc --name up "${IMG[@]}" sleep 1000
    upid=$output
    run_pod 125 container restore up
    is "$output" "Error: container $upid is running or paused, cannot restore: container state improper"
    # --create-image with what it cannot go with: refused before anything
    # is checkpointed, no image, no archive.
    images=$(pod images -a --format '{{.ID}}' | sort | tr '\n' ' ')
    run_pod 125 container checkpoint --create-image img --export "$BATS_TEST_TMPDIR/both.tar" up
    is "$output" "Error: --create-image can not be used with --export: a checkpoint goes to an image or to an archive"
    run_pod 125 container checkpoint --create-image img -P up
    is "$output" "Error: --create-image can not be used with --pre-checkpoint: restore from an image needs a full checkpoint"
    run_pod 125 container checkpoint --create-image img -a
    is "$output" "Error: --create-image can only be used with one container: each checkpoint image needs its own name"
    run_pod 125 container checkpoint --create-image img up done
    is "$output" "Error: --create-image can only be used with one container: each checkpoint image needs its own name"
    run_pod 125 container checkpoint --create-image 'Bad:Name' up
    is "$output" 'Error: --create-image: invalid image name "Bad:Name": repository name must be lowercase: invalid argument'
    for f in "--compress gzip" --ignore-rootfs; do
        run_pod 125 container checkpoint --create-image img $f up
        is "$output" "Error: ${f%% *} can only be used with --export"
    done
    is "$(pod images -a --format '{{.ID}}' | sort | tr '\n' ' ')" "$images" "images after the refusals"
    [[ ! -e $BATS_TEST_TMPDIR/both.tar ]] || die "a refused --create-image wrote the archive"
    is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' up)" "running false"

    # restore: an image that is not a checkpoint (Podman's words), a name
    # that is neither container nor image, --name where it cannot apply.
    run_pod 125 container restore "$IMAGE"
    is "$output" "Error: image is not a checkpoint: $(pod image inspect --format '{{.Id}}' "$IMAGE")"
    run_pod 125 container restore nosuch
    is "$output" "Error: no such container or image: nosuch"
    run_pod 125 container restore --name n nosuch
    is "$output" "Error: --name can only be used with image or --import"
    is "$(pod ps -aq | wc -l)" 2 "containers after the refusals"
}

@test "checkpoint: runtimes without the checkpoint capability refuse up front, naming it (runsc, crun without CRIU)" {
    skip_if_rootless
    if command -v runsc >/dev/null; then
        run_pod run -d --runtime runsc --network none --name gv "${IMG[@]}" sleep 1000
        run_pod 125 container checkpoint --leave-running gv
        contains "$output" 'runtime "runsc" does not support checkpoint/restore (capability checkpoint; gVisor checkpoints a whole sandbox in its own format, not with criu; use runc)'
        is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' gv)" "running false"
        run_pod 125 container restore gv
        contains "$output" 'capability checkpoint'
        is "$(pod runtime inspect runsc | jq -r '.[0].capabilities.checkpoint.has')" false
    fi
    if command -v crun >/dev/null && ! crun --version | grep -q +CRIU; then
        run_pod run -d --runtime crun --name cr "${IMG[@]}" sleep 1000
        run_pod 125 container checkpoint cr
        contains "$output" 'runtime "crun" does not support checkpoint/restore (capability checkpoint; the runtime was built without CRIU'
        is "$(pod inspect --format '{{.State.Status}}' cr)" running
    fi
    if command -v runc >/dev/null; then
        is "$(pod runtime inspect runc | jq -r '.[0].capabilities.checkpoint.has')" true
    fi
}

@test "checkpoint: where criu cannot work, the refusal carries criu check's reason and the container runs on" {
    skip_if_rootless
    command -v runc >/dev/null || skip "runc is not installed"
    criu_works && skip "criu works here (the other tests checkpoint for real)"
    reason=$(criu check 2>&1 | grep -m1 Error || echo "not installed")
    run_pod run -d --runtime runc --name up "${IMG[@]}" sleep 1000
    run_pod 125 container checkpoint --tcp-established --file-locks --keep --print-stats up
    contains "$output" "cannot checkpoint container up: criu cannot"
    if command -v criu >/dev/null; then
        contains "$output" "$reason"
    fi
    is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' up)" "running false"
    run_pod exec up true
}

@test "checkpoint/restore: a counter keeps counting from where it was; inspect, --keep, --print-stats" {
    skip_unless_criu
    counter cnt
    id=$output
    wait_count cnt 5
    run_pod container checkpoint --keep --print-stats cnt
    is "$(jq -r '.container_statistics[0].Id' <<<"$output")" "$id"
    jq -e '.podman_checkpoint_duration > 0 and .container_statistics[0].runtime_checkpoint_duration > 0' <<<"$output"
    is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' cnt)" "exited true"
    path=$(pod inspect --format '{{.State.CheckpointPath}}' cnt)
    [[ -f $path/inventory.img ]] || die "no checkpoint at $path"
    [[ -f $(pod inspect --format '{{.State.CheckpointLog}}' cnt) ]] || die "--keep did not keep dump.log"
    run_pod 125 container checkpoint cnt
    is "$output" 'Error: "exited" is not running, cannot checkpoint: container state improper'
    run_pod container restore --tcp-established --file-locks --print-stats cnt
    is "$(jq -r '.container_statistics[0].Id' <<<"$output")" "$id"
    jq -e '.podman_restore_duration > 0' <<<"$output"
    first=$(count cnt)
    ((first > 5)) || die "the counter restarted: $first"
    wait_count cnt "$first"
    is "$(pod inspect --format '{{.State.Status}} {{.State.Restored}} {{.State.Checkpointed}}' cnt)" "running true false"
    [[ ! -e $path ]] || die "restore without --keep left $path"
}

@test "checkpoint --leave-running, -a, -l; restore -a" {
    skip_unless_criu
    counter a1
    counter a2
    wait_count a2 2
    run_pod container checkpoint --leave-running -l
    is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' a2)" "running true"
    run_pod container checkpoint -a
    is "$(echo $output | wc -w)" 2
    is "$(pod inspect --format '{{.State.Status}}' a1) $(pod inspect --format '{{.State.Status}}' a2)" "exited exited"
    run_pod container restore -a
    is "$(pod inspect --format '{{.State.Status}}' a1) $(pod inspect --format '{{.State.Status}}' a2)" "running running"
}

@test "checkpoint --export, restore --import -n: a new container counts on, with the original's file changes" {
    skip_unless_criu
    counter orig
    wait_count orig 3
    pod exec orig sh -c 'printf "\001\377bin" >/etc/mark; rm /etc/group'
    arc=$BATS_TEST_TMPDIR/ck.tar.zst
    run_pod container checkpoint --export "$arc" --compress zstd --ignore-volumes --tcp-established orig
    tar --zstd -tf "$arc" | grep -qx 'config.dump' || die "no config.dump in the archive"
    tar --zstd -tf "$arc" | grep -q '^checkpoint/inventory.img' || die "no images in the archive"
    run_pod container restore --import "$arc" -n copy --ignore-static-ip --ignore-static-mac --publish 127.0.0.1::80
    n=$(count copy)
    ((n > 3)) || die "the imported counter restarted: $n"
    is "$(pod exec copy cat /etc/mark | od -An -tx1 | tr -d ' ')" "01ff62696e"
    run_pod 1 exec copy test -e /etc/group
    run_pod 125 container restore --import "$arc"
    contains "$output" "restore it with --name NEW"
    # An archive without criu's images: refused, no container left behind.
    (cd "$BATS_TEST_TMPDIR" && tar --zstd -xf "$arc" config.dump spec.dump && tar -cf noimages.tar config.dump spec.dump)
    run_pod 125 container restore --import "$BATS_TEST_TMPDIR/noimages.tar" -n bad
    is "$output" "Error: the archive $BATS_TEST_TMPDIR/noimages.tar holds no checkpoint: invalid argument"
    run_pod 1 container exists bad
    # --ignore-rootfs leaves the image's files as they were.
    run_pod container restore -i "$arc" --name copy2 --ignore-rootfs --ignore-volumes
    run_pod exec copy2 test -e /etc/group
    # A pre-checkpoint, then a checkpoint on top of it: where the kernel
    # has no soft-dirty tracking, -P is refused up front with criu's reason
    # (Podman passes runc's "CRIU is missing features" on) and the
    # container runs on.
    counter pre
    wait_count pre 2
    if ! criu check --feature mem_dirty_track >/dev/null 2>&1; then
        run_pod 125 container checkpoint -P --export "$BATS_TEST_TMPDIR/pre.tar" -c none pre
        contains "$output" "cannot pre-checkpoint container pre: a pre-checkpoint needs criu's memory tracking, which this kernel lacks"
        contains "$output" "check --feature mem_dirty_track\` failed: Warn"
        is "$(pod inspect --format '{{.State.Status}}' pre)" running
        [[ ! -e $BATS_TEST_TMPDIR/pre.tar ]] || die "a refused pre-checkpoint wrote an archive"
        return
    fi
    run_pod container checkpoint -P --export "$BATS_TEST_TMPDIR/pre.tar" -c none pre
    run_pod container checkpoint --with-previous --export "$BATS_TEST_TMPDIR/full.tar" -c gzip pre
    run_pod container restore --import "$BATS_TEST_TMPDIR/full.tar" --import-previous "$BATS_TEST_TMPDIR/pre.tar" --name pre2
    wait_count pre2 2
}

@test "checkpoint --create-image, restore IMAGE: a new container counts on from the image, with its file changes" {
    skip_unless_criu
    counter cimg
    wait_count cimg 5
    pod exec cimg sh -c 'printf "\001\377bin" >/etc/mark; rm /etc/group'
    run_pod container checkpoint --create-image ckimg cimg
    is "$(pod inspect --format '{{.State.Status}} {{.State.Checkpointed}}' cimg)" "exited true"
    run_pod images --format '{{.Repository}}:{{.Tag}}'
    contains "$output" "localhost/ckimg:latest"
    # One layer, no run config, Podman's annotations naming the container
    # and its runtime.
    run_pod image inspect --format '{{len .RootFS.Layers}} {{index .Annotations "io.podman.annotations.checkpoint.name"}} {{index .Annotations "io.podman.annotations.checkpoint.runtime.name"}} {{index .Annotations "io.podman.annotations.checkpoint.rootfsImageName"}}' ckimg
    is "$output" "1 cimg runc $IMAGE:latest"
    imgid=$(pod image inspect --format '{{.Id}}' ckimg)

    # The original still holds its name: refused, nothing created.
    run_pod 125 container restore ckimg
    is "$output" 'Error: unable to import checkpoint from image: "ckimg": cannot restore ckimg as cimg: the container name "cimg" is already in use: .* \(restore it with --name NEW\)'
    run_pod 125 container restore --name x --tcp-established ckimg
    is "$output" "Error: --tcp-established cannot be used with --name"
    run_pod 125 container restore --name x ckimg ckimg
    is "$output" "Error: --name can only be used with one checkpoint image"
    is "$(pod ps -aq | wc -l)" 1 "containers after the refusals"

    run_pod container restore --name copy -p 127.0.0.1::80 ckimg
    newid=$output
    is "$(pod inspect --format '{{.Id}} {{.State.Status}} {{.State.Restored}}' copy)" "$newid running true"
    n=$(count copy)
    ((n > 5)) || die "the counter restored from the image restarted: $n"
    wait_count copy "$n"
    is "$(pod exec copy cat /etc/mark | od -An -tx1 | tr -d ' ')" "01ff62696e"
    run_pod 1 exec copy test -e /etc/group
    is "$(pod port copy)" "80/tcp -> 127.0.0.1:[0-9]+"

    # By image ID, once the original is gone: its own name again.
    run_pod rm cimg
    run_pod container restore --print-stats --ignore-rootfs "${imgid:0:12}"
    id=$(jq -r '.container_statistics[0].Id' <<<"$output")
    is "$(pod inspect --format '{{.Id}}' cimg)" "$id"
    run_pod exec cimg test -e /etc/group
    n=$(count cimg)
    ((n > 5)) || die "the counter restored by image ID restarted: $n"

    # --leave-running: the container runs on; the name moves to the new
    # image and the old one is left without a name (as Podman).
    run_pod container checkpoint -R --create-image ckimg copy
    is "$(pod inspect --format '{{.State.Status}}' copy)" running
    is "$(pod images --format '{{.ID}} {{.Repository}}' | grep -c '<none>')" 1
    [[ $(pod image inspect --format '{{.Id}}' ckimg) != "$imgid" ]] || die "ckimg still names the old image"
    run_pod rm -f -t 0 cimg copy
    run_pod rmi ckimg "$imgid"
}
