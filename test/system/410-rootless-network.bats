#!/usr/bin/env bats
# Rootless networks: slirp4netns (the rootless default, as Podman 4.3) and
# pasta, driven as root with runuser as the test user podtest (see
# helpers.rootless.bash): addresses and /etc files as Podman writes them,
# published ports fetched from the host, outbound connections to listeners
# on the host, and no helper process left after rm -f, after the
# container's exit and after kill -9 of its monitor. All traffic stays on
# this host.

load helpers
load helpers.network
load helpers.rootless

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    is_rootless && return 0
    rootless_users_setup 410
}

teardown_file() {
    rootless_users_teardown
    wait_for_monitors
}

setup() {
    skip_if_rootless "drives the test user with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    # Debian's udev makes /dev/net/tun 0666; a machine without udev keeps
    # the kernel's 0600 until contrib/setup.sh fixes it.
    if ! runuser -u podtest -- sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
        skip "/dev/net/tun is mode $(stat -c %a /dev/net/tun), podtest cannot open it: run contrib/setup.sh (chmod 0666 /dev/net/tun, as Debian's udev does)"
    fi
    user_image podtest
}

teardown() {
    [[ -n "$RL" ]] && upod podtest rm -af -t 0 >/dev/null 2>&1 || true
    if [[ -n "$HOSTSRV" ]]; then
        kill "$HOSTSRV" 2>/dev/null || true
        HOSTSRV=
    fi
}

# helpers_of USER KIND: pids of running (not zombie) KIND helpers
# (slirp4netns or pasta, whose process name is passt.avx2 or the like)
# whose command line names USER's roots of this file.
helpers_of() {
    local pid st argv0
    for pid in $(pgrep -f -- "$RL/$1/run/pod/netns/"); do
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || continue
        [[ "$st" == Z ]] && continue
        argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1)
        [[ "${argv0##*/}" == "$2" ]] && echo "$pid"
    done
    return 0
}

# assert_no_helper KIND WHEN: no KIND helper of this file runs and no
# namespace or helper file is left, waiting up to 10 s (after an exit the
# monitor's exit command tears the network down in the background).
assert_no_helper() {
    local tries=100 left
    while ((tries-- > 0)); do
        left=$(ls "$RL/podtest/run/pod/netns" 2>/dev/null) || true
        [[ -z "$(helpers_of podtest "$1")" && -z "$left" ]] && return 0
        sleep 0.1
    done
    [[ -z "$(helpers_of podtest "$1")" ]] || die "$1 left running $2: $(ps -o pid,args -p "$(helpers_of podtest "$1" | head -1)")"
    die "files left in the netns directory $2: $left"
}

# host_ip: this host's address on the interface of its default route.
host_ip() {
    local dev
    dev=$(ip -4 -o route show default | awk '{print $5; exit}')
    [[ -n "$dev" ]] || skip "no default route: no host address to reach"
    ip -4 -o addr show dev "$dev" scope global | awk '{print $4; exit}' | cut -d/ -f1
}

# get_retry HOST PORT: a shell snippet that prints /index.html of HOST:PORT
# in the container, with a few tries. nc, not wget: busybox wget gets
# EAGAIN from runsc's hostinet sockets every time.
get_retry() {
    echo "for i in 1 2 3 4 5 6 7 8 9 10; do out=\$(printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc -w 3 $1 $2 | tail -1) && [ -n \"\$out\" ] && echo \"\$out\" && exit 0; sleep 0.3; done; exit 1"
}

# host_server ADDR PORT: an httpd on the host serving $RL/www (bounded by
# teardown's kill).
host_server() {
    mkdir -p "$RL/www"
    echo "host-$$" >"$RL/www/index.html"
    chmod -R a+rX "$RL/www"
    busybox httpd -f -p "$1:$2" -h "$RL/www" &
    HOSTSRV=$!
    fetch "http://$1:$2/index.html" >/dev/null || die "host httpd on $1:$2 did not start"
}

@test "rootless default is slirp4netns (Podman 4.3): tap0 10.0.2.100, resolv.conf and hosts as Podman writes them" {
    run_upod podtest run --name dflt "${IMG[@]}" sh -c 'ip -4 -o addr show tap0; ip route; cat /etc/resolv.conf; grep dflt /etc/hosts'
    contains "$output" "inet 10.0.2.100/24"
    contains "$output" "default via 10.0.2.2 dev tap0"
    # slirp4netns's DNS first, then the host's servers that are not on its loopback
    local want="nameserver 10.0.2.3"
    local ns
    for ns in $(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' /etc/resolv.conf); do
        want+=$'\n'"nameserver $ns"
    done
    [[ "$(grep '^nameserver' <<<"$output")" == "$want" ]] || die "resolv.conf nameservers: $(grep nameserver <<<"$output"), want: $want"
    [[ "$output" =~ 10\.0\.2\.100$'\t'[0-9a-f]{12}\ dflt ]] || die "no 10.0.2.100 line for dflt in /etc/hosts: $output"
    run_upod podtest inspect --format '{{.HostConfig.NetworkMode}}' dflt
    is "$output" slirp4netns
    # the helper exited with the container
    assert_no_helper slirp4netns "after the container exited"
}

@test "slirp4netns: -p HOST:CTR reachable at 127.0.0.1 from the host; port, ps, inspect; Podman's slirp4netns flags; gone after rm -f" {
    local port
    port=$(free_port)
    run_upod podtest run -d --name web --network slirp4netns -p "$port:80" "${IMG[@]}" httpd -f -p 80 -h /etc
    is "$(fetch "http://127.0.0.1:$port/hostname")" "$(upod podtest inspect --format '{{.Id}}' web | cut -c1-12)" "fetched through slirp4netns"
    run_upod podtest port web
    is "$output" "80/tcp -> 0.0.0.0:$port"
    run_upod podtest ps --format '{{.Names}} {{.Ports}}'
    is "$output" "web 0.0.0.0:$port->80/tcp"
    run_upod podtest inspect --format '{{.NetworkSettings.SandboxKey}}' web
    contains "$output" "$RL/podtest/run/pod/netns/"
    local pid args
    pid=$(helpers_of podtest slirp4netns)
    [[ -n "$pid" && "$pid" != *$'\n'* ]] || die "want one slirp4netns, got: $pid"
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    for f in --disable-host-loopback --mtu=65520 --enable-sandbox --enable-seccomp -c "--netns-type=path $RL/podtest/run/pod/netns/" "-e 4"; do
        [[ "$args" == *"$f"* ]] || die "slirp4netns runs without $f: $args"
    done
    # it outlived the CLI that started it
    local ppid
    ppid=$(awk '{print $4}' "/proc/$pid/stat")
    [[ "$(cat "/proc/$ppid/comm" 2>/dev/null)" != pod ]] || die "slirp4netns is still a child of a pod process ($ppid)"
    run_upod podtest rm -f -t 0 web
    assert_no_helper slirp4netns "after rm -f"
    ! timeout 5 busybox wget -q -O- "http://127.0.0.1:$port/hostname" 2>/dev/null || die "port $port still forwarded after rm -f"
}

@test "pasta: -p HOST:CTR reachable at 127.0.0.1 with pasta's own forwarding; the host's address inside; DNS forwarder; gone after rm -f" {
    local port hip
    port=$(free_port)
    hip=$(host_ip)
    run_upod podtest run -d --name pweb --network pasta -p "$port:80" "${IMG[@]}" httpd -f -p 80 -h /etc
    is "$(fetch "http://127.0.0.1:$port/hostname")" "$(upod podtest inspect --format '{{.Id}}' pweb | cut -c1-12)" "fetched through pasta"
    local pid args
    pid=$(helpers_of podtest pasta)
    [[ -n "$pid" && "$pid" != *$'\n'* ]] || die "want one pasta, got: $pid"
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    for f in --config-net "-t $port-$port:80-80" "--netns $RL/podtest/run/pod/netns/"; do
        [[ "$args" == *"$f"* ]] || die "pasta runs without $f: $args"
    done
    run_upod podtest exec pweb sh -c 'ip -4 -o addr show; head -1 /etc/resolv.conf'
    contains "$output" "inet $hip/"
    contains "$output" "nameserver 169.254.1.1"
    run_upod podtest port pweb
    is "$output" "80/tcp -> 0.0.0.0:$port"
    run_upod podtest rm -f -t 0 pweb
    assert_no_helper pasta "after rm -f"
    ! timeout 5 busybox wget -q -O- "http://127.0.0.1:$port/hostname" 2>/dev/null || die "port $port still forwarded after rm -f"
}

@test "outbound: the container reaches listeners on the host (slirp4netns via the host's address and 10.0.2.2 with allow_host_loopback, pasta via its mapped gateway)" {
    local port hip
    port=$(free_port)
    hip=$(host_ip)
    host_server "$hip" "$port"
    run_upod podtest run --rm "${IMG[@]}" sh -c "$(get_retry "$hip" "$port")"
    is "${output##*$'\n'}" "host-$$" "slirp4netns to the host's address"
    kill "$HOSTSRV"
    wait "$HOSTSRV" 2>/dev/null || true
    host_server 127.0.0.1 "$port"
    # Podman's default --disable-host-loopback: 10.0.2.2 is closed
    # (busybox wget crashes on an unreachable network: nc)
    run_upod 1 podtest run --rm "${IMG[@]}" nc 10.0.2.2 "$port" </dev/null
    contains "$output" "Network is unreachable"
    run_upod podtest run --rm --network slirp4netns:allow_host_loopback=true "${IMG[@]}" sh -c "$(get_retry 10.0.2.2 "$port")"
    is "${output##*$'\n'}" "host-$$" "slirp4netns:allow_host_loopback=true to 10.0.2.2"
    run_upod podtest run --rm --network pasta:--map-gw "${IMG[@]}" sh -c "$(get_retry '$(ip -4 route | awk "/^default/{print \$3; exit}")' "$port")"
    is "${output##*$'\n'}" "host-$$" "pasta:--map-gw to the gateway"
    assert_no_helper slirp4netns "after run --rm"
    assert_no_helper pasta "after run --rm"
}

@test "the helper dies with the container: exit, kill -9 of the monitor, rm -f; a restart gets a new one" {
    local kind
    for kind in slirp4netns pasta; do
        # the container exits on its own
        run_upod podtest run -d --name "ex-$kind" --network "$kind" "${IMG[@]}" sleep 2
        [[ -n "$(helpers_of podtest "$kind")" ]] || die "no $kind for ex-$kind"
        run_upod podtest wait "ex-$kind"
        assert_no_helper "$kind" "after ex-$kind exited"
        # started again: a new helper, a working network
        run_upod podtest start "ex-$kind"
        [[ -n "$(helpers_of podtest "$kind")" ]] || die "no $kind after start of ex-$kind"
        run_upod podtest wait "ex-$kind"
        assert_no_helper "$kind" "after ex-$kind exited again"
        run_upod podtest rm "ex-$kind"

        # kill -9 of the monitor: slirp4netns's exit pipe closes at once;
        # pasta goes when the namespace does (rm -f)
        run_upod podtest run -d --name "k9-$kind" --network "$kind" "${IMG[@]}" sleep 1000
        local mon
        mon=$(upod podtest inspect --format '{{.State.ConmonPid}}' "k9-$kind")
        kill -9 "$mon"
        if [[ "$kind" == slirp4netns ]]; then
            local tries=50
            while ((tries-- > 0)) && [[ -n "$(helpers_of podtest slirp4netns)" ]]; do sleep 0.1; done
            [[ -z "$(helpers_of podtest slirp4netns)" ]] || die "slirp4netns outlived the killed monitor"
        fi
        run_upod podtest rm -f -t 0 "k9-$kind"
        assert_no_helper "$kind" "after kill -9 of k9-$kind's monitor and rm -f"

        # pod create, then start
        run_upod podtest create --name "cr-$kind" --network "$kind" "${IMG[@]}" sleep 1000
        [[ -z "$(helpers_of podtest "$kind")" ]] || die "create started $kind"
        run_upod podtest start "cr-$kind"
        run_upod podtest exec "cr-$kind" sh -c 'ip -4 -o addr show | grep -v " lo "'
        contains "$output" "inet "
        run_upod podtest rm -f -t 0 "cr-$kind"
        assert_no_helper "$kind" "after rm -f of cr-$kind"
    done
}

@test "bad options and a missing slirp4netns: clear errors, exit 125, nothing left; the default falls back to none with a warning" {
    local bad
    for bad in slirp4netns:port_handler=rootlesskit slirp4netns:mtu=1 slirp4netns:nosuch=1 slirp4netns:cidr=x "slirp4netns:" bridge podman; do
        run_upod 125 podtest run --rm --network "$bad" "${IMG[@]}" true
        contains "$output" "--network"
    done
    run_upod 125 podtest run --rm --network slirp4netns:port_handler=rootlesskit "${IMG[@]}" true
    contains "$output" "port_handler=slirp4netns"
    run_upod 125 podtest run --rm --network pasta:--no-such-option "${IMG[@]}" true
    contains "$output" "unrecognized option '--no-such-option'"
    # a user namespace of the container's own on a runtime that joins the
    # user namespace first (runc): not yet (the default is none there);
    # crun: see the keep-id test below
    if [[ "$POD_TEST_RUNTIME" == runc ]]; then
        run_upod 125 podtest run --rm --userns keep-id --network slirp4netns "${IMG[@]}" true
        contains "$output" "--network slirp4netns with a user namespace of the container's own (--userns, --uidmap, --gidmap, --subuidname, --subgidname) is not supported yet"
        run_upod podtest run --rm --userns keep-id "${IMG[@]}" sh -c 'ls /sys/class/net | tr "\n" " "'
        is "$output" "lo " "keep-id's default network"
    fi
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" "" "nothing created by the refused runs"
    assert_no_helper pasta "after a failed pasta"
    # slirp4netns missing (--network-cmd-path, Podman's network_cmd_path)
    run_upod 125 podtest --network-cmd-path /nonexistent/slirp4netns run --rm --network slirp4netns "${IMG[@]}" true
    contains "$output" "slirp4netns not found at /nonexistent/slirp4netns"
    run_upod podtest --network-cmd-path /nonexistent/slirp4netns run --rm "${IMG[@]}" sh -c 'ls /sys/class/net | tr "\n" " "'
    contains "$output" "rootless network: using --network none: slirp4netns not found"
    is "${output##*$'\n'}" "lo " "interfaces with the fallback"
}

@test "keep-id and --userns auto on crun: the rootless default network (slirp4netns, pasta), exec, a published port" {
    [[ "$POD_TEST_RUNTIME" == crun ]] || skip "runc joins the container's user namespace first and then may not join the network namespace pod made (the 'bad options' test checks its refusal)"
    local port
    port=$(free_port)
    run_upod podtest run -d --name kid --userns keep-id -p "$port:8080" "${IMG[@]}" \
        sh -c 'mkdir -p /tmp/w && echo kid-ok > /tmp/w/i && exec httpd -f -p 8080 -h /tmp/w'
    run_upod podtest exec kid sh -c 'id -u; ip -4 addr show tap0 | grep -o "inet [0-9./]*"'
    is "$output" "1001
inet 10.0.2.100/24" "keep-id's user and slirp4netns' address, through exec"
    run_upod podtest inspect --format '{{.HostConfig.NetworkMode}}' kid
    is "$output" "slirp4netns"
    # Rootless, host.containers.internal is the host's first address (Podman 4.3.1).
    run_upod podtest exec kid grep host.containers.internal /etc/hosts
    is "$output" "$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')	host.containers.internal"
    is "$(fetch "http://127.0.0.1:$port/i")" "kid-ok" "the published port from the host"
    run_upod podtest rm -f -t 0 kid
    assert_no_helper slirp4netns "after rm -f"
    run_upod podtest run --rm --userns auto --network pasta "${IMG[@]}" sh -c 'ip -4 route | grep -c default'
    is "$output" "1" "--userns auto with pasta: a default route"
}

@test "unshare --rootless-netns: the user's shared namespace (tap0 10.0.2.100 by slirp4netns, Podman's name), kept between commands, rebuilt after kill -9, ended by system migrate" {
    local port hip xdg=$RL/podtest/xdg ns1 ns2 slirp
    run_upod podtest unshare readlink /proc/self/ns/net
    userns_net=$output
    run_upod podtest unshare --rootless-netns sh -c 'readlink /proc/self/ns/net; ip -4 -o addr show tap0 | awk "{print \$4}"; ip route | grep ^default; head -1 /etc/resolv.conf'
    mapfile -t lines <<<"$output"
    ns1=${lines[0]}
    [[ "$ns1" != "$userns_net" ]] || die "--rootless-netns ran in the user namespace's own network namespace"
    is "${lines[1]}" "10.0.2.100/24"
    is "${lines[2]}" "default via 10.0.2.2 dev tap0.*"
    is "${lines[3]}" "nameserver 10.0.2.3"
    # Podman's place and name: $XDG_RUNTIME_DIR/netns/rootless-netns-<20 hex>.
    run ls "$xdg/netns"
    is "$output" "rootless-netns-[0-9a-f]{20}"
    slirp=$(pgrep -f -- "slirp4netns.*$xdg/netns/rootless-netns-")
    [[ -n "$slirp" ]] || die "no slirp4netns for the shared namespace"
    # The same namespace and helper the next time; the exit code passes.
    run_upod 7 podtest unshare --rootless-netns sh -c 'readlink /proc/self/ns/net; exit 7'
    [[ "$output" == "$ns1" ]] || die "a second namespace: $output, not $ns1"
    is "$(pgrep -f -- "slirp4netns.*$xdg/netns/rootless-netns-")" "$slirp"
    # Out through slirp4netns to a listener on the host's address.
    port=$(free_port)
    hip=$(host_ip)
    host_server "$hip" "$port"
    run_upod podtest unshare --rootless-netns sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 5 busybox nc -w 3 $hip $port | tail -1"
    is "$output" "host-$$"
    # kill -9 of the helper: the next command builds it again.
    kill -9 "$slirp"
    run_upod podtest unshare --rootless-netns ip -4 -o addr show tap0
    contains "$output" "10.0.2.100/24"
    slirp2=$(pgrep -f -- "slirp4netns.*$xdg/netns/rootless-netns-")
    [[ -n "$slirp2" && "$slirp2" != "$slirp" ]] || die "no new slirp4netns after kill -9 (old $slirp, now '$slirp2')"
    # system migrate ends it with the pause process.
    run_upod podtest system migrate
    local tries=50
    while ((tries-- > 0)) && pid_alive "$slirp2"; do sleep 0.1; done
    pid_alive "$slirp2" && die "slirp4netns $slirp2 outlived system migrate"
    # A command not found is 127, as plain unshare.
    run_upod 127 podtest unshare --rootless-netns nonexistent-$$
    run_upod podtest system migrate
}
