#!/usr/bin/env bats
# pod run/create: Podman 4.3's flags beyond the basic set, read back from
# inside a real container (files, environment, cgroup limits, mounts).

load helpers

@test "--cidfile writes the ID, refuses an existing file as Podman, goes with rm" {
    cidfile=$PODT/cid
    run_pod create --cidfile "$cidfile" --name cidc "${IMG[@]}" true
    cid=$output
    is "$(cat "$cidfile")" "$cid"
    run_pod 125 create --cidfile "$cidfile" "${IMG[@]}" true
    contains "$output" "container id file exists. Ensure another container is not using it or delete $cidfile"
    run_pod rm cidc
    [[ ! -e "$cidfile" ]] || die "cidfile left behind after rm"
}

@test "--pidfile and --conmon-pidfile hold the container's and the monitor's pid" {
    run_pod run -d --name pidc --pidfile "$PODT/ctr.pid" --conmon-pidfile "$PODT/mon.pid" "${IMG[@]}" sleep 100
    run_pod inspect --format '{{.State.Pid}} {{.State.ConmonPid}} {{.PidFile}} {{.ConmonPidFile}}' pidc
    is "$output" "$(cat "$PODT/ctr.pid") $(cat "$PODT/mon.pid") $PODT/ctr.pid $PODT/mon.pid"
    pid_alive "$(cat "$PODT/ctr.pid")" || die "pid in --pidfile is not running"
    if ! is_gvisor && [[ "$POD_TEST_KIND" == oci ]]; then
        # The container's pid 1 is the host process in the pid file.
        grep -q sleep "/proc/$(cat "$PODT/ctr.pid")/cmdline" || die "--pidfile pid is not the container's sleep"
    fi
}

@test "--tz local and a zone put the zone file at /etc/localtime; bad zones fail" {
    run_pod run --rm --tz Europe/Berlin "${IMG[@]}" sh -c 'date +%Z; cat /etc/localtime | md5sum'
    is "${lines[0]}" "CE[S]?T"
    is "${lines[1]}" "$(md5sum </usr/share/zoneinfo/Europe/Berlin)"
    run_pod run --rm --tz local "${IMG[@]}" md5sum /etc/localtime
    is "${output%% *}" "$(md5sum </etc/localtime | cut -d' ' -f1)"
    run_pod 125 run --rm --tz Bogus/Zone "${IMG[@]}" true
    contains "$output" "--tz \"Bogus/Zone\""
    contains "$output" "/usr/share/zoneinfo/Bogus/Zone does not exist"
    run_pod 125 run --rm --tz ../../etc/passwd "${IMG[@]}" true
}

@test "environment: container=podman, TERM=xterm with or without -t, --env-host, --unsetenv, --unsetenv-all" {
    # Podman 4.3.1 sets TERM=xterm (its default env) with or without -t.
    run_pod run --rm "${IMG[@]}" env
    contains "$output" "container=podman"
    contains "$output" "TERM=xterm"
    run_pod run --rm -t "${IMG[@]}" env
    contains "$output" "TERM=xterm"
    run_pod run --rm -e TERM=vt100 "${IMG[@]}" env
    contains "$output" "TERM=vt100"
    [[ "$output" != *TERM=xterm* ]] || die "-e TERM does not replace the default: $output"
    run_pod run --rm --unsetenv TERM "${IMG[@]}" env
    [[ "$output" != *TERM=* ]] || die "--unsetenv TERM keeps TERM: $output"
    POD_RF_HOSTVAR='odd value = "x"' run_pod run --rm --env-host -e X=1 "${IMG[@]}" env
    contains "$output" 'POD_RF_HOSTVAR=odd value = "x"'
    contains "$output" "X=1"
    run_pod run --rm --unsetenv container --unsetenv PATH -e KEEP=1 "${IMG[@]}" /bin/busybox env
    [[ "$output" != *container=* && "$output" != *PATH=* ]] || die "--unsetenv left: $output"
    contains "$output" "KEEP=1"
    run_pod run --rm --unsetenv-all -e ONLY=1 "${IMG[@]}" /bin/busybox env
    is "$(echo "$output" | cut -d= -f1 | sort | tr '\n' ' ')" "HOME HOSTNAME ONLY "
    run_pod 125 run --rm --unsetenv A=B "${IMG[@]}" true
    contains "$output" "--unsetenv"
}

@test "--label-file and --label, --annotation reach the container's record" {
    printf '# labels\nfrom.file=1\n\nboth=file\nempty\n' >"$PODT/labels"
    run_pod create --name lblc --label-file "$PODT/labels" --label both=flag --annotation my.note=hello "${IMG[@]}" true
    run_pod inspect --format '{{index .Config.Labels "from.file"}} {{index .Config.Labels "both"}} [{{index .Config.Labels "empty"}}]' lblc
    is "$output" "1 flag \[\]"
    run_pod 125 create --label-file "$PODT/nonexistent" "${IMG[@]}" true
    contains "$output" "--label-file"
    printf '=novalue\n' >"$PODT/badlabels"
    run_pod 125 create --label-file "$PODT/badlabels" "${IMG[@]}" true
    contains "$output" "line 1"
}

@test "--memory=0 is unlimited, --kernel-memory warns as Podman" {
    run_pod run --rm --kernel-memory 10m "${IMG[@]}" true
    contains "$output" "The --kernel-memory flag is no longer supported. This flag is a noop."
    run_pod create --name mem0 --memory 0 "${IMG[@]}" true
    run_pod inspect --format '{{.HostConfig.Memory}}' mem0
    is "$output" "0"
    is_gvisor && skip "gVisor emulates the memory cgroup: it has no host memory.limit_in_bytes"
    run_pod run --rm --memory 0 "${IMG[@]}" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
    is "$output" "(9223372036854771712|max)"
}

@test "--cpu-period/--cpu-quota, --cpuset-mems, --memory-reservation, --memory-swappiness, --oom-kill-disable" {
    skip_if_rootless_cgroupv1
    is_gvisor && skip "gVisor emulates cgroups: the host's cpu and memory files are not visible"
    [[ -d /sys/fs/cgroup/memory ]] || skip "needs cgroup v1"
    run_pod run --rm --cpu-period 50000 --cpu-quota 25000 --cpuset-mems 0 --memory-reservation 64m \
        --memory-swappiness 10 --oom-kill-disable "${IMG[@]}" sh -c 'cd /sys/fs/cgroup
        cat cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpuset/cpuset.mems memory/memory.soft_limit_in_bytes memory/memory.swappiness
        grep oom_kill_disable memory/memory.oom_control'
    is "$(echo $output)" "50000 25000 0 67108864 10 oom_kill_disable 1"
    run_pod 125 run --rm --cpus 1 --cpu-quota 5000 "${IMG[@]}" true
    contains "$output" "cannot be set with --cpus"
    run_pod 125 run --rm --memory-swappiness 101 "${IMG[@]}" true
    contains "$output" "--memory-swappiness"
}

@test "--cgroupns, --http-proxy, --env-merge, --passwd=false, --hostuser" {
    run_pod run --rm --cgroupns private "${IMG[@]}" true
    run_pod 125 run --rm --cgroupns bogus "${IMG[@]}" true
    contains "$output" "--cgroupns"
    http_proxy=http://proxy.example:3128 run_pod run --rm --env-merge 'PATH=${PATH}:/opt/bin' "${IMG[@]}" env
    contains "$output" "http_proxy=http://proxy.example:3128"
    contains "$output" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin"
    http_proxy=http://proxy.example:3128 run_pod run --rm --http-proxy=false "${IMG[@]}" env
    [[ "$output" != *http_proxy* ]] || die "--http-proxy=false copied the proxy: $output"
    run_pod run --rm --passwd=false -u 4321 "${IMG[@]}" sh -c 'grep -c ^4321: /etc/passwd || true'
    is "$output" "0"
    run_pod run --rm --hostuser daemon "${IMG[@]}" grep ^daemon: /etc/passwd
    is "$output" "$(grep ^daemon: /etc/passwd)"
    run_pod 125 run --rm --hostuser no-such-host-user "${IMG[@]}" true
    contains "$output" "no such user in the host's /etc/passwd"
    run_pod run --rm --image-volume tmpfs "${IMG[@]}" true
    run_pod 125 run --rm --image-volume bogus "${IMG[@]}" true
    contains "$output" "must be bind, tmpfs or ignore"
    run_pod run --rm --image-volume ignore --seccomp-policy default --tls-verify=false --disable-content-trust "${IMG[@]}" true
    run_pod 125 run --rm --seccomp-policy bogus "${IMG[@]}" true
}

@test "--device-cgroup-rule and block I/O throttles are in the container's cgroup" {
    skip_if_rootless_cgroupv1
    is_gvisor && skip "gVisor emulates cgroups: the host's devices and blkio files are not visible"
    [[ -d /sys/fs/cgroup/blkio ]] || skip "needs the cgroup v1 blkio hierarchy"
    dev=$(lsblk -dno PATH,TYPE 2>/dev/null | awk '$2=="disk"{print $1; exit}')
    [[ -b "$dev" ]] || skip "no block device"
    majmin=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
    run_pod run --rm --device-cgroup-rule 'c 42:* rmw' \
        --device-read-bps "$dev:1mb" --device-write-bps "$dev:2mb" \
        --device-read-iops "$dev:100" --device-write-iops "$dev:200" --blkio-weight 300 \
        "${IMG[@]}" sh -c 'cd /sys/fs/cgroup; cat devices/devices.list; for f in read_bps write_bps read_iops write_iops; do cat blkio/blkio.throttle.${f}_device; done'
    contains "$output" "c 42:* rwm"
    contains "$output" "$majmin 1048576"
    contains "$output" "$majmin 2097152"
    contains "$output" "$majmin 100"
    contains "$output" "$majmin 200"
    if [[ ! -e /sys/fs/cgroup/blkio/blkio.weight && ! -e /sys/fs/cgroup/blkio/blkio.bfq.weight ]]; then
        # No CFQ/BFQ here: Podman's warning, and the container still runs.
        contains "$output" "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."
    fi
    run_pod 125 run --rm --device-cgroup-rule 'x 1:2 r' "${IMG[@]}" true
    contains "$output" "--device-cgroup-rule"
    run_pod 125 run --rm --device-read-bps /dev/null:1mb "${IMG[@]}" true
    contains "$output" "not a block device"
    run_pod 125 run --rm --device-write-iops "$dev:lots" "${IMG[@]}" true
    contains "$output" "invalid rate"
}

@test "--init runs catatonit as pid 1; --init-path names another" {
    catatonit=$(command -v catatonit || ls /usr/libexec/podman/catatonit 2>/dev/null) || skip "catatonit is not installed (apt-get install catatonit)"
    run_pod run --rm --init "${IMG[@]}" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
    contains "$output" "/run/podman-init -- sh -c"
    # The command is catatonit's child, whatever pid the runtime's setup used up.
    run_pod run --rm --init --init-path "$catatonit" "${IMG[@]}" sh -c 'echo $PPID; cat /proc/1/cmdline | tr "\0" " "'
    is "${lines[0]}" "1"
    contains "${lines[1]}" "/run/podman-init"
    run_pod 125 run --rm --init --init-path /no/such/init "${IMG[@]}" true
    contains "$output" "does not exist"
}

@test "--log-opt path, max-size and tag" {
    run_pod run --name logc --log-opt path="$PODT/ctr.log" --log-opt max-size=1mb "${IMG[@]}" echo logged-line
    grep -q logged-line "$PODT/ctr.log" || die "log not at --log-opt path"
    # Podman 4.3.1 reads max-size in decimal units and shows it so.
    is "$(pod inspect --format '{{.HostConfig.LogConfig.Size}}' logc)" "1MB"
    run_pod create --name logk --log-opt max-size=15500 "${IMG[@]}" true
    is "$(pod inspect --format '{{.HostConfig.LogConfig.Size}}' logk)" "15.5kB"
    run_pod rm logk
    run_pod logs logc
    is "$output" "logged-line"
    run_pod 125 run --rm --log-opt tag=x "${IMG[@]}" true
    contains "$output" "journald"
    run_pod 125 run --rm --log-opt bogus=1 "${IMG[@]}" true
}

@test "--requires starts the required container first; unknown ones are refused" {
    run_pod create --name dep "${IMG[@]}" sleep 100
    run_pod create --name needsdep --requires dep "${IMG[@]}" true
    run_pod start needsdep
    wait_for_status dep running
    run_pod 125 create --requires nope "${IMG[@]}" true
    contains "$output" '"nope" is not a valid container, cannot be used as a dependency'
}

@test "--replace removes the container of the same name; --rmi removes the image" {
    run_pod run -d --name repl "${IMG[@]}" sleep 100
    old=$output
    run_pod run -d --replace --name repl "${IMG[@]}" sleep 100
    [[ "$output" != "$old" ]] || die "not replaced"
    run_pod 1 container exists "$old"
    run_pod 125 create --replace "${IMG[@]}" true
    contains "$output" "cannot replace container without --name"
    run_pod rm -f -t 0 repl
    pod import "$(busybox_tarball)" localhost/rmi-me >/dev/null
    run_pod run --rm --rmi localhost/rmi-me true
    run_pod 1 image exists localhost/rmi-me
}

@test "--passwd-entry and --group-entry for a user the image does not know" {
    run_pod run --rm -u 1234:5678 "${IMG[@]}" sh -c 'grep ^1234: /etc/passwd; grep ^5678: /etc/group; id -un'
    is "${lines[0]}" "1234:\*:1234:5678:container user:/:/bin/sh"
    is "${lines[1]}" "5678:x:5678:1234"
    is "${lines[2]}" "1234"
    run_pod run --rm -u 1234:5678 --passwd-entry 'u$UID:x:$UID:$GID:$NAME:$HOME:/bin/false' \
        --group-entry 'g$GID:x:$GID:$USERNAME' "${IMG[@]}" sh -c 'grep :1234: /etc/passwd; grep :5678: /etc/group'
    is "${lines[0]}" "u1234:x:1234:5678:container user:/:/bin/false"
    is "${lines[1]}" "g5678:x:5678:1234"
    run_pod 125 run --rm --passwd-entry 'too:few' "${IMG[@]}" true
    contains "$output" "--passwd-entry"
}

@test "managed /etc/hostname, /etc/hosts, /etc/resolv.conf and /run/.containerenv" {
    run_pod run --rm --name etcc --hostname my-host "${IMG[@]}" sh -c 'cat /etc/hostname; echo; grep my-host /etc/hosts; test -e /run/.containerenv && echo env-exists; wc -c </run/.containerenv'
    is "${lines[0]}" "my-host"
    # The default network's address (docs/networks.md).
    is "${lines[1]}" "[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+	my-host etcc"
    is "${lines[2]}" "env-exists"
    is "${lines[3]}" " *0"
    run_pod run --rm --privileged --name privc "${IMG[@]}" cat /run/.containerenv
    is "${lines[0]}" 'engine="pod"'
    is "${lines[1]}" 'name="privc"'
    is "${lines[2]}" 'id="[0-9a-f]{64}"'
    is "${lines[3]}" 'image="localhost/busybox:latest"'
    is "${lines[4]}" 'imageid="[0-9a-f]{64}"'
    is "${lines[5]}" 'rootless=0'
    # The host's entries come first, as IP<TAB>NAMES (Podman's form).
    first=$(sed 's/#.*//' /etc/hosts | awk 'NF >= 2 { ip = $1; $1 = ""; sub(/^ /, ""); print ip "\t" $0; exit }')
    run_pod run --rm "${IMG[@]}" head -n1 /etc/hosts
    is "$output" "$first"
    run_pod run --rm --network host "${IMG[@]}" cat /etc/resolv.conf
    is "$output" "$(cat /etc/resolv.conf)"
    run_pod run --rm --network none "${IMG[@]}" sh -c 'test -e /etc/resolv.conf && echo has-resolv || echo no-resolv'
    is "$output" "no-resolv"
    # A user mount wins over the managed file.
    echo "user hosts" >"$PODT/hosts"
    run_pod run --rm -v "$PODT/hosts:/etc/hosts:ro" "${IMG[@]}" cat /etc/hosts
    is "$output" "user hosts"
    run_pod run --rm --chrootdirs /jail "${IMG[@]}" cat /jail/etc/hostname
    is "$output" "[0-9a-f]{12}"
}

@test "--add-host, --no-hosts, --dns, --dns-search, --dns-option" {
    run_pod run --rm --name hostsc --add-host foo:1.2.3.4 --add-host bar:::1 "${IMG[@]}" cat /etc/hosts
    is "${lines[0]}" "1.2.3.4	foo"
    is "${lines[1]}" "::1	bar"
    is "${lines[-1]}" "[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+	[0-9a-f]{12} hostsc"
    run_pod run --rm --dns 9.9.9.9 --dns-search example.com --dns-option ndots:2 "${IMG[@]}" cat /etc/resolv.conf
    is "${lines[0]}" "search example.com"
    is "${lines[1]}" "nameserver 9.9.9.9"
    is "${lines[-1]}" "options ndots:2"
    [[ "$output" != *"nameserver 127."* ]] || die "host loopback nameserver kept: $output"
    run_pod run --rm --no-hosts "${IMG[@]}" sh -c 'mount | grep -c " /etc/hosts " || true'
    is "$output" "0"
    run_pod 125 run --rm --add-host bad "${IMG[@]}" true
    contains "$output" "--add-host \"bad\""
    run_pod 125 run --rm --dns bad "${IMG[@]}" true
    run_pod 125 run --rm --network none --dns 9.9.9.9 "${IMG[@]}" true
    contains "$output" "conflicting options: dns and the network mode: none"
    run_pod 125 run --rm --no-hosts --add-host foo:1.2.3.4 "${IMG[@]}" true
    contains "$output" "--no-hosts and --add-host cannot be set together"
}

@test "--personality LINUX32" {
    is_gvisor && skip "gVisor does not implement personality(2) domains"
    [[ "$POD_TEST_RUNTIME" == runc* || "$POD_TEST_RUNTIME" == *runc.v2 ]] && ! runc features 2>/dev/null | grep -q personality &&
        skip "this runc does not support the spec's personality"
    run_pod run --rm --personality LINUX32 "${IMG[@]}" uname -m
    is "$output" "i686"
    run_pod 125 run --rm --personality bogus "${IMG[@]}" true
    contains "$output" "want LINUX or LINUX32"
}

@test "--preserve-fds passes pod's fds 3.. to the container" {
    echo "through fd 3" >"$PODT/fd3"
    if [[ "$POD_TEST_KIND" != oci ]] || is_gvisor; then
        # Shims and runsc cannot take extra fds: refused, never ignored.
        run_pod 125 run --rm --preserve-fds 1 "${IMG[@]}" cat /proc/self/fd/3 3<"$PODT/fd3"
        contains "$output" "preserve-fds"
        return 0
    fi
    run_pod run --rm --preserve-fds 1 "${IMG[@]}" cat /proc/self/fd/3 3<"$PODT/fd3"
    is "$output" "through fd 3"
    run_pod 125 run --rm --preserve-fds 1 "${IMG[@]}" true 3<&-
    contains "$output" "file descriptor 3 is not available"
}

# holders FILE prints the processes that have FILE open.
holders() {
    local p fd
    for p in /proc/[0-9]*; do
        for fd in "$p"/fd/*; do
            [[ "$(readlink "$fd" 2>/dev/null)" == "$1" ]] && echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-120)" && break
        done
    done
}

@test "fds pod inherits reach neither the monitor nor the container unless --preserve-fds passes them" {
    : >"$PODT/leakcheck"
    # A caller's pipe held by a monitor would stay open as long as the
    # container: a script waiting for its output never ends.
    run_pod run -d --name lk "${IMG[@]}" sleep 1000 5<"$PODT/leakcheck" 7>>"$PODT/leakcheck"
    run_pod exec -d lk sleep 1000 5<"$PODT/leakcheck"
    run_pod exec lk true 5<"$PODT/leakcheck"
    is "$(holders "$PODT/leakcheck")" "" "processes holding pod's inherited fds"
    run_pod 125 exec --preserve-fds 1 lk true 3<&-
    contains "$output" "file descriptor 3 is not available"
}

@test "--pull policies, --platform/--arch/--os against the local image" {
    run_pod run --rm --pull never "${IMG[@]}" true
    run_pod 125 run --rm --pull sometimes "${IMG[@]}" true
    arch=$(go env GOARCH 2>/dev/null || echo amd64)
    run_pod run --rm --pull never --platform "linux/$arch" "${IMG[@]}" true
    run_pod run --rm --pull never --arch "$arch" --os linux "${IMG[@]}" true
    run_pod 125 run --rm --pull never --arch s390x "${IMG[@]}" true
    contains "$output" "not linux/s390x"
    run_pod 125 run --rm --platform linux "${IMG[@]}" true
    contains "$output" "invalid platform"
    run_pod 125 run --rm --platform linux/amd64 --arch arm64 "${IMG[@]}" true
}

@test "--systemd always: tmpfs mounts, stop signal, container env" {
    run_pod create --name sysd --systemd always "${IMG[@]}" sh -c 'mount; env'
    run_pod inspect --format '{{.Config.StopSignal}}' sysd
    is "$output" "(37|SIGRTMIN\+3)"
    run_pod start -a sysd
    for d in /run /run/lock /tmp /var/log/journal; do
        echo "$output" | grep -q " on $d type tmpfs" || die "no tmpfs on $d: $output"
    done
    contains "$output" "container=podman"
    contains "$output" "container_uuid="
    if ! is_gvisor && [[ -d /sys/fs/cgroup/systemd ]]; then
        echo "$output" | grep -q "on /sys/fs/cgroup/systemd .*rw" || die "systemd cgroup not writable: $output"
    fi
    run_pod run --rm --systemd false "${IMG[@]}" sh -c 'mount | grep -c " on /run/lock " || true'
    is "$output" "0"
    run_pod 125 run --rm --systemd sometimes "${IMG[@]}" true
    contains "$output" "want true, false or always"
}

@test "--mount type=tmpfs, devpts, ramfs; glob is refused with a reason" {
    is_gvisor && skip "gVisor has no ramfs or extra devpts instances"
    run_pod run --rm --mount type=tmpfs,dst=/t1,tmpfs-size=1m --mount type=ramfs,dst=/r1 --mount type=devpts,destination=/pts2,mode=600 \
        "${IMG[@]}" sh -c 'mount | grep -E " on /(t1|r1|pts2) " | cut -d" " -f1,3,5'
    contains "$output" "tmpfs /t1 tmpfs"
    contains "$output" "ramfs /r1 ramfs"
    contains "$output" "devpts /pts2 devpts"
    run_pod 125 run --rm --mount type=glob,src=/x*,dst=/i "${IMG[@]}" true
    contains "$output" "not supported yet"
}

@test "--read-only-tmpfs and --read-only" {
    run_pod run --rm --read-only "${IMG[@]}" sh -c 'touch /tmp/ok && echo tmp-ok; touch /x 2>/dev/null || echo root-ro'
    is "${lines[0]}" "tmp-ok"
    is "${lines[1]}" "root-ro"
    # gVisor mounts its own tmpfs on /tmp when the spec has none.
    is_gvisor && return 0
    run_pod run --rm --read-only --read-only-tmpfs=false "${IMG[@]}" sh -c 'touch /tmp/x 2>/dev/null || echo tmp-ro'
    is "$output" "tmp-ro"
}

@test "no-op values of policy flags are accepted; a missing pod and v2-only flags are refused" {
    run_pod run --rm --restart no --no-healthcheck --health-cmd none --userns host --publish-all=false "${IMG[@]}" true
    run_pod 125 run --rm --pod p1 "${IMG[@]}" true
    contains "$output" "no pod with name or ID p1 found: no such pod"
    run_pod 125 run --rm --cgroup-conf memory.high=1000000 "${IMG[@]}" true
    if [[ -d /sys/fs/cgroup/memory ]] && ! is_rootless; then
        contains "$output" "cannot use --cgroup-conf without cgroup v2"
    fi
}

@test "host.containers.internal in /etc/hosts as Podman 4.3.1: the bridge's gateway, else the host's address; --add-host wins" {
    local_ip=$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
    if is_rootless; then
        # an ordinary user's default network is slirp4netns, not the bridge
        run_pod run --rm "${IMG[@]}" grep host.containers.internal /etc/hosts
        is "$output" "$local_ip	host.containers.internal" "rootless default (slirp4netns): the host's first address"
    else
        gw=$(pod network inspect --format '{{range .Subnets}}{{.Gateway}}{{end}}' podman)
        run_pod run --rm "${IMG[@]}" grep -c "^$gw	host.containers.internal\$" /etc/hosts
        is "$output" "1" "on the default bridge: its gateway"
    fi
    run_pod run --rm --network none "${IMG[@]}" grep host.containers.internal /etc/hosts
    is "$output" "$local_ip	host.containers.internal" "without a bridge: the host's first address"
    run_pod run --rm --add-host host.containers.internal:10.1.1.1 "${IMG[@]}" grep host.containers.internal /etc/hosts
    is "$output" "10.1.1.1	host.containers.internal" "--add-host's only"
}
