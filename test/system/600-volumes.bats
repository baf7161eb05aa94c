#!/usr/bin/env bats
# Named and anonymous volumes: pod volume …, -v NAME:/p, -v /p, --mount
# type=volume, image VOLUMEs, --volumes-from, copy-up, tmpfs volumes.

load helpers

teardown() {
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod volume rm -a -f >/dev/null 2>&1 || true
    # No volume mount may outlive the test.
    ! grep -q "$PODT/root/volumes/" <(pod_mountinfo) || die "volume mounts left: $(grep "$PODT/root/volumes/" <(pod_mountinfo))"
}

# volume_image NAME: busybox plus /data/hello (0750) and /srv/s, with VOLUME /data.
volume_image() {
    local dir=$BATS_FILE_TMPDIR/volimg
    if ! pod image exists "$1" 2>/dev/null; then
        rm -rf "$dir" && mkdir -p "$dir/data" "$dir/srv"
        echo fromimage >"$dir/data/hello"
        echo srvfile >"$dir/srv/s"
        chmod 0750 "$dir/data"
        cp "$(busybox_tarball)" "$dir.tar"
        tar -rf "$dir.tar" -C "$dir" data srv
        pod import --change VOLUME=/data --change CMD=/bin/sh "$dir.tar" "$1" >/dev/null
    fi
}

@test "volume create, ls, inspect, exists, rm: Podman's output, layout and exit codes" {
    run_pod volume create --label a=b --label c=d v1
    is "$output" "v1"
    [[ -d "$PODT/root/volumes/v1/_data" ]] || die "no $PODT/root/volumes/v1/_data"
    run_pod volume create v2
    run_pod 125 volume create v1
    is "$output" "Error: volume with name v1 already exists: volume already exists"
    run_pod volume create --ignore v1
    is "$output" "v1"
    run_pod volume ls
    is "${lines[0]}" "DRIVER +VOLUME NAME"
    is "${lines[1]}" "local +v1"
    is "${lines[2]}" "local +v2"
    run_pod volume ls -q
    is "$output" $'v1\nv2'
    run_pod volume ls --noheading
    is "${lines[0]}" "local +v1"
    run_pod volume ls --filter label=a=b --format '{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}}'
    is "$output" "v1 local local $PODT/root/volumes/v1/_data"
    run_pod volume ls --filter label=a=x -q
    is "$output" ""
    run_pod volume ls --filter name=2 --filter driver=local -q
    is "$output" "v2"
    run_pod volume ls --filter dangling=true -q
    is "$output" $'v1\nv2'
    run_pod volume ls --filter until=1h -q
    is "$output" ""
    run_pod 125 volume ls --filter bogus=1
    contains "$output" '"bogus" is an invalid volume filter'
    run_pod volume ls --format json
    is "$(jq -r '.[0].Name, .[0].Labels.c, .[1].Driver' <<<"$output")" $'v1\nd\nlocal'
    run_pod volume inspect v1
    is "$(jq -r '.[0].Name, .[0].Mountpoint, .[0].Scope, .[0].MountCount, .[0].NeedsCopyUp' <<<"$output")" \
        "v1"$'\n'"$PODT/root/volumes/v1/_data"$'\nlocal\n0\ntrue'
    run_pod volume inspect --format '{{.Name}}={{.Labels.a}}' v1 v2
    is "$output" $'v1=b\nv2=<no value>'
    run_pod volume inspect --all --format '{{.Name}}'
    is "$output" $'v1\nv2'
    run_pod 125 volume inspect nope
    contains "$output" "no such volume nope"
    run_pod volume exists v1
    run_pod 1 volume exists nope
    run_pod 1 volume rm nope
    is "$output" 'Error: no volume with name "nope" found: no such volume'
    run_pod volume rm -f nope
    run_pod volume rm v1 v2
    is "$output" $'v1\nv2'
    [[ ! -e "$PODT/root/volumes/v1" ]] || die "v1's directory is left"
    run_pod volume ls -q
    is "$output" ""
    # A directory without a record (a removal killed half-way, or Podman's) is taken over, as Podman does.
    mkdir -p "$PODT/root/volumes/left/_data" && echo kept >"$PODT/root/volumes/left/_data/f"
    run_pod volume create left
    run_pod run --rm -v left:/l "${IMG[@]}" cat /l/f
    is "$output" "kept"
}

@test "volume create refuses bad names, drivers and options, and creates nothing" {
    local n
    for n in '../x' '/' '.' '..' '-x' 'a/b' 'a b' $'a\nb' 'é' '_x' 'a:b'; do
        run_pod 125 volume create -- "$n"
        contains "$output" "is invalid" "name '$n'"
    done
    run_pod 125 volume create ''
    contains "$output" "is invalid"
    run_pod 125 volume create --driver foo d1
    contains "$output" 'volume driver "foo" is not supported'
    run_pod 125 volume create -o foo=bar d2
    is "$output" "Error: invalid mount option foo for driver 'local': invalid argument"
    run_pod 125 volume create -o uid=x d3
    contains "$output" 'uid="x"'
    run_pod 125 run --rm -v '../x:/d' "${IMG[@]}" true
    contains "$output" 'relative source path "../x"'
    run_pod 125 run --rm -v 'a*b:/d' "${IMG[@]}" true
    contains "$output" 'volume name "a*b" is invalid'
    run_pod 125 run --rm --mount type=volume,src=a/b,dst=/d "${IMG[@]}" true
    contains "$output" 'volume name "a/b" is invalid'
    run_pod 125 run --rm -v v:/d:bogus "${IMG[@]}" true
    contains "$output" 'unknown option "bogus"'
    run_pod 125 run --rm -v v:/ "${IMG[@]}" true
    contains "$output" "root directory"
    run_pod volume ls -q
    is "$output" ""
    [[ -z "$(ls -A "$PODT/root/volumes" 2>/dev/null)" ]] || die "left in volumes/: $(ls -A "$PODT/root/volumes")"
}

@test "data in a named volume survives rm and reaches a new container; ro is read-only" {
    # Auto-created on first use, as Podman.
    run_pod run --name w -v data:/data "${IMG[@]}" sh -c 'printf "\x00\x01bin\xff" > /data/f; echo hi > /data/t'
    run_pod rm w
    run_pod volume ls -q
    is "$output" "data"
    run_pod run --rm -v data:/mnt:ro "${IMG[@]}" cat /mnt/t
    is "$output" "hi"
    cmp <(printf '\x00\x01bin\xff') "$PODT/root/volumes/data/_data/f"
    run_pod 1 run --rm -v data:/mnt:ro "${IMG[@]}" sh -c 'echo x > /mnt/t'
    contains "$output" "Read-only file system"
    run_pod run --rm --mount type=volume,source=data,target=/m,readonly "${IMG[@]}" cat /m/t
    is "$output" "hi"
    run_pod run --rm --mount type=volume,src=data,dst=/m "${IMG[@]}" sh -c 'echo more >> /m/t'
    is "$(cat "$PODT/root/volumes/data/_data/t")" $'hi\nmore'
}

@test "inspect shows volumes in Mounts as Podman does" {
    run_pod create --name c -v iv:/data:ro -v /anon "${IMG[@]}" true
    run_pod inspect c --format '{{json .Mounts}}'
    is "$(jq -c '[.[] | select(.Type == "volume") | {Name, Destination, Driver, Options, RW, Propagation}]' <<<"$output" | sed 's/"Name":"[0-9a-f]\{64\}"/"Name":"ANON"/')" \
        '\[\{"Name":"iv","Destination":"/data","Driver":"local","Options":\["nosuid","nodev","rbind"\],"RW":false,"Propagation":"rprivate"\},\{"Name":"ANON","Destination":"/anon","Driver":"local","Options":\["nosuid","nodev","rbind"\],"RW":true,"Propagation":"rprivate"\}\]'
    run_pod inspect c --format '{{(index .Mounts 0).Source}}'
    is "$output" "$PODT/root/volumes/iv/_data"
}

@test "inspect: HostConfig.Binds and the Mounts of binds and volumes are Podman 4.3.1's, created, running and stopped" {
    local d=$BATS_TEST_TMPDIR
    mkdir -p "$d/a" "$d/b"
    run_pod create --name bm -v "$d/a:/d1" -v "$d/a:/d2:ro" -v "$d/b:/d3:z,rshared" -v "$d/b:/d4:noexec,U" \
        --mount "type=bind,src=$d/a,dst=/m1" --mount "type=bind,source=$d/b,target=/m2,ro=true,bind-propagation=slave,bind-nonrecursive=true" \
        --mount "type=bind,src=$d/a,dst=/m3,relabel=private" -v "$d/b:/o1:O" \
        -v bv:/v1 -v bv:/v2:Z,ro,exec --mount type=volume,src=bv,dst=/v3,suid -v bv:/v4:U -v /anon "${IMG[@]}" sleep 100
    # What `podman inspect` 4.3.1 shows for the same flags (its order follows
    # a Go map: compared sorted). Created: the options as given; no overlay.
    local created_binds="$d/a:/d1:rw,rprivate,rbind
$d/a:/d2:ro,rprivate,rbind
$d/a:/m1:rw,rprivate,rbind
$d/a:/m3:Z,rw,rprivate,rbind
$d/b:/d3:z,rshared,rw,rbind
$d/b:/d4:noexec,U,rw,rprivate,rbind
$d/b:/m2:ro,slave,bind
ANON:/anon:rw,rprivate,nosuid,nodev,rbind
bv:/v1:rw,rprivate,nosuid,nodev,rbind
bv:/v2:Z,ro,exec,rprivate,nosuid,nodev,rbind
bv:/v3:suid,rw,rprivate,nodev,rbind
bv:/v4:U,rw,rprivate,nosuid,nodev,rbind"
    local vol_mounts='{"Type":"volume","Destination":"/anon","Mode":"","Options":["nosuid","nodev","rbind"],"RW":true,"Propagation":"rprivate"}'
    local vols_mounts='{"Type":"volume","Destination":"/v1","Mode":"","Options":["nosuid","nodev","rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"volume","Destination":"/v2","Mode":"Z","Options":["exec","nosuid","nodev","rbind"],"RW":false,"Propagation":"rprivate"}
{"Type":"volume","Destination":"/v3","Mode":"","Options":["suid","nodev","rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"volume","Destination":"/v4","Mode":"","Options":["U","nosuid","nodev","rbind"],"RW":true,"Propagation":"rprivate"}'
    local created_mounts="$vol_mounts"'
{"Type":"bind","Destination":"/d1","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/d2","Mode":"","Options":["rbind"],"RW":false,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/d3","Mode":"z","Options":["rbind"],"RW":true,"Propagation":"rshared"}
{"Type":"bind","Destination":"/d4","Mode":"","Options":["noexec","U","rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/m1","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/m2","Mode":"","Options":["bind"],"RW":false,"Propagation":"slave"}
{"Type":"bind","Destination":"/m3","Mode":"Z","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
'"$vols_mounts"
    # Once started (and after it stops), Podman reads the runtime spec: the
    # binds have lost z, Z and U (the volumes keep them), and the overlay is
    # listed (Podman's source is its merged directory, pod's the lower one).
    local started_binds="$d/a:/d1:rw,rprivate,rbind
$d/a:/d2:ro,rprivate,rbind
$d/a:/m1:rw,rprivate,rbind
$d/a:/m3:rw,rprivate,rbind
$d/b:/d3:rshared,rw,rbind
$d/b:/d4:noexec,rw,rprivate,rbind
$d/b:/m2:ro,slave,bind
$d/b:/o1:lowerdir=$d/b,upperdir=OVL/upper,workdir=OVL/work,private
ANON:/anon:rw,rprivate,nosuid,nodev,rbind
bv:/v1:rw,rprivate,nosuid,nodev,rbind
bv:/v2:Z,ro,exec,rprivate,nosuid,nodev,rbind
bv:/v3:suid,rw,rprivate,nodev,rbind
bv:/v4:U,rw,rprivate,nosuid,nodev,rbind"
    local started_mounts="$vol_mounts"'
{"Type":"bind","Destination":"/d1","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/d2","Mode":"","Options":["rbind"],"RW":false,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/d3","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rshared"}
{"Type":"bind","Destination":"/d4","Mode":"","Options":["noexec","rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/m1","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/m2","Mode":"","Options":["bind"],"RW":false,"Propagation":"slave"}
{"Type":"bind","Destination":"/m3","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}
{"Type":"bind","Destination":"/o1","Mode":"","Options":["lowerdir='"$d"'/b","upperdir=OVL/upper","workdir=OVL/work"],"RW":true,"Propagation":"private"}
'"$vols_mounts"
    local state got want states="created running stopped"
    # runsc refuses to start it: 'mount option "rshared" is not supported'.
    is_gvisor && states=created
    for state in $states; do
        case $state in
        running) run_pod start bm ;;
        stopped) run_pod stop -t 0 bm ;;
        esac
        run_pod inspect bm
        # the overlay's layers are in the container's directory
        local ovl="s#=$PODT/root/pod/containers/[0-9a-f]\{64\}/overlay/0/#=OVL/#g"
        got=$(jq -r '.[0].HostConfig.Binds[]' <<<"$output" | sed -e 's/^[0-9a-f]\{64\}:/ANON:/' -e "$ovl" | LC_ALL=C sort)
        want=$started_binds
        [[ $state == created ]] && want=$created_binds
        [[ "$got" == "$want" ]] || die "Binds ($state): $got"
        got=$(jq -c '.[0].Mounts | sort_by(.Destination)[] | {Type, Destination, Mode, Options, RW, Propagation}' <<<"$output" | sed "$ovl")
        want=$started_mounts
        [[ $state == created ]] && want=$created_mounts
        [[ "$got" == "$want" ]] || die "Mounts ($state): $got"
        # The mounts are what inspect says: /d2 and /m2 read-only, /d1 writable.
        if [[ $state == running ]]; then
            run_pod exec bm sh -c 'touch /d1/ok && ! touch /d2/no 2>/dev/null && ! touch /m2/no 2>/dev/null && echo ok'
            is "$output" "ok"
        fi
    done
}

@test "anonymous volumes: -v /path, image VOLUMEs; rm -v and run --rm remove them" {
    volume_image localhost/withvol
    run_pod run --name a -v /anon localhost/withvol sh -c 'echo x > /anon/f; cat /data/hello'
    is "$output" "fromimage"
    run_pod volume ls -q
    is "${#lines[@]}" 2
    local v
    for v in "${lines[@]}"; do
        is "$v" "[0-9a-f]{64}"
        run_pod volume inspect --format '{{.Anonymous}}' "$v"
        is "$output" "true"
    done
    run_pod rm a
    run_pod volume ls -q
    is "${#lines[@]}" 2 "anonymous volumes after rm without -v"
    run_pod volume prune -f
    is "${#lines[@]}" 2
    run_pod run --name b -v /anon localhost/withvol true
    run_pod rm -v b
    run_pod volume ls -q
    is "$output" "" "volumes after rm -v"
    run_pod run --rm -v /anon localhost/withvol true
    run_pod volume ls -q
    is "$output" "" "volumes after run --rm"
    # --image-volume ignore and tmpfs create none.
    run_pod run --rm --image-volume ignore localhost/withvol cat /data/hello
    is "$output" "fromimage"
    run_pod run --rm --image-volume tmpfs localhost/withvol sh -c 'grep " /data " /proc/mounts; ls /data'
    contains "$output" " /data tmpfs "
    run_pod volume ls -q
    is "$output" ""
    # A user mount at the VOLUME's path replaces it.
    run_pod run --rm -v keep:/data localhost/withvol cat /data/hello
    is "$output" "fromimage"
    run_pod volume ls -q
    is "$output" "keep"
}

@test "copy-up: a new volume gets the image's content and owner, once; nocopy disables it" {
    volume_image localhost/withvol
    run_pod run --rm -v cu:/srv localhost/withvol cat /srv/s
    is "$output" "srvfile"
    run_pod volume inspect --format '{{.NeedsCopyUp}}' cu
    is "$output" "false"
    run_pod run --rm -v cu2:/data localhost/withvol stat -c %a /data
    is "$output" "750"
    # Only into an empty volume, and only the first time.
    run_pod run --rm -v cu:/srv "${IMG[@]}" sh -c 'rm /srv/s; ls /srv'
    run_pod run --rm -v cu:/srv localhost/withvol ls /srv
    is "$output" ""
    run_pod run --rm -v nc:/srv:nocopy localhost/withvol ls /srv
    is "$output" ""
    run_pod run --rm --mount type=volume,src=nc2,dst=/srv,volume-nocopy localhost/withvol ls /srv
    is "$output" ""
}

@test "--volumes-from shares the volumes, with :ro" {
    run_pod run --name src -v shared:/s -v /anon "${IMG[@]}" sh -c 'echo one > /s/f; echo two > /anon/g'
    run_pod run --rm --volumes-from src "${IMG[@]}" cat /s/f /anon/g
    is "$output" $'one\ntwo'
    run_pod 1 run --rm --volumes-from src:ro "${IMG[@]}" sh -c 'echo x > /s/f'
    contains "$output" "Read-only file system"
    run_pod 125 run --rm --volumes-from nosuchctr "${IMG[@]}" true
    contains "$output" "nosuchctr"
    run_pod 125 run --rm --volumes-from src:bogus "${IMG[@]}" true
    contains "$output" "unknown option"
    # Still used by src: --rm did not take src's anonymous volume.
    run_pod volume ls -q
    is "${#lines[@]}" 2
}

@test "volumes in use: rm refused (exit 2) without -f; -f removes the containers; prune keeps them" {
    run_pod run -d --name user -v busy:/b "${IMG[@]}" sleep 100
    run_pod create --name idle -v busy2:/b "${IMG[@]}" true
    run_pod volume create free
    run_pod 2 volume rm busy
    contains "$output" "volume busy is being used by the following container(s): "
    contains "$output" "volume is being used"
    run_pod volume prune -f
    is "$output" "free"
    run_pod volume ls -q
    is "$output" $'busy\nbusy2'
    run_pod volume ls --filter dangling=false -q
    is "$output" $'busy\nbusy2'
    run_pod volume rm -f -t 0 busy busy2
    is "$output" $'busy\nbusy2'
    run_pod 125 inspect user
    run_pod 125 inspect idle
}

@test "tmpfs and bind volumes are mounted while a container uses them" {
    run_pod volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=2m,mode=0700 tv
    run_pod volume inspect tv --format '{{.Options.type}} {{.Options.o}}'
    is "$output" "tmpfs size=2m,mode=0700"
    run_pod run -d --name t1 -v tv:/t "${IMG[@]}" sleep 100
    run_pod run -d --name t2 -v tv:/t "${IMG[@]}" sleep 100
    run_pod exec t1 sh -c 'echo data > /t/x'
    run_pod exec t2 cat /t/x
    is "$output" "data"
    grep -q " $PODT/root/volumes/tv/_data .* tmpfs " <(pod_mountinfo) || die "tv not mounted"
    run_pod volume inspect tv --format '{{.MountCount}}'
    is "$output" "2"
    run_pod rm -f -t 0 t1
    grep -q " $PODT/root/volumes/tv/_data " <(pod_mountinfo) || die "tv unmounted while t2 runs"
    run_pod rm -f -t 0 t2
    ! grep -q " $PODT/root/volumes/tv/_data " <(pod_mountinfo) || die "tv still mounted"
    run_pod volume inspect tv --format '{{.MountCount}}'
    is "$output" "0"
    # Data in a tmpfs volume goes with the last user.
    run_pod run --rm -v tv:/t "${IMG[@]}" ls /t
    is "$output" ""
    # o=bind with device=: a host directory.
    mkdir -p "$BATS_FILE_TMPDIR/hostdir" && echo host >"$BATS_FILE_TMPDIR/hostdir/h"
    run_pod volume create --opt type=none --opt o=bind --opt device="$BATS_FILE_TMPDIR/hostdir" bv
    run_pod run --rm -v bv:/h "${IMG[@]}" cat /h/h
    is "$output" "host"
    # volume mount/unmount.
    run_pod volume mount tv
    is "$output" "$PODT/root/volumes/tv/_data"
    grep -q " $PODT/root/volumes/tv/_data " <(pod_mountinfo) || die "volume mount did not mount"
    run_pod volume unmount tv
    is "$output" "tv"
    ! grep -q " $PODT/root/volumes/tv/_data " <(pod_mountinfo) || die "volume unmount left it mounted"
    # A bad mount option fails the start with the volume's name, and leaves nothing mounted.
    run_pod volume create --opt type=tmpfs --opt o=nonsense badv
    run_pod 125 run --rm -v badv:/b "${IMG[@]}" true
    contains "$output" "volume badv"
}

@test "volume export and import round trip binary data" {
    run_pod run --rm -v ex:/d "${IMG[@]}" sh -c 'mkdir -p /d/sub; printf "\x00\xffz" > /d/sub/bin; ln -s /etc/passwd /d/link; chmod 0600 /d/sub/bin'
    run_pod volume export ex -o "$BATS_FILE_TMPDIR/ex.tar"
    tar -tf "$BATS_FILE_TMPDIR/ex.tar" | grep -q 'sub/bin' || die "sub/bin not in the export"
    pod volume export ex >"$BATS_FILE_TMPDIR/ex2.tar"
    cmp <(tar -tf "$BATS_FILE_TMPDIR/ex.tar" | sort) <(tar -tf "$BATS_FILE_TMPDIR/ex2.tar" | sort)
    run_pod volume create im
    run_pod volume import im "$BATS_FILE_TMPDIR/ex.tar"
    cmp "$PODT/root/volumes/ex/_data/sub/bin" "$PODT/root/volumes/im/_data/sub/bin"
    is "$(stat -c %a "$PODT/root/volumes/im/_data/sub/bin")" "600"
    is "$(readlink "$PODT/root/volumes/im/_data/link")" "/etc/passwd"
    run_pod volume create im2
    pod volume import im2 - <"$BATS_FILE_TMPDIR/ex.tar"
    cmp "$PODT/root/volumes/ex/_data/sub/bin" "$PODT/root/volumes/im2/_data/sub/bin"
    run_pod 125 volume import im /no/such.tar
    run_pod 125 volume export nope -o "$BATS_FILE_TMPDIR/x.tar"
    contains "$output" "no such volume"
}

@test "parallel volume create of one name: one wins, the others say it exists" {
    local i pids=()
    for i in $(seq 8); do
        (pod volume create race >"$BATS_FILE_TMPDIR/race.$i" 2>&1; echo $? >>"$BATS_FILE_TMPDIR/race.$i") &
        pids+=($!)
    done
    wait "${pids[@]}" || true  # each exit code is in its file
    local ok=0 exists=0
    for i in $(seq 8); do
        if [[ "$(tail -1 "$BATS_FILE_TMPDIR/race.$i")" == 0 ]]; then
            ok=$((ok + 1))
        else
            contains "$(cat "$BATS_FILE_TMPDIR/race.$i")" "volume with name race already exists"
            exists=$((exists + 1))
        fi
    done
    is "$ok" 1 "winners"
    is "$exists" 7 "losers"
    # Parallel first uses of one new name share it.
    local runs=()
    for i in $(seq 4); do
        pod run --rm -v shared-race:/d "${IMG[@]}" sh -c "echo $i > /d/$i" &
        runs+=($!)
    done
    for i in "${runs[@]}"; do wait "$i"; done
    run_pod volume ls -q
    is "$output" $'race\nshared-race'
    is "$(ls "$PODT/root/volumes/shared-race/_data" | wc -l)" 4
}

@test "ps --filter volume= matches the container's volumes" {
    run_pod create --name pv -v fv:/data "${IMG[@]}" true
    run_pod create --name pn "${IMG[@]}" true
    run_pod ps -a --filter volume=fv --format '{{.Names}}'
    is "$output" "pv"
    run_pod ps -a --filter volume=/data --format '{{.Names}}'
    is "$output" "pv"
    run_pod create --name pa -v /anon "${IMG[@]}" true
    local anon
    anon=$(pod inspect pa --format '{{(index .Mounts 0).Name}}')
    run_pod ps -a --filter volume="$anon" --format '{{.Names}}'
    is "$output" "pa"
    run_pod create --name pf --volumes-from pv "${IMG[@]}" true
    run_pod ps -a --filter volume=fv --format '{{.Names}}' --sort names
    is "$output" $'pf\npv'
}

@test "U gives a volume or bind source to the container's user" {
    run_pod run --rm -u 1000:1000 -v uv:/d:U "${IMG[@]}" sh -c 'touch /d/x && stat -c %u:%g /d /d/x'
    is "$output" $'1000:1000\n1000:1000'
    mkdir -p "$BATS_FILE_TMPDIR/ubind/sub" && touch "$BATS_FILE_TMPDIR/ubind/sub/f"
    run_pod run --rm -u 1000:10 --mount type=bind,src="$BATS_FILE_TMPDIR/ubind",dst=/b,U "${IMG[@]}" true
    if is_rootless; then
        # The owner is the container's 1000:10 in the user's namespace (a
        # subordinate id on the host); given back so bats can remove it.
        run_pod unshare stat -c %u:%g "$BATS_FILE_TMPDIR/ubind" "$BATS_FILE_TMPDIR/ubind/sub/f"
        is "$output" $'1000:10\n1000:10'
        run_pod unshare chown -R 0:0 "$BATS_FILE_TMPDIR/ubind"
    else
        is "$(stat -c %u:%g "$BATS_FILE_TMPDIR/ubind" "$BATS_FILE_TMPDIR/ubind/sub/f")" $'1000:10\n1000:10'
    fi
    run_pod 1 run --rm -u 1000:1000 -v uv2:/d "${IMG[@]}" touch /d/x
}

@test "--mount type=image mounts an image read-only, and unmounts it" {
    volume_image localhost/withvol
    run_pod run --rm --mount type=image,src=localhost/withvol,dst=/img "${IMG[@]}" cat /img/srv/s
    is "$output" "srvfile"
    run_pod 1 run --rm --mount type=image,source=localhost/withvol,target=/img,ro=true "${IMG[@]}" touch /img/x
    contains "$output" "Read-only file system"
    run_pod run -d --name im --mount type=image,src=localhost/withvol,dst=/img "${IMG[@]}" sleep 100
    run_pod exec im ls /img/data
    is "$output" "hello"
    run_pod rm -f -t 0 im
    # Nothing of the image stays mounted.
    ! grep -q "$PODT/root/overlay/.*/merged" <(pod_mountinfo) || die "left mounted: $(grep "$PODT/root/overlay" <(pod_mountinfo))"
    run_pod 125 run --rm --mount type=image,src=no-such-image,dst=/img "${IMG[@]}" true
    contains "$output" "no-such-image"
    run_pod 125 run --rm --mount type=image,src=localhost/withvol,dst=/img,rw=true "${IMG[@]}" true
    contains "$output" "writable image mount"
}

@test "kill -9 of the monitor: rm -f still unmounts a tmpfs volume and drops the container from it" {
    run_pod volume create --opt type=tmpfs --opt device=tmpfs kv
    run_pod run -d --name k -v kv:/k "${IMG[@]}" sleep 100
    local mon
    mon=$(pod inspect k --format '{{.State.ConmonPid}}')
    [[ "$mon" -gt 0 ]] || die "no monitor pid: $mon"
    kill -9 "$mon"
    run_pod rm -f -t 0 k
    ! grep -q " $PODT/root/volumes/kv/_data " <(pod_mountinfo) || die "kv still mounted"
    run_pod volume inspect kv --format '{{.MountCount}}'
    is "$output" "0"
    run_pod volume rm kv
}
