#!/usr/bin/env bats
# Pods: `pod pod` verbs, members sharing the infra's namespaces, stop order,
# rm refusals, --pod new:, one shim per pod, a killed infra monitor.

load helpers
load helpers.network

# skip_unless_pods skips on runtimes that refuse pods (runsc) after checking
# that the refusal is the clear, capability-named one.
skip_unless_pods() {
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        run_pod 125 pod create --name refused
        contains "$output" 'does not support pod (capability pod'
        run_pod 1 pod exists refused
        skip "runsc refuses pods (checked)"
    fi
}

# ns_of CTR NS: the inode of the container's namespace NS.
ns_of() {
    pod exec "$1" readlink "/proc/self/ns/$2"
}

@test "pod create, ps, inspect, exists, rm" {
    skip_unless_pods
    run_pod pod create --label a=b --label 'odd=x y' p-one
    pid=$output
    is "$pid" "[0-9a-f]{64}"
    run_pod pod exists p-one
    run_pod 1 pod exists nope
    run_pod pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
    is "$output" "p-one Created 1"
    run_pod pod ps
    is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +# OF CONTAINERS"
    run_pod pod inspect --format '{{.Name}} {{.State}} {{.SharedNamespaces}} {{.NumContainers}} {{.ExitPolicy}}' p-one
    is "$output" "p-one Created \[ipc net uts\] 1 continue"
    # The infra's networks, as Podman: the default network for root, none
    # for a user (slirp4netns is not a network).
    run_pod pod inspect --format '{{.InfraConfig.Networks}}' p-one
    if is_rootless; then is "$output" "\[\]"; else is "$output" "\[podman\]"; fi
    run_pod pod inspect p-one
    is "$(jq -r '.Id + " " + .Labels.odd' <<<"$output")" "$pid x y"
    infra=$(jq -r .InfraContainerID <<<"$output")
    run_pod inspect --format '{{.Name}} {{.State.Status}}' "$infra"
    is "$output" "${pid:0:12}-infra created"
    run_pod ps -a --pod --format '{{.Names}} {{.Pod}} {{.PodName}}'
    is "$output" "${pid:0:12}-infra ${pid:0:12} p-one"
    # JSON: Podman's keys.
    run_pod pod ps --format json
    is "$(jq -r '.[0] | .Name + " " + .InfraId + " " + (.Containers | length | tostring)' <<<"$output")" "p-one $infra 1"
    # Names are checked, taken names refused, --replace replaces.
    run_pod 125 pod create --name p-one
    contains "$output" 'the pod name "p-one" is already in use'
    run_pod 125 pod create --name 'bad/name'
    contains "$output" 'pod name "bad/name" is invalid'
    run_pod pod create --replace --name p-one
    [[ "$output" != "$pid" ]] || die "--replace kept the old pod"
    run_pod 1 pod exists "$pid"
    run_pod pod rm p-one
    run_pod 1 pod exists p-one
    run_pod ps -a -q
    is "$output" ""
    run_pod 1 pod rm p-one # Podman 4.3.1 exits 1 there
    is "$output" "Error: no pod with name or ID p-one found: no such pod"
    run_pod pod rm -i p-one
}

@test "pod create refuses bad flags before creating anything" {
    skip_unless_pods
    run_pod 125 pod create --share bogus
    contains "$output" "invalid kernel namespace to share: bogus"
    run_pod 125 pod create --exit-policy sometimes
    contains "$output" 'invalid pod exit policy: "sometimes"'
    run_pod 125 pod create --infra=false --share net
    contains "$output" "you must have an infra container to share namespaces"
    run_pod 125 pod create --infra=false -p 8080:80
    contains "$output" "cannot set --network, --publish, --hostname, --ip, --ip6, --mac-address or --network-alias on a pod without an infra container"
    run_pod 125 pod create -p 80:80:80:80
    run_pod 125 pod create --network "nosuchnet-$$"
    contains "$output" "nosuchnet-$$"
    run_pod 125 pod create --memory 1k
    contains "$output" "--memory"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}

@test "members share the infra's net, ipc and uts namespaces" {
    skip_unless_pods
    run_pod pod create --name shared
    run_pod run -d --pod shared --name srv "${IMG[@]}" sh -c 'while :; do echo "hello from srv" | nc -l -p 8080; done'
    # The infra started first, with the member.
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Running"
    # Two containers talk over localhost.
    tries=50
    while ((tries-- > 0)); do
        out=$(pod run --rm --pod shared "${IMG[@]}" nc 127.0.0.1 8080 </dev/null 2>&1) && [[ "$out" == "hello from srv" ]] && break
        sleep 0.2
    done
    is "$out" "hello from srv"
    run_pod run -d --pod shared --name cli "${IMG[@]}" sleep 1000
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' shared)
    ipid=$(pod inspect --format '{{.State.Pid}}' "$infra")
    for ns in net ipc uts; do
        a=$(ns_of srv $ns) b=$(ns_of cli $ns) i=$(readlink /proc/$ipid/ns/$ns)
        [[ -n "$a" && "$a" == "$b" && "$a" == "$i" ]] || die "$ns namespaces differ: srv $a, cli $b, infra $i"
    done
    # Not shared by default: pid and mnt.
    [[ "$(ns_of srv pid)" != "$(ns_of cli pid)" ]] || die "pid namespace shared without --share pid"
    # The hostname is the pod's name.
    run_pod exec cli hostname
    is "$output" "shared"
    # Members may not choose what the pod shares.
    run_pod 125 run --pod shared --hostname x "${IMG[@]}" true
    contains "$output" "cannot set hostname when joining the pod UTS namespace"
    run_pod 125 run --pod shared --network none "${IMG[@]}" true
    contains "$output" "joins the net namespace of pod shared"
    run_pod ps -a --filter pod=shared --format '{{.Names}}' --sort names
    is "$(printf '%s\n' $output | grep -v -- -infra | sort | xargs)" "cli srv"
    is "$(printf '%s\n' $output | grep -c -- -infra)" 1
    run_pod ps -a --filter pod=shared -q
    is "${#lines[@]}" 3
}

@test "--share chooses the namespaces; +pid adds the pid namespace" {
    skip_unless_pods
    run_pod pod create --share none --name nothing
    run_pod run -d --pod nothing --name a "${IMG[@]}" sleep 1000
    run_pod run -d --pod nothing --name b "${IMG[@]}" sleep 1000
    [[ "$(ns_of a net)" != "$(ns_of b net)" ]] || die "--share none shared the net namespace"
    run_pod run -d --pod nothing --name c --hostname own "${IMG[@]}" sleep 1000
    run_pod exec c hostname
    is "$output" "own"
    run_pod pod create --share +pid --name withpid
    run_pod pod inspect --format '{{.SharedNamespaces}}' withpid
    is "$output" "\[ipc net pid uts\]"
    run_pod run --rm --pod withpid "${IMG[@]}" ps -o comm
    contains "$output" "catatonit"
}

@test "--pod new:NAME, --pod-id-file and pod pod create NAME --pod-id-file" {
    skip_unless_pods
    run_pod run --rm --pod new:fresh "${IMG[@]}" hostname
    is "$output" "fresh"
    run_pod pod exists fresh
    run_pod pod create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" byfile
    id=$output
    is "$(cat "$BATS_TEST_TMPDIR/pod.id")" "$id"
    run_pod 125 pod create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" again
    contains "$output" "pod id file exists"
    run_pod create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" --name m "${IMG[@]}" true
    run_pod inspect --format '{{.Name}}' m
    run_pod ps -a --filter pod=byfile --format '{{.Names}}'
    contains "$output" "m"
    run_pod pod stop --pod-id-file "$BATS_TEST_TMPDIR/pod.id"
    is "$output" "$id"
    run_pod pod rm --pod-id-file "$BATS_TEST_TMPDIR/pod.id"
    is "$output" "$id"
    # A container that cannot be created leaves no new pod behind.
    run_pod 125 run --pod new:halfway --hostname x "${IMG[@]}" true
    run_pod 1 pod exists halfway
    run_pod 125 run --pod nosuchpod "${IMG[@]}" true
    contains "$output" "no pod with name or ID nosuchpod found: no such pod"
}

@test "pod stop stops members first, the infra last; start, restart, kill, pause" {
    skip_unless_pods
    run_pod pod create --name order
    run_pod run -d --pod order --name m1 "${IMG[@]}" sleep 1000
    run_pod run -d --pod order --name m2 "${IMG[@]}" sleep 1000
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' order)
    run_pod pod stop -t 0 order
    is "$output" "[0-9a-f]{64}"
    run_pod pod ps --format '{{.Status}}'
    is "$output" "Exited"
    fin() { pod inspect --format '{{.State.FinishedAt.UnixNano}}' "$1"; }
    (( $(fin m1) <= $(fin "$infra") )) || die "infra stopped before m1"
    (( $(fin m2) <= $(fin "$infra") )) || die "infra stopped before m2"
    run_pod pod start order
    run_pod pod ps --format '{{.Status}} {{.NumberOfContainers}}'
    is "$output" "Running 3"
    run_pod pod restart order
    run_pod pod inspect --format '{{.State}}' order
    is "$output" "Running"
    if is_rootless && [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then
        # No cgroup to freeze, as Podman says.
        run_pod 125 pod pause order
        contains "$output" "can not pause containers on rootless containers with cgroup V1"
    elif [[ "$POD_TEST_KIND" == oci ]] || pod runtime inspect "$POD_TEST_RUNTIME" >/dev/null 2>&1; then
        run_pod pod pause order
        run_pod pod inspect --format '{{.State}}' order
        is "$output" "Paused"
        run_pod pod unpause order
        run_pod pod inspect --format '{{.State}}' order
        is "$output" "Running"
    fi
    run_pod pod top order
    contains "$output" "sleep 1000"
    contains "$output" "catatonit"
    if is_rootless_cgroupv1; then
        # No cgroup to read statistics from (400-rootless.bats checks the words).
        run_pod 125 pod stats --no-stream --format '{{.Name}}' order
    else
        run_pod pod stats --no-stream --format '{{.Name}}' order
        contains "$output" "m1"
    fi
    run_pod pod kill order
    run_pod pod inspect --format '{{.State}}' order
    is "$output" "Exited|Stopped"
    # A pod with nothing running: left alone, exit 0, as Podman 4.3.1.
    run_pod pod kill order
    is "$output" "[0-9a-f]{64}"
}

@test "pod logs shows the members' logs" {
    skip_unless_pods
    run_pod pod create --name logs
    run_pod run --pod logs --name l1 "${IMG[@]}" echo one
    run_pod run --pod logs --name l2 "${IMG[@]}" echo two
    run_pod pod logs logs
    contains "$output" "one"
    contains "$output" "two"
    run_pod pod logs -c l2 logs
    is "$output" "two"
}

@test "pod rm refuses a running member without -f, removes everything with -f" {
    skip_unless_pods
    run_pod pod create --name busy
    pid=$output
    run_pod run -d --pod busy --name worker "${IMG[@]}" sleep 1000
    wid=$(pod inspect --format '{{.ID}}' worker)
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' busy)
    cg=$(pod pod inspect --format '{{.CgroupPath}}' busy)
    run_pod 125 pod rm busy
    is "$output" "Error: removing container $wid from pod $pid: cannot remove container $wid as it is running - running or paused containers cannot be removed without force: container state improper"
    run_pod pod inspect --format '{{.State}}' busy
    is "$output" "Running"
    # The infra cannot go on its own while the pod has members.
    run_pod 125 rm -f "$infra"
    is "$output" "Error: container $infra is the infra container of pod $pid and cannot be removed without removing the pod"
    run_pod pod rm -f -t 0 busy
    is "$output" "$pid"
    run_pod 1 pod exists busy
    run_pod ps -aq
    is "$output" ""
    [[ ! -e "$PODT/root/pod/containers/pods/$pid" ]] || die "pod directory left behind"
    if [[ -n "$cg" && -d /sys/fs/cgroup/memory ]]; then
        [[ ! -e "/sys/fs/cgroup/memory$cg" ]] || die "pod cgroup $cg left behind"
    fi
    # A pod whose members all stopped goes without -f; prune removes stopped pods.
    run_pod pod create --name calm
    run_pod run --pod calm "${IMG[@]}" true
    run_pod pod stop calm
    run_pod pod create --name calm2
    run_pod pod prune -f
    contains "$output" "$(pod pod inspect --format '{{.Id}}' calm 2>/dev/null || true)"
    run_pod 1 pod exists calm
    run_pod pod rm calm2 || true
    # rm -a removes members, then the infra containers.
    run_pod pod create --name all
    run_pod create --pod all "${IMG[@]}" true
    run_pod rm -a
    run_pod ps -aq
    is "$output" ""
}

@test "pod --memory and --cpus limit the pod cgroup" {
    skip_unless_pods
    [[ -d /sys/fs/cgroup/memory ]] || skip "needs cgroup v1 here"
    if is_rootless; then
        run_pod 125 pod create --memory 64m --cpus 0.5 --name limited
        contains "$output" "cannot specify resource limits without cgroups v2"
        run_pod 1 pod exists limited
        skip "rootless on cgroup v1: no pod cgroup (the refusal is checked)"
    fi
    run_pod pod create --memory 64m --cpus 0.5 --name limited
    run_pod pod inspect --format '{{.CgroupPath}} {{.MemoryLimit}} {{.CPUQuota}}' limited
    cg=${output%% *}
    is "$output" "/pod/pod_[0-9a-f]{64} 67108864 50000"
    is "$(cat /sys/fs/cgroup/memory$cg/memory.limit_in_bytes)" 67108864
    is "$(cat /sys/fs/cgroup/cpu$cg/cpu.cfs_quota_us)" 50000
    run_pod run -d --pod limited --name inside "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' inside)
    grep -q "memory:$cg/" "/proc/$pid/cgroup" || die "member not below the pod cgroup: $(cat /proc/$pid/cgroup)"
}

@test "kill -9 of the infra's monitor: the pod is Degraded, pod rm -f cleans up" {
    skip_unless_pods
    run_pod pod create --name victim
    pid=$output
    run_pod run -d --pod victim --name survivor "${IMG[@]}" sleep 1000
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' victim)
    mon=$(pod inspect --format '{{.State.ConmonPid}}' "$infra")
    [[ "$mon" -gt 0 ]] || die "no monitor pid for the infra"
    kill -9 "$mon"
    tries=100
    while ((tries-- > 0)) && pid_alive "$mon"; do sleep 0.1; done
    # With the monitor gone the infra is stopped with an unknown exit code
    # once its process is gone; the shim or runtime may keep it alive.
    run_pod pod inspect --format '{{.State}}' victim
    is "$output" "Degraded|Running"
    run_pod pod rm -f -t 0 victim
    is "$output" "$pid"
    run_pod ps -aq
    is "$output" ""
    run_pod 1 pod exists victim
}

@test "a pod on a shim runtime is one shim process" {
    [[ "$POD_TEST_KIND" == shimv2 ]] || skip "needs a containerd shim runtime"
    run_pod pod create --name onevm
    run_pod run -d --pod onevm --name s1 "${IMG[@]}" sleep 1000
    run_pod run -d --pod onevm --name s2 "${IMG[@]}" sh -c 'echo shim-pod | nc -l -p 9090'
    run_pod exec s1 sh -c 'sleep 0.5; nc 127.0.0.1 9090 </dev/null'
    is "$output" "shim-pod"
    ids=$(pod ps -a --filter pod=onevm --no-trunc -q)
    count_shims() {
        local n=0 pid args id
        for pid in $(pgrep '^containerd-shim'); do
            args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
            for id in $ids; do
                [[ "$args" == *"-id $id"* ]] && { n=$((n + 1)); break; }
            done
        done
        echo "$n"
    }
    is "$(count_shims)" 1 "shim processes for 3 containers of one pod"
    run_pod pod rm -f -t 0 onevm
    tries=50
    while ((tries-- > 0)) && [[ "$(count_shims)" != 0 ]]; do sleep 0.1; done
    is "$(count_shims)" 0 "shim processes after pod rm -f"
}

@test "pod create -p: the infra publishes the pod's port, a member serves it on the pod's network" {
    skip_unless_pods
    skip_if_rootless "bridge networks need root"
    port=$(free_port)
    run_pod pod create --name web -p "127.0.0.1:$port:8080"
    run_pod run -d --pod web --name httpd "${IMG[@]}" sh -c 'mkdir -p /w && echo pod-web >/w/index.html && exec httpd -f -p 8080 -h /w'
    body=$(fetch "http://127.0.0.1:$port/index.html") || die "http://127.0.0.1:$port not reachable"
    is "$body" "pod-web"
    # A member of a pod sharing its network cannot publish ports of its own.
    run_pod 125 run --rm --pod web -p 8081:8081 "${IMG[@]}" true
    contains "$output" "must be defined when the pod is created"
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' web)
    ifindex=$(host_ifindex "$infra")
    run_pod pod rm -f -t 0 web
    assert_no_leaks "$infra" "$ifindex"
    ! fetch "http://127.0.0.1:$port/index.html" >/dev/null || die "port $port still forwarded"
}

@test "create --init-ctr: init containers run in order before the members at each pod start; once ones go" {
    skip_unless_pods
    run_pod 125 create --init-ctr always "${IMG[@]}" true
    is "$output" "Error: must specify pod value with init-ctr.*"
    run_pod pod create --name ip
    run_pod 125 create --pod ip --init-ctr sometimes "${IMG[@]}" true
    contains "$output" "init-ctr value must be 'always' or 'once'"
    run_pod 125 run --init-ctr once --pod ip "${IMG[@]}" true
    contains "$output" "unknown flag: --init-ctr"
    log=$PODT/initlog
    : >"$log"
    run_pod create --name i-always --pod ip --init-ctr always -v "$log:/log" "${IMG[@]}" sh -c 'echo always >>/log'
    run_pod create --name i-once --pod ip --init-ctr=once -v "$log:/log" "${IMG[@]}" sh -c 'echo once >>/log'
    run_pod create --name member --pod ip -v "$log:/log" "${IMG[@]}" sh -c 'echo member >>/log; exec sleep 100'
    run_pod pod start ip
    is "$(tr '\n' ' ' <"$log")" "always once member "
    run_pod ps -a --format '{{.Names}} {{.State}}' --filter name=i-
    is "$output" "i-always Exited \(0\).*"
    # Not while the pod runs.
    run_pod 125 create --pod ip --init-ctr always "${IMG[@]}" true
    contains "$output" "cannot add init-ctr to a running pod"
    run_pod pod stop -t 0 ip
    run_pod pod start ip
    is "$(tr '\n' ' ' <"$log")" "always once member always member "
    # A failing init container stops the pod's start: its members stay down.
    run_pod pod stop -t 0 ip
    run_pod create --name i-fail --pod ip --init-ctr always "${IMG[@]}" sh -c 'exit 3'
    fid=$output
    run_pod 125 pod start ip
    contains "$output" "init container $fid exited with code 3"
    run_pod inspect --format '{{.State.Status}}' member
    is "$output" "exited"
}
