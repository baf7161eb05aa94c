#!/usr/bin/env bats
# network create -d macvlan -o parent=IFACE: a container on the macvlan
# gets an address of its subnet on a macvlan link of the parent; nothing is
# left after rm (no network, no link).

load helpers
load helpers.network

teardown() {
    net_teardown
    [[ -z "$PARENT" ]] || ip link del "$PARENT" 2>/dev/null || true
}

@test "network create -d macvlan -o parent=IFACE: a container gets an address on the subnet" {
    # the parent: a dummy interface, or a veth pair where the kernel has no dummy driver
    PARENT=pt-mv$$
    ip link add "$PARENT" type dummy 2>/dev/null || ip link add "$PARENT" type veth peer name "${PARENT}p"
    ip link set "$PARENT" up
    local name subnet
    name=$(net_name mv)
    subnet=$(net_subnet)
    run_pod network create -d macvlan -o parent="$PARENT" --subnet "$subnet" "$name"
    run_pod network inspect --format '{{.Driver}} {{.NetworkInterface}}' "$name"
    is "$output" "macvlan $PARENT"
    run_pod run -d --name mv1 --network "$name" "${IMG[@]}" sleep 100
    local ns
    ns=$(pod inspect --format '{{.NetworkSettings.SandboxKey}}' mv1)
    run nsenter --net="$ns" ip -d -o link show eth0
    contains "$output" "macvlan mode bridge"
    run nsenter --net="$ns" ip -4 -o addr show eth0
    is "$output" ".* inet ${subnet%.0/24}\.[0-9]+/24 .*"
    run_pod inspect --format '{{.NetworkSettings.Networks}}' mv1
    contains "$output" "${subnet%.0/24}."
    run_pod 125 network rm "$name"
    contains "$output" "is in use by container(s) [mv1]"
    run_pod rm -f -t 0 mv1
    run_pod network rm "$name"
    run_pod 1 network exists "$name"
    ip link del "$PARENT"
    ! ip -o link | grep -q -- "$PARENT" || die "link left: $(ip -o link | grep -- "$PARENT")"
    PARENT=
    run_pod 125 network create -d macvlan -o parent= "$name"
    contains "$output" "-o parent= needs a host interface"
    run_pod 1 network exists "$name"
}
