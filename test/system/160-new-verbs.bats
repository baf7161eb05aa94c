#!/usr/bin/env bats
# mount/unmount, cp, export, diff, init, port, top, stats and container prune:
# Podman's output, messages and exit codes, with data that can break them.

load helpers

# skip_sandboxed skips checks that read the container's files or processes
# from the host while it runs: gVisor keeps the running container's
# processes inside its sandbox kernel (the host sees runsc-sandbox only).
skip_sandboxed() {
    [[ "$POD_TEST_RUNTIME" != runsc && "$POD_TEST_RUNTIME" != *runsc* ]] ||
        skip "${1:-gVisor runs the processes of the container in its own kernel, out of sight of the host}"
}

# sha FILE: the sha256 of FILE.
sha() { sha256sum "$1" | cut -d' ' -f1; }

@test "mount/unmount: counted mounts, listing, json, --all, errors" {
    skip_if_rootless "rootless, pod mount runs only inside pod unshare, as Podman (400-rootless.bats checks the refusal and a mount there)"
    run_pod create --name mt "${IMG[@]}" cat /from-host
    id=$(pod inspect --format '{{.Id}}' mt)
    run_pod mount mt
    mp=$output
    [[ -d "$mp/bin" ]] || die "mount point $mp has no /bin"
    echo written-on-host >"$mp/from-host"
    run_pod mount
    is "$output" "${id:0:12}  $mp"
    run_pod mount --no-trunc
    is "$output" "$id  $mp"
    run_pod mount --notruncate
    is "$output" "$id  $mp"
    run_pod mount --format json
    is "$(echo "$output" | jq -r '.[0].id + " " + .[0].Names[0] + " " + .[0].mountpoint')" "$id mt $mp"
    run_pod 125 mount --format '{{.ID}}'
    [[ "$output" == 'Error: unknown --format argument: "{{.ID}}"' ]] || die "mount --format: $output"
    # The container sees what was written through the mount.
    run_pod start -a mt
    is "$output" "written-on-host"
    # Mounts are counted: two mounts need two unmounts (or one --force).
    run_pod mount mt
    run_pod mount mt
    run_pod container umount mt
    is "$output" "mt"
    run_pod mount
    is "$output" "${id:0:12}  $mp"
    run_pod unmount -f mt
    is "$output" "mt"
    run_pod mount
    is "$output" ""
    # Unmounting what is not mounted is not an error, as in Podman.
    run_pod umount mt
    is "$output" "mt"
    # --all mounts every container and prints the paths; umount --all the IDs.
    run_pod mount -a
    is "$output" "$mp"
    run_pod umount -a
    is "$output" "$id"
    run_pod 125 umount
    is "$output" "Error: you must provide at least one name or id"
    run_pod 125 mount -a mt
    is "$output" "Error: no arguments are needed with --all"
    run_pod 125 mount nosuch
    contains "$output" 'no container with name or ID "nosuch" found'
    run_pod 125 container unmount nosuch
}

@test "mount of a running container: its runtime's mount stays" {
    skip_if_rootless "rootless, pod mount runs only inside pod unshare, as Podman (400-rootless.bats checks the refusal and a mount there)"
    run_pod run -d --name mr "${IMG[@]}" sleep 1000
    run_pod mount mr
    mp=$output
    run_pod umount mr
    run_pod umount -f mr
    # The runtime's own mount is not the user's to drop: still listed.
    run_pod mount
    contains "$output" "$mp"
    run_pod exec mr true
}

@test "cp: binary file by sha256 both ways, odd names, directories, stdin/stdout archives" {
    run_pod run -d --name cp1 "${IMG[@]}" sleep 1000
    local d=$BATS_TEST_TMPDIR
    head -c 3000000 /dev/urandom >"$d/bin.dat"
    # Not under /tmp: gVisor keeps the /tmp of a running container in its
    # own memory, where no copy from the host can see it.
    run_pod cp "$d/bin.dat" cp1:/bin.dat
    is "$output" ""
    run_pod exec cp1 sha256sum /bin.dat
    is "${output%% *}" "$(sha "$d/bin.dat")" "sha256 inside the container"
    run_pod exec cp1 sh -c 'head -c 1000000 /dev/urandom > /made-inside; sha256sum /made-inside'
    inside=${output%% *}
    run_pod cp cp1:/made-inside "$d/made-inside"
    is "$(sha "$d/made-inside")" "$inside" "sha256 of a file made in the container"
    run_pod cp cp1:/bin.dat "$d/back.dat"
    is "$(sha "$d/back.dat")" "$(sha "$d/bin.dat")" "sha256 after the round trip"
    # A name with spaces, a tab, a newline-free control byte and UTF-8.
    odd=$'odd name\twith\001bytes-é'
    printf 'odd-content' >"$d/$odd"
    run_pod cp "$d/$odd" "cp1:/tmp/"
    mkdir "$d/out"
    run_pod cp "cp1:/tmp/$odd" "$d/out/"
    is "$(cat "$d/out/$odd")" "odd-content"
    # Into a missing name: the copy takes that name.
    run_pod cp "$d/$odd" cp1:/tmp/renamed
    run_pod cp cp1:/tmp/renamed "$d/renamed"
    is "$(cat "$d/renamed")" "odd-content"
    # Directories: into an existing one under their name, "dir/." for the contents.
    mkdir -p "$d/tree/sub"
    echo leaf >"$d/tree/sub/leaf"
    run_pod cp "$d/tree" cp1:/tmp
    run_pod cp cp1:/tmp/tree "$d/tree2"
    is "$(cat "$d/tree2/sub/leaf")" "leaf"
    mkdir "$d/contents"
    run_pod cp cp1:/tmp/tree/. "$d/contents"
    # Into a missing directory name: the directory takes that name.
    run_pod cp "$d/tree" cp1:/srv
    run_pod cp cp1:/srv/sub/leaf "$d/leaf1"
    is "$(cat "$d/leaf1")" "leaf"
    is "$(cat "$d/contents/sub/leaf")" "leaf"
    # Archives: "-" as the source reads a tar from stdin, as the destination writes one.
    run_pod 125 cp - cp1:/opt </dev/null
    contains "$output" '"/opt" could not be found on container cp1'
    run_pod exec cp1 mkdir /opt
    tar -C "$d" -cf - bin.dat | pod cp - cp1:/opt
    pod cp cp1:/opt/bin.dat - >"$d/out.tar"
    is "$(tar -tf "$d/out.tar")" "bin.dat"
    tar -C "$d/out" -xf "$d/out.tar"
    is "$(sha "$d/out/bin.dat")" "$(sha "$d/bin.dat")" "sha256 through tar archives"
    # A compressed archive on stdin works too.
    tar -C "$d/tree" -czf - sub | pod cp - cp1:/opt
    run_pod cp cp1:/opt/sub/leaf "$d/leaf2"
    is "$(cat "$d/leaf2")" "leaf"
}

@test "cp: a symlink pointing outside the root filesystem stays inside it" {
    skip_if_rootless "plants the symlinks through pod mount, which rootless runs only inside pod unshare"
    run_pod run -d --name cpl "${IMG[@]}" sleep 1000
    local d=$BATS_TEST_TMPDIR
    mkdir "$d/hostdir"
    echo host-secret >"$d/hostdir/secret"
    run_pod mount cpl
    mp=$output
    # Symlinks made as a hostile image or process would: absolute, relative
    # past the root, and straight at a host directory.
    ln -s /etc "$mp/abs"
    ln -s ../../../../../../../../etc "$mp/rel"
    ln -s "$d/hostdir" "$mp/tohost"
    echo container-file >"$mp/etc/marker"
    run_pod cp cpl:/abs/marker "$d/m1"
    is "$(cat "$d/m1")" "container-file"
    run_pod cp cpl:/rel/marker "$d/m2"
    is "$(cat "$d/m2")" "container-file"
    # The host's directory is not reachable through the container's symlink.
    run_pod 125 cp cpl:/tohost/secret "$d/stolen"
    contains "$output" '"/tohost/secret" could not be found on container cpl'
    [[ ! -e "$d/stolen" ]] || die "a host file was read through a container symlink"
    # Writing through them lands in the container, never on the host.
    echo from-host >"$d/payload"
    mkdir -p "$mp$d/hostdir"
    run_pod cp "$d/payload" cpl:/tohost/payload
    [[ ! -e "$d/hostdir/payload" ]] || die "cp wrote through a container symlink onto the host"
    [[ -f "$mp$d/hostdir/payload" ]] || die "the payload is not inside the container at $d/hostdir"
    run_pod cp "$d/payload" cpl:/rel/payload
    [[ -f "$mp/etc/payload" ]] || die "the payload is not in the container's /etc"
    # An archive whose entries climb out with .. is refused.
    python3 -c 'import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("../../../../../../../tmp/pod-cp-escape")
i.size = 7
t.addfile(i, io.BytesIO(b"escaped"))
t.close()' "$d/evil.tar"
    run_pod 125 cp - cpl:/tmp <"$d/evil.tar"
    [[ ! -e /tmp/pod-cp-escape ]] || die "an archive entry escaped to the host"
    # The host side follows its own symlinks, as Podman: the content is copied.
    ln -s "$d/payload" "$d/link"
    run_pod cp "$d/link" cpl:/tmp/linked
    [[ -f "$mp/tmp/linked" && ! -L "$mp/tmp/linked" ]] || die "host symlink not followed"
    run_pod umount cpl
}

@test "cp: errors, --overwrite, --archive, stopped containers" {
    run_pod create --name cpe "${IMG[@]}" true
    local d=$BATS_TEST_TMPDIR
    run_pod 125 cp cpe:/nosuch "$d/x"
    is "$output" 'Error: "/nosuch" could not be found on container cpe: no such file or directory: not found'
    run_pod 125 cp /etc/hostname cpe:/nodir/x
    contains "$output" '"/nodir/x" could not be found on container cpe'
    run_pod 125 cp "$d/nosuch" cpe:/tmp
    contains "$output" "could not be found on the host"
    run_pod 125 cp nosuch:/x "$d"
    contains "$output" 'container "nosuch" does not exist' # Podman's words
    run_pod 125 cp "$d/a" "$d/b"
    contains "$output" "CONTAINER:PATH"
    run_pod 125 cp a
    # A created container that never ran: its storage is mounted for the copy.
    echo one >"$d/f"
    run_pod cp "$d/f" cpe:/tmp/f
    run_pod cp cpe:/tmp/f "$d/f2"
    is "$(cat "$d/f2")" "one"
    # A directory does not replace a file unless --overwrite says so.
    mkdir "$d/dir"
    echo two >"$d/dir/x"
    run_pod 125 cp "$d/dir" cpe:/tmp/f
    run_pod cp --overwrite "$d/dir" cpe:/tmp/f
    run_pod cp cpe:/tmp/f/x "$d/x2"
    is "$(cat "$d/x2")" "two"
    # --archive (default) owns the files by the container's user; --archive=false keeps them.
    # (root only: an ordinary user can neither chown to 4321 nor pod mount outside pod unshare)
    is_rootless && return 0
    echo three >"$d/owned"
    chown 4321:4321 "$d/owned"
    run_pod cp "$d/owned" cpe:/tmp/a1
    run_pod cp -a=false "$d/owned" cpe:/tmp/a2
    run_pod mount cpe
    is "$(stat -c %u:%g "$output/tmp/a1")" "0:0"
    is "$(stat -c %u:%g "$output/tmp/a2")" "4321:4321"
    run_pod umount cpe
}

@test "export: tar to stdout or -o, contents listed with tar -t, refuses a terminal" {
    run_pod run --name ex "${IMG[@]}" sh -c 'echo data > "/a file"; mkdir -p /x/y; echo z > /x/y/z'
    pod export ex >"$BATS_TEST_TMPDIR/ex.tar"
    list=$(tar -tf "$BATS_TEST_TMPDIR/ex.tar")
    contains "$list" "a file"
    contains "$list" "x/y/z"
    contains "$list" "bin/"
    is "$(tar -xOf "$BATS_TEST_TMPDIR/ex.tar" "a file")" "data"
    run_pod export -o "$BATS_TEST_TMPDIR/o.tar" ex
    is "$output" ""
    cmp "$BATS_TEST_TMPDIR/o.tar" "$BATS_TEST_TMPDIR/ex.tar" >/dev/null ||
        is "$(tar -tf "$BATS_TEST_TMPDIR/o.tar" | sort)" "$(echo "$list" | sort)" "export -o listing"
    # A closed pipe is not an error.
    pod export ex | head -c 10 >/dev/null
    run_pod container export -o "$BATS_TEST_TMPDIR/c.tar" ex
    out=$(SHELL=/bin/bash timeout 60 script -qefc "$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp export ex" /dev/null) && die "export to a terminal succeeded"
    contains "$out" "refusing to export to terminal. Use -o flag or redirect"
    run_pod 125 export nosuch
    contains "$output" 'no container with name or ID "nosuch" found'
    run_pod 125 export
    run_pod 125 export -o /nonexistent/dir/x.tar ex
    [[ ! -e /nonexistent/dir/x.tar ]]
}

@test "diff: A, C and D lines after creating, changing and deleting files; json; images" {
    run_pod run --name df "${IMG[@]}" sh -c 'echo new > "/new file"; echo more >> /etc/passwd; rm /etc/group; mkdir -p /d1/d2; touch /d1/d2/f'
    run_pod diff df
    is "$output" "A /d1
A /d1/d2
A /d1/d2/f
C /etc
D /etc/group
C /etc/passwd
A /new file"
    run_pod container diff --format json df
    [[ "$(echo "$output" | jq -c .)" == '{"changed":["/etc","/etc/passwd"],"added":["/d1","/d1/d2","/d1/d2/f","/new file"],"deleted":["/etc/group"]}' ]] ||
        die "diff json: $output"
    run_pod diff df "${IMG[@]}"
    contains "$output" "D /etc/group"
    run_pod diff --latest
    is "${lines[0]}" "A /d1"
    run_pod diff "${IMG[@]}"
    contains "$output" "A /bin/busybox"
    run_pod 125 diff --format '{{.}}' df
    is "$output" "Error: only supported value for '--format' is 'json'"
    run_pod 125 diff nosuch
    contains "$output" "nosuch not found: layer not known"
    run_pod 125 diff
    contains "$output" 'requires a name, id, or the "--latest" flag'
    # A container without changes: nothing.
    run_pod create --name clean "${IMG[@]}" true
    run_pod diff clean
    is "$output" ""
}

@test "init: created in the runtime, initialized, then started; --all, errors" {
    run_pod create --name in1 "${IMG[@]}" sh -c 'echo started-$$'
    run_pod inspect --format '{{.State.Status}}' in1
    is "$output" "created"
    run_pod init in1
    is "$output" "in1"
    run_pod inspect --format '{{.State.Status}}' in1
    is "$output" "initialized"
    run_pod 125 init in1
    contains "$output" "has already been created in runtime: container state improper"
    run_pod start -a in1
    is "$output" "started-1"
    # An exited container can be initialized again.
    run_pod container init in1
    run_pod inspect --format '{{.State.Status}}' in1
    is "$output" "initialized"
    run_pod create --name in2 "${IMG[@]}" true
    # --all: in1 is initialized already and left so, but its ID is printed
    # with in2's, as Podman 4.3.1 does.
    run_pod init -a
    in1=$(pod inspect --format '{{.Id}}' in1)
    in2=$(pod inspect --format '{{.Id}}' in2)
    is "$output" "$in1
$in2"
    run_pod inspect --format '{{.State.Status}}' in2
    is "$output" "initialized"
    run_pod rm in2
    run_pod 125 init nosuch
    contains "$output" 'no container with name or ID "nosuch" found'
    run_pod 125 init
    is "$output" "Error: you must provide at least one name or id"
}

@test "port: nothing published yet, as Podman for a container without ports" {
    run_pod run -d --name pt "${IMG[@]}" sleep 1000
    run_pod port pt
    is "$output" ""
    run_pod port pt 80/tcp
    is "$output" ""
    run_pod port -a
    is "$output" ""
    run_pod container port --latest
    is "$output" ""
    run_pod 125 port pt abc
    contains "$output" 'invalid port "abc"'
    run_pod 125 port
    is "$output" "Error: you must supply a running container name or id"
    run_pod 125 port -a pt
    is "$output" "Error: no arguments are needed with --all"
    run_pod 125 port pt 80 90
    is "$output" 'Error: `port` accepts at most 2 arguments'
    run_pod 125 port nosuch
}

@test "top: Podman's default columns, descriptors, AIX codes, the ps(1) fallback" {
    run_pod run -d --name tp "${IMG[@]}" sh -c 'sleep 1000 & exec sleep 2000'
    run_pod 125 top
    run_pod 125 top nosuch
    run_pod create --name tpc "${IMG[@]}" true
    run_pod 125 top tpc
    is "$output" "Error: top can only be used on running containers"
    # busybox ps inside the container ignores -ef: Podman's fallback filters
    # its own line out.
    run_pod top tp -ef
    is "${lines[0]}" "PID +USER +COMMAND"
    contains "$output" "sleep 2000"
    skip_sandboxed
    sleep 0.3
    run_pod top tp
    is "${lines[0]}" "USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND"
    is "${#lines[@]}" "3" "header + two processes"
    is "$(echo "$output" | grep 'sleep 2000')" "root +1 +0 +[0-9]+\.[0-9]{3} +[0-9.]+(ms|s|m[0-9.]+s) +\? +[0-9.]+(ms|s) +sleep 2000 ?"
    is "$(echo "$output" | grep 'sleep 1000')" "root +[0-9]+ +1 +.*sleep 1000 ?"
    run_pod container top tp pid,comm user
    is "${lines[0]}" "PID +COMMAND +USER"
    is "${lines[1]}" "1 +sleep +root"
    run_pod top tp %p %U %c hpid state
    is "${lines[0]}" "PID +USER +COMMAND +HPID +STATE"
    is "${lines[1]}" "1 +root +sleep +[0-9]+ +S"
    run_pod top tp capeff seccomp
    is "${lines[0]}" "EFFECTIVE CAPS +SECCOMP"
    contains "${lines[1]}" "CHOWN"
    # An unknown descriptor is handed to ps(1) in the container, as in Podman.
    run_pod top tp nosuchdescriptor
    is "${lines[0]}" "PID +USER +COMMAND"
    # A user named only in the container's /etc/passwd is shown by name.
    run_pod run -d --name tpu -u nobody "${IMG[@]}" sleep 1000
    run_pod top tpu user,group,huser,ruser
    is "${lines[1]}" "nobody +nobody +(nobody|65534) +nobody"
    run_pod top tpu -e
    is "${lines[0]}" "PID +USER +COMMAND"
}

@test "stats: Podman's columns and units, non-zero memory, json, templates, streaming" {
    skip_if_rootless_cgroupv1 # stats is refused there as by Podman (400-rootless.bats)
    run_pod run -d --name st "${IMG[@]}" sh -c 'x=$(head -c 4000000 /dev/zero | tr "\0" a); echo ready; sleep 1000'
    wait_for_output st ready
    run_pod create --name stc "${IMG[@]}" true
    run_pod stats --no-stream
    is "${lines[0]}" "ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET IO +BLOCK IO +PIDS +CPU TIME +AVG CPU %"
    is "${#lines[@]}" "2" "only running containers by default"
    id=$(pod inspect --format '{{.Id}}' st)
    is "${lines[1]}" "${id:0:12} +st +[0-9]+\.[0-9]{2}% +[0-9.]+[kMG]?B / [0-9.]+[kMGT]B +[0-9]+\.[0-9]{2}% +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +[0-9.]+[kMG]?B / [0-9.]+[kMG]?B +[1-9][0-9]* +[0-9.]+(µs|ms|s) +[0-9]+\.[0-9]{2}%"
    run_pod stats --no-stream --format json st
    mem=$(echo "$output" | jq -r '.[0].mem_usage')
    [[ "$mem" != 0B* ]] || die "memory usage of a running container is $mem"
    is "$(echo "$output" | jq -r '.[0].name')" "st"
    [[ "$(echo "$output" | jq -r '.[0].pids')" -ge 1 ]] || die "no pids: $output"
    run_pod stats --no-stream --format '{{.Name}} {{.MemUsageBytes}} {{.PIDS}}' st
    is "$output" "st [0-9.]+[KMG]?i?B / [0-9.]+[KMGT]iB [1-9][0-9]*"
    run_pod stats --no-stream --format '{{.MemUsage}}' st
    [[ "$output" != 0B* ]] || die "memory usage is $output"
    run_pod container stats --no-stream -a --format '{{.Name}} {{.MemUsage}} {{.PIDS}} {{.UpTime}}'
    contains "$output" "stc 0B / 0B 0 0s"
    run_pod stats --no-stream --format "{{json .}}" st
    is "$(echo "$output" | jq -r '.[0].id')" "${id:0:12}"
    run_pod 125 stats --no-stream --format '{{.Bogus}}' st
    run_pod 125 stats --no-stream -a st
    is "$output" "Error: --all, --latest and containers cannot be used together"
    run_pod 125 stats --no-stream --interval 0
    is "$output" "Error: invalid interval, must be a positive number greater zero"
    run_pod 125 stats --no-stream nosuch
    # Streaming: a report per interval, the screen cleared unless --no-reset.
    out=$(timeout 3.5 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" stats --interval 1 --no-reset st) || true
    [[ $(grep -c '^ID' <<<"$out") -ge 2 ]] || die "fewer than two reports in 3.5 s: $out"
    [[ "$out" != *$'\033[2J'* ]] || die "--no-reset cleared the screen"
    out=$(timeout 1.5 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" stats st) || true
    [[ "$out" == *$'\033[2J'* ]] || die "streaming did not clear the screen"
}

@test "container prune: non-running containers, --filter label/until, prompt, errors" {
    run_pod run -d --name keep "${IMG[@]}" sleep 1000
    run_pod create --label stage=test --name lab "${IMG[@]}" true
    run_pod run --name done "${IMG[@]}" true
    lab=$(pod inspect --format '{{.Id}}' lab)
    done_id=$(pod inspect --format '{{.Id}}' done)
    run_pod container prune -f --filter label=stage=test
    is "$output" "$lab"
    run_pod container prune -f --filter until=1h
    is "$output" ""
    # Answering no keeps everything.
    out=$(echo n | pod container prune)
    contains "$out" "Are you sure you want to continue? [y/N]"
    run_pod container exists done
    run_pod container prune -f --filter 'label!=stage=test' --filter until=-1h
    is "$output" "$done_id"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "keep"
    run_pod 125 container prune -f --filter bogus=1
    is "$output" "Error: bogus is an invalid filter: invalid argument"
    run_pod 125 container prune -f --filter until=garbage
    contains "$output" 'failed to parse value as time or duration: "garbage"'
    run_pod 125 container prune -f extra
    is "$output" 'Error: `pod container prune` takes no arguments'
}
