#!/usr/bin/env bats
# ps (-a, -q, --no-trunc, --format, --filter) and inspect.

load helpers

@test "ps shows running containers, -a all, -q ids, --no-trunc full ids" {
    run_pod run -d --name up "${IMG[@]}" sleep 1000
    up=$output
    run_pod 2 run --name down "${IMG[@]}" sh -c 'exit 2'
    run_pod ps
    is "${lines[0]}" "CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES"
    is "${#lines[@]}" "2" "ps lines"
    contains "${lines[1]}" "sleep 1000"
    contains "${lines[1]}" "Up "
    run_pod ps -a --format '{{.Names}} {{.Status}}'
    is "${lines[0]}" "up Up .*"
    is "${lines[1]}" "down Exited \(2\) .* ago"
    run_pod ps -q
    is "$output" "${up:0:12}"
    run_pod ps -q --no-trunc
    is "$output" "$up"
    run_pod ps -a --format json
    is "$(echo "$output" | jq -r '.[] | select(.Names[0] == "down") | .ExitCode')" "2"
    is "$(echo "$output" | jq -r '.[] | select(.Names[0] == "up") | .State')" "running"
    run_pod ps -a --format 'table {{.Names}}\t{{.Runtime}}'
    is "${lines[0]}" "NAMES +RUNTIME"
    contains "$output" "$POD_TEST_RUNTIME"
}

@test "ps --filter name, id, status, label, exited, runtime" {
    run_pod run -d --name f-run --label tier=web "${IMG[@]}" sleep 1000
    id=$output
    run_pod create --name f-created --label tier=db "${IMG[@]}" true
    run_pod 3 run --name f-exited "${IMG[@]}" sh -c 'exit 3'
    run_pod ps -a --filter status=running --format '{{.Names}}'
    is "$output" "f-run"
    run_pod ps -a --filter status=created --format '{{.Names}}'
    is "$output" "f-created"
    run_pod ps -a --filter status=exited --format '{{.Names}}'
    is "$output" "f-exited"
    run_pod ps -a --filter name=f-cre --format '{{.Names}}'
    is "$output" "f-created"
    run_pod ps -a --filter id=${id:0:8} --format '{{.Names}}'
    is "$output" "f-run"
    run_pod ps -a --filter label=tier=db --format '{{.Names}}'
    is "$output" "f-created"
    run_pod ps -a --filter label=tier --format '{{.Names}}'
    is "${#lines[@]}" "2"
    run_pod ps -a --filter exited=3 --format '{{.Names}}'
    is "$output" "f-exited"
    run_pod ps -a --filter runtime=$POD_TEST_RUNTIME --format '{{.Names}}'
    is "${#lines[@]}" "3"
    run_pod 125 ps --filter bogus=1
    run_pod 125 ps --filter status=sleeping
}

@test "inspect has Podman's shape, the runtime record and --format" {
    run_pod 9 run --name insp --label a=b "${IMG[@]}" sh -c 'exit 9'
    run_pod inspect insp
    echo "$output" | jq -e 'length == 1' >/dev/null
    for key in Id Created Path Args State Image Name OCIRuntime Config HostConfig Mounts; do
        echo "$output" | jq -e ".[0] | has(\"$key\")" >/dev/null || die "inspect lacks $key"
    done
    is "$(echo "$output" | jq -r '.[0].State.ExitCode')" "9"
    is "$(echo "$output" | jq -r '.[0].Config.Labels.a')" "b"
    is "$(echo "$output" | jq -r '.[0].RuntimeRecord.Kind')" "$POD_TEST_KIND"
    run_pod inspect --format '{{.OCIRuntime}} {{.State.Status}} {{.Path}}' insp
    is "$output" "$POD_TEST_RUNTIME exited sh"
    run_pod container inspect --format '{{.RuntimeRecord.Path}}' insp
    is "$output" "/.*/.+"
    run_pod 125 inspect nosuchthing
    run_pod 125 inspect --format '{{.NoSuchField}}' insp
}

@test "inspect --size and --latest; logs --latest" {
    run_pod run --name sz "${IMG[@]}" sh -c 'head -c 3000 /dev/zero >/grown; echo sized'
    run_pod inspect --size --format '{{.SizeRw}} {{.SizeRootFs}}' sz
    read -r rw rootfs <<<"$output"
    ((rw >= 3000)) || die "SizeRw $rw does not count the 3000-byte file"
    ((rootfs > rw)) || die "SizeRootFs $rootfs is not the image plus the layer"
    run_pod inspect sz
    is "$(jq '.[0] | has("SizeRw")' <<<"$output")" "false" "SizeRw only with --size"
    run_pod create --name newest "${IMG[@]}" echo newest
    run_pod inspect -l --format '{{.Name}}'
    is "$output" "newest"
    run_pod 125 inspect -l sz
    run_pod start -a newest
    run_pod logs -l
    is "$output" "newest"
}

@test "inspect's Podman keys hold the container's values: GraphDriver, CgroupPath, Umask, Passwd, resources" {
    # --cpu-shares needs a cgroup: a rootless container on cgroup v1 has none (410/400 check the refusal)
    ! is_rootless || [[ -f /sys/fs/cgroup/cgroup.controllers ]] || skip "resource limits need a cgroup; rootless on cgroup v1 has none"
    run_pod run -d --name gd --umask 0077 --passwd=false --cpu-shares 512 --ulimit nofile=321:654 \
        --oom-score-adj 7 --dns 10.1.2.3 --add-host h.example:10.1.2.4 "${IMG[@]}" sleep 100
    run_pod inspect gd
    local j=$output
    # GraphDriver: the storage layer's directories; MergedDir is where the
    # running container's root is mounted (and holds its files).
    is "$(jq -r '.[0].GraphDriver.Name' <<<"$j")" "overlay"
    local upper merged
    upper=$(jq -r '.[0].GraphDriver.Data.UpperDir' <<<"$j")
    merged=$(jq -r '.[0].GraphDriver.Data.MergedDir' <<<"$j")
    [[ -d "$upper" ]] || die "UpperDir $upper is not a directory"
    run_pod exec gd sh -c 'echo layer-data >/written'
    is "$(cat "$upper/written")" "layer-data" "the file written in the container is in UpperDir"
    is "$(cat "$merged/written")" "layer-data" "and in MergedDir"
    [[ -n "$(jq -r '.[0].GraphDriver.Data.LowerDir' <<<"$j")" ]] || die "no LowerDir"
    # CgroupPath: the process's own cgroup.
    local pid cg
    pid=$(jq -r '.[0].State.Pid' <<<"$j")
    cg=$(awk -F: '$1 == "0" && $2 == "" {print $3}' "/proc/$pid/cgroup")
    [[ -n "$cg" ]] || cg=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$pid/cgroup")
    is "$(jq -r '.[0].State.CgroupPath' <<<"$j")" "$cg"
    is "$(jq -r '.[0].State.CheckpointedAt' <<<"$j")" "0001-01-01T00:00:00Z"
    is "$(jq -r '.[0].Config | "\(.Umask) \(.Passwd)"' <<<"$j")" "0077 false"
    is "$(jq -r '.[0].HostConfig | "\(.CpuShares) \(.OomScoreAdj) \(.Dns[0]) \(.ExtraHosts[0])"' <<<"$j")" "512 7 10.1.2.3 h.example:10.1.2.4"
    is "$(jq -r '.[0].HostConfig.Ulimits[] | select(.Name == "RLIMIT_NOFILE") | "\(.Soft):\(.Hard)"' <<<"$j")" "321:654"
    # The same keys before init (no spec yet): from the options.
    run_pod create --name gd2 --umask 0027 "${IMG[@]}" true
    run_pod inspect --format '{{.Config.Umask}} {{.Config.Passwd}} {{.GraphDriver.Name}} {{index .Config.Annotations "io.kubernetes.cri-o.TTY"}}' gd2
    is "$output" "0027 true overlay false"
    run_pod rm -f -t 0 gd gd2
}
