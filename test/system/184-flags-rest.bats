#!/usr/bin/env bats
# The last flags of `pod X --help` that no other system test passed (make
# flag-coverage), each checked for its effect as Podman 4.3.1 has it:
# build --force-rm/--rm, commit --include-volumes, --variant, kube play
# --start, network create --internal/--disable-dns/--ip-range on both
# backends, pod create --infra-name/--infra-conmon-pidfile, pod ps --ctr-*,
# secret create --driver-opts, unshare --rootless-netns as root.

load helpers
load helpers.network

teardown() {
    pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    net_teardown
}

# storage_names: the names of the containers in storage that pod does not own.
storage_names() {
    pod ps -a --external --format '{{.Names}} {{.Status}}' | awk '$2 == "Storage" {print $1}' | sort
}

@test "build --force-rm=false keeps a failed build's working container, --rm=false a good one's; the defaults keep none" {
    ctx=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$ctx"
    printf 'FROM %s\nRUN echo one >/one\nRUN exit 3\n' "$IMAGE" >"$ctx/Containerfile"
    # Defaults (--rm --force-rm): nothing left after a failure.
    run_pod 3 build --force-rm -t fr-x "$ctx"
    is "$(storage_names)" ""
    run_pod 3 build --force-rm=false --no-cache -t fr-x "$ctx"
    contains "$output" 'RUN exit 3'
    is "$(storage_names)" "busybox-working-container"
    # The kept container holds the state of the failed step: /one is there.
    id=$(pod ps -a --external --no-trunc --format '{{.ID}} {{.Names}}' | awk '$2 == "busybox-working-container" {print $1}')
    [[ -n "$id" ]] || die "no id for the kept container"
    run_pod 1 image exists fr-x
    # A good build: --rm=false keeps its container too, under the next name;
    # --rm (default) does not, even with --force-rm=false.
    printf 'FROM %s\nRUN echo two >/two\n' "$IMAGE" >"$ctx/Containerfile"
    run_pod build --force-rm=false --no-cache -t fr-y "$ctx"
    is "$(storage_names)" "busybox-working-container"
    run_pod build --rm=false --no-cache -t fr-y "$ctx"
    is "$(storage_names)" "busybox-working-container
busybox-working-container-1"
    run_pod run --rm fr-y cat /two
    is "$output" "two"
    # Podman sees and removes what was kept (the shared store).
    if command -v podman >/dev/null; then
        run podman_on_store ps -a --external --format '{{.Names}}'
        podman_on_store_done
        contains "$output" "busybox-working-container-1"
    fi
    run_pod rm -f "$id" busybox-working-container-1
    is "$(storage_names)" ""
}

@test "commit --include-volumes: the container's volume and mount targets become image VOLUMEs" {
    bind=$BATS_TEST_TMPDIR/bind
    mkdir -p "$bind"
    run_pod run --name cv -v "$bind:/bindme" -v "fl-vol-$$:/vol" --mount type=tmpfs,dst=/tmpf "${IMG[@]}" true
    run_pod commit -q cv fl-novol
    run_pod image inspect --format '{{json .Config.Volumes}}' fl-novol
    is "$output" "null"
    run_pod commit -q --include-volumes cv fl-vol
    run_pod image inspect --format '{{json .Config.Volumes}}' fl-vol
    [[ "$output" == '{"/bindme":{},"/tmpf":{},"/vol":{}}' ]] || die "volumes: $output"
    run_pod container commit -q --include-volumes cv fl-vol2
    run_pod image inspect --format '{{json .Config.Volumes}}' fl-vol2
    [[ "$output" == '{"/bindme":{},"/tmpf":{},"/vol":{}}' ]] || die "volumes: $output"
    # A container of the image gets anonymous volumes there.
    run_pod run --rm fl-vol sh -c 'for d in /bindme /tmpf /vol; do grep -q " $d " /proc/mounts && echo "$d"; done'
    is "$output" "/bindme
/tmpf
/vol"
    run_pod rm cv
    run_pod volume rm "fl-vol-$$"
}

@test "--variant: matched against the local image as Podman's libimage (arm64 is arm64/v8), for run, create and container run/create" {
    run_pod import --arch arm64 "$(busybox_tarball)" fl-arm64
    # The host's image has no variant: asking for one is a mismatch.
    run_pod 125 run --rm --pull never --variant v2 "${IMG[@]}" true
    contains "$output" "linux/amd64/v2"
    run_pod 125 create --pull never --platform linux/amd64/v3 "${IMG[@]}" true
    contains "$output" "linux/amd64/v3"
    # arm64 images are v8: --arch arm64 --variant v8 takes it, v7 does not,
    # --variant v8 alone asks for this host's architecture.
    run_pod create --pull never --arch arm64 --variant v8 fl-arm64 true
    cid=$output
    run_pod inspect --format '{{.ImageName}}' "$cid"
    is "$output" "localhost/fl-arm64:latest"
    run_pod container create --pull never --platform linux/arm64/v8 fl-arm64 true
    run_pod 125 container create --pull never --arch arm64 --variant v7 fl-arm64 true
    contains "$output" "linux/arm64/v7"
    run_pod 125 container run --rm --pull never --variant v8 fl-arm64 true
    contains "$output" "not linux/amd64/v8"
    # Nothing half-created by the refusals: two containers (the matches).
    run_pod ps -a -q
    is "${#lines[@]}" 2
    # A missing image with --variant and --pull missing goes to the registry
    # for that platform and says so when there is none.
    run_pod 125 run --rm --variant v7 --arch arm localhost/fl-none-$$ true
    contains "$output" "fl-none-$$"
}

@test "kube play --start=false creates the pod and its containers without starting them; play kube --start starts" {
    skip_unless_oci "kube pods need an OCI runtime"
    [[ "$POD_TEST_RUNTIME" == runsc ]] && skip "runsc refuses pods"
    f=$BATS_TEST_TMPDIR/kst.yaml
    cat >"$f" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: kst
spec:
  containers:
  - name: web
    image: $IMAGE
    command: ["sleep", "100"]
EOF
    run_pod kube play --start=false "$f"
    run_pod pod ps --format '{{.Name}} {{.Status}}'
    is "$output" "kst Created"
    run_pod ps -a --pod --format '{{.Names}} {{.Status}}' --sort names
    contains "$output" "kst-web Created"
    run_pod kube down "$f"
    run_pod play kube --start "$f"
    run_pod pod ps --format '{{.Name}} {{.Status}}'
    is "$output" "kst Running"
    run_pod inspect --format '{{.State.Status}}' kst-web
    is "$output" "running"
    run_pod kube down "$f"
}

@test "pod create --infra-name, --infra-conmon-pidfile; pod ps --ctr-ids, --ctr-names, --ctr-status as Podman prints them" {
    skip_unless_oci "pods need an OCI runtime"
    [[ "$POD_TEST_RUNTIME" == runsc ]] && skip "runsc refuses pods"
    pidfile=$BATS_TEST_TMPDIR/infra.pid
    run_pod pod create --name fp --infra-name "my-infra_$$" --infra-conmon-pidfile "$pidfile"
    podid=$output
    run_pod pod inspect --format '{{.InfraContainerID}}' fp
    infra=$output
    run_pod inspect --format '{{.Name}}' "$infra"
    is "$output" "my-infra_$$"
    run_pod run -d --pod fp --name fp-run "${IMG[@]}" sleep 100
    run_pod create --pod fp --name fp-new "${IMG[@]}" true
    # The infra's monitor pid is written when it starts and is that monitor.
    [[ -s "$pidfile" ]] || die "no --infra-conmon-pidfile written"
    mon=$(cat "$pidfile")
    run_pod inspect --format '{{.State.ConmonPid}}' "$infra"
    is "$output" "$mon"
    pid_alive "$mon" || die "the pid in $pidfile ($mon) is not running"
    # Podman 4.3 lists the members in ID order, its state words.
    want_ids=$(pod ps -a --pod --filter pod=fp --no-trunc --format '{{.ID}}' | sort)
    [[ $(wc -l <<<"$want_ids") -eq 3 ]] || die "members: $want_ids"
    declare -A name_of status_of
    for n in "my-infra_$$:running" fp-run:running fp-new:created; do
        id=$(pod inspect --format '{{.ID}}' "${n%%:*}")
        name_of[$id]=${n%%:*}
        status_of[$id]=${n#*:}
    done
    ids="" names="" statuses="" longids=""
    for id in $want_ids; do
        ids+=${ids:+,}${id:0:12}
        longids+=${longids:+,}$id
        names+=${names:+,}${name_of[$id]}
        statuses+=${statuses:+,}${status_of[$id]}
    done
    run_pod pod ps --ctr-ids
    is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +IDS"
    is "${lines[1]}" "${podid:0:12} +fp +Degraded +.* ${infra:0:12} +$ids"
    run_pod pod ps --ctr-names --ctr-status
    is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES +STATUS"
    is "${lines[1]}" ".* ${infra:0:12} +$names +$statuses"
    run_pod pod ps --no-trunc --ctr-ids --ctr-names --ctr-status --noheading
    is "$output" "$podid +fp +Degraded +.* $infra +$longids +$names +$statuses"
    # --ns adds CGROUP and NAMESPACES after the member columns.
    run_pod pod ps --ctr-names --ns
    is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +NAMES +CGROUP +NAMESPACES"
    run_pod pod ps --ns
    is "${lines[0]}" "POD ID +NAME +STATUS +CREATED +INFRA ID +CGROUP +NAMESPACES +# OF CONTAINERS"
    run_pod pod ps --format json
    is "$(jq -r '[.[0].Containers[].Status] | join(",")' <<<"$output")" "$statuses"
    run_pod pod ps --filter ctr-status=created --format '{{.Name}}'
    is "$output" "fp"
    # Without an infra, the infra flags are refused and nothing is made.
    run_pod 125 pod create --infra=false --infra-name x fp2
    contains "$output" "--infra-name"
    run_pod 1 pod exists fp2
    run_pod pod rm -f -t 0 fp
    pid_alive "$mon" && die "the infra monitor $mon outlived pod rm"
    return 0
}

@test "secret create --driver-opts: the file driver's path, the shell driver's commands" {
    dir=$BATS_TEST_TMPDIR/secrets
    mkdir -p "$dir"
    printf 'hunter2\0bin' >"$BATS_TEST_TMPDIR/data"
    run_pod secret create --driver-opts "path=$dir" fl-file "$BATS_TEST_TMPDIR/data"
    id=$output
    [[ -s "$dir/secretsdata.json" ]] || die "the file driver did not write into $dir"
    grep -q "$id" "$dir/secretsdata.json" || die "$dir/secretsdata.json has no $id"
    run_pod secret inspect --format '{{.Spec.Driver.Name}} {{.Spec.Driver.Options.path}}' fl-file
    is "$output" "file $dir"
    run_pod run --rm --secret fl-file "${IMG[@]}" od -An -c /run/secrets/fl-file
    contains "$output" 'h   u   n   t   e   r   2  \0   b   i   n'
    # The shell driver runs the commands given as driver options.
    sdir=$BATS_TEST_TMPDIR/shell
    mkdir -p "$sdir"
    opts="store=cat > $sdir/\$SECRET_ID,lookup=cat $sdir/\$SECRET_ID,delete=rm $sdir/\$SECRET_ID,list=ls $sdir"
    run_pod secret create -d shell --driver-opts "$opts" fl-shell - <<<"shell data"
    sid=$output
    is "$(cat "$sdir/$sid")" "shell data"
    run_pod run --rm --secret fl-shell "${IMG[@]}" cat /run/secrets/fl-shell
    is "$output" "shell data"
    run_pod secret rm fl-shell fl-file
    [[ ! -e "$sdir/$sid" ]] || die "the shell driver's delete did not run"
    run_pod secret ls --noheading
    is "$output" ""
}

@test "unshare --rootless-netns as root: refused as Podman does" {
    skip_if_rootless "the rootless case is in 410-rootless-network.bats"
    run_pod 125 unshare --rootless-netns true
    is "$output" "Error: please use unshare with rootless"
}

# internal_dns_range BACKEND: --internal, --disable-dns and --ip-range on
# the backend containers.conf names (networks.md has the facts per backend).
internal_dns_range() {
    local conf=$PODT/$1.conf
    printf '[network]\nnetwork_backend = "%s"\n' "$1" >"$conf"
    export CONTAINERS_CONF_OVERRIDE=$conf
    si=$(net_subnet)
    so=$(net_subnet)
    while [[ "$so" == "$si" ]]; do so=$(net_subnet); done
    ni=$(net_name int)
    no=$(net_name out)
    pre_o=${so%.0/24}
    run_pod network create --internal --subnet "$si" "$ni"
    run_pod network inspect --format '{{.Internal}}' "$ni"
    is "$output" "true"
    run_pod network create --disable-dns --subnet "$so" --ip-range "$pre_o.128/26" "$no"
    run_pod network inspect --format '{{.Internal}} {{.DNSEnabled}}' "$no"
    is "$output" "false false"
    run_pod network inspect "$no"
    is "$(jq -r '.[0].subnets[0].lease_range | "\(.start_ip) \(.end_ip)"' <<<"$output")" "$pre_o.129 $pre_o.191"
    # Servers on both networks; --ip-range: the address is in the range.
    run_pod run -d --name "out-$$" --network "$no" "${IMG[@]}" httpd -f -p 80 -h /etc
    ip_o=$(pod inspect --format '{{.NetworkSettings.IPAddress}}' "out-$$")
    last=${ip_o##*.}
    [[ "${ip_o%.*}" == "$pre_o" && $last -ge 129 && $last -le 191 ]] || die "address $ip_o is not in $pre_o.128/26"
    run_pod run -d --name "in-$$" --network "$ni" "${IMG[@]}" httpd -f -p 80 -h /etc
    ip_i=$(pod inspect --format '{{.NetworkSettings.IPAddress}}' "in-$$")
    # The probe: one bounded HTTP GET, "ok" or "no".
    probe='for i in $(seq 30); do printf "GET /hostname HTTP/1.0\r\n\r\n" | nc -w 2 "$1" 80 2>/dev/null | grep -q "^HTTP" && { echo ok; exit; }; [ "$2" = once ] && break; sleep 0.1; done; echo no'
    # From the internal network: no default route, the other member is
    # reachable, the container of the other network is not.
    run_pod run --rm --network "$ni" "${IMG[@]}" sh -c "ip route | grep -c '^default' || true"
    is "$output" "0"
    run_pod run --rm --network "$ni" "${IMG[@]}" sh -c "$probe" - "$ip_i" retry
    is "$output" "ok"
    run_pod run --rm --network "$ni" "${IMG[@]}" sh -c "ip route get $ip_o 2>&1; $probe" - "$ip_o" once
    # (gVisor's netstack has no `ip route get`: the probe alone says it.)
    is_gvisor || contains "$output" "unreachable"
    is "${lines[-1]}" "no"
    # From the other network (the control): a default route, its server
    # reachable.
    run_pod run --rm --network "$no" "${IMG[@]}" sh -c "ip route | grep -c '^default'; $probe" - "$ip_o" retry
    is "$output" "1
ok"
    # No masquerade for the internal subnet while its containers run; the
    # other network has one.
    nat=$(iptables-save -t nat 2>/dev/null; nft list ruleset 2>/dev/null | grep -i masq || true)
    if [[ -n "$nat" ]]; then
        grep -q -- "${so%.0/24}\." <<<"$nat" || die "no NAT rule for $so: $nat"
        ! grep -q -- "${si%.0/24}\." <<<"$nat" || die "NAT rules for the internal $si: $(grep -- "${si%.0/24}\." <<<"$nat")"
    fi
    # --disable-dns: no name server of the network, names do not resolve.
    run_pod run --rm --network "$no" "${IMG[@]}" sh -c "cat /etc/resolv.conf; nslookup out-$$ 2>&1 | grep -c '^Address: $ip_o' || true"
    [[ "$output" != *"dns.podman"* && "$output" != *"nameserver $pre_o.1"* ]] || die "resolv.conf names the network's DNS: $output"
    is "${lines[-1]}" "0"
    run_pod rm -f -t 0 "out-$$" "in-$$"
    run_pod network rm "$ni" "$no"
    unset CONTAINERS_CONF_OVERRIDE
}

@test "network create --internal, --disable-dns, --ip-range (netavark)" {
    skip_if_rootless "bridge networks need root"
    [[ -x /usr/lib/podman/netavark ]] || skip "netavark not installed"
    internal_dns_range netavark
}

@test "network create --internal, --disable-dns, --ip-range (CNI)" {
    skip_if_rootless "bridge networks need root"
    [[ -d /usr/lib/cni ]] || skip "the CNI plugins are not installed"
    internal_dns_range cni
}
