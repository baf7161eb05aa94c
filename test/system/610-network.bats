#!/usr/bin/env bats
# Networks: network create/ls/inspect/rm/prune/exists, the default bridge,
# name resolution on a created network, teardown without leaks.

load helpers
load helpers.network

teardown() { net_teardown; }

@test "network create, ls, inspect, exists, rm" {
    name=$(net_name basic)
    subnet=$(net_subnet)
    gw=${subnet%.0/24}.1
    run_pod network create --subnet "$subnet" --label stage=test --label "k=v w" "$name"
    is "$output" "$name"
    run_pod network ls --format '{{.Name}} {{.Driver}}'
    contains "$output" "$name bridge"
    contains "$output" "podman bridge"
    run_pod network ls --filter "name=$name" --noheading
    is "${#lines[@]}" 1
    run_pod network ls -q --filter label=stage=test
    contains "$output" "$name"
    run_pod network inspect "$name"
    is "$(jq -r '.[0].name' <<<"$output")" "$name"
    is "$(jq -r '.[0].subnets[0].subnet' <<<"$output")" "$subnet"
    is "$(jq -r '.[0].subnets[0].gateway' <<<"$output")" "$gw"
    is "$(jq -r '.[0].labels["k"]' <<<"$output")" "v w"
    run_pod network inspect --format '{{.Driver}} {{.Internal}}' "$name"
    is "$output" "bridge false"
    run_pod network exists "$name"
    run_pod network rm "$name"
    is "$output" "$name"
    run_pod 1 network exists "$name"
    run_pod 1 network rm "$name"
    contains "$output" "$name"
}

@test "network create: bad input is refused with exit 125 and nothing created" {
    name=$(net_name bad)
    run_pod 125 network create --subnet 10.0.0.0/33 "$name"
    contains "$output" "10.0.0.0/33"
    run_pod 125 network create "../$name"
    contains "$output" "../$name"
    run_pod 125 network create --gateway 10.1.2.3 "$name"
    contains "$output" "--subnet"
    run_pod 125 network create -d nosuchdriver "$name"
    contains "$output" "nosuchdriver"
    run_pod 1 network exists "$name"
    subnet=$(net_subnet)
    run_pod network create --subnet "$subnet" "$name"
    run_pod 125 network create "$name"
    contains "$output" "already"
    run_pod network create --ignore "$name"
    run_pod 125 network rm podman
    contains "$output" "default network"
}

@test "network rm of a network in use: refused without -f, -f removes the containers" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    name=$(net_name inuse)
    run_pod network create --subnet "$(net_subnet)" "$name"
    run_pod run -d --name user1 --network "$name" "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' user1)
    run_pod 125 network rm "$name"
    contains "$output" "user1"
    run_pod network exists "$name"
    # The CNI host-local IPAM keeps the network's lock file and
    # last_reserved_ip.0 in /var/lib/cni/networks/NAME: it goes with the
    # network (libnetwork leaves it).
    ipam=/var/lib/cni/networks/$name
    [[ "$(pod info --format '{{.Host.NetworkBackend}}')" != cni ]] || [[ -e "$ipam/last_reserved_ip.0" ]] ||
        die "no CNI IPAM state in $ipam while user1 runs: $(ls -la "$ipam" 2>&1)"
    run_pod network rm -f -t 0 "$name"
    run_pod 1 container exists user1
    run_pod 1 network exists "$name"
    assert_no_leaks "$id" ""
    [[ ! -e "$ipam" ]] || die "network rm left its IPAM directory: $(ls -la "$ipam")"
}

@test "network prune removes unused networks only" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    a=$(net_name prunea)
    b=$(net_name pruneb)
    run_pod network create --subnet "$(net_subnet)" --label pt=$$ "$a"
    run_pod network create --subnet "$(net_subnet)" --label pt=$$ "$b"
    run_pod create --name holder --network "$b" "${IMG[@]}" true
    # a has been used: its IPAM state (CNI host-local) goes with it.
    run_pod run --rm --network "$a" "${IMG[@]}" true
    [[ "$(pod info --format '{{.Host.NetworkBackend}}')" != cni ]] || [[ -e "/var/lib/cni/networks/$a/last_reserved_ip.0" ]] ||
        die "no CNI IPAM state for $a after a container ran on it"
    run_pod network prune -f --filter label=pt=$$
    is "$output" "$a"
    run_pod 1 network exists "$a"
    [[ ! -e "/var/lib/cni/networks/$a" ]] || die "network prune left the IPAM directory of $a: $(ls -la "/var/lib/cni/networks/$a")"
    run_pod network exists "$b"
    run_pod network exists podman
}

@test "run on the default bridge: an address, /etc/hosts and inspect agree" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    run_pod run -d --name br --hostname brhost "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' br)
    run_pod inspect --format '{{.NetworkSettings.IPAddress}} {{.HostConfig.NetworkMode}}' br
    ip=${output% *}
    is "$output" "10\.88\.[0-9]+\.[0-9]+ bridge"
    run_pod exec br ip -4 -o addr show eth0
    contains "$output" "inet $ip/16"
    run_pod exec br cat /etc/hosts
    contains "$output" "$ip	brhost br"
    run_pod ps --format '{{.Names}} {{.Networks}}'
    is "$output" "br podman"
    ifindex=$(host_ifindex br)
    run_pod rm -f -t 0 br
    assert_no_leaks "$id" "$ifindex"
}

@test "--network none, host, container:, ns: and bad values" {
    run_pod run --rm --network none "${IMG[@]}" sh -c 'ls /sys/class/net | sort | tr "\n" " "'
    is "$output" "lo "
    run_pod run -d --name netowner "${IMG[@]}" sleep 1000
    # rootless the owner is on slirp4netns: tap0 with its fixed 10.0.2.100
    local dev=tap0 ip=10.0.2.100
    if ! is_rootless; then
        dev=eth0 ip=$(pod inspect --format '{{.NetworkSettings.IPAddress}}' netowner)
    fi
    run_pod run --rm --network container:netowner "${IMG[@]}" ip -4 -o addr show "$dev"
    contains "$output" "inet $ip/"
    run_pod 125 run --rm --network nosuchnet-$$ "${IMG[@]}" true
    contains "$output" "nosuchnet-$$"
    run_pod 125 run --rm --network ../../etc "${IMG[@]}" true
    contains "$output" "../../etc"
    run_pod 125 run --rm --network "bridge:ip=1.2.3.4" "${IMG[@]}" true
    run_pod run --rm --network none -p 8080:80 "${IMG[@]}" true
    contains "$output" "Port mappings have been discarded"
    run_pod 125 run --rm --network slirp4netns:nosuchopt=1 "${IMG[@]}" true
    contains "$output" "nosuchopt"
    run_pod 125 run --rm --network podman:mac=zz "${IMG[@]}" true
    contains "$output" "mac=zz"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "netowner"
}

# names_resolve: two containers on a created network reach each other by
# name and by --network-alias, with the backend containers.conf names.
names_resolve() {
    name=$(net_name dns)
    run_pod network create --subnet "$(net_subnet)" "$name"
    run_pod run -d --name "srv-$$" --network-alias websrv --network "$name" "${IMG[@]}" httpd -f -p 80 -h /etc
    id=$(pod inspect --format '{{.ID}}' "srv-$$")
    # busybox-static's wget crashes in glibc's static getaddrinfo (and, on
    # runsc, at times with an address too): names are resolved with
    # busybox's own nslookup (the container's resolv.conf points at
    # aardvark-dns or the network's dnsmasq), the page fetched with nc from
    # the address it gives.
    run_pod run --rm --network "$name" "${IMG[@]}" sh -c '
        get() {
            for i in $(seq 200); do
                ip=$(nslookup "$1" 2>/dev/null | awk "/^Address: /{print \$2}" | head -1)
                [ -n "$ip" ] && b=$(printf "GET /hostname HTTP/1.0\r\n\r\n" | nc -w 2 "$ip" 80 2>/dev/null | sed "1,/^\r\$/d") &&
                    [ -n "$b" ] && echo "$b" && return 0
                sleep 0.1
            done
            return 1
        }
        get '"srv-$$"' && get websrv'
    is "$output" "${id:0:12}
${id:0:12}"
    run_pod inspect --format '{{.NetworkSettings.Networks}}' "srv-$$"
    contains "$output" "$name"
    ifindex=$(host_ifindex "srv-$$")
    run_pod rm -f -t 0 "srv-$$"
    assert_no_leaks "$id" "$ifindex"
    run_pod network rm "$name"
}

@test "two containers on a created network reach each other by name (CNI + dnsname)" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    [[ -x /usr/lib/cni/dnsname ]] || skip "the dnsname CNI plugin is not installed (make setup installs it)"
    printf '[network]\nnetwork_backend = "cni"\n' >"$PODT/cni.conf"
    export CONTAINERS_CONF_OVERRIDE=$PODT/cni.conf
    names_resolve
    # The network's dnsmasq ends with its last container.
    local tries=50
    while ((tries-- > 0)) && pgrep -f "dnsname/$name/" >/dev/null; do sleep 0.1; done
    pgrep -af "dnsname/$name/" && die "dnsmasq of $name left running"
    unset CONTAINERS_CONF_OVERRIDE
}

@test "two containers on a created network reach each other by name (netavark + aardvark-dns)" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    command -v /usr/lib/podman/netavark >/dev/null || skip "netavark not installed"
    printf '[network]\nnetwork_backend = "netavark"\n' >"$PODT/netavark.conf"
    export CONTAINERS_CONF_OVERRIDE=$PODT/netavark.conf
    names_resolve
    unset CONTAINERS_CONF_OVERRIDE
}

@test "no leaks after kill -9 of the monitor and the container, then container cleanup" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    run_pod run -d --name k9 -p 127.0.0.1::80 "${IMG[@]}" httpd -f -p 80 -h /etc
    id=$(pod inspect --format '{{.ID}}' k9)
    ifindex=$(host_ifindex k9)
    [[ $(firewall_mentions "$id") -gt 0 ]] || die "no firewall rule names $id while it runs"
    pid=$(pod inspect --format '{{.State.Pid}}' k9)
    mon=$(pod inspect --format '{{.State.ConmonPid}}' k9)
    kill -9 "$mon" "$pid"
    local tries=50
    while ((tries-- > 0)) && pid_alive "$pid"; do sleep 0.1; done
    run_pod container cleanup k9
    assert_no_leaks "$id" "$ifindex"
    run_pod rm k9
}

@test "the network namespace deleted under a running container (ip netns del): exec, stop, rm work, nothing leaks" {
    skip_if_rootless "bridge networks need root"
    run_pod run -d --name nsdel -p 127.0.0.1::80 "${IMG[@]}" httpd -f -p 80 -h /etc
    id=$(pod inspect --format '{{.ID}}' nsdel)
    ifindex=$(host_ifindex nsdel)
    ip=$(pod inspect --format '{{.NetworkSettings.IPAddress}}' nsdel)
    [[ -n "$ip" ]] || die "nsdel has no address"
    ns=$(pod inspect --format '{{.NetworkSettings.SandboxKey}}' nsdel)
    umount "$ns"
    rm -f "$ns"
    run_pod exec nsdel true
    run_pod stop -t 0 nsdel
    run_pod rm nsdel
    assert_no_leaks "$id" "$ifindex"
    # The address went back to the network's IPAM (CNI host-local keeps a
    # file per address naming its container).
    if [[ -d /var/lib/cni/networks ]]; then
        left=$(grep -rl -- "$id" /var/lib/cni/networks 2>/dev/null || true)
        [[ -z "$left" ]] || die "IPAM still holds an address for $id: $left"
    fi
}

@test "network reload restores the port forwarding after its rules are gone" {
    skip_if_rootless "bridge networks need root (rootless networks: 410-rootless-network.bats)"
    port=$(free_port)
    run_pod run -d --name rl -p "127.0.0.1:$port:80" "${IMG[@]}" httpd -f -p 80 -h /etc
    id=$(pod inspect --format '{{.ID}}' rl)
    fetch "http://127.0.0.1:$port/hostname" >/dev/null || die "not reachable before"
    # Flush only this container's rules (the test must not touch others').
    local rule tries=20
    while ((tries-- > 0)) && rule=$(iptables-save -t nat | grep -- "$id" | grep '^-A' | head -1) && [[ -n "$rule" ]]; do
        eval "iptables -t nat ${rule/-A/-D}"
    done
    [[ $(firewall_mentions "$id") == 0 ]] || die "rules left: $(iptables-save | grep -- "$id")"
    run_pod network reload rl
    is "$output" "$id"
    fetch "http://127.0.0.1:$port/hostname" >/dev/null || die "not reachable after reload"
    run_pod network reload --all
    contains "$output" "$id"
    run_pod rm -f -t 0 rl
    assert_no_leaks "$id" ""
}
