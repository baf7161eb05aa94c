#!/usr/bin/env bats
# Published ports: -p, -P with --expose, pod port, ports in ps and inspect,
# a port in use, bad -p values, no leaks after rm -f.

load helpers
load helpers.network

teardown() { net_teardown; }

@test "busybox httpd published on 127.0.0.1 is fetched from the host" {
    port=$(free_port)
    run_pod run -d --name web -p "127.0.0.1:$port:80" "${IMG[@]}" httpd -f -p 80 -h /etc
    id=$(pod inspect --format '{{.ID}}' web)
    body=$(fetch "http://127.0.0.1:$port/hostname") || die "http://127.0.0.1:$port not reachable"
    is "$body" "${id:0:12}"
    run_pod port web
    is "$output" "80/tcp -> 127.0.0.1:$port"
    run_pod port web 80/tcp
    is "$output" "127.0.0.1:$port"
    run_pod ps --format '{{.Names}} {{.Ports}}'
    is "$output" "web 127.0.0.1:$port->80/tcp"
    run_pod ps --format json
    is "$(jq -c '.[0].Ports' <<<"$output")" "\[\{\"host_ip\":\"127.0.0.1\",\"container_port\":80,\"host_port\":$port,\"range\":1,\"protocol\":\"tcp\"\}\]"
    run_pod inspect --format '{{json .NetworkSettings.Ports}}' web
    is "$output" "\{\"80/tcp\":\[\{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"\}\]\}"
    ifindex=$(host_ifindex web)
    run_pod rm -f -t 0 web
    assert_no_leaks "$id" "$ifindex"
    ! ss -Htln "sport = :$port" | grep -q . || die "something still listens on $port"
    ! fetch "http://127.0.0.1:$port/hostname" >/dev/null || die "port $port still forwarded"
}

@test "host port 0 or none: a random free port; ranges; udp" {
    run_pod run -d --name rnd -p 127.0.0.1::80 -p 127.0.0.1:0:81 -p 127.0.0.1::82/udp "${IMG[@]}" httpd -f -p 80 -h /etc
    run_pod port rnd 80
    p80=${output##*:}
    [[ $p80 -gt 0 ]] || die "no host port for 80: $output"
    is "$(fetch "http://127.0.0.1:$p80/hostname")" "$(pod inspect --format '{{.ID}}' rnd | cut -c1-12)"
    run_pod port rnd
    is "${#lines[@]}" 3
    contains "$output" "82/udp -> 127.0.0.1:"
    base=$(free_port)
    run_pod create --name rng -p "127.0.0.1:$base-$((base + 1)):90-91" "${IMG[@]}" true
    run_pod ps -a --filter name=rng --format '{{.Ports}}'
    is "$output" "127.0.0.1:$base-$((base + 1))->90-91/tcp"
}

@test "-P publishes the exposed ports (--expose) on random host ports" {
    run_pod run -d --name pall -P --expose 80 --expose 7000-7001/udp "${IMG[@]}" httpd -f -p 80 -h /etc
    run_pod port pall
    is "${#lines[@]}" 3
    contains "$output" "7000/udp -> 0.0.0.0:"
    contains "$output" "7001/udp -> 0.0.0.0:"
    run_pod port pall 80
    p=${output##*:}
    is "$(fetch "http://127.0.0.1:$p/hostname")" "$(pod inspect --format '{{.ID}}' pall | cut -c1-12)"
    run_pod run -d --name exp --expose 9000 "${IMG[@]}" sleep 100
    run_pod inspect --format '{{json .NetworkSettings.Ports}}' exp
    is "$output" '\{"9000/tcp":null\}'
}

@test "a host port in use is refused with exit 125, naming the port, nothing created" {
    port=$(free_port)
    timeout 60 python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(60)' "$port" &
    ncpid=$!
    local tries=50
    while ((tries-- > 0)) && ! ss -Htln "sport = :$port" | grep -q .; do sleep 0.1; done
    run_pod 125 run -d --name busy -p "127.0.0.1:$port:80" "${IMG[@]}" true
    kill "$ncpid" 2>/dev/null || true
    wait "$ncpid" 2>/dev/null || true
    contains "$output" "$port"
    run_pod 1 container exists busy
    is "$(ls "$PODT/run/pod/netns" 2>/dev/null | wc -l)" 0
}

@test "bad -p and --expose values: exit 125, the value named" {
    for v in 80:80:80:80 abc 70000 0 "127.0.0.1:80-81:90" 80/icmp "[::1]80" "1.2.3:80:80" "90-80"; do
        run_pod 125 create -p "$v" "${IMG[@]}" true
        contains "$output" "$v"
    done
    run_pod 125 create --expose 80/xyz "${IMG[@]}" true
    contains "$output" "80/xyz"
    run_pod 125 create --ip 10.88.0.500 "${IMG[@]}" true
    contains "$output" "10.88.0.500"
    run_pod 125 create --mac-address nomac "${IMG[@]}" true
    contains "$output" "nomac"
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "--ip, --mac-address, --network-alias, --add-host and --no-hosts" {
    skip_if_rootless "bridge networks need root"
    name=$(net_name ipnet)
    subnet=$(net_subnet)
    pfx=${subnet%.0/24}
    run_pod network create --subnet "$subnet" "$name"
    run_pod run -d --name ipc --network "$name" --ip "$pfx.77" --mac-address 92:d0:c6:0a:29:33 --add-host extra.test:10.9.9.9 --hostname hn "${IMG[@]}" sleep 1000
    run_pod exec ipc sh -c 'ip -4 -o addr show eth0; cat /etc/hosts'
    contains "$output" "inet $pfx.77/24"
    contains "$output" "10.9.9.9	extra.test"
    contains "$output" "$pfx.77	hn ipc"
    # The MAC is read on the host side: runsc's sysfs does not show it.
    ns=$(pod inspect --format '{{.NetworkSettings.SandboxKey}}' ipc)
    contains "$(nsenter --net="$ns" ip -o link show eth0)" "link/ether 92:d0:c6:0a:29:33"
    run_pod inspect --format '{{.NetworkSettings.MacAddress}} {{.NetworkSettings.IPAddress}}' ipc
    is "$output" "92:d0:c6:0a:29:33 $pfx.77"
    run_pod rm -f -t 0 ipc
    run_pod run --rm --network "$name" --no-hosts "${IMG[@]}" sh -c 'cat /etc/hosts 2>/dev/null; true'
    [[ "$output" != *"$pfx."* ]] || die "--no-hosts: $output"
    run_pod network rm -f "$name"
}
