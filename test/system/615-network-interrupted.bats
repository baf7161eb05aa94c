#!/usr/bin/env bats
# A pod process SIGKILLed in the middle of a CNI setup (run --network,
# network connect): the plugins that ran before the kill (the firewall
# plugin's CNI-FORWARD rules, dnsname's entry and dnsmasq) are torn down by
# the next command although the ADD never cached its result
# (pkg/network/cniresult.go); no namespace, veth or address stays.

load helpers
load helpers.network

setup() {
    skip_if_rootless "bridge networks need root"
    [[ -x /usr/lib/cni/dnsname ]] || skip "the dnsname CNI plugin is not installed (make setup installs it)"
    # The CNI plugins, with dnsname (the last of a created network's list)
    # wrapped: while $hold exists, an ADD does dnsname's work, touches
    # $held and waits for the pod process that ran it to die, so a SIGKILL
    # lands after every plugin ran and before libcni cached the result.
    hold=$PODT/cni-hold
    held=$PODT/cni-held
    rm -f "$hold" "$held"
    mkdir -p "$PODT/cni"
    ln -sf /usr/lib/cni/* "$PODT/cni/"
    rm -f "$PODT/cni/dnsname"
    cat >"$PODT/cni/dnsname" <<EOF
#!/bin/sh
out=\$(/usr/lib/cni/dnsname); rc=\$?
if [ "\$CNI_COMMAND" = ADD ] && [ -e '$hold' ]; then
    : >'$held'
    while kill -0 \$PPID 2>/dev/null; do sleep 0.05; done
    exit 1
fi
printf '%s' "\$out"
exit \$rc
EOF
    chmod +x "$PODT/cni/dnsname"
    printf '[network]\nnetwork_backend = "cni"\ncni_plugin_dirs = ["%s"]\n' "$PODT/cni" >"$PODT/cni.conf"
    export CONTAINERS_CONF_OVERRIDE=$PODT/cni.conf
}

teardown() {
    rm -f "$hold"
    net_teardown
    unset CONTAINERS_CONF_OVERRIDE
}

# kill_when_held ARGS...: run pod ARGS in the background, SIGKILL it once
# the wrapped dnsname holds, and wait for it.
kill_when_held() {
    : >"$hold"
    pod_exec "$@" >/dev/null 2>&1 &
    local pid=$! tries=300
    while ((tries-- > 0)) && [[ ! -e "$held" ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    [[ -e "$held" ]] || die "pod $* never reached the dnsname plugin"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$hold" "$held"
}

# ns_ip NSPATH IFNAME: the IPv4 address of IFNAME in the namespace.
ns_ip() {
    nsenter --net="$1" ip -o -4 addr show "$2" | awk '{print $4}' | cut -d/ -f1
}

# dnsmasq_of NETWORK: pids of the network's dnsname dnsmasq.
dnsmasq_of() { pgrep -f "dnsname/$1/" || true; }

# assert_net_clean NETWORK BRIDGE IP: no firewall rule for IP, no dnsmasq
# of NETWORK, no veth on BRIDGE and no address held for IP.
assert_net_clean() {
    local left
    left=$( (iptables-save 2>/dev/null; nft list ruleset 2>/dev/null) | grep -F -- "$3/" || true)
    [[ -z "$left" ]] || die "firewall rules for $3 left: $left"
    local tries=50
    while ((tries-- > 0)) && [[ -n "$(dnsmasq_of "$1")" ]]; do sleep 0.1; done
    [[ -z "$(dnsmasq_of "$1")" ]] || die "dnsmasq of $1 left: $(pgrep -af "dnsname/$1/")"
    if [[ -n "$2" ]]; then
        left=$(ip -o link show master "$2")
        [[ -z "$left" ]] || die "veth left on $2: $left"
    fi
    [[ ! -e "/var/lib/cni/networks/$1/$3" ]] || die "the IPAM still holds $3 on $1"
}

@test "SIGKILL of run --network after the CNI plugins ran, before the result was cached: rm -fa leaves nothing" {
    name=$(net_name kill)
    run_pod network create --subnet "$(net_subnet)" "$name"
    bridge=$(pod network inspect --format '{{.NetworkInterface}}' "$name")
    kill_when_held run -d --name k9run --network "$name" "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' k9run)
    ns=$PODT/run/pod/netns/$id
    [[ -e "$ns" ]] || die "no namespace $ns after the kill"
    ip=$(ns_ip "$ns" eth0)
    [[ -n "$ip" ]] || die "no address in $ns after the kill"
    # What the killed setup left: the firewall plugin's rules for the
    # address and the network's dnsmasq.
    [[ $(iptables-save | grep -cF -- "$ip/32") -gt 0 ]] || die "no firewall rule for $ip: the kill did not land after the firewall plugin"
    [[ -n "$(dnsmasq_of "$name")" ]] || die "no dnsmasq for $name after the kill"
    SECONDS=0
    run_pod rm -fa -t 0
    echo "# rm -fa: ${SECONDS}s" >&3
    [[ ! -e "$ns" ]] || die "namespace $ns left"
    assert_no_leaks "$id" ""
    assert_net_clean "$name" "$bridge" "$ip"
    run_pod network rm "$name"
}

@test "SIGKILL of network connect after the CNI plugins ran: the next command tears that network down" {
    a=$(net_name ka)
    b=$(net_name kb)
    run_pod network create --subnet "$(net_subnet)" "$a"
    run_pod network create --subnet "$(net_subnet)" "$b"
    bridge=$(pod network inspect --format '{{.NetworkInterface}}' "$b")
    run_pod run -d --name k9con --network "$a" "${IMG[@]}" sleep 1000
    ns=$(pod inspect --format '{{.NetworkSettings.SandboxKey}}' k9con)
    kill_when_held network connect "$b" k9con
    ip=$(ns_ip "$ns" eth1)
    [[ -n "$ip" ]] || die "no address on eth1 after the kill"
    [[ $(iptables-save | grep -cF -- "$ip/32") -gt 0 ]] || die "no firewall rule for $ip after the kill"
    # The next command that locks the container settles the connect.
    run_pod exec k9con true
    run_pod inspect --format '{{len .NetworkSettings.Networks}}' k9con
    is "$output" 1 "networks after the interrupted connect"
    assert_net_clean "$b" "$bridge" "$ip"
    run_pod rm -f -t 0 k9con
    run_pod network rm "$a" "$b"
}

# A plugin that fails in the middle of an ADD: libnetwork tears the list
# down at once with no result, so the firewall plugin's DEL alone would keep
# its rules for the address. pod tears down again with the result the
# plugins saw (pkg/network/cniaddfail.go).
@test "a CNI plugin failing after the firewall plugin in an ADD: run fails, no firewall rule, veth or address left" {
    name=$(net_name fail)
    subnet=$(net_subnet)
    prefix=${subnet%.0/24}.
    # A network directory of its own: a list naming failadd, a plugin only
    # this test's plugin directory has, would make every other pod on the
    # host warn about it.
    mkdir -p "$PODT/net.d"
    printf 'network_config_dir = "%s"\n' "$PODT/net.d" >>"$PODT/cni.conf"
    run_pod network create --disable-dns --subnet "$subnet" "$name"
    bridge=$(pod network inspect --format '{{.NetworkInterface}}' "$name")
    conf=$(grep -l "\"name\": *\"$name\"" "$PODT"/net.d/*.conflist)
    [[ -f "$conf" ]] || die "no network list for $name in $PODT/net.d"
    # failadd, right after the firewall plugin: its ADD records the firewall
    # rules and the reservation that exist when it runs, then fails.
    cat >"$PODT/cni/failadd" <<EOF2
#!/bin/sh
if [ "\$CNI_COMMAND" = VERSION ]; then
    printf '{"cniVersion": "1.0.0", "supportedVersions": ["0.3.0", "0.3.1", "0.4.0", "1.0.0"]}'
    exit 0
fi
if [ "\$CNI_COMMAND" = ADD ]; then
    iptables-save | grep -F -- '$prefix' >'$PODT/failadd.rules'
    ls /var/lib/cni/networks/$name >'$PODT/failadd.ipam'
    printf '{"cniVersion": "1.0.0", "code": 11, "msg": "failadd: refusing the ADD on purpose"}'
    exit 1
fi
exit 0
EOF2
    chmod +x "$PODT/cni/failadd"
    jq '.plugins |= (map(., if .type == "firewall" then {"type": "failadd"} else empty end))' "$conf" >"$conf.tmp"
    mv "$conf.tmp" "$conf"
    [[ "$(jq -r '[.plugins[].type] | join(" ")' "$conf")" == *"firewall failadd"* ]] || die "failadd is not after firewall: $(cat "$conf")"

    run_pod '?' run -d --name failrun --network "$name" "${IMG[@]}" sleep 1000
    [[ "$status" != 0 ]] || die "run succeeded although failadd refused the ADD"
    contains "$output" "failadd: refusing the ADD on purpose"
    # While failadd ran, the firewall plugin's rules and the address were there.
    grep -q -- "-s ${prefix}[0-9]*/32 -j ACCEPT" "$PODT/failadd.rules" ||
        die "no firewall rule for $subnet while failadd ran: $(cat "$PODT/failadd.rules")"
    grep -q "^$prefix" "$PODT/failadd.ipam" || die "no reservation on $name while failadd ran: $(cat "$PODT/failadd.ipam")"
    # Afterwards nothing of the ADD.
    left=$( (iptables-save 2>/dev/null; nft list ruleset 2>/dev/null) | grep -F -- "$prefix" || true)
    [[ -z "$left" ]] || die "firewall rules for $subnet left after the failed ADD: $left"
    left=$(ip -o link show master "$bridge" 2>/dev/null)
    [[ -z "$left" ]] || die "veth left on $bridge: $left"
    left=$(ls "/var/lib/cni/networks/$name" 2>/dev/null | grep "^$prefix" || true)
    [[ -z "$left" ]] || die "the IPAM of $name still holds $left"
    ls /var/lib/cni/results 2>/dev/null | grep -F -- "$name-" && die "libcni cache entries of $name left"
    if run_pod container exists failrun; then
        id=$(pod inspect --format '{{.ID}}' failrun)
        assert_no_leaks "$id" ""
        run_pod rm -f -t 0 failrun
    fi
    run_pod network rm "$name"
}
