#!/usr/bin/env bats
# -v SRC:DST:O overlay mounts (a host directory or a named volume, with
# upperdir=/workdir=) and the idmap option: what the container sees, where
# its changes go, what is refused, and that nothing stays mounted or on disk.

load helpers

teardown() {
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod volume rm -a -f >/dev/null 2>&1 || true
    # no overlay may outlive its container
    ! grep -q "$PODT/root/" <(pod_mountinfo) || die "mounts left: $(grep "$PODT/root/" <(pod_mountinfo))"
}

# no_layers: no container directory keeps overlay layers.
no_layers() {
    local left
    left=$(find "$PODT/root/pod/containers" -maxdepth 2 -name overlay 2>/dev/null)
    [[ -z "$left" ]] || die "overlay layers left: $left"
}

@test "-v DIR:DST:O: the container writes to a private upper layer, discarded at stop and rm" {
    local src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src/sub" && echo lower >"$src/f" && echo deep >"$src/sub/d"
    run_pod run --rm -v "$src:/data:O" "${IMG[@]}" sh -c \
        'cat /data/f /data/sub/d; echo new >/data/n; echo more >>/data/f; rm /data/sub/d; ls /data; ls /data/sub; cat /data/f'
    is "$output" $'lower\ndeep\nf\nn\nsub\nlower\nmore'
    # the host directory is untouched
    is "$(cat "$src/f"; ls "$src"; ls "$src/sub")" $'lower\nf\nsub\nd'
    no_layers
    # stop discards the changes, as Podman (its upper layer lives while the container runs)
    run_pod run -d --name o1 -v "$src:/data:O" "${IMG[@]}" sleep 100
    run_pod exec o1 sh -c 'echo run1 >/data/r'
    if ! is_gvisor; then # runsc binds the overlay pod mounted on the host
        run_pod inspect --format '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Type}} {{.Source}} {{.RW}} {{.Propagation}}{{end}}{{end}}' o1
        is "$output" "bind $src true private"
    fi
    run_pod exec o1 cat /data/r
    is "$output" "run1"
    [[ -n "$(find "$PODT/root/pod/containers" -path '*/overlay/0/upper/r')" ]] || die "no upper layer in the container's directory"
    run_pod stop -t 0 o1
    no_layers
    run_pod start o1
    run_pod exec o1 ls /data
    is "$output" $'f\nsub'
    run_pod rm -f -t 0 o1
    no_layers
    [[ ! -e "$src/r" ]] || die "a write reached the host directory"
}

@test "-v NAME:DST:O and upperdir=/workdir=: a volume as the lower layer; a persistent upper layer" {
    run_pod volume create ovl
    echo base >"$PODT/root/volumes/ovl/_data/b"
    run_pod run --rm -v ovl:/data:O "${IMG[@]}" sh -c 'cat /data/b; echo x >/data/c; ls /data'
    is "$output" $'base\nb\nc'
    run ls "$PODT/root/volumes/ovl/_data"
    is "$output" "b"
    local src=$BATS_TEST_TMPDIR/src up=$BATS_TEST_TMPDIR/up wk=$BATS_TEST_TMPDIR/wk
    mkdir -p "$src" "$up" "$wk" && echo l >"$src/l"
    echo before >"$up/u0"
    run_pod run --rm -v "$src:/data:O,upperdir=$up,workdir=$wk" "${IMG[@]}" sh -c 'cat /data/u0 /data/l; echo kept >/data/u'
    is "$output" $'before\nl'
    is "$(cat "$up/u")" "kept"
    [[ ! -e "$src/u" ]] || die "a write reached the lower directory"
    no_layers
}

@test "-v …:O refusals: combinations, a missing or file source, --mount" {
    local src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src" && touch "$src/file"
    run_pod 125 run --rm -v "$src:/data:O,ro" "${IMG[@]}" true
    contains "$output" 'option "ro" cannot be combined with O'
    run_pod 125 run --rm -v "$src:/data:O,upperdir=$src" "${IMG[@]}" true
    contains "$output" "upperdir= and workdir= must be given together"
    run_pod 125 run --rm -v "$src:/data:upperdir=/a,workdir=/b" "${IMG[@]}" true
    contains "$output" "need the O (overlay) option"
    run_pod 125 run --rm -v "$src/file:/data:O" "${IMG[@]}" true
    contains "$output" "is not a directory: an overlay (O) needs a directory"
    run_pod 125 run --rm -v "$src/nope:/data:O" "${IMG[@]}" true
    contains "$output" "does not exist on the host"
    run_pod 125 run --rm --mount "type=bind,src=$src,dst=/data,O" "${IMG[@]}" true
    contains "$output" "use -v SRC:DST:O"
    run_pod ps -a -q
    is "$output" ""
    no_layers
}

@test "-v …:O with the container's own user namespace, and after rm -f of a running container and a killed CLI" {
    is_gvisor && skip "runsc refuses --uidmap (capability userns; 420-userns-maps.bats checks the refusal)"
    skip_if_rootless "maps host ids 200000… (rootless maps are checked in 420)"
    local src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src" && echo l >"$src/l"
    run_pod run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 -v "$src:/data:O" "${IMG[@]}" sh -c 'echo w >/data/w; ls -n /data'
    is "${lines[-1]}" "-rw-r--r-- +1 0 +0 .* w"
    [[ ! -e "$src/w" ]] || die "a write reached the lower directory"
    run_pod run -d --name k1 -v "$src:/data:O" "${IMG[@]}" sleep 100
    # a CLI killed in the middle of rm -f: a second rm -f finishes the job
    pod rm -f -t 0 k1 >/dev/null 2>&1 &
    local pid=$!
    sleep 0.1
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" || true
    pod rm -f -t 0 k1 >/dev/null 2>&1 || true
    run_pod ps -a -q
    is "$output" ""
    no_layers
}

@test "idmap: a file in the mount keeps its host owner (crun); refused naming the runtime elsewhere" {
    skip_if_rootless "chowns a file to another host id"
    local src=$BATS_TEST_TMPDIR/src
    mkdir -p "$src" && echo a >"$src/a" && chown 1234:1234 "$src/a"
    local maps=(--uidmap 0:200000:65536 --gidmap 0:200000:65536)
    if [[ "$(basename "$POD_TEST_RUNTIME")" != crun* ]]; then
        run_pod 125 run --rm "${maps[@]}" -v "$src:/data:idmap" "${IMG[@]}" true
        if is_gvisor; then
            # runsc is refused the id mappings first (420-userns-maps.bats).
            contains "$output" "runtime \"$POD_TEST_RUNTIME\" does not support a user namespace of the container's own"
        else
            contains "$output" "runtime \"$POD_TEST_RUNTIME\" does not support the idmap mount option (capability idmapped-mounts"
        fi
        run_pod ps -a -q
        is "$output" ""
        return
    fi
    run_pod 125 run --rm -v "$src:/data:idmap" "${IMG[@]}" true
    contains "$output" "the idmap mount option maps the mount with the container's user namespace, and the container has none"
    run_pod run --rm "${maps[@]}" -v "$src:/data:idmap" "${IMG[@]}" sh -c 'ls -n /data/a; echo b >/data/b'
    is "$output" ".* 1234 +1234 .*"
    is "$(stat -c %u:%g "$src/b")" "0:0"
    # without idmap the same file belongs to nobody in the container
    run_pod run --rm "${maps[@]}" -v "$src:/data" "${IMG[@]}" ls -n /data/a
    is "$output" ".* 65534 +65534 .*"
    run_pod run --rm "${maps[@]}" --mount "type=bind,src=$src,dst=/data,idmap" "${IMG[@]}" ls -n /data/a
    is "$output" ".* 1234 +1234 .*"
    run_pod run --rm "${maps[@]}" -v idv:/data:idmap "${IMG[@]}" sh -c 'touch /data/x; ls -n /data/x'
    is "$output" ".* 0 +0 .*"
    is "$(stat -c %u "$PODT/root/volumes/idv/_data/x")" "0"
}

@test "--rootfs PATH:O: the root is an overlay over PATH, kept across starts, removed with the container" {
    run_pod run --name rf --rootfs "$(rootfs_dir):O" sh -c 'echo x >/etc/pt-new; cat /etc/pt-new'
    is "$output" "x"
    [[ ! -e "$ROOTFS/etc/pt-new" ]] || die "a write reached the --rootfs directory"
    # only this test's mounts: the other runtimes' lanes run this test too
    ! grep -q "$PODT/root/.*/rootfs-overlay" <(pod_mountinfo) || die "rootfs overlay still mounted after exit: $(grep "$PODT/root/.*/rootfs-overlay" <(pod_mountinfo))"
    run_pod start -a rf
    is "$output" "x"
    run_pod rm rf
    [[ -z "$(find "$PODT/root/pod/containers" -maxdepth 2 -name rootfs-overlay)" ]] || die "rootfs layers left"
}
