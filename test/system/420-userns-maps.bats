#!/usr/bin/env bats
# User namespace mappings: --uidmap, --gidmap, --subuidname, --subgidname,
# --userns auto[:OPTS], --userns nomap and keep-id's /etc/passwd entry, as
# root and as the rootless test user podtest (driven with runuser, as in
# 400-rootless.bats). Each checks the maps from inside (/proc/self/uid_map),
# the owner of the container's files inside, and the owner on the host of
# what it writes into a bind mount. gVisor (runsc 20221219) cannot start a
# sandbox whose spec has id mappings (Podman 4.3.1 fails the same way): pod
# refuses them up front on runsc (capability userns), and keep-id, which
# maps pod's own id, still runs there.

load helpers
load helpers.rootless

setup_file() { rootless_file_setup 420; }
teardown_file() { rootless_file_teardown; }
teardown() { rootless_test_teardown; }

# refused_on_runsc USER ARGS...: on runsc, each `run ARGS` (as USER, or
# pod's own caller when USER is empty) is refused before anything is created,
# naming the runtime, the capability and the fix; then the test is skipped
# (runsc 20221219 cannot start a sandbox with id mappings in its spec).
refused_on_runsc() {
    is_gvisor || return 0
    local user=$1 args
    shift
    for args in "$@"; do
        # shellcheck disable=SC2086
        if [[ -n "$user" ]]; then
            run_upod 125 "$user" run --rm $args "${IMG[@]}" true
        else
            run_pod 125 run --rm $args "${IMG[@]}" true
        fi
        contains "$output" "runtime \"$POD_TEST_RUNTIME\" does not support a user namespace of the container's own" "$args"
        contains "$output" "(capability userns; runsc releases before " "$args"
        contains "$output" "cannot start a sandbox with id mappings that leave out pod's own id" "$args"
        contains "$output" "use crun or runc" "$args"
    done
    if [[ -n "$user" ]]; then run_upod "$user" ps -aq; else run_pod ps -aq; fi
    is "$output" "" "nothing created by the refused runs"
    skip "runsc refuses id mappings (checked above)"
}

# shared_dir NAME: a directory on the host any container id may write to.
shared_dir() {
    local d=$BATS_FILE_TMPDIR/$1
    [[ -n "$RL" ]] && d=$RL/$1
    mkdir -p "$d"
    chmod 1777 "$d"
    echo "$d"
}

@test "--uidmap/--gidmap as root: the maps inside, root-owned files inside, mapped owners on the host" {
    skip_if_rootless "maps host ids (root)"
    refused_on_runsc "" "--uidmap 0:100000:5000 --gidmap 0:200000:6000" "--subuidname podtest" "--gidmap 0:200000:10"
    local dir
    dir=$(shared_dir root-maps)
    run_pod run --rm --uidmap 0:100000:5000 --gidmap 0:200000:6000 -v "$dir:/b" "${IMG[@]}" \
        sh -c 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /etc/passwd; touch /b/f; mkdir /b/d; chown 7:8 /b/f; echo ok'
    is "$(echo $output)" "0 100000 5000 0 200000 6000 0:0 0:0 ok"
    is "$(stat -c %u:%g "$dir/f")" "100007:200008" "a file the container chowned to 7:8"
    is "$(stat -c %u:%g "$dir/d")" "100000:200000" "a directory the container's root made"
    # a new named volume is the container's root's: it can write there
    run_pod run --rm --uidmap 0:100000:5000 --gidmap 0:200000:6000 -v vol420:/data "${IMG[@]}" sh -c 'touch /data/v; stat -c %u:%g /data/v'
    is "$output" "0:0"
    is "$(stat -c %u:%g "$(pod volume inspect --format '{{.Mountpoint}}' vol420)/v")" "100000:200000" "the file in the volume on the host"
    # a single id: no gid 5 for devpts' gid=5 (dropped, as Podman)
    run_pod run --rm --uidmap 0:100000:1 "${IMG[@]}" sh -c 'cat /proc/self/uid_map; test -c /dev/ptmx && echo pts'
    is "$(echo $output)" "0 100000 1 pts"
    # --gidmap defaults to --uidmap; several triples; inspect shows them as Podman
    run_pod run --name two --uidmap 0:100000:1000 --uidmap 1000:300000:10 "${IMG[@]}" sh -c 'cat /proc/self/gid_map; id -u'
    is "$(echo $output)" "0 100000 1000 1000 300000 10 0"
    run_pod inspect --format '{{.HostConfig.UsernsMode}} {{.HostConfig.IDMappings.UIDMap}} {{.HostConfig.IDMappings.GIDMap}}' two
    is "$output" "private \\[0:100000:1000 1000:300000:10\\] \\[0:100000:1000 1000:300000:10\\]"
    # --subuidname takes the named user's ranges from /etc/subuid and /etc/subgid
    "$BATS_TEST_DIRNAME/../../contrib/rootless-user.sh" >/dev/null
    local start
    start=$(grep '^podtest2:' /etc/subuid | cut -d: -f2)
    run_pod run --rm --subuidname podtest2 -v "$dir:/b" "${IMG[@]}" sh -c 'cat /proc/self/uid_map; touch /b/s'
    is "$(echo $output)" "0 $start 65536"
    is "$(stat -c %u "$dir/s")" "$start" "a file made under --subuidname podtest2"
}

@test "bad maps are refused with Podman's messages, exit 125, nothing created" {
    skip_if_rootless "maps host ids (root)"
    while IFS='|' read -r args msg; do
        # shellcheck disable=SC2086
        run_pod 125 run --rm $args "${IMG[@]}" true
        contains "$output" "$msg" "$args"
    done <<'EOF'
--uidmap 0:100000:10 --uidmap 5:200000:10|the specified UID and/or GID mapping 5:200000:10 conflicts with other mappings
--uidmap 0:100000:10 --uidmap 20:100005:10|the specified UID and/or GID mapping 20:100005:10 conflicts with other mappings
--uidmap 0:100000:0|size 0 maps no ids
--uidmap abc|initializing ID mappings: UID setting is malformed expected ["uint32:uint32:uint32"]: ["abc"]
--gidmap 0:1:2:3|setting is malformed expected
--uidmap -1:0:1|UID setting is malformed
--uidmap 1:100000:10|container ID 0 cannot be mapped to a host ID
--uidmap 0:4294967290:10|the range goes past id
--subuidname no-such-user-420|no subuid ranges found for user "no-such-user-420" in /etc/subuid
--subuidname podtest --subgidname no-such-user-420|no subgid ranges found for group "no-such-user-420" in /etc/subgid
--userns auto --uidmap 0:100000:10|--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive
--userns host --subuidname podtest|--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive
--userns auto:foo=1|unknown option specified: "foo"
--userns auto:size=0|size="0" must be a number of ids
--userns auto:uidmapping=0:0|UID setting is malformed
--userns nomap|nomap is only supported in rootless mode
EOF
    run_pod ps -a --format '{{.Names}}'
    is "$output" "" "nothing created by the refused runs"
    # storage has no container left either
    local f
    for f in "$PODT"/root/*-containers/*containers.json; do
        [[ -e "$f" ]] || continue
        is "$(jq length "$f")" 0 "storage containers in $f"
    done
}

@test "--userns ns:PATH joins another container's user namespace: its maps, files owned for it" {
    skip_if_rootless "maps host ids (root)"
    refused_on_runsc "" "--userns ns:/proc/self/ns/user"
    local dir ns pid net=()
    dir=$(shared_dir ns-join)
    POD_TEST_RUNTIME=crun run_pod run -d --name nsowner --uidmap 0:100000:5000 --gidmap 0:200000:6000 "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' nsowner)
    ns=/proc/$pid/ns/user
    if [[ "$POD_TEST_RUNTIME" != crun ]]; then
        # runc (alone or behind a shim) joins the user namespace first and
        # then may not join the network namespace pod made in the host's
        run_pod 125 run --rm --network bridge --userns "ns:$ns" "${IMG[@]}" true
        contains "$output" "--userns ns:$ns with --network bridge: runtime \"$POD_TEST_RUNTIME\" does not support"
        contains "$output" "(capability pod-userns"
        net=(--network none)
    fi
    # the runtime gets the namespace's maps (runc wants them; crun without
    # them cannot make its mounts private); the layer is owned for them
    run_pod run --rm "${net[@]}" --userns "ns:$ns" -v "$dir:/b" "${IMG[@]}" \
        sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox; touch /b/f; echo ok'
    [[ "${lines[0]}" == "$(readlink "$ns")" ]] || die "not in the namespace of nsowner: ${lines[0]}"
    is "$(echo ${lines[@]:1})" "0 100000 5000 0 200000 6000 0:0 ok"
    is "$(stat -c %u:%g "$dir/f")" "100000:200000" "a file made in the joined namespace"
    # a bind mount of the namespace file: its maps are found through a
    # process that lives in it
    touch "$BATS_TEST_TMPDIR/userns"
    mount --bind "$ns" "$BATS_TEST_TMPDIR/userns"
    run_pod run --rm "${net[@]}" --userns "ns:$BATS_TEST_TMPDIR/userns" "${IMG[@]}" cat /proc/self/uid_map
    umount "$BATS_TEST_TMPDIR/userns"
    is "$(echo $output)" "0 100000 5000"
    # not a user namespace, missing: refused, nothing created
    run_pod 125 run --rm --userns "ns:/proc/$pid/ns/net" "${IMG[@]}" true
    contains "$output" "/proc/$pid/ns/net is not a user namespace: give the path of one, e.g. /proc/PID/ns/user"
    run_pod 125 run --rm --userns ns:/no/such/ns "${IMG[@]}" true
    contains "$output" "--userns \"ns:/no/such/ns\": user namespace /no/such/ns: no such file or directory"
    pod rm -f -t 0 nsowner >/dev/null
    run_pod ps -aq
    is "$output" "" "nothing left"
}

@test "--userns auto as root: ranges from the containers entry in /etc/subuid, two containers never overlap" {
    skip_if_rootless "root's auto ranges come from the containers user"
    refused_on_runsc "" "--userns auto" "--userns auto:size=2000"
    "$BATS_TEST_DIRNAME/../../contrib/rootless-user.sh" >/dev/null
    local base size
    base=$(grep '^containers:' /etc/subuid | cut -d: -f2)
    size=$(grep '^containers:' /etc/subuid | cut -d: -f3)
    # --network none: runc (1.1.5) exec joins the container's user namespace
    # before its network namespace, which fails for one pod made outside it
    # (docs/rootless.md); the runtime's own network namespace has no such issue
    run_pod run -d --name auto1 --network none --userns auto "${IMG[@]}" sleep 1000
    run_pod run -d --name auto2 --network none --userns auto:size=2000 "${IMG[@]}" sleep 1000
    local m1 m2
    m1=$(pod exec auto1 cat /proc/self/uid_map)
    m2=$(pod exec auto2 cat /proc/self/uid_map)
    read -r c1 h1 s1 <<<"$m1"
    read -r c2 h2 s2 <<<"$m2"
    is "$c1 $c2 $s2" "0 0 2000" "container ids and the asked size"
    ((s1 >= 1024)) || die "auto1 got only $s1 ids"
    ((h1 >= base && h1 + s1 <= base + size && h2 >= base && h2 + s2 <= base + size)) || die "ranges outside containers:$base:$size: $m1 / $m2"
    ((h1 + s1 <= h2 || h2 + s2 <= h1)) || die "auto ranges overlap: $m1 / $m2"
    # the container's files are its root's inside, its processes the range's on the host
    run_pod exec auto1 stat -c %u:%g /bin/busybox /
    is "$(echo $output)" "0:0 0:0"
    local pid
    pid=$(pod inspect --format '{{.State.Pid}}' auto2)
    is "$(stat -c %u /proc/"$pid")" "$h2" "auto2's process owner on the host"
    # a third one after the first is gone reuses nothing still in use
    run_pod rm -f -t 0 auto1
    run_pod run --rm --userns auto:size=500,uidmapping=0:0:1 "${IMG[@]}" cat /proc/self/uid_map
    [[ "$output" =~ (^|$'\n')\ *0\ +0\ +1($|$'\n') ]] || die "uidmapping=0:0:1 is not in the map: $output"
    while read -r c h s; do
        ((c == 0 && h == 0)) && continue
        ((h + s <= h2 || h2 + s2 <= h)) || die "a new auto range overlaps auto2's: $output"
    done <<<"$output"
}

@test "rootless --uidmap/--gidmap/--userns auto/nomap: maps in the user's namespace, owners on the host" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    refused_on_runsc podtest "--uidmap 0:1:1000" "--userns nomap" "--userns auto"
    local dir sub
    dir=$(shared_dir podtest-maps)
    sub=$(grep '^podtest:' /etc/subuid | cut -d: -f2)
    # HOST ids are ids of the user's namespace: 1 is the first subordinate id
    run_upod podtest run --rm --uidmap 0:1:1000 --gidmap 0:1:2000 -v "$dir:/b" "${IMG[@]}" \
        sh -c 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox; touch /b/m; chown 5:6 /b/m'
    is "$(echo $output)" "0 1 1000 0 1 2000 0:0"
    is "$(stat -c %u:%g "$dir/m")" "$((sub + 5)):$((sub + 6))" "the file chowned to 5:6 on the host"
    run_upod podtest run --rm --userns nomap -v "$dir:/b" "${IMG[@]}" sh -c 'cat /proc/self/uid_map; touch /b/n'
    is "$(echo $output)" "0 1 65536"
    is "$(stat -c %u "$dir/n")" "$sub" "nomap: the container's root is the first subordinate id"
    # --userns ns:PATH: the namespace of another of the user's containers,
    # with its maps as the user's namespace shows them
    run_upod podtest run -d --name uown --uidmap 0:1:1000 "${IMG[@]}" sleep 1000
    local pid
    pid=$(upod podtest inspect --format '{{.State.Pid}}' uown)
    run_upod podtest run --rm --userns "ns:/proc/$pid/ns/user" -v "$dir:/b" "${IMG[@]}" sh -c 'cat /proc/self/uid_map; touch /b/j'
    is "$(echo $output)" "0 1 1000"
    is "$(stat -c %u "$dir/j")" "$sub" "ns:PATH: the joined namespace's root is the first subordinate id"
    upod podtest rm -f -t 0 uown >/dev/null
    # two auto containers: disjoint ranges of the user's namespace
    run_upod podtest run -d --name ua1 --userns auto "${IMG[@]}" sleep 1000
    run_upod podtest run -d --name ua2 --userns auto "${IMG[@]}" sleep 1000
    local m1 m2
    m1=$(upod podtest exec ua1 cat /proc/self/uid_map)
    m2=$(upod podtest exec ua2 cat /proc/self/uid_map)
    read -r _ h1 s1 <<<"$m1"
    read -r _ h2 s2 <<<"$m2"
    ((h1 >= 1 && h2 >= 1 && h1 + s1 <= 65537 && h2 + s2 <= 65537)) || die "auto ranges outside the user's namespace: $m1 / $m2"
    ((h1 + s1 <= h2 || h2 + s2 <= h1)) || die "rootless auto ranges overlap: $m1 / $m2"
    # refusals: beyond the user's namespace, another user's range
    run_upod 125 podtest run --rm --uidmap 0:1:70000 "${IMG[@]}" true
    contains "$output" "outside the 65537 ids of your user namespace"
    run_upod 125 podtest run --rm --uidmap 0:100000:10 "${IMG[@]}" true
    contains "$output" "outside the 65537 ids of your user namespace"
    run_upod 125 podtest run --rm --subuidname podtest2 "${IMG[@]}" true
    contains "$output" "only root can map another user's /etc/subuid range"
    run_upod 125 podtest run --rm --userns auto:uidmapping=0:70000:1 "${IMG[@]}" true
    contains "$output" "outside the 65537 ids of your user namespace"
    run_upod podtest ps -a --format '{{.Names}}'
    is "$(echo $output | tr ' ' '\n' | sort | tr '\n' ' ')" "ua1 ua2 " "nothing created by the refused runs"
}

@test "rootless keep-id: the user's /etc/passwd and /etc/group entries when the image lacks them" {
    skip_if_rootless "drives the test users with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    local uid gid home
    uid=$(id -u podtest)
    gid=$(id -g podtest)
    home=$(getent passwd podtest | cut -d: -f6)
    run_upod podtest run --rm --userns keep-id "${IMG[@]}" sh -c 'id -un; grep ^podtest: /etc/passwd /etc/group'
    is "$(echo $output)" "podtest /etc/passwd:podtest:\*:$uid:$gid::/:/bin/sh /etc/group:podtest:x:$gid:podtest"
    # home is the user's home when it is mounted, else the working directory
    run_upod podtest run --rm --userns keep-id -v "$home:$home" "${IMG[@]}" grep ^podtest: /etc/passwd
    is "$output" "podtest:\*:$uid:$gid::$home:/bin/sh"
    run_upod podtest run --rm --userns keep-id -w /tmp "${IMG[@]}" grep ^podtest: /etc/passwd
    is "$output" "podtest:\*:$uid:$gid::/tmp:/bin/sh"
    # a new named volume is the user's, on the host too
    run_upod podtest run --rm --userns keep-id -v kvol:/data "${IMG[@]}" sh -c 'touch /data/k; stat -c %u /data/k'
    is "$output" "$uid"
    is "$(stat -c %U "$RL/podtest/root/volumes/kvol/_data/k")" podtest "the file in the volume on the host"
    # -u 0 still gets the user's entry; --passwd=false none; uid= a numeric one
    run_upod podtest run --rm --userns keep-id -u 0 "${IMG[@]}" grep -c ^podtest: /etc/passwd
    is "$output" 1
    run_upod 1 podtest run --rm --userns keep-id --passwd=false "${IMG[@]}" grep ^podtest: /etc/passwd
    run_upod podtest run --rm --userns keep-id:uid=200,gid=210 "${IMG[@]}" sh -c 'grep -c ^podtest: /etc/passwd; grep ^200: /etc/passwd'
    is "$(echo $output)" "0 200:\*:200:210:container user:/:/bin/sh"
}

@test "as an ordinary user: --uidmap and --userns auto inside the user's namespace" {
    skip_unless_rootless
    refused_on_runsc "" "--uidmap 0:1:1000" "--userns auto:size=100"
    run_pod run --rm --uidmap 0:1:1000 "${IMG[@]}" cat /proc/self/uid_map
    is "$(echo $output)" "0 1 1000"
    run_pod run --rm --userns auto:size=100 "${IMG[@]}" cat /proc/self/uid_map
    contains "$output" "100"
    run_pod 125 run --rm --uidmap 0:1:10000000 "${IMG[@]}" true
    contains "$output" "outside the"
}
