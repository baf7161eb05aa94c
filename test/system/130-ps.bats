#!/usr/bin/env bats
# ps: every flag, every --filter key, --format fields and functions, and
# --external with a container another tool made in the shared store.

load helpers

# three containers: running "web.1" (labels), exited "db_2" (code 3), created "c-3"
make_three() {
    run_pod run -d --name web.1 --label tier=web --label 'odd=a b "c" ü' "${IMG[@]}" sleep 1000
    web=$output
    run_pod 3 run --name db_2 --label tier=db -v "$BATS_FILE_TMPDIR:/data" "${IMG[@]}" sh -c 'exit 3'
    db=$(pod inspect --format '{{.ID}}' db_2)
    run_pod create --name c-3 "${IMG[@]}" true
    cr=$output
}

@test "ps: default table, --noheading, --no-trunc, -q, -a" {
    make_three
    run_pod ps
    is "${lines[0]}" "CONTAINER ID  IMAGE                     COMMAND     CREATED +STATUS +PORTS +NAMES"
    is "${#lines[@]}" 2
    is "${lines[1]}" "${web:0:12}  localhost/busybox:latest  sleep 1000  .* ago +Up .* ago +web.1"
    run_pod ps -a
    is "${#lines[@]}" 4
    is "${lines[2]}" "${db:0:12}  localhost/busybox:latest  sh -c exit 3  .* +Exited \(3\) .* ago +db_2"
    is "${lines[3]}" "${cr:0:12} .* true .* Created +c-3"
    run_pod ps -a --noheading
    is "${#lines[@]}" 3
    is "${lines[0]}" "${web:0:12} .*"
    run_pod ps -a --no-trunc --noheading
    is "${lines[0]}" "$web  .*"
    run_pod ps -q
    is "$output" "${web:0:12}"
    run_pod ps -aq --no-trunc
    is "$output" "$web"$'\n'"$db"$'\n'"$cr"
    # --sync is accepted: pod reads the state fresh every time
    run_pod ps --sync -q
    is "$output" "${web:0:12}"
    # long commands are cut to 17 characters unless --no-trunc
    run_pod run -d --name longcmd "${IMG[@]}" sh -c 'sleep 1000; echo a very long command line'
    run_pod ps --filter name=longcmd --format '{{.Command}}'
    is "$output" "sh -c sleep 1000;\.\.\."
    run_pod ps --filter name=longcmd --format '{{.Command}}' --no-trunc
    is "$output" "sh -c sleep 1000; echo a very long command line"
}

@test "ps --format json: Podman's keys, valid JSON with odd labels" {
    make_three
    json=$(pod ps -a --format json)
    echo "$json" | jq -e 'length == 3' >/dev/null || die "not 3 containers: $json"
    is "$(echo "$json" | jq -r '.[0] | keys_unsorted | join(",")')" \
        "AutoRemove,Command,CreatedAt,Exited,ExitedAt,ExitCode,Id,Image,ImageID,IsInfra,Labels,Mounts,Names,Namespaces,Networks,Pid,Pod,PodName,Ports,Size,StartedAt,State,Status,Created"
    is "$(echo "$json" | jq -r '.[0].Labels.odd')" 'a b "c" ü'
    is "$(echo "$json" | jq -r '.[] | select(.Names[0] == "db_2") | "\(.ExitCode) \(.Exited) \(.State) \(.Mounts[0])"')" "3 true exited /data"
    is "$(echo "$json" | jq -r '.[] | select(.Names[0] == "c-3") | "\(.State) \(.Status) \(.Pid) \(.Labels)"')" "created Created 0 null"
    is "$(echo "$json" | jq -r '.[0] | "\(.State) \(.Pid > 0) \(.Created | type) \(.Id)"')" "running true number $web"
    # no containers: an empty array
    is "$(pod ps --filter name=nomatch --format json)" "\[\]"
    # {{json .}} is JSON output too, as in Podman 4.3; {{json .Labels}} a template
    is "$(pod ps --format '{{ json . }}' | jq -r '.[0].Names[0]')" "web.1"
    is "$(pod ps --format '{{json .Labels}}' | jq -r '.tier')" "web"
}

@test "ps --format: Podman's fields, table headers and template functions" {
    make_three
    run_pod ps -a --format '{{.Names}}|{{.ID}}|{{.Image}}|{{.Command}}|{{.State}}|{{.Status}}|{{.Ports}}|{{.Mounts}}|{{.Pid}}|{{.ExitCode}}'
    is "${lines[0]}" "web.1|${web:0:12}|localhost/busybox:latest|sleep 1000|Up .* ago|Up .* ago||\[\]|[1-9][0-9]*|0"
    is "${lines[1]}" "db_2|${db:0:12}|localhost/busybox:latest|sh -c exit 3|Exited \(3\) .* ago|Exited \(3\) .* ago||\[/data\]|0|3"
    run_pod ps --format '{{.CreatedAt}}|{{.Created}}|{{.RunningFor}}|{{.CreatedHuman}}|{{.ImageID}}|{{.Runtime}}'
    is "$output" "20[0-9-]+ [0-9:.]+ \+0000 UTC\|20[0-9-]+ [0-9:.]+ \+0000 UTC\|.* ago\|.* ago\|[0-9a-f]{12}\|$POD_TEST_RUNTIME"
    run_pod ps --format '{{.Labels}}'
    is "$output" 'map\[odd:a b "c" ü tier:web\]'
    run_pod ps --format '{{.Label "tier"}}|{{.Label "nope"}}|{{.Id}}'
    is "$output" "web\|\|${web:0:12}"
    # Podman's template functions
    run_pod ps --format '{{upper .Names}}|{{lower .State}}|{{title "ab cd"}}|{{truncate .Names 3}}|{{join (split "a,b,c" ",") "+"}}|{{json .Names}}|{{pad .Names 1 1}}|{{json .Labels}}'
    is "$output" 'WEB.1\|up .* ago\|Ab Cd\|web\|a\+b\+c\|"web.1"\| web.1 \|\{"odd":"a b \\"c\\" ü","tier":"web"\}'
    # table: headers from the field names, spaces become columns
    run_pod ps -a --format 'table {{.ID}} {{.Names}} {{.RunningFor}} {{.CreatedAt}} {{.ExitCode}} {{.Pod}} {{.PodName}}'
    is "${lines[0]}" "CONTAINER ID  NAMES       RUNNING FOR +CREATED AT +EXIT CODE +POD ID +PODNAME"
    is "${#lines[@]}" 4
    run_pod ps -a --noheading --format 'table {{.Names}}'
    is "$output" "web.1"$'\n'"db_2"$'\n'"c-3"
    run_pod ps --format 'table {{.Names}} {{.Label "tier"}}'
    is "$output" "NAMES       TIER"$'\n'"web.1       web"
    run_pod ps --format 'table {{.Names}}\t{{.Runtime}}'
    is "${lines[0]}" "NAMES       RUNTIME"
    # -q with --format: the format wins
    run_pod ps -q --format '{{.Names}}'
    is "$output" "web.1"
    # bad templates
    run_pod 125 ps --format '{{.NoSuchField}}'
    contains "$output" "can't evaluate field NoSuchField"
    run_pod 125 ps --format '{{.Names'
    run_pod 125 ps --format '{{nosuchfunc .Names}}'
}

@test "ps --sort: every key, Podman's error for a bad one" {
    run_pod create --name b-second "${IMG[@]}" sh -c 'echo zz'
    run_pod run -d --name c-first "${IMG[@]}" sleep 1000
    run_pod create --name a-third "${IMG[@]}" true
    run_pod ps -a --format '{{.Names}}'
    is "$output" "b-second"$'\n'"c-first"$'\n'"a-third"
    run_pod ps -a --sort created --format '{{.Names}}'
    is "$output" "b-second"$'\n'"c-first"$'\n'"a-third"
    run_pod ps -a --sort names --format '{{.Names}}'
    is "$output" "a-third"$'\n'"b-second"$'\n'"c-first"
    run_pod ps -a --sort command --format '{{.Names}}'
    is "$output" "b-second"$'\n'"c-first"$'\n'"a-third"
    run_pod ps -a --sort status --format '{{.Names}}'
    is "$output" "b-second"$'\n'"a-third"$'\n'"c-first"
    run_pod ps -a --sort runningfor --format '{{.Names}}'
    is "$output" "b-second"$'\n'"a-third"$'\n'"c-first"
    run_pod ps -a --sort id --format '{{.ID}}'
    is "$output" "$(pod ps -aq | sort)"
    run_pod ps -a --sort image -q
    is "${#lines[@]}" 3
    run_pod ps -a --sort size --size -q
    is "${#lines[@]}" 3
    run_pod 125 ps --sort bad
    is "${lines[0]}" 'Error: invalid argument "bad" for "--sort" flag: "bad" is not a valid value.  Choose from: "command, created, id, image, names, runningfor, size, status"'
}

@test "ps --last, --latest" {
    make_three
    run_pod ps --last 1 --format '{{.Names}}'
    is "$output" "c-3"
    run_pod ps -n 2 --format '{{.Names}}'
    is "$output" "db_2"$'\n'"c-3"
    run_pod ps -a -n 0 -q
    is "${#lines[@]}" 3
    run_pod ps -l --format '{{.Names}}'
    is "$output" "c-3"
    run_pod ps --latest --filter name=web -q
    is "$output" "${web:0:12}"
    run_pod 125 ps --latest --last 2
    is "$output" "Error: last and latest are mutually exclusive"
    run_pod 125 ps --latest --watch 1
    is "$output" "Error: the watch and latest flags cannot be used together"
}

@test "ps --size, --ns, --pod" {
    make_three
    run_pod ps -a --size
    is "${lines[0]}" "CONTAINER ID .* NAMES +SIZE"
    is "${lines[1]}" ".* web.1 +[0-9.]+k?B \(virtual [0-9.]+[kM]B\)"
    json=$(pod ps --size --format json)
    echo "$json" | jq -e '.[0].Size.rootFsSize > 0 and (.[0].Size.rwSize >= 0)' >/dev/null || die "size: $json"
    run_pod ps --format '{{.Size}}'
    is "$output" ".*Size format requires --size option.*"
    run_pod 125 ps --size --ns
    is "$output" "Error: size and namespace options conflict"
    run_pod ps -a --ns
    is "${lines[0]}" "CONTAINER ID  NAMES       PID         CGROUPNS    IPC         MNT         NET         PIDNS       USERNS      UTS"
    pid=$(pod inspect --format '{{.State.Pid}}' web.1)
    pidns=$(readlink /proc/$pid/ns/pid | tr -dc 0-9)
    is "${lines[1]}" "${web:0:12}  web.1 +$pid +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +$pidns +[0-9]+ +[0-9]+"
    is "${lines[2]}" "${db:0:12}  db_2 +0 *"
    run_pod ps --ns --format '{{.Namespaces.PIDNS}}'
    is "$output" "$pidns"
    is "$(pod ps --ns --format json | jq -r '.[0].Namespaces.Pidns')" "$pidns"
    run_pod ps -a --pod
    is "${lines[0]}" "CONTAINER ID .* NAMES +POD ID +PODNAME"
    is "$(pod ps -p --format json | jq -r '.[0] | "[\(.Pod)][\(.PodName)]"')" "\[\]\[\]"
}

@test "ps --watch refreshes every N seconds" {
    run_pod run -d --name w "${IMG[@]}" sleep 1000
    out=$(timeout 3.5 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" ps --watch 1 --format '{{.Names}}') || true
    n=$(grep -c '^w$' <<<"$out")
    ((n >= 2)) || die "--watch 1 printed $n times in 3.5 s: $out"
    # --quiet prints once, as in Podman
    out=$(timeout 5 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" ps --watch 1 -q)
    is "$(wc -l <<<"$out")" 1
}

@test "ps --filter: every key, values of one key OR'd, keys AND'd" {
    skip_if_rootless_cgroupv1 # it pauses a container
    make_three
    f() { run_pod ps -a --format '{{.Names}}' "$@"; echo "$output" | paste -sd, -; }
    is "$(f --filter id=${web:0:6})" "web.1"
    is "$(f --filter id=${web:0:6} --filter id=${db:0:6})" "web.1,db_2"
    is "$(f --filter id=${web:0:6},id=${cr:0:6})" "web.1,c-3"
    is "$(f --filter name=web)" "web.1"
    is "$(f --filter 'name=^[dc]')" "db_2,c-3"
    is "$(f --filter 'name=b\.1$')" "web.1"
    is "$(f --filter 'name=/db_2')" "db_2"
    is "$(f --filter 'name=[')" ""
    is "$(f --filter label=tier)" "web.1,db_2"
    is "$(f --filter label=tier=db)" "db_2"
    is "$(f --filter label=tier --filter label=odd)" "web.1"
    is "$(f --filter 'label=t*')" "web.1,db_2"
    is "$(f --filter status=running)" "web.1"
    is "$(f --filter status=exited --filter status=created)" "db_2,c-3"
    is "$(f --filter status=stopped)" "db_2"
    is "$(f --filter status=running --filter name=db)" ""
    is "$(f --filter exited=3)" "db_2"
    is "$(f --filter exited=0)" ""
    is "$(f --filter ancestor=localhost/busybox)" "web.1,db_2,c-3"
    is "$(f --filter ancestor=busybox:latest)" "web.1,db_2,c-3"
    is "$(f --filter ancestor=nosuchimage)" ""
    is "$(f --filter before=c-3)" "web.1,db_2"
    is "$(f --filter since=web.1)" "db_2,c-3"
    is "$(f --filter since=web.1 --filter before=c-3)" "db_2"
    is "$(f --filter until=1h)" ""
    is "$(f --filter until=2099-01-01T00:00:00Z)" "web.1,db_2,c-3"
    is "$(f --filter volume=/data)" "db_2"
    is "$(f --filter volume=$BATS_FILE_TMPDIR:/data)" "db_2"
    is "$(f --filter network=podman)" ""
    is "$(f --filter pod=nosuchpod)" ""
    is "$(f --filter health=healthy)" ""
    is "$(f --filter restart-policy=none)" "web.1,db_2,c-3"
    is "$(f --filter restart-policy=always)" ""
    is "$(f --filter runtime=$POD_TEST_RUNTIME)" "web.1,db_2,c-3"
    # without -a, only running containers, filtered; a status filter looks at all
    run_pod ps --filter name=db -q
    is "$output" ""
    is "$(f --filter status=exited)" "db_2"
    run_pod ps --filter status=exited --format '{{.Names}}'
    is "$output" "db_2"
    run_pod pause web.1
    run_pod ps -q
    is "$output" ""
    run_pod ps --filter status=paused --format '{{.Names}} {{.Status}}'
    is "$output" "web.1 Paused"
    run_pod unpause web.1
}

@test "ps --filter: Podman's errors for bad keys and values" {
    run_pod 125 ps --filter bogus=1
    is "$output" "Error: bogus is an invalid filter"
    run_pod 125 ps --filter noequals
    is "$output" 'Error: invalid filter "noequals"'
    run_pod 125 ps --filter status=sleeping
    is "$output" "Error: unknown container state: sleeping: invalid argument"
    run_pod 125 ps --filter exited=abc
    is "$output" "Error: exited code out of range '.x00': strconv.ParseInt: parsing \"abc\": invalid syntax"
    run_pod 125 ps --filter before=nosuch
    contains "$output" '"nosuch"'
    run_pod 125 ps --filter since=nosuch
    run_pod 125 ps --filter until=garbage
    is "$output" 'Error: failed to parse value as time or duration: "garbage"'
    run_pod 125 ps --filter until=1h --filter until=2h
    is "$output" "Error: specify exactly one timestamp for until"
    run_pod 125 ps --filter restart-policy=bad
    is "$output" "Error: bad invalid restart policy"
    run_pod 125 ps --filter restart-policy=bad --filter restart-policy=worse
    is "$output" "Error: bad, worse invalid restart policies"
}

# store_container NAME: a container in pod's store made by another tool
# (Buildah, else Podman on the same root); prints the tool's name.
store_container() {
    if command -v buildah >/dev/null; then
        buildah --root "$PODT/root" --runroot "$PODT/run" --storage-driver overlay from --name "$1" "$IMAGE" >/dev/null
        echo buildah
    elif command -v podman >/dev/null; then
        podman_on_store create --name "$1" "$IMAGE" true >/dev/null
        echo storage
    else
        skip "neither buildah nor podman is installed"
    fi
}

store_rm() {
    buildah --root "$PODT/root" --runroot "$PODT/run" --storage-driver overlay rm "$@" >/dev/null 2>&1 ||
        podman_on_store rm -f "$@" >/dev/null 2>&1 || true
    podman_on_store_done
}

@test "ps --external lists the store's containers pod did not make" {
    run_pod run -d --name mine "${IMG[@]}" sleep 1000
    tool=$(store_container 'their-ctr.x')
    run_pod ps -a --format '{{.Names}}'
    is "$output" "mine"
    run_pod ps -a --external
    is "${#lines[@]}" 3
    is "${lines[2]}" "[0-9a-f]{12}  localhost/busybox:latest  $tool +.* ago +Storage +their-ctr.x"
    # without --all too, as Podman
    run_pod ps --external --format '{{.Names}} {{.State}} {{.Status}} {{.Command}}'
    is "${lines[1]}" "their-ctr.x Storage Storage $tool"
    json=$(pod ps -a --external --format json)
    is "$(echo "$json" | jq -r '.[1] | "\(.State) \(.Status) \(.Names[0]) \(.Image) \(.Command[0]) \(.Pid)"')" \
        "storage Storage their-ctr.x localhost/busybox:latest $tool 0"
    run_pod ps -a --external --filter name=their -q
    is "${#lines[@]}" 1
    run_pod ps -a --external --filter name=mine -q
    is "${#lines[@]}" 1
    run_pod 125 ps -a --external --filter status=storage
    # --last and --latest pick among pod's own containers, as in Podman
    run_pod ps --external --latest --format '{{.Names}}'
    is "$output" "mine"
    run_pod ps --external -n 5 --format '{{.Names}}'
    is "$output" "mine"
    store_rm their-ctr.x
    run_pod ps -a --external -q
    is "${#lines[@]}" 1
}
