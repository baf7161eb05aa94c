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
