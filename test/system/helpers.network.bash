# Network helpers for the network test files (6xx and others that load them):
# unique names and subnets, leak probes, a bounded HTTP fetch from the host,
# pod_exec for a CLI to SIGKILL.

# pod_exec ARGS...: pod as the process itself (exec), so a background job's
# $! is pod's pid and kill -9 hits the CLI, not a subshell around it.
pod_exec() {
    local extra=()
    [[ -n "$POD_TEST_MONITOR" ]] && extra+=(--conmon "$POD_TEST_MONITOR")
    exec "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" \
        --runtime "$POD_TEST_RUNTIME" "${extra[@]}" "$@"
}

# net_name PREFIX: a network name no other test run uses.
net_name() { echo "pt-$1-$$-$RANDOM"; }

# net_subnet: a /24 in 10.190.0.0/15 not in use by a route on this host.
net_subnet() {
    local tries=50 s lane
    # Each runtime's lane draws from its own quarter of the third octet: the
    # lanes run side by side, and two drawing the same subnet at once both
    # passed the route check (the second create then failed).
    case "$POD_TEST_RUNTIME" in crun) lane=0 ;; runc) lane=1 ;; runsc) lane=2 ;; *) lane=3 ;; esac
    # A file's networks get distinct subnets: two drawn for one test (630's
    # front and back) have no route yet, and the second create failed with
    # "subnet … is already used … by another config" (1 in 124).
    local given=$BATS_FILE_TMPDIR/net_subnets
    while ((tries-- > 0)); do
        s="10.$((190 + RANDOM % 2)).$((lane * 62 + RANDOM % 62)).0/24"
        grep -qxF "$s" "$given" 2>/dev/null && continue
        ip route | grep -q "^${s%.0/24}\." && continue
        echo "$s" >>"$given"
        echo "$s"
        return
    done
    die "no free test subnet"
}

# free_port: a TCP port nothing listens on at 127.0.0.1 now.
free_port() {
    local tries=50 p
    while ((tries-- > 0)); do
        p=$((20000 + RANDOM % 20000))
        ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
    die "no free port"
}

# fetch URL: the body, with a bounded number of tries while the server starts.
fetch() {
    local tries=50 out
    while ((tries-- > 0)); do
        out=$(timeout 5 busybox wget -q -O- "$1" 2>/dev/null) && { echo "$out"; return 0; }
        sleep 0.1
    done
    return 1
}

# firewall_mentions ID: how many firewall rules (iptables and nft) name ID.
firewall_mentions() {
    local n=0 c
    c=$(iptables-save 2>/dev/null | grep -c -- "$1") || true
    n=$((n + c))
    c=$(nft list ruleset 2>/dev/null | grep -c -- "$1") || true
    echo $((n + c))
}

# host_ifindex NAME: the host-side interface index of the container's eth0,
# read from the host in the namespace pod made (runsc's sysfs has no iflink).
host_ifindex() {
    local ns
    ns=$(pod inspect --format '{{.NetworkSettings.SandboxKey}}' "$1")
    [[ -n "$ns" ]] || die "container $1 has no network namespace"
    # ip(8), not /sys: sysfs shows the namespace of whoever mounted it.
    nsenter --net="$ns" ip -o link show eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p'
}

# assert_no_leaks ID IFINDEX: no namespace file, host veth, firewall rule or
# listener left for the container.
assert_no_leaks() {
    local id=$1 ifindex=$2
    local left
    left=$(ls "$PODT/run/pod/netns" 2>/dev/null | grep -c -- "$id") || true
    [[ "$left" == 0 ]] || die "network namespace of $id left in $PODT/run/pod/netns"
    if [[ -n "$ifindex" ]]; then
        ! ip -o link | grep -q "^$ifindex:" || die "host veth $ifindex of $id left: $(ip -o link | grep "^$ifindex:")"
    fi
    left=$(firewall_mentions "$id")
    [[ "$left" == 0 ]] || die "$left firewall rules name $id: $(iptables-save | grep -- "$id")"
}

# net_teardown: a network test's teardown: every container, then this run's
# networks (named by net_name), on the netavark backend too when the test
# switched to it.
net_teardown() {
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    local n
    for n in $(pod network ls -q 2>/dev/null | grep "^pt-.*-$$-" || true); do
        pod network rm -f "$n" >/dev/null 2>&1 || true
    done
    [[ -f "$PODT/netavark.conf" ]] || return 0
    for n in $(CONTAINERS_CONF_OVERRIDE=$PODT/netavark.conf pod network ls -q 2>/dev/null | grep "^pt-.*-$$-" || true); do
        CONTAINERS_CONF_OVERRIDE=$PODT/netavark.conf pod network rm -f "$n" >/dev/null 2>&1 || true
    done
}
