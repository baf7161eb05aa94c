#!/usr/bin/env bats
# pod manifest (lists and indexes in the shared store, pushed to a real
# registry) and pod search (the registry's catalog), as Podman 4.3.1.

load helpers
load helpers.image

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    image_env
    start_registry
    import_busybox localhost/busybox >/dev/null
}

teardown_file() {
    stop_registry
    pod rmi -a -f >/dev/null 2>&1 || true
}

@test "manifest create, add, annotate, inspect, remove, exists, rm" {
    run_pod manifest create localhost/ml
    is "$output" "[0-9a-f]{64}" "create prints the list's ID"
    id=$output
    run_pod 125 manifest create localhost/ml
    contains "$output" "already associated with image"
    run_pod manifest create --amend localhost/ml
    is "$output" "$id"
    run_pod manifest add --arch arm64 --variant v8 --annotation team=a localhost/ml containers-storage:localhost/busybox
    is "$output" "$id"
    run_pod manifest inspect localhost/ml
    is "$(jq -r '.manifests | length' <<<"$output")" 1
    is "$(jq -r '.manifests[0].platform.architecture + "/" + .manifests[0].platform.variant' <<<"$output")" "arm64/v8"
    is "$(jq -r '.manifests[0].annotations.team' <<<"$output")" a
    digest=$(jq -r '.manifests[0].digest' <<<"$output")
    run_pod manifest annotate --os-version 7 localhost/ml "$digest"
    run_pod manifest inspect localhost/ml
    is "$(jq -r '.manifests[0].platform["os.version"]' <<<"$output")" 7
    run_pod 125 manifest annotate localhost/ml sha256:00
    contains "$output" "invalid image digest"
    run_pod manifest exists localhost/ml
    run_pod 1 manifest exists localhost/busybox
    run_pod 1 manifest exists localhost/nosuch
    run_pod 125 manifest inspect localhost/busybox
    contains "$output" "not a manifest list"
    run_pod manifest remove localhost/ml "$digest"
    is "$output" "$id"
    run_pod 125 manifest remove localhost/ml "$digest"
    contains "$output" "removing from manifest list localhost/ml"
    run_pod manifest rm localhost/ml
    is "${lines[0]}" "Untagged: localhost/ml:latest"
    is "${lines[1]}" "Deleted: $id"
    run_pod 1 manifest rm localhost/ml
    contains "$output" "image not known"
    # the image in the list is still there
    run_pod image exists localhost/busybox
}

@test "manifest push to the registry, with its image; search and search --list-tags find it" {
    run_pod manifest create localhost/pl containers-storage:localhost/busybox
    run_pod manifest push --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/d" --rm localhost/pl "docker://$REGISTRY/team/pl:v1"
    is "$(cat "$BATS_TEST_TMPDIR/d")" "sha256:[0-9a-f]{64}" "digest file"
    run_pod 1 manifest exists localhost/pl
    # the registry serves the index, and the image behind it pulls
    curl -fs -H 'Accept: application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.list.v2+json' \
        "http://$REGISTRY/v2/team/pl/manifests/v1" | jq -e '.manifests | length == 1'
    run_pod pull -q --tls-verify=false "$REGISTRY/team/pl:v1"
    run_pod 125 manifest push --tls-verify=false localhost/busybox "docker://$REGISTRY/x:1"
    contains "$output" "not a manifest list"
    run_pod 125 manifest push --sign-by ABC localhost/busybox "docker://$REGISTRY/x:1"
    contains "$output" "signing is not supported"

    run_pod search --tls-verify=false "$REGISTRY/"
    is "${lines[0]}" "NAME +DESCRIPTION"
    contains "$output" "$REGISTRY/team/pl"
    run_pod search --tls-verify=false --format '{{.Name}} {{.Index}}' "$REGISTRY/team/pl"
    is "$output" "$REGISTRY/team/pl $REGISTRY"
    run_pod search --tls-verify=false --compatible "$REGISTRY/team/pl"
    is "${lines[0]}" "NAME +DESCRIPTION +STARS +OFFICIAL +AUTOMATED"
    run_pod search --tls-verify=false --list-tags "$REGISTRY/team/pl"
    is "${lines[1]}" "$REGISTRY/team/pl +v1"
    run_pod search --tls-verify=false --list-tags --format json "$REGISTRY/team/pl"
    is "$(jq -c '.[0].Tags' <<<"$output")" '\["v1"\]'
    run_pod image search --tls-verify=false --format json --limit 1 "$REGISTRY/"
    is "$(jq length <<<"$output")" 1
    run_pod 125 search --tls-verify=false --list-tags --filter stars=1 "$REGISTRY/team/pl"
    contains "$output" "filters are not applicable"
    run_pod 125 search --filter bogus=1 "$REGISTRY/"
}

@test "auto-update, registry policy: the registry's digest decides; the new image is pulled before the restart" {
    run_pod push -q --tls-verify=false localhost/busybox "$REGISTRY/au/app:1"
    run_pod pull -q --tls-verify=false "$REGISTRY/au/app:1"
    old=$output
    PODMAN_SYSTEMD_UNIT=app.service run_pod run -d --name app --label io.containers.autoupdate=registry "$REGISTRY/au/app:1" sleep 1000
    run_pod auto-update --dry-run --format '{{.Unit}} {{.Policy}} {{.Updated}}'
    is "$output" "app.service registry false"
    # a new image behind the same tag
    run_pod exec app sh -c 'echo v2 > /v'
    run_pod commit -q app localhost/app2
    run_pod push -q --tls-verify=false localhost/app2 "$REGISTRY/au/app:1"
    # (an image of the same ID but other layers would block the pull, as in Podman)
    run_pod rmi localhost/app2
    echo '{"auths":{}}' >"$BATS_TEST_TMPDIR/auth.json"
    run_pod auto-update --dry-run --authfile "$BATS_TEST_TMPDIR/auth.json" --format '{{.Updated}}'
    is "$output" "pending"
    is "$(pod image inspect --format '{{.Id}}' "$REGISTRY/au/app:1")" "${old#sha256:}" "a dry run pulls nothing"
    # no systemd here: pulled, then the restart fails (nothing to roll back)
    run_pod 125 auto-update --format '{{.Updated}}'
    is "${lines[0]}" "failed"
    contains "$output" "cannot connect to systemd"
    [[ "$(pod image inspect --format '{{.Id}}' "$REGISTRY/au/app:1")" != "${old#sha256:}" ]] || die "the new image was not pulled"
    run_pod rm -f -t 0 app
}

@test "image mount, unmount, tree, diff" {
    if is_rootless; then
        # as Podman: an ordinary user mounts only inside `pod unshare`,
        # where the mount point is (400-rootless.bats checks `pod mount`)
        run_pod 125 image mount localhost/busybox
        contains "$output" 'cannot run command "pod image mount" in rootless mode, must execute `pod unshare` first'
        export POD_UNSHARE=1
    fi
    run_pod image mount localhost/busybox
    dir=$output
    in_pod_ns test -x "$dir/bin/busybox" || die "no busybox under the image's mount point $dir"
    run_pod image mount
    is "$output" "[^ ]+ +$dir"
    run_pod image mount --format json
    is "$(jq -r '.[0].mountpoint' <<<"$output")" "$dir"
    jq -e '.[0].Repositories | index("localhost/busybox:latest")' <<<"$output" >/dev/null
    id=$(pod image inspect --format '{{.Id}}' localhost/busybox)
    run_pod image unmount localhost/busybox
    is "$output" "$id"
    pod_mountinfo | grep -q " $dir " && die "$dir still mounted"
    run_pod image mount --all
    run_pod image umount --all
    contains "$output" "$id"
    run_pod image mount
    is "$output" ""
    run_pod 125 image unmount
    run_pod 125 image mount --all localhost/busybox
    run_pod 125 image mount localhost/nosuch
    contains "$output" "image not known"
    run_pod image unmount --force localhost/busybox

    run_pod image tree localhost/busybox
    is "${lines[0]}" "Image ID: ${id:0:12}"
    contains "$output" "Top Layer of: ["
    contains "$output" "localhost/busybox:latest"
    run_pod image tree --whatrequires localhost/busybox
    contains "$output" "Image Layers"
    run_pod image diff localhost/busybox
    contains "$output" "A /bin/busybox"
    run_pod image diff --format json localhost/busybox
    jq -e '.added | index("/bin/busybox")' <<<"$output" >/dev/null
}

@test "build --manifest adds the built image to a list, made when missing" {
    d=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$d"
    printf 'FROM localhost/busybox\nCOPY f /f\n' >"$d/Containerfile"
    echo one >"$d/f"
    run_pod build -q --manifest localhost/bl "$d"
    id1=${lines[-1]}
    echo two >"$d/f"
    run_pod build -q --manifest localhost/bl --arch arm64 "$d"
    run_pod manifest inspect localhost/bl
    is "$(jq -r '.manifests | length' <<<"$output")" 2
    is "$(jq -r '[.manifests[].platform.architecture] | sort | join(",")' <<<"$output")" "amd64,arm64"
    run_pod image exists "$id1"
    run_pod manifest rm localhost/bl
}

@test "image trust set and show edit and read a policy.json as Podman" {
    pol=$BATS_TEST_TMPDIR/policy.json
    printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$pol"
    echo key >"$BATS_TEST_TMPDIR/k.gpg"
    run_pod image trust set --policypath "$pol" -t reject docker.io
    run_pod image trust set --policypath "$pol" --type accept "$REGISTRY/x"
    run_pod image trust set --policypath "$pol" -t signedBy --pubkeysfile "$BATS_TEST_TMPDIR/k.gpg" quay.io
    is "$(jq -c '.transports.docker["quay.io"]' "$pol")" "\[\{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\",\"keyPath\":\"$BATS_TEST_TMPDIR/k.gpg\"\}\]"
    run_pod image trust show --policypath "$pol"
    is "${lines[0]}" "TRANSPORT +NAME +TYPE +ID +STORE"
    is "${lines[1]}" "all +default +accept *"
    is "${lines[3]}" "repository +docker.io +reject *"
    is "${lines[4]}" "repository +quay.io +signed *"
    run_pod image trust show --policypath "$pol" --noheading
    is "${#lines[@]}" 4
    run_pod image trust show --policypath "$pol" --json
    is "$(jq -r '.[0].name + "|" + .[1].transport + "|" + .[1].type' <<<"$output")" "\* \(default\)\|repository\|accept"
    run_pod image trust show --policypath "$pol" --raw
    jq -e '.transports.docker["docker.io"][0].type == "reject"' <<<"$output" >/dev/null
    run_pod 125 image trust set --policypath "$pol" -t signedBy quay.io
    contains "$output" "at least one public key"
    run_pod 125 image trust set --policypath "$pol" -t bogus quay.io
    contains "$output" "invalid choice: bogus"
    run_pod image trust set --policypath "$pol" -t reject default
    is "$(jq -r '.default[0].type' "$pol")" reject
    # the podman here reads what pod wrote the same way
    if command -v podman >/dev/null; then
        is "$(podman image trust show --policypath "$pol" --json 2>/dev/null | jq -c '[.[].type]')" '\["reject","accept","reject","signed"\]'
    fi
}
