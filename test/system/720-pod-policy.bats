#!/usr/bin/env bats
# Pod exit policy (--exit-policy continue|stop, Podman 4.3.1): with stop the
# pod, infra included, stops when its last other container exits, applied by
# the member's own exit path (no daemon): its monitor's exit command, a
# user's stop or rm, or the next pod process when its monitor was killed.

load helpers
load helpers.network

# skip_unless_pods skips on runtimes that refuse pods (runsc) after checking
# that the refusal is the clear, capability-named one.
skip_unless_pods() {
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        run_pod 125 pod create --exit-policy stop --name refused
        contains "$output" 'does not support pod (capability pod'
        run_pod 1 pod exists refused
        skip "runsc refuses pods (checked)"
    fi
}

# wait_pod_state POD REGEX [TRIES]: poll `pod pod inspect` until the pod's
# state matches (bounded: TRIES × 0.1 s).
wait_pod_state() {
    local p=$1 want=$2 tries=${3:-150} got
    while ((tries-- > 0)); do
        got=$(pod pod inspect --format '{{.State}}' "$p" 2>/dev/null) || true
        [[ "$got" =~ ^($want)$ ]] && return 0
        sleep 0.1
    done
    die "pod $p is '$got', expected '$want'; $(pod ps -a --filter pod="$p" --format '{{.Names}} {{.Status}}' 2>&1)"
}

infra_of() { pod pod inspect --format '{{.InfraContainerID}}' "$1"; }

@test "exit-policy stop: the pod stops, infra too, when its last member exits; continue keeps it" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name es
    run_pod pod inspect --format '{{.ExitPolicy}}' es
    is "$output" "stop"
    run_pod pod create --name ec
    run_pod pod inspect --format '{{.ExitPolicy}}' ec
    is "$output" "continue"
    run_pod run -d --pod es --name es-short "${IMG[@]}" sleep 1
    run_pod run -d --pod es --name es-long "${IMG[@]}" sh -c 'sleep 6; exit 3'
    # One member gone, one running: the pod runs on (Degraded: infra + one).
    wait_for_status es-short exited 80
    run_pod pod inspect --format '{{.State}}' es
    is "$output" "Degraded|Running"
    run_pod inspect --format '{{.State.Status}}' "$(infra_of es)"
    is "$output" "running"
    # The last one exits with 3: the pod stops, its infra too (exit 0: a
    # stopped pause process), with no pod command run by us in between.
    wait_pod_state es Exited
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$(infra_of es)"
    is "$output" "exited 0"
    run_pod inspect --format '{{.State.ExitCode}}' es-long
    is "$output" 3
    # continue: the infra keeps the pod's namespaces.
    run_pod run -d --pod ec --name ec-short "${IMG[@]}" sleep 1
    run_pod run -d --pod ec --name ec-long "${IMG[@]}" sh -c 'sleep 2; exit 3'
    wait_for_status ec-long exited 100
    sleep 1
    run_pod inspect --format '{{.State.Status}}' "$(infra_of ec)"
    is "$output" "running"
    run_pod pod inspect --format '{{.State}}' ec
    is "$output" "Degraded"
    # A stopped pod starts again and stops again the same way.
    run_pod pod start es
    run_pod pod inspect --format '{{.State}}' es
    is "$output" "Running|Degraded"
    wait_pod_state es Exited
    run_pod pod rm es
    run_pod pod rm -f -t 0 ec
    run_pod ps -aq
    is "$output" ""
}

@test "exit-policy stop: a user's stop or rm of the last member stops the pod; restart and pod verbs do not" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name us
    run_pod run -d --pod us --name a "${IMG[@]}" sleep 1000
    run_pod run -d --pod us --name b "${IMG[@]}" sleep 1000
    # A restart of a member is no exit: the pod keeps running.
    run_pod restart -t 0 a
    run_pod pod inspect --format '{{.State}}' us
    is "$output" "Running"
    run_pod stop -t 0 a
    run_pod pod inspect --format '{{.State}}' us
    is "$output" "Degraded"
    # Removing the last running member stops the pod (Podman's rm -f does).
    run_pod rm -f -t 0 b
    wait_pod_state us Exited 50
    # pod stop / pod restart of an exit-policy-stop pod neither deadlock
    # nor leave it half-stopped.
    run_pod pod start us
    run_pod pod inspect --format '{{.State}}' us
    is "$output" "Running"
    run_pod pod restart us
    run_pod pod inspect --format '{{.State}}' us
    is "$output" "Running"
    run_pod pod stop -t 0 us
    run_pod pod inspect --format '{{.State}}' us
    is "$output" "Exited"
    run_pod pod rm us
}

@test "exit-policy stop: restarts of the only member never stop the pod (its old run's exit command meets the restart)" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name ur
    run_pod run -d --pod ur --name only "${IMG[@]}" sleep 1000
    for i in 1 2 3 4 5 6; do
        run_pod restart -t 0 only
        sleep 1.5 # the old run's exit command has run by now
        run_pod inspect --format '{{.State.Status}}' only
        is "$output" "running" "the member after restart $i"
        run_pod pod inspect --format '{{.State}}' ur
        is "$output" "Running" "the pod after restart $i"
    done
    # A stop is the last exit: the pod stops.
    run_pod stop -t 0 only
    wait_pod_state ur Exited 50
}

@test "exit-policy stop: a member restarted by its --restart policy keeps the pod until its last exit" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name rs
    # Fails twice (restarted once by on-failure:1), then the pod stops.
    run_pod run -d --pod rs --restart on-failure:1 --name flaky "${IMG[@]}" sh -c 'sleep 1; exit 7'
    wait_pod_state rs Exited 200
    run_pod inspect --format '{{.RestartCount}} {{.State.ExitCode}}' flaky
    is "$output" "1 7"
    run_pod pod rm rs
}

@test "exit-policy stop: kill -9 of a member's monitor, then the member ends: the pod still stops" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name km
    run_pod run -d --pod km --name victim "${IMG[@]}" sleep 1000
    run_pod run -d --pod km --name other "${IMG[@]}" sleep 1000
    infra=$(infra_of km)
    mon=$(pod inspect --format '{{.State.ConmonPid}}' victim)
    cpid=$(pod inspect --format '{{.State.Pid}}' victim)
    [[ "$mon" -gt 0 && "$cpid" -gt 0 ]] || die "victim has no monitor ($mon) or pid ($cpid)"
    kill -9 "$mon"
    tries=100
    while ((tries-- > 0)) && pid_alive "$mon"; do sleep 0.1; done
    ! pid_alive "$mon" || die "monitor $mon survived kill -9"
    # The member runs on without its monitor; the pod does not stop.
    run_pod pod inspect --format '{{.State}}' km
    is "$output" "Running"
    # The member's process dies: no exit command runs for it. The other
    # member's stop is not the last exit...
    kill -9 "$cpid"
    tries=100
    while ((tries-- > 0)) && pid_alive "$cpid"; do sleep 0.1; done
    # ...until the next pod process sees the victim ended and applies the
    # policy once `other` is gone too.
    run_pod inspect --format '{{.State.Status}}' victim
    is "$output" "stopped|exited"
    run_pod inspect --format '{{.State.Status}}' "$infra"
    is "$output" "running"
    run_pod stop -t 0 other
    wait_pod_state km Exited 100
    run_pod inspect --format '{{.State.Status}}' "$infra"
    is "$output" "exited"
    run_pod pod rm km
    run_pod ps -aq
    is "$output" ""
    ! pid_alive "$cpid" || die "member process $cpid left behind"
}

@test "exit-policy stop: kill -9 of the last member's monitor and process; the next pod command stops the pod" {
    skip_unless_pods
    run_pod pod create --exit-policy stop --name lone
    run_pod run -d --pod lone --name only "${IMG[@]}" sleep 1000
    infra=$(infra_of lone)
    ipid=$(pod inspect --format '{{.State.Pid}}' "$infra")
    mon=$(pod inspect --format '{{.State.ConmonPid}}' only)
    cpid=$(pod inspect --format '{{.State.Pid}}' only)
    kill -9 "$mon"
    tries=100
    while ((tries-- > 0)) && pid_alive "$mon"; do sleep 0.1; done
    kill -9 "$cpid"
    tries=100
    while ((tries-- > 0)) && pid_alive "$cpid"; do sleep 0.1; done
    # Any pod process that reads the member finds it ended without an exit
    # command and applies the exit policy when it is done.
    run_pod ps -a --format '{{.Names}}'
    wait_pod_state lone Exited 100
    ! pid_alive "$ipid" || die "infra process $ipid still runs"
    run_pod inspect --format '{{.State.ExitCode}}' only
    is "$output" "-1"
    run_pod pod rm lone
    run_pod ps -aq
    is "$output" ""
}

@test "exit-policy refusals and runsc" {
    run_pod 125 pod create --exit-policy Stop --name bad
    contains "$output" 'invalid pod exit policy: "Stop": use continue or stop'
    run_pod 1 pod exists bad
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        run_pod 125 run --rm --pod new:gv "${IMG[@]}" true
        contains "$output" 'does not support pod (capability pod'
        run_pod 1 pod exists gv
    fi
}

@test "pod create --add-host, --dns*, --no-hosts, --label-file: the pod's /etc files are its members'" {
    skip_unless_pods
    printf '# comment\ntier=back end\nodd=x\n' >"$BATS_TEST_TMPDIR/labels"
    run_pod pod create --name etc --add-host foo.example:10.1.2.3 --dns 10.9.9.9 --dns-search ex.org \
        --dns-option ndots:3 --label-file "$BATS_TEST_TMPDIR/labels" --label odd=y
    run_pod pod inspect --format '{{index .Labels "tier"}}|{{index .Labels "odd"}}' etc
    is "$output" "back end|y"
    run_pod pod inspect --format '{{.InfraConfig.HostAdd}} {{.InfraConfig.DNSServer}} {{.InfraConfig.DNSSearch}} {{.InfraConfig.DNSOption}}' etc
    is "$output" "\[foo.example:10.1.2.3\] \[10.9.9.9\] \[ex.org\] \[ndots:3\]"
    run_pod run --rm --pod etc "${IMG[@]}" cat /etc/hosts /etc/resolv.conf
    contains "$output" "10.1.2.3	foo.example"
    contains "$output" "nameserver 10.9.9.9"
    contains "$output" "search ex.org"
    contains "$output" "options ndots:3"
    # A member's own --dns gives way to the pod's; its --add-host is refused (Podman's words).
    run_pod run --rm --pod etc --dns 10.8.8.8 "${IMG[@]}" cat /etc/resolv.conf
    contains "$output" "nameserver 10.9.9.9"
    [[ "$output" != *10.8.8.8* ]] || die "member's --dns overrode the pod's"
    run_pod 125 run --rm --pod etc --add-host bar:10.5.6.7 "${IMG[@]}" true
    contains "$output" "extra host entries must be specified on the pod: network cannot be configured when it is shared with a pod"
    # Bad values and a pod without infra are refused, nothing is left.
    run_pod 125 pod create --name bad --add-host nocolon
    run_pod 1 pod exists bad
    run_pod 125 pod create --name bad --infra=false --dns 10.9.9.9
    contains "$output" "without an infra container"
    run_pod 125 pod create --name bad --label-file "$BATS_TEST_TMPDIR/nope"
    contains "$output" "--label-file"
    run_pod 1 pod exists bad
    run_pod pod rm -f -t 0 etc
    run_pod ps -aq
    is "$output" ""
}

@test "pod create --share variations and --share-parent" {
    skip_unless_pods
    for s in "pid:[pid]" "net,uts:[net uts]" "ipc,ipc:[ipc]" "+net:[ipc net uts]" "none:[]" ":[]"; do
        run_pod pod create --share "${s%%:*}" --name sv
        run_pod pod inspect --format '{{.SharedNamespaces}}' sv
        [[ "$output" == "${s#*:}" ]] || die "--share ${s%%:*}: SharedNamespaces $output, want ${s#*:}"
        run_pod pod rm sv
    done
    # --share net only: members share the network, not ipc or uts.
    run_pod pod create --share net --name netonly
    run_pod run -d --pod netonly --name n1 "${IMG[@]}" sleep 1000
    run_pod run -d --pod netonly --name n2 "${IMG[@]}" sleep 1000
    [[ "$(pod exec n1 readlink /proc/self/ns/net)" == "$(pod exec n2 readlink /proc/self/ns/net)" ]] || die "net not shared"
    [[ "$(pod exec n1 readlink /proc/self/ns/ipc)" != "$(pod exec n2 readlink /proc/self/ns/ipc)" ]] || die "ipc shared without --share ipc"
    run_pod exec n1 hostname
    [[ "$output" != netonly ]] || die "uts shared without --share uts"
    run_pod pod rm -f -t 0 netonly
    # cgroup: only with --share-parent=false (Podman's refusal otherwise).
    run_pod 125 pod create --share +cgroup --name cg
    contains "$output" "cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS"
    run_pod 1 pod exists cg
    run_pod 125 pod create --share-parent=false --memory 64m --name cg
    contains "$output" "--share-parent=false"
    run_pod pod create --share +cgroup --share-parent=false --name cg
    run_pod pod inspect --format '{{.SharedNamespaces}} [{{.CgroupPath}}]' cg
    is "$output" "\[cgroup ipc net uts\] \[\]"
    run_pod run -d --pod cg --name c1 "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' c1)
    ! grep -q "/pod_" "/proc/$pid/cgroup" || die "member below a pod cgroup with --share-parent=false: $(cat /proc/$pid/cgroup)"
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' cg)
    ipid=$(pod inspect --format '{{.State.Pid}}' "$infra")
    [[ "$(readlink /proc/$pid/ns/cgroup)" == "$(readlink /proc/$ipid/ns/cgroup)" ]] || die "member and infra in different cgroup namespaces"
    run_pod pod rm -f -t 0 cg
    # --infra=false: no infra, nothing shared, members on their own.
    run_pod pod create --infra=false --name bare
    run_pod pod inspect --format '{{.CreateInfra}} {{.NumContainers}} [{{.InfraContainerID}}]' bare
    is "$output" "false 0 \[\]"
    run_pod run --rm --pod bare "${IMG[@]}" echo alone
    is "$output" "alone"
    run_pod pod rm bare
    run_pod ps -aq
    is "$output" ""
}

@test "pod create --ip, --mac-address, --network-alias: the infra's, so every member's; refused without infra" {
    skip_unless_pods
    skip_if_rootless "bridge networks need root"
    name=$(net_name pip)
    subnet=$(net_subnet)
    ip=${subnet%.0/24}.42
    run_pod network create --subnet "$subnet" "$name"
    run_pod pod create --name pip --network "$name" --ip "$ip" --mac-address 92:d0:c6:0a:29:33 --network-alias pipalias
    run_pod run --rm --pod pip "$IMAGE" sh -c 'ip -o -4 addr show eth0; cat /sys/class/net/eth0/address'
    contains "$output" "inet $ip/24"
    contains "$output" "92:d0:c6:0a:29:33"
    run_pod pod inspect --format '{{.InfraConfig.StaticIP}} {{.InfraConfig.StaticMAC}}' pip
    is "$output" "$ip 92:d0:c6:0a:29:33"
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' pip)
    run_pod inspect --format '{{range .NetworkSettings.Networks}}{{.Aliases}}{{end}}' "$infra"
    contains "$output" "pipalias"
    run_pod pod rm -f -t 0 pip
    run_pod 125 pod create --name noinfra --infra=false --ip "$ip"
    contains "$output" "cannot set --network, --publish, --hostname, --ip, --ip6, --mac-address or --network-alias on a pod without an infra container"
    run_pod 1 pod exists noinfra
    run_pod network rm "$name"
}
