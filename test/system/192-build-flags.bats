#!/usr/bin/env bats
# build flags beyond the basics (docs/build.md): the RUN containers'
# settings, the image's platform and metadata, --timestamp, --output,
# contexts, --ssh, pull options and the flags pod refuses by name.

load helpers
load helpers.image

ctxdir() {
    local d=$BATS_TEST_TMPDIR/$1
    mkdir -p "$d"
    echo "$d"
}

teardown() {
    stop_registry
    if [[ -f $BATS_TEST_TMPDIR/agent.pid ]]; then
        kill "$(cat "$BATS_TEST_TMPDIR/agent.pid")" 2>/dev/null || true
    fi
}

@test "build flags: RUN container settings (caps, ulimit, hosts, dns, volume, device, env, namespaces)" {
    d=$(ctxdir runc)
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    echo "from the host" >"$BATS_TEST_TMPDIR/vol/v.txt"
    cat >"$d/Containerfile" <<'CF'
FROM localhost/busybox
RUN echo "env=$FOO/$KEEP"; grep CapEff /proc/self/status; echo "nofile=$(ulimit -n)"; \
    grep -c 'db.example 10.9.8.7' /etc/hosts; grep nameserver /etc/resolv.conf; grep search /etc/resolv.conf; \
    grep options /etc/resolv.conf; cat /vol/v.txt; test -c /dev/mynull && echo dev=ok; \
    df -k /dev/shm | tail -1 | awk '{print "shm=" $2}'; readlink /proc/self/ns/ipc; echo "pid1=$(cat /proc/1/comm)"; \
    mkdir -p /made && echo made >/made/file
CF
    export KEEP=kept
    local limits=(--cpu-shares 512 --cpu-period 100000 --cpu-quota 50000 --cpuset-cpus 0 --cpuset-mems 0 --memory 256m
        --memory-swap 512m --cgroup-parent /pod-build-test)
    if is_rootless_cgroupv1; then
        # no cgroup for an ordinary user's RUN: the limits are refused as for run
        run_pod 125 build --no-cache --memory 256m -t runflags "$d"
        contains "$output" '--memory "256m": invalid configuration, cannot specify resource limits without cgroups v2'
        limits=()
    fi
    run_pod build --no-cache --env FOO=bar --env KEEP --unsetenv KEEP --cap-drop all --cap-add CAP_CHOWN,CAP_DAC_OVERRIDE \
        --ulimit nofile=321:321 --add-host db.example:10.9.8.7 --dns 10.1.2.3 --dns-search corp.example \
        --dns-option ndots:3 --volume "$BATS_TEST_TMPDIR/vol:/vol:ro" --device /dev/null:/dev/mynull \
        --shm-size 7m --ipc private --pid private --uts private --cgroupns private --security-opt no-new-privileges \
        "${limits[@]}" --http-proxy=false --isolation oci \
        --runtime-flag debug --hooks-dir "$BATS_TEST_TMPDIR/hooks" -t runflags "$d"
    # The RUN output, as the step prints it.
    rmdir /sys/fs/cgroup/pod-build-test /sys/fs/cgroup/*/pod-build-test 2>/dev/null || true
    [[ "$output" == *"env=bar/kept"* ]] || die "--env: $output"
    [[ "$output" == *"CapEff:	0000000000000003"* ]] || die "--cap-drop/--cap-add: $output"
    [[ "$output" == *"nofile=321"* ]] || die "--ulimit: $output"
    [[ "$output" == *"nameserver 10.1.2.3"*"search corp.example"*"options ndots:3"* ]] || die "--dns*: $output"
    dev=dev=ok
    # gVisor makes its own /dev: a host device does not show in a runsc sandbox.
    [[ ${POD_TEST_RUNTIME:-} != runsc ]] || dev=
    [[ "$output" == *"from the host"*"$dev"*"shm=7168"* ]] || die "--volume/--device/--shm-size: $output"
    # The image has --env, not what --unsetenv removed; the volume's mount
    # point is not in it, the RUN's own files are.
    run_pod image inspect --format '{{.Config.Env}}' runflags
    [[ "$output" == *"FOO=bar"* && "$output" != *KEEP* ]] || die "image env: $output"
    run_pod run --rm runflags sh -c 'cat /made/file; test -e /vol && echo vol-left || echo no-vol'
    is "$output" $'made\nno-vol'
    # --no-hosts: the base image's /etc/hosts (if any), no managed one.
    printf 'FROM localhost/busybox\nRUN echo "hosts=$(cat /etc/hosts 2>/dev/null | md5sum)"\n' >"$d/Containerfile.nh"
    run_pod build --no-cache --no-hosts -f "$d/Containerfile.nh" "$d"
    want=$(pod run --rm --no-hosts localhost/busybox sh -c 'cat /etc/hosts 2>/dev/null | md5sum')
    [[ "$output" == *"hosts=$want"* ]] || die "--no-hosts: $output (want $want)"
    # --userns host: RUN in pod's user namespace.
    printf 'FROM localhost/busybox\nRUN cat /proc/self/uid_map\n' >"$d/Containerfile.ns"
    run_pod build --no-cache --userns host -f "$d/Containerfile.ns" "$d"
    if is_rootless; then
        # pod's own namespace: the user's id and its subordinate range
        is "$(echo "$output" | normmap)" "$(pod unshare cat /proc/self/uid_map | normmap)" "--userns host"
    else
        [[ "$output" == *"0          0 4294967295"* ]] || die "--userns host: $output"
    fi
}

# normmap: the id map lines of the output, one space apart.
normmap() { awk 'NF == 3 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ {print $1, $2, $3}'; }

@test "build flags: --userns container, --userns-uid-map/--userns-gid-map: RUN in a user namespace on an ID-mapped working container" {
    # the maps are host ids for root, ids of pod's user namespace rootless
    local host=100000 size=65536
    if is_rootless; then host=1 size=1000; fi
    d=$(ctxdir userns)
    # runsc 20221219 cannot start a sandbox with id mappings in its spec
    # (420-userns-maps.bats): pod refuses RUN's user namespace up front,
    # leaving no build container; the user namespace of RUN is pod's own
    # work, checked on crun on that lane
    if is_gvisor; then
        printf 'FROM localhost/busybox\nRUN true\n' >"$d/Containerfile.runsc"
        run_pod 125 build --no-cache --userns-uid-map "0:$host:$size" --userns-gid-map "0:$host:$size" -f "$d/Containerfile.runsc" "$d"
        [[ "$output" == *"runtime \"$POD_TEST_RUNTIME\" does not support a user namespace"*"(capability userns;"*"use crun or runc"* ]] || die "$output"
        run_pod ps -a --external -q
        is "$output" "" "no build container left"
        POD_TEST_RUNTIME=crun
    fi
    printf 'copied\n' >"$d/in.txt"
    cat >"$d/Containerfile" <<'CF'
FROM localhost/busybox
COPY in.txt /in.txt
WORKDIR /work
RUN cat /proc/self/uid_map >/uidmap; cat /proc/self/gid_map >/gidmap; echo "id=$(id -u):$(id -g)"; \
    touch /f; echo "seen=$(stat -c %u:%g /in.txt /work /bin/sh | tr '\n' ' ')"
RUN echo "second=$(stat -c %u:%g /f)"
CF
    run_pod build --no-cache --userns-uid-map "0:$host:$size" --userns-gid-map "0:$host:$size" -t localhost/usernsmap "$d"
    # RUN is root in its namespace, the maps say what it is on the host;
    # everything of the image (copied, made, the base) is its root's
    [[ "$output" == *"id=0:0"*"seen=0:0 0:0 0:0 "*"second=0:0"* ]] || die "$output"
    run_pod run --rm localhost/usernsmap sh -c 'cat /uidmap /gidmap; stat -c "%u:%g %n" /f /uidmap /in.txt /work /bin/sh'
    is "$(echo "$output" | normmap)" "0 $host $size
0 $host $size" "the RUN's uid_map and gid_map, in the image"
    [[ "$output" == *"0:0 /f"*"0:0 /uidmap"*"0:0 /in.txt"*"0:0 /work"*"0:0 /bin/sh"* ]] || die "owners in the image: $output"
    # The layer itself holds container ids (Podman reads the same).
    pod save -o "$BATS_TEST_TMPDIR/img.tar" localhost/usernsmap
    mkdir "$BATS_TEST_TMPDIR/x" && tar -xf "$BATS_TEST_TMPDIR/img.tar" -C "$BATS_TEST_TMPDIR/x"
    for l in $(find "$BATS_TEST_TMPDIR/x" -type f -size +1k); do tar --numeric-owner -tvf "$l" 2>/dev/null || true; done >"$BATS_TEST_TMPDIR/listing"
    grep -E ' (\./)?f$' "$BATS_TEST_TMPDIR/listing" | grep -q ' 0/0 ' || die "/f in the layer: $(cat "$BATS_TEST_TMPDIR/listing")"
    is_rootless || ! grep -q " $host/" "$BATS_TEST_TMPDIR/listing" || die "a host id in a layer: $(grep " $host/" "$BATS_TEST_TMPDIR/listing")"
    is "$(pod ps -a --external -q)" ""

    # --userns container alone: a new namespace, the identity of pod's own.
    printf 'FROM localhost/busybox\nRUN cat /proc/self/uid_map; readlink /proc/self/ns/user; touch /made\n' >"$d/Containerfile.c"
    run_pod build --no-cache --userns container -f "$d/Containerfile.c" "$d"
    hostns=$(pod run --rm --userns host localhost/busybox readlink /proc/self/ns/user)
    [[ "$output" == *"user:["* && "$output" != *"$hostns"* ]] || die "--userns container: $output (host's $hostns)"
    if is_rootless; then
        # the identity of each extent of pod's namespace (the user's own id,
        # its subordinate range): one extent across both is refused by the kernel
        is "$(echo "$output" | normmap)" "$(pod unshare cat /proc/self/uid_map | normmap | awk '{print $1, $1, $3}')"
    else
        is "$(echo "$output" | normmap | awk '{print $1, $2}')" "0 0"
    fi

    # --userns-uid-map-user/--userns-gid-map-group: the ranges of
    # /etc/subuid and /etc/subgid (root only: rootless maps are ids of
    # its own namespace)
    if is_rootless; then
        run_pod 125 build --no-cache --userns-uid-map-user podtest --userns-gid-map-group podtest -f "$d/Containerfile.c" "$d"
        [[ "$output" == *"only root can map another user's"* ]] || die "$output"
    else
        run_pod build --no-cache --userns-uid-map-user podtest --userns-gid-map-group podtest -f "$d/Containerfile.c" "$d"
        is "$(echo "$output" | normmap)" "0 100000 65536"
    fi

    # --userns ns:PATH joins a namespace (a container's); the maps say how
    # the working container is owned for it
    POD_TEST_RUNTIME=crun run_pod run -d --uidmap "0:$host:$size" localhost/busybox sleep 100
    cid=$output
    pid=$(pod inspect --format '{{.State.Pid}}' "$cid")
    POD_TEST_RUNTIME=crun run_pod build --no-cache --network host --userns "ns:/proc/$pid/ns/user" --userns-uid-map "0:$host:$size" -f "$d/Containerfile.c" "$d"
    is "$(echo "$output" | normmap)" "0 $host $size"
    # without maps the namespace's own own the working container: RUN's
    # root owns the root filesystem and its files are committed as 0:0
    # (crun: it joins the network namespace pod makes before the user one)
    POD_TEST_RUNTIME=crun run_pod build --no-cache --userns "ns:/proc/$pid/ns/user" -t localhost/nsbuilt -f "$d/Containerfile.c" "$d"
    is "$(echo "$output" | normmap)" "0 $host $size"
    run_pod run --rm localhost/nsbuilt stat -c %u:%g /made /bin/busybox
    is "$(echo $output)" "0:0 0:0"
    pod rm -f -t 0 "$cid" >/dev/null
    pod rmi localhost/nsbuilt >/dev/null

    # Refused: maps with the host's namespace, a missing namespace, maps
    # outside what is there
    run_pod 125 build --userns host --userns-uid-map "0:$host:$size" -f "$d/Containerfile.c" "$d"
    [[ "$output" == *"can not specify ID mappings while using host's user namespace"* ]] || die "$output"
    run_pod 125 build --userns ns:/no/such/ns -f "$d/Containerfile.c" "$d"
    [[ "$output" == *"--userns"*"/no/such/ns"* ]] || die "$output"
    run_pod 125 build --userns-gid-map 0:1:0 -f "$d/Containerfile.c" "$d"
    [[ "$output" == *"0:1:0"* ]] || die "$output"
    is "$(pod ps -a --external -q)" ""
}

@test "build flags: platform, annotations, history, identity label; a foreign RUN fails clearly" {
    d=$(ctxdir plat)
    echo hi >"$d/f"
    printf 'FROM localhost/busybox\nCOPY f /f\n' >"$d/Containerfile"
    run_pod image build -q --platform linux/arm64/v8 --annotation org.example.note=hello --os-version 10.1 \
        --os-feature f1 --omit-history -t plat1 "$d"
    run_pod image inspect --format '{{.Architecture}} {{.Os}} {{.Annotations}} {{len .History}} {{.Labels}}' plat1
    [[ "$output" == "arm64 linux map[org.example.note:hello] 0 map[io.buildah.version:1.28.2]" ]] || die "$output"
    run_pod build -q --arch arm --os linux --variant v7 --identity-label=false --label k=v -t plat2 "$d"
    run_pod image inspect --format '{{.Architecture}} {{.Labels}} {{len .History}}' plat2
    [[ "$output" == "arm map[k:v] "* && "$output" != *" 0" ]] || die "$output"
    if command -v podman >/dev/null; then
        run podman_on_store image inspect --format '{{.Architecture}}/{{.Os}}' localhost/plat1
        podman_on_store_done
        is "$output" "arm64/linux"
    fi
    printf 'FROM localhost/busybox\nRUN true\n' >"$d/Containerfile.run"
    run_pod 125 build --arch arm64 -f "$d/Containerfile.run" "$d"
    [[ "$output" == *"RUN cannot run an image for linux/arm64"*"no emulation"* ]] || die "$output"
    is "$(pod ps -a --external -q)" ""
}

@test "build flags: --timestamp is reproducible, --output local/tar/dir, --logfile, --stdin" {
    d=$(ctxdir ts)
    printf 'data\n' >"$d/f"
    printf 'FROM localhost/busybox\nCOPY f /f\nRUN mkdir /d && echo fixed >/d/g\n' >"$d/Containerfile"
    run_pod build -q --no-cache --timestamp 0 -t ts1 "$d"
    one=${lines[-1]}
    sleep 1.1 # a second later: the same image
    run_pod build -q --no-cache --timestamp 0 -t ts2 "$d"
    is "${lines[-1]}" "$one"
    run_pod image inspect --format '{{.Created}}' ts1
    [[ "$output" == "1970-01-01 00:00:00 +0000 UTC" ]] || die "created: $output"
    run_pod run --rm ts1 stat -c %Y /f /d/g
    is "$output" $'0\n0'
    run_pod build -q -o "type=local,dest=$BATS_TEST_TMPDIR/out1" -t out "$d"
    is "$(cat "$BATS_TEST_TMPDIR/out1/d/g")" "fixed"
    test -x "$BATS_TEST_TMPDIR/out1/bin/busybox"
    run_pod build -q --output "type=tar,dest=$BATS_TEST_TMPDIR/out.tar" "$d"
    tar -tf "$BATS_TEST_TMPDIR/out.tar" | grep -qx 'd/g' || die "tar: $(tar -tf "$BATS_TEST_TMPDIR/out.tar" | head)"
    run_pod build -q -o "$BATS_TEST_TMPDIR/out2" "$d"
    is "$(cat "$BATS_TEST_TMPDIR/out2/f")" "data"
    # --logfile takes the build's output; --logsplit names it per platform.
    run_pod build --logfile "$BATS_TEST_TMPDIR/log" -t logged "$d"
    grep -q "STEP 3/3" "$BATS_TEST_TMPDIR/log" || die "log: $(cat "$BATS_TEST_TMPDIR/log")"
    [[ "$output" != *STEP* ]] || die "--logfile still printed: $output"
    run_pod build --logfile "$BATS_TEST_TMPDIR/split" --logsplit "$d"
    grep -q "STEP 1/3" "$BATS_TEST_TMPDIR/split_linux_$(uname -m | sed "s/x86_64/amd64/;s/aarch64/arm64/")" || die "$(ls "$BATS_TEST_TMPDIR")"
    # --stdin: the RUN reads the build's standard input.
    printf 'FROM localhost/busybox\nRUN cat >/in\n' >"$d/Containerfile.in0"
    printf 'piped \x01 data' | pod build -q --no-cache --stdin -t stdin -f "$d/Containerfile.in0" "$d" >/dev/null
    is "$(pod run --rm stdin cat /in | od -An -tx1 | tr -d ' \n')" "$(printf 'piped \x01 data' | od -An -tx1 | tr -d ' \n')"
}

@test "build flags: --from, --build-context, RUN --mount from=, --skip-unused-stages, --ignorefile, --cpp-flag, --jobs" {
    d=$(ctxdir ctx)
    other=$(ctxdir other)
    echo "other context" >"$other/o.txt"
    echo keep >"$d/keep"
    echo drop >"$d/drop"
    printf 'drop\n' >"$BATS_TEST_TMPDIR/myignore"
    cat >"$d/Containerfile" <<'CF'
FROM localhost/no-such-base AS first
RUN echo built >/built
FROM localhost/busybox AS unused
RUN exit 7
FROM ctximg
COPY --from=extra o.txt /o.txt
COPY . /ctx/
RUN --mount=type=bind,from=first,source=/built,target=/b --mount=type=bind,from=extra,target=/e cat /b /e/o.txt >/both
CF
    run_pod build -q --from localhost/busybox --build-context extra="$other" \
        --build-context ctximg=docker-image://localhost/busybox --ignorefile "$BATS_TEST_TMPDIR/myignore" \
        --jobs 2 -t ctx "$d"
    run_pod run --rm ctx sh -c 'cat /o.txt /both; ls /ctx | tr "\n" " "'
    is "$output" $'other context\nbuilt\nother context\nContainerfile keep '
    # The unused stage (exit 7) runs without --skip-unused-stages.
    run_pod 7 build --skip-unused-stages=false --from localhost/busybox --build-context extra="$other" \
        --build-context ctximg=docker-image://localhost/busybox "$d"
    # A Containerfile.in goes through cpp with --cpp-flag.
    printf '#include "common.h"\nRUN echo VALUE >/v\n' >"$d/Containerfile.in"
    printf 'FROM localhost/busybox\n' >"$d/common.h"
    run_pod build -q --cpp-flag -DVALUE=preprocessed -t cpp -f "$d/Containerfile.in" "$d"
    is "$(pod run --rm cpp cat /v)" "preprocessed"
}

@test "build flags: --ssh agent socket and key, --cache-ttl, pull options, no-op flags" {
    command -v ssh-agent >/dev/null || skip "no ssh-agent"
    # gVisor reaches a host socket only with its --host-uds: the agent's
    # forwarding is pod's own work, checked on crun there
    [[ "$POD_TEST_RUNTIME" != runsc ]] || POD_TEST_RUNTIME=crun
    d=$(ctxdir ssh)
    sock=$BATS_TEST_TMPDIR/agent.sock
    # fd 3 closed: bats waits for every holder of its output (a failed test
    # would otherwise hang the whole run on the agent); teardown ends it
    ssh-agent -D -a "$sock" </dev/null >/dev/null 2>&1 3>&- &
    apid=$!
    echo "$apid" >"$BATS_TEST_TMPDIR/agent.pid"
    for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
    printf 'FROM localhost/busybox\nRUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo "sock=$SSH_AUTH_SOCK"\nRUN --mount=type=ssh,id=k,target=/k.sock test -S /k.sock && echo key-agent\n' >"$d/Containerfile"
    ssh-keygen -q -t ed25519 -N '' -f "$BATS_TEST_TMPDIR/key"
    SSH_AUTH_SOCK=$sock run_pod build --no-cache --ssh default --ssh "k=$BATS_TEST_TMPDIR/key" "$d"
    kill "$apid"; wait "$apid" || true
    [[ "$output" == *"sock=/run/buildkit/ssh_agent.0"*"key-agent"* ]] || die "$output"
    run_pod 125 build --no-cache "$d"
    [[ "$output" == *'no ssh agent "default"'*"--ssh"* ]] || die "$output"
    # --cache-ttl: a cached step older than the TTL is not used.
    printf 'FROM localhost/busybox\nRUN echo $RANDOM >/r\n' >"$d/Containerfile.c"
    run_pod build -q -f "$d/Containerfile.c" "$d"
    sleep 1.1
    run_pod build --cache-ttl 1h -f "$d/Containerfile.c" "$d"
    [[ "$output" == *"Using cache"* ]] || die "--cache-ttl 1h: $output"
    run_pod build --cache-ttl 500ms -f "$d/Containerfile.c" "$d"
    [[ "$output" != *"Using cache"* ]] || die "--cache-ttl 500ms: $output"
    # Pull options are accepted and checked; the no-op flags as Podman.
    echo '{}' >"$BATS_TEST_TMPDIR/auth.json"
    run_pod build -q --retry 1 --retry-delay 1s --tls-verify=false --authfile "$BATS_TEST_TMPDIR/auth.json" \
        --cert-dir "$BATS_TEST_TMPDIR" --creds user:pw --compress --disable-compression=false -D \
        --disable-content-trust -f "$d/Containerfile.c" "$d"
}

@test "build flags: bad values exit 125 naming the flag, nothing built" {
    d=$(ctxdir bad)
    printf 'FROM localhost/busybox\nRUN true\n' >"$d/Containerfile"
    before=$(pod images -a -q | sort)
    # One of each kind: a RUN-container value (libpod's checks), a
    # refused flag, a build value.
    local -a cases=(
        "--memory=lots|memory" "--ulimit=bogus=1|ulimit" "--device=/no/such/dev|/no/such/dev"
        "--cap-add=CAP_BOGUS|CAP_BOGUS" "--isolation=chroot|--isolation"
        "--platform=linux|--platform" "--output=type=foo,dest=x|--output"
        "--sign-by=ABCD|--sign-by" "--all-platforms=true|--all-platforms" "--cache-from=localhost/x:1|--cache-from"
        "--cache-to=Bad//Repo|--cache-to" "--cache-ttl=soon|--cache-ttl" "--decryption-key=k.pem|--decryption-key"
        "--jobs=-1|--jobs" "--build-context=noequals|--build-context" "--ssh=default=/no/such/key|--ssh"
    )
    for c in "${cases[@]}"; do
        run_pod 125 build "${c%%|*}" "$d"
        [[ "$output" == *"${c##*|}"* ]] || die "${c%%|*}: $output"
    done
    is "$(pod images -a -q | sort)" "$before"
    is "$(pod ps -a --external -q)" ""
}

@test "build flags: --cache-to pushes each built step to a registry, --cache-from uses them when the local images are gone" {
    image_env
    start_registry
    d=$(ctxdir remote)
    printf 'data \x01\xff\n' >"$d/data.bin"
    # the Containerfile outside the context: lines added below leave the
    # COPY step's key as it is
    cf=$BATS_TEST_TMPDIR/Containerfile.remote
    printf 'FROM localhost/busybox\nCOPY data.bin /data.bin\nRUN echo $RANDOM >/r\n' >"$cf"
    keep=$(pod images -a -q | sort -u)
    run_pod build --layers --cache-to "$REGISTRY/cache" --tls-verify=false -t localhost/cached -f "$cf" "$d"
    is "$(grep -c -- "^--> Pushing cache $REGISTRY/cache:[0-9a-f]\{64\}$" <<<"$output")" 2 "one push per built step: $output"
    want=$(pod run --rm localhost/cached cat /r)
    tags=$(curl -fs "http://$REGISTRY/v2/cache/tags/list")
    [[ $(jq '.tags | length' <<<"$tags") == 2 ]] || die "registry tags: $tags"
    # Without the local images (the base stays), the steps come from the
    # registry: nothing is run again, the image is the same
    for _ in 1 2 3 4 5; do
        ids=$(pod images -a -q | sort -u | comm -23 - <(echo "$keep"))
        [[ -n $ids ]] || break
        pod rmi -f $ids >/dev/null 2>&1 || true
    done
    is "$(pod images -a -q | sort -u)" "$keep"
    run_pod build --layers --cache-from "$REGISTRY/cache" --tls-verify=false -t localhost/cached -f "$cf" "$d"
    is "$(grep -c -- "^--> Cache pulled from remote $REGISTRY/cache:[0-9a-f]\{64\}$" <<<"$output")" 2 "$output"
    is "$(grep -c -- '^--> Using cache ' <<<"$output")" 2 "$output"
    [[ "$output" != *"Pushing cache"* ]] || die "$output"
    is "$(pod run --rm localhost/cached cat /r)" "$want"
    # The pulled steps are in the local cache now; a new step misses both
    # and is built (and pushed with --cache-to)
    printf 'RUN echo more >/m\n' >>"$cf"
    run_pod build --layers --cache-from "$REGISTRY/cache" --cache-to "$REGISTRY/cache" --tls-verify=false -f "$cf" "$d"
    is "$(grep -c -- '^--> Using cache ' <<<"$output")" 2 "$output"
    [[ "$output" != *"Cache pulled"* ]] || die "$output"
    is "$(grep -c -- "^--> Pushing cache $REGISTRY/cache:" <<<"$output")" 1 "$output"
    # An unreachable cache is no error for --cache-from, a failed push is one
    stop_registry
    printf 'RUN echo unreachable\n' >>"$cf"
    run_pod build --layers --cache-from "$REGISTRY/cache" --tls-verify=false --retry 0 -f "$cf" "$d"
    [[ "$output" == *"unreachable"* && "$output" != *"Cache pulled"* ]] || die "$output"
    run_pod 125 build --layers --no-cache --cache-to "$REGISTRY/cache" --tls-verify=false --retry 0 -f "$cf" "$d"
    [[ "$output" == *"failed pushing cache to \"$REGISTRY/cache:"* ]] || die "$output"
    is "$(pod ps -a --external -q)" ""
}
