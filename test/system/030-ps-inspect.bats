#!/usr/bin/env bats
# ps (-a, -q, --no-trunc, --format, --filter) and inspect.

load helpers
load helpers.network

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
    is "$output" '\[\]
Error: inspecting object: no such object: "nosuchthing"' "one empty array and Podman's message"
    run_pod 125 inspect --format '{{.NoSuchField}}' insp
    # without --type a name may be any object: container, volume, network,
    # pod or image, each inspected as its own verb does
    local net
    net=$(net_name i030)
    pod volume create iv030 >/dev/null
    pod network create --subnet "$(net_subnet)" "$net" >/dev/null
    POD_TEST_RUNTIME=crun pod pod create --name ip030 >/dev/null # runsc refuses pods
    run_pod inspect --format '{{.Name}}' insp iv030 "$net" ip030
    is "$(echo $output)" "insp iv030 $net ip030"
    run_pod inspect iv030 ip030
    is "$(echo "$output" | jq -r '.[0].Mountpoint != null, .[1].Id != null')" "true
true"
    run_pod 125 inspect --format '{{.Name}}' iv030 nosuch030
    is "$output" 'iv030
Error: inspecting object: no such object: "nosuch030"'
    pod pod rm ip030 >/dev/null
    pod network rm "$net" >/dev/null
    pod volume rm iv030 >/dev/null
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

@test "inspect of a created container has Podman 4.3.1's keys, types and values; start and stop keep them" {
    local dir=$BATS_TEST_TMPDIR/data
    mkdir -p "$dir"
    run_pod create --name cr -v "$dir:/data" --cap-add net_admin --cap-drop chown --device /dev/null:/dev/xnull \
        --tmpfs /scratch "${IMG[@]}" sleep 100
    run_pod inspect cr
    local j=$output
    # State of a container never started: zero times, no pid, no monitor.
    is "$(jq -c '.[0].State | [.Status, .Running, .Pid, .ExitCode, .Error, .StartedAt, .FinishedAt, .Health.Status, has("ConmonPid"), has("CgroupPath")]' <<<"$j")" \
        '\["created",false,0,0,"","0001-01-01T00:00:00Z","0001-01-01T00:00:00Z","",false,false\]'
    # Types a script reads: lists and maps, never null, even before the spec exists.
    is "$(jq -c '.[0] | [(.EffectiveCaps, .BoundingCaps, .Config.Env, .Mounts, .ExecIDs, .Dependencies, .HostConfig.Binds,
        .HostConfig.CapAdd, .HostConfig.CapDrop, .HostConfig.Devices, .HostConfig.SecurityOpt, .HostConfig.Ulimits,
        .HostConfig.Tmpfs, .HostConfig.PortBindings, .NetworkSettings, .GraphDriver.Data) | type]' <<<"$j")" \
        '\["array","array","array","array","array","array","array","array","array","array","array","array","object","object","object","object"\]'
    # The values Podman shows for these options.
    is "$(jq -c '.[0].HostConfig | [.CapAdd, .CapDrop, .Devices, .Tmpfs, .IpcMode, .Cgroups, .LogConfig.Size, .MemorySwappiness]' <<<"$j")" \
        '\[\["CAP_NET_ADMIN"\],\["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_MKNOD","CAP_NET_RAW"\],\[\{"PathOnHost":"/dev/null","PathInContainer":"/dev/xnull","CgroupPermissions":""\}\],\{"/scratch":"rw,rprivate,nosuid,nodev,tmpcopyup"\},"shareable","default","0B",0\]'
    is "$(jq -c '[.[0].BoundingCaps | (index("CAP_NET_ADMIN") != null), (index("CAP_CHOWN") != null)]' <<<"$j")" '\[true,false\]' "bounding caps: the added one, not the dropped one"
    is "$(jq -r '.[0].Config.Env | map(select(startswith("PATH=") or startswith("container=") or startswith("HOME=") or startswith("HOSTNAME="))) | join(" ")' <<<"$j")" \
        "PATH=[^ ]+ container=podman" "Env: the defaults, without the HOME and HOSTNAME the start adds"
    is "$(jq -r '.[0].Config.Env | map(select(startswith("TERM="))) | join(" ")' <<<"$j")" "TERM=xterm" "TERM=xterm without -t, as Podman 4.3.1"
    is "$(jq -r '.[0].HostConfig.ShmSize' <<<"$j")" 65536000 "containers.conf's shm_size 65536k read in decimal units, as Podman 4.3.1"
    is "$(jq -r '.[0].ImageDigest' <<<"$j")" "sha256:[0-9a-f]{64}"
    is "$(jq -r '.[0].Mounts | map(.Destination) | join(" ")' <<<"$j")" "/data" "only the user's mounts"
    # What the created container shows is what it gets: the same after start and stop.
    local keep='.[0] | {EffectiveCaps, BoundingCaps, h: (.HostConfig | {CapAdd, CapDrop, Devices, Tmpfs, Ulimits, PidsLimit, IpcMode, Cgroups, ShmSize}), m: [.Mounts[].Destination]}'
    local before
    before=$(jq -cS "$keep" <<<"$j")
    run_pod start cr
    run_pod stop -t 0 cr
    run_pod inspect cr
    local after
    after=$(jq -cS "$keep" <<<"$output")
    [[ "$after" == "$before" ]] || die "inspect changed after start and stop: $before -> $after"
    is "$(jq -c '.[0].State | [.Status, .Pid, has("ConmonPid"), .StartedAt != "0001-01-01T00:00:00Z", .FinishedAt >= .StartedAt]' <<<"$output")" \
        '\["exited",0,false,true,true\]'
    is "$(jq -r '.[0].Config.Env | map(select(startswith("HOME=") or startswith("HOSTNAME="))) | length' <<<"$output")" 2 "the start added HOME and HOSTNAME"
    # a privileged container adds nothing to Podman's CapAdd
    run_pod create --name crp --privileged "${IMG[@]}" true
    is "$(pod inspect --format '{{json .HostConfig.CapAdd}}' crp)" '\[\]'
    run_pod rm -f -t 0 cr crp
}
