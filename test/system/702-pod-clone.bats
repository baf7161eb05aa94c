#!/usr/bin/env bats
# pod pod clone and pod container clone (Podman 4.3.1's flags), and the
# /etc/hosts of pod members (Podman's pod lines).

load helpers
load helpers.network

teardown() {
    pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    net_teardown # containers, then this run's networks (netavark's too)
}

# npods: how many pods exist.
npods() { pod pod ps -q | wc -l; }

@test "pod clone copies the pod's config and its containers, with Podman's names" {
    skip_unless_pods
    run_pod pod create --name 'p.one' --label a=b --label 'odd=x y' --hostname hh --share ipc,net,uts,pid \
        --add-host foo:1.2.3.4 --shm-size 3m --exit-policy stop p.one
    orig=$output
    run_pod create --pod p.one --name c1 -e 'X=va lue' "$IMAGE" sleep 100
    run_pod create --pod p.one --name c2 --restart on-failure:2 "$IMAGE" sh -c 'echo $HOSTNAME; sleep 100'
    run_pod pod clone p.one
    clone=$output
    is "$clone" "[0-9a-f]{64}"
    [[ "$clone" != "$orig" ]] || die "the clone has the original's ID"
    run_pod pod inspect "$clone"
    is "$(jq -r '.Name + " " + .Hostname + " " + .Labels.a + "/" + .Labels.odd + " " + .ExitPolicy' <<<"$output")" "p.one-clone hh b/x y stop"
    is "$(jq -r '.SharedNamespaces | sort | join(",")' <<<"$output")" "ipc,net,pid,uts"
    is "$(jq -r '.InfraConfig.HostAdd | join(",")' <<<"$output")" "foo:1.2.3.4"
    is "$(jq -r '.NumContainers' <<<"$output")" "3"
    # Members are cloned in the new pod with Podman's NAME-clone names,
    # their own options kept; the infra is the new pod's own.
    run_pod ps -a --pod --filter "pod=$clone" --format '{{.Names}}'
    oinfra=$(pod inspect --format '{{.Name}}' "$(pod pod inspect p.one | jq -r .InfraContainerID)")
    is "$(LC_ALL=C sort <<<"$output" | tr '\n' ' ')" "$(printf '%s\n' "$oinfra-clone" c1-clone c2-clone | LC_ALL=C sort | tr '\n' ' ')"
    run_pod inspect --format '{{.Pod}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' c2-clone
    is "$output" "$clone on-failure:2"
    run_pod pod start p.one-clone
    run_pod exec c1-clone sh -c 'echo "$X"; hostname; df -k /dev/shm | tail -1'
    is "${lines[0]}" "va lue"
    is "${lines[1]}" "hh"
    contains "${lines[2]}" " 3072 "
    # The original is untouched.
    run_pod pod inspect --format '{{.Name}} {{.State}} {{.NumContainers}}' p.one
    is "$output" "p.one Created 3"
    # A second clone, and a clone of a clone, count on: -clone1, -clone2.
    run_pod pod clone p.one
    run_pod pod inspect --format '{{.Name}}' "$output"
    is "$output" "p.one-clone1"
    run_pod pod clone p.one-clone
    run_pod pod inspect --format '{{.Name}}' "$output"
    is "$output" "p.one-clone2"
    run_pod container exists c1-clone2
}

@test "pod clone --name, --start, --destroy and pod create flags as overrides" {
    skip_unless_pods
    skip_if_rootless_cgroupv1 # its --cpus/--memory are refused there (400-rootless.bats)
    run_pod pod create --name src --label keep=1 --cpus 1 --memory 64m
    run_pod create --pod src --name w "$IMAGE" sh -c 'trap "exit 0" TERM; sleep 100 & wait' 
    run_pod pod start src
    # NAME as an argument or --name; flags replace the original's, --label adds.
    run_pod pod clone --label added=2 --cpus 0.5 --hostname other src dst
    run_pod pod inspect dst
    is "$(jq -r '.Labels.keep + .Labels.added + " " + .Hostname + " " + (.CPUQuota|tostring) + "/" + (.CPUPeriod|tostring)' <<<"$output")" "12 other 50000/100000"
    run_pod pod inspect --format '{{.State}}' dst
    is "$output" "Created"
    # --start starts it; --destroy removes the (running) original, forced.
    new=$(pod pod clone --name dst2 --start --destroy src)
    run_pod 1 pod exists src
    run_pod 1 container exists w
    run_pod pod inspect --format '{{.Name}} {{.State}}' "$new"
    is "$output" "dst2 Running"
    run_pod exec w-clone1 hostname
    is "$output" "dst2"
    # The memory limit went with it, on the pod cgroup.
    run_pod pod inspect --format '{{.CgroupPath}}' dst2
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        is "$(cat "/sys/fs/cgroup/$output/memory.max")" "67108864"
    fi
}

@test "pod clone refuses bad input with Podman's words and leaves nothing" {
    skip_unless_pods
    run_pod pod create --name p1
    run_pod create --pod p1 --name m1 "$IMAGE" true
    before=$(npods)
    run_pod 125 pod clone nosuch
    is "$output" "Error: no pod with name or ID nosuch found: no such pod"
    run_pod 125 pod clone p1 p1
    is "$output" 'Error: adding pod to state: name "p1" is in use: pod already exists'
    run_pod 125 pod clone --name p1 p1
    run_pod 125 pod clone
    contains "$output" "accepts between 1 and 2 arg(s), received 0"
    run_pod 125 pod clone p1 a b
    # Bad overrides fail before anything is made.
    run_pod 125 pod clone --cpus nope p1 bad1
    run_pod 125 pod clone --label-file /nonexistent p1 bad2
    run_pod 125 pod clone --network none p1 bad3
    contains "$output" "unknown flag: --network"
    # A member that cannot be cloned any more (its bind source is gone):
    # the clone fails naming it and no pod, infra or member is left.
    mkdir -p "$BATS_TEST_TMPDIR/gone"
    run_pod create --pod p1 --name m2 -v "$BATS_TEST_TMPDIR/gone:/x" "$IMAGE" true
    rmdir "$BATS_TEST_TMPDIR/gone"
    run_pod 125 pod clone p1 half
    contains "$output" "cloning container m2 of pod p1"
    run_pod 1 pod exists half
    run_pod ps -a --format '{{.Names}}'
    [[ "$output" != *clone* ]] || die "a half-made clone was left: $output"
    is "$(npods)" "$before"
}

@test "container clone: names, --destroy, --force, --run, the infra refused" {
    skip_unless_pods
    skip_if_rootless_cgroupv1 # its --cpus/--memory are refused there (400-rootless.bats)
    run_pod run -d --name s1 --memory 32m "$IMAGE" sleep 100
    run_pod container clone s1
    run_pod inspect --format '{{.Name}} {{.State.Status}} {{.HostConfig.Memory}}' "$output"
    is "$output" "s1-clone created 33554432"
    run_pod container clone --memory 48m --run s1 s1b
    run_pod inspect --format '{{.State.Status}} {{.HostConfig.Memory}}' s1b
    is "$output" "running 50331648"
    # A taken name and a missing container are refused, nothing made.
    run_pod 125 container clone s1 s1b
    contains "$output" "s1b"
    run_pod 125 container clone nosuch
    contains "$output" 'no container with name or ID "nosuch" found: no such container'
    # --destroy of a running original needs --force, and then removes it.
    run_pod 125 container clone --destroy s1 s1c
    contains "$output" "running or paused containers cannot be removed without force"
    run_pod 1 container exists s1c
    run_pod container clone --destroy --force s1 s1c
    run_pod 1 container exists s1
    # The infra container is cloned with its pod, not alone.
    run_pod pod create --name ip
    infra=$(pod pod inspect ip | jq -r .InfraContainerID)
    run_pod 125 container clone "$infra"
    contains "$output" "clone the pod (pod pod clone)"
    # Into another pod: the namespace flags the pod decides are reset.
    run_pod create --name lone --network none "$IMAGE" sleep 100
    run_pod container clone --pod ip lone inpod
    contains "$output" "At least one namespace was reset to the default configuration"
    run_pod inspect --format '{{.Pod}}' inpod
    is "$output" "$(pod pod inspect ip | jq -r .Id)"
}

@test "pod members' /etc/hosts: the pod on its address, every member by name (bridge)" {
    skip_unless_pods
    skip_if_rootless "an ordinary user's pod has no bridge address"
    run_pod pod create --name hp --add-host extra:1.2.3.4
    run_pod run -d --pod hp --name m1 "$IMAGE" sleep 100
    # m2 starts after m1: m1's file (the pod's one file) names it too.
    run_pod run -d --pod hp --name 'm.2' "$IMAGE" sleep 100
    infra=$(pod pod inspect hp | jq -r .InfraContainerID)
    iname=$(pod inspect --format '{{.Name}}' "$infra")
    ip=$(pod inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$infra")
    is "$ip" "[0-9.]+"
    run_pod exec m1 cat /etc/hosts
    m1hosts=$output
    contains "$output" "$(printf '1.2.3.4\textra')"
    contains "$output" "$(printf '%s\thp %s' "$ip" "$iname")"
    contains "$output" "$(printf '127.0.0.1\tm1\n127.0.0.1\tm.2')"
    run_pod exec m.2 cat /etc/hosts
    is "$output" "$m1hosts" "the members' hosts files"
    # Names resolve (busybox's resolver reads the file; ping itself may
    # lack the permission): the pod's host name to its address, members to loopback.
    run_pod ? exec m1 ping -c1 -W1 hp
    contains "$output" "PING hp ($ip)"
    run_pod ? exec m1 ping -c1 -W1 m.2
    contains "$output" "PING m.2 (127.0.0.1)"
    # A member made later is added at its start; restarts keep one line each.
    run_pod run -d --pod hp --name m3 "$IMAGE" sleep 100
    run_pod restart -t 0 m1
    run_pod exec m1 cat /etc/hosts
    is "$(grep -c $'^127.0.0.1\tm3$' <<<"$output")" "1"
    is "$(grep -c $'\thp ' <<<"$output")" "1"
    # --no-hosts on the pod: the image's file, no pod lines.
    run_pod pod create --name nh --no-hosts
    run_pod run --rm --pod nh "$IMAGE" sh -c 'cat /etc/hosts 2>/dev/null; true' 
    [[ "$output" != *nh* ]] || die "--no-hosts pod got pod lines: $output"
}

@test "pod members' /etc/hosts without a pod address (--network none), as Podman" {
    skip_unless_pods
    run_pod pod create --name hn --network none --hostname hnh
    run_pod run -d --pod hn --name n1 "$IMAGE" sleep 100
    run_pod run -d --pod hn --name n2 "$IMAGE" sleep 100
    run_pod exec n1 cat /etc/hosts
    contains "$output" "$(printf '127.0.0.1\thnh n1')"
    [[ "$output" != *n2* ]] || die "Podman 4.3.1 names no other member here: $output"
    run_pod exec n2 cat /etc/hosts
    contains "$output" "$(printf '127.0.0.1\thnh n2')"
}

@test "a cloned pod's members find each other by name" {
    skip_unless_pods
    skip_if_rootless "an ordinary user's pod has no bridge address"
    run_pod pod create --name orig
    run_pod create --pod orig --name a "$IMAGE" sleep 100
    run_pod create --pod orig --name b "$IMAGE" sleep 100
    run_pod pod clone --start orig copy
    run_pod exec a-clone cat /etc/hosts
    contains "$output" "$(printf '127.0.0.1\ta-clone\n127.0.0.1\tb-clone')"
    contains "$output" "$(printf '\tcopy ')"
}

@test "pod create --network n1 --network n2 (netavark): members get both interfaces, clones too" {
    skip_unless_pods
    skip_if_rootless "bridge networks need root"
    command -v /usr/lib/podman/netavark >/dev/null || skip "netavark not installed"
    printf '[network]\nnetwork_backend = "netavark"\n' >"$PODT/netavark.conf"
    export CONTAINERS_CONF_OVERRIDE=$PODT/netavark.conf
    n1=$(net_name mn1) n2=$(net_name mn2)
    s1=$(net_subnet) s2=$(net_subnet)
    while [[ "$s2" == "$s1" ]]; do s2=$(net_subnet); done
    run_pod network create --subnet "$s1" "$n1"
    run_pod network create --subnet "$s2" "$n2"
    p1=${s1%.0/24} p2=${s2%.0/24}
    # NAME:ip= per network; --ip with two networks is refused, as Podman.
    run_pod 125 pod create --name bad --network "$n1" --network "$n2" --ip "$p1.9"
    contains "$output" "can only be set for a single network"
    run_pod 125 pod create --name bad --network none --network "$n1"
    contains "$output" "cannot set multiple networks without bridge network mode, selected mode none"
    run_pod 1 pod exists bad
    run_pod pod create --name two --network "$n1:ip=$p1.9" --network "$n2"
    run_pod pod inspect --format '{{.InfraConfig.Networks}}' two
    is "$output" "\[$(printf '%s\n' "$n1" "$n2" | sort | tr '\n' ' ' | sed 's/ $//')\]"
    run_pod run --rm --pod two "$IMAGE" ip -4 -o addr
    contains "$output" "inet $p1.9/24"
    contains "$output" "inet $p2."
    is "$(grep -c 'scope global eth' <<<"$output")" "2"
    # The pod's name is on both addresses in the members' /etc/hosts.
    run_pod run -d --pod two --name tm "$IMAGE" sleep 100
    run_pod exec tm cat /etc/hosts
    contains "$output" "$(printf '%s.9\ttwo ' "$p1")"
    contains "$output" "$(printf '%s.' "$p2")"
    # A plain container takes several --network too.
    run_pod run --rm --network "$n1" --network "$n2" "$IMAGE" ip -4 -o addr
    is "$(grep -c 'scope global eth' <<<"$output")" "2"
    # The clone joins both networks (its own address on n1 once the
    # original is gone: the static one is taken while it lives).
    run_pod pod rm -f -t 0 two
    run_pod pod create --name three --network "$n1" --network "$n2"
    run_pod create --pod three --name w3 "$IMAGE" sleep 100
    run_pod pod clone --start --destroy three
    run_pod exec w3-clone ip -4 -o addr
    is "$(grep -c 'scope global eth' <<<"$output")" "2"
    run_pod pod rm -af -t 0
    net_teardown
    unset CONTAINERS_CONF_OVERRIDE
}

@test "a kube-played pod's clone gets emptyDir volumes of its own" {
    skip_unless_pods
    cat >"$BATS_TEST_TMPDIR/ed.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: ed
spec:
  volumes:
  - name: scratch
    emptyDir: {}
  containers:
  - name: w
    image: $IMAGE
    command: ["sh", "-c", "echo original > /s/mark; sleep 1000"]
    volumeMounts:
    - {name: scratch, mountPath: /s}
YAML
    run_pod kube play "$BATS_TEST_TMPDIR/ed.yaml"
    wait_for_status ed-w running
    run_pod exec ed-w sh -c 'echo x > /s/only-original'
    run_pod pod clone --start ed edc
    wait_for_status ed-w-clone running
    # The clone's volume is a new, empty directory of the clone's (its own
    # command wrote mark); the original's is not shared with it.
    run_pod exec ed-w-clone ls /s
    is "$output" "mark"
    run_pod exec ed-w-clone sh -c 'echo y > /s/only-clone'
    run_pod exec ed-w ls /s
    is "$output" "mark
only-original"
    # Removing the original leaves the clone's volume.
    run_pod pod rm -f -t 0 ed
    run_pod restart -t 0 ed-w-clone
    run_pod exec ed-w-clone ls /s
    is "$output" "mark
only-clone"
    run_pod inspect --format '{{range .Mounts}}{{.Source}} {{end}}' ed-w-clone
    contains "$output" "/pods/$(pod pod inspect edc | jq -r .Id)/volumes/scratch"
}

@test "pod clone overrides: --infra-name, --shm-size, -v, --sysctl, --uts, --infra-command" {
    skip_unless_pods
    mkdir -p "$BATS_TEST_TMPDIR/data"
    echo 'from the host' >"$BATS_TEST_TMPDIR/data/f"
    run_pod pod create --name ov --shm-size 2m
    run_pod create --pod ov --name om "$IMAGE" sleep 100
    run_pod pod clone --infra-name 'my.infra' --shm-size 5m -v "$BATS_TEST_TMPDIR/data:/data:ro" \
        --sysctl net.core.somaxconn=1111 --uts host --infra-command '/catatonit -P' ov ovc
    run_pod pod inspect ovc
    infra=$(jq -r .InfraContainerID <<<"$output")
    run_pod inspect --format '{{.Name}}' "$infra"
    is "$output" "my.infra"
    run_pod pod start ovc
    run_pod exec om-clone sh -c 'df -k /dev/shm | tail -1; cat /data/f; cat /proc/sys/net/core/somaxconn; hostname'
    contains "${lines[0]}" " 5120 "
    is "${lines[1]}" "from the host"
    is "${lines[2]}" "1111"
    is "${lines[3]}" "$(hostname)"
    # The original keeps its own settings.
    run_pod pod start ov
    run_pod exec om sh -c 'df -k /dev/shm | tail -1; test -e /data || echo no-data; hostname'
    contains "${lines[0]}" " 2048 "
    is "${lines[1]}" "no-data"
    is "${lines[2]}" "ov"
    # A taken --infra-name is refused, nothing left.
    run_pod 125 pod clone --infra-name my.infra ov ovd
    run_pod 1 pod exists ovd
}

@test "parallel clones of one pod get distinct names, each whole; parallel starts keep the shared hosts file whole" {
    skip_unless_pods
    run_pod pod create --name par
    run_pod create --pod par --name pm "$IMAGE" sleep 100
    local pids=() i
    for i in 1 2 3 4; do
        pod pod clone par >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
        pids+=($!)
    done
    for i in 0 1 2 3; do
        wait "${pids[$i]}" || die "clone $i failed: $(cat "$BATS_TEST_TMPDIR/out$((i + 1))")"
    done
    run_pod pod ps --filter name=par-clone --format '{{.Name}} {{.NumberOfContainers}}'
    is "$(sort <<<"$output" | tr '\n' ' ')" "par-clone 2 par-clone1 2 par-clone2 2 par-clone3 2 "
    run_pod ps -a --format '{{.Names}}' --filter name=pm-clone
    is "$(sort <<<"$output" | tr '\n' ' ')" "pm-clone pm-clone1 pm-clone2 pm-clone3 "
    # Members of one pod started at once: each line once in the one file.
    if ! is_rootless; then
        for i in 1 2 3 4; do run_pod create --pod par --name "pm$i" "$IMAGE" sleep 100; done
        run_pod pod start par
        pids=()
        for i in 1 2 3 4; do
            pod restart -t 0 "pm$i" >/dev/null 2>&1 &
            pids+=($!)
        done
        for i in 0 1 2 3; do wait "${pids[$i]}" || die "restart of pm$((i + 1)) failed"; done
        run_pod exec pm cat /etc/hosts
        for i in 1 2 3 4; do
            is "$(grep -c $'^127.0.0.1\tpm'"$i"'$' <<<"$output")" "1" "lines naming pm$i"
        done
        is "$(grep -c $'\tpar ' <<<"$output")" "1" "pod lines"
    fi
}
