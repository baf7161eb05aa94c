#!/usr/bin/env bats
# commit: a container's changes become an image that pod runs, lists and
# inspects, and that Podman reads from the same store.

load helpers

@test "commit: file, config, --change, run the result, podman sees it" {
    run_pod run --name c1 -e FROMRUN=yes -w /tmp "${IMG[@]}" sh -c 'printf "a\0b\n" >/f; echo x >/root-file; rm /bin/vi'
    # A message needs the docker format, as in Podman: nothing is committed.
    run_pod 125 commit -q -m "my msg" c1 'no-img'
    contains "$output" "Error: messages are only compatible with the docker image format (-f docker)"
    run_pod 1 image exists no-img
    run_pod commit -q -f docker -a "A. Author <a@b>" -m "my msg" \
        -c 'CMD ["cat","/f"]' -c "ENV K=v w" -c "LABEL l=\"q v\"" -c "EXPOSE 8080/udp" \
        -c "STOPSIGNAL SIGINT" -c "USER 0:0" -c "VOLUME /data" c1 'my-img:t1'
    id=$output
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || die "commit -q printed '$id', not an ID"
    run_pod image inspect --format '{{.Id}} {{index .RepoTags 0}}' my-img:t1
    is "$output" "$id localhost/my-img:t1"
    run_pod image inspect --format '{{.Config.Cmd}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{.Config.StopSignal}}|{{.Author}}' localhost/my-img:t1
    is "$output" "[cat /f]|/tmp|0:0|2|A. Author <a@b>"
    run_pod image inspect --format '{{json .Config.Env}} {{json .Config.Labels}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}}' my-img:t1
    [[ "$output" == *'"K=v w"'* && "$output" == *'"FROMRUN=yes"'* && "$output" == *'"l":"q v"'* && "$output" == *'"8080/udp"'* && "$output" == *'"/data"'* ]] ||
        die "config: $output"
    # The committed image runs: the file and the deletion are in it.
    is "$(pod run --rm my-img:t1 | od -An -tx1 | tr -d ' ')" '6100620a'
    run_pod run --rm my-img:t1 sh -c 'cat /root-file; test -e /bin/vi || echo gone'
    is "$output" "x
gone"
    # One more layer than busybox, and a history entry with the message.
    run_pod image inspect --format '{{len .RootFS.Layers}}' "$IMAGE"
    base=$output
    run_pod image inspect --format '{{len .RootFS.Layers}}' my-img:t1
    is "$output" "$((base + 1))"
    run_pod history --format '{{.Comment}}' my-img:t1
    [[ "${lines[0]}" == "my msg" ]] || die "history: $output"
    run_pod images --format '{{.Repository}}:{{.Tag}}'
    [[ "$output" == *localhost/my-img:t1* ]] || die "images: $output"
    # The engine's mount points are not in the layer.
    run_pod diff my-img:t1
    [[ "$output" != *etc/hostname* && "$output" != *resolv.conf* ]] || die "diff of the image: $output"
    # Podman reads the same image from the same store.
    if command -v podman >/dev/null; then
        run podman_on_store image inspect --format '{{.Id}}' localhost/my-img:t1
        podman_on_store_done
        is "$output" "$id"
    fi
}

@test "commit: progress, --iidfile, --squash, docker format, no name, --pause of a running container" {
    run_pod run -d --name c2 "${IMG[@]}" sh -c 'echo hi >/hi; sleep 100'
    wait_for_status c2 running
    run_pod commit --pause --iidfile "$BATS_TEST_TMPDIR/iid" c2 sq --squash --format docker
    id=${lines[-1]}
    [[ "$output" == *"Writing manifest to image destination"* ]] || die "progress missing: $output"
    is "$(cat "$BATS_TEST_TMPDIR/iid")" "sha256:$id"
    run_pod inspect --format '{{.State.Status}}' c2
    is "$output" running
    run_pod image inspect --format '{{len .RootFS.Layers}} {{.ManifestType}}' sq
    [[ "$output" =~ ^1\ application/vnd.docker.distribution.manifest.v2\+json ]] || die "squash/docker: '$output'"
    run_pod run --rm sq cat /hi
    is "$output" hi
    run_pod commit -q c2
    noname=$output
    run_pod image inspect --format '{{.Id}}' "$noname"
    is "$output" "$noname"
    # The same name again moves the tag to the new image.
    run_pod commit -q c2 sq
    [[ "$output" != "$id" ]] || die "second commit gave the same ID"
    run_pod image inspect --format '{{.Id}}' sq
    is "$output" "${lines[0]}"
}

@test "commit: bad input exits 125 and leaves nothing" {
    run_pod create --name c3 "${IMG[@]}" true
    before=$(pod images -a -q | sort)
    run_pod 125 commit -c "BOGUS foo" c3 bad
    [[ "$output" == *'invalid change "BOGUS foo" - invalid instruction BOGUS'* ]] || die "$output"
    run_pod 125 commit -c "EXPOSE 99999" c3 bad
    [[ "$output" == *"EXPOSE port must be a valid port number"* ]] || die "$output"
    run_pod 125 commit --format v1 c3 bad
    run_pod 125 commit c3 'UPPER:x'
    run_pod 125 commit no-such-ctr img
    [[ "$output" == *no-such-ctr* ]] || die "$output"
    is "$(pod images -a -q | sort)" "$before"
}
