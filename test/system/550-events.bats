#!/usr/bin/env bats
# pod events: the file backend (parallel writers, rotation), filters, formats.

load helpers

# statuses NAME: the statuses of NAME's events, space separated.
statuses() {
    pod events --stream=false --filter container="$1" --format '{{.Status}}' | tr '\n' ' '
}

@test "every verb of a lifecycle appears once and in order" {
    skip_if_rootless_cgroupv1 # pause needs a cgroup to freeze
    run_pod create --name lc --label app=ev "${IMG[@]}" sleep 100
    cid=$output
    run_pod init lc
    run_pod start lc
    run_pod pause lc
    run_pod unpause lc
    run_pod exec lc true
    run_pod rename lc lc2
    run_pod restart -t 0 lc2
    run_pod kill lc2
    wait_for_status lc2 exited
    run_pod start lc2
    run_pod stop -t 0 lc2
    run_pod rm lc2
    run statuses "$cid"
    is "$output" "create init start pause unpause exec exec_died rename restart stop died cleanup init start kill died cleanup init start stop died cleanup remove "
    # The default line, as Podman's (labels as attributes).
    run_pod events --stream=false --filter container="$cid" --filter event=create
    is "$output" "[0-9-]+ [0-9:.]+ \+0000 UTC container create $cid \(image=$IMAGE:latest, name=lc, app=ev\)"
    run_pod events --stream=false --filter container="$cid" --filter event=exec_died --format json
    is "$(jq -r '[.Type, .Status, .Name, .Attributes.app, (.Attributes.execID | length)] | join(" ")' <<<"$output")" "container exec_died lc ev 64"
}

@test "run, run --rm and run -d: the events of each, once, in order" {
    run_pod run --name r1 "${IMG[@]}" true
    run_pod 3 run --rm --name r3 "${IMG[@]}" sh -c 'exit 3'
    run_pod run -d --name r4 "${IMG[@]}" true
    for ((i = 0; i < 50; i++)); do
        [[ "$(statuses r4)" == *cleanup* && "$(statuses r1)" == *cleanup* ]] && break
        sleep 0.1
    done
    run statuses r1
    is "$output" "create init start attach died cleanup "
    run statuses r3
    is "$output" "create init start attach died cleanup remove "
    run_pod events --stream=false --filter container=r3 --filter event=died --format '{{.ContainerExitCode}}'
    is "$output" 3
    run statuses r4
    is "$output" "create init start died cleanup "
}

@test "8 parallel clients: every container's lifecycle complete and in order, no torn line" {
    local pids=() i
    for i in $(seq 8); do
        pod run --rm --name "par$i" "${IMG[@]}" true >/dev/null 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    for i in $(seq 8); do
        for ((t = 0; t < 50; t++)); do
            [[ "$(statuses par$i)" == *remove* ]] && break
            sleep 0.1
        done
        run statuses "par$i"
        is "$output" "create init start attach died cleanup remove " "par$i"
    done
    # Each line of the log is one whole JSON document.
    run_pod info --format '{{.Host.EventLogger}}'
    is "$output" file
    log=$PODT/tmp/events/events.log
    [[ -s "$log" ]] || die "no $log"
    jq -c . "$log" >/dev/null || die "torn lines in $log"
}

@test "--filter, --since, --until, --format, --stream" {
    # --since has whole seconds: start in a second of our own, after the
    # previous test's events (CI: its par2 was created in t0's second).
    t0=$(($(date +%s) + 1))
    while (($(date +%s) < t0)); do sleep 0.1; done
    run_pod run -d --name fa --label tier=web "${IMG[@]}" true
    wait_for_status fa exited
    sleep 1.1
    mid=$(date +%s)
    sleep 1.1
    run_pod run -d --name fb "${IMG[@]}" true
    wait_for_status fb exited
    run_pod events --stream=false --filter label=tier=web --filter event=create --format '{{.Name}}'
    is "$output" "fa"
    run_pod events --stream=false --filter container=fa --filter container=fb --filter event=start --format '{{.Name}}'
    is "$(tr '\n' ' ' <<<"$output")" "fa fb "
    run_pod events --stream=false --since "$mid" --filter event=create --format '{{.Name}}'
    is "$output" "fb"
    run_pod events --stream=false --since "$t0" --until "$mid" --filter event=create --format '{{.Name}}'
    is "$output" "fa"
    run_pod events --stream=false --filter since="$mid" --filter type=container --filter event=create --format '{{.Name}}'
    is "$output" "fb"
    run_pod events --stream=false --since "$t0" --filter image="$IMAGE" --filter event=create --format '{{.Name}}'
    is "$(tr '\n' ' ' <<<"$output")" "fa fb "
    run_pod events --stream=false --since "$t0" --filter event=create --format json
    is "$(jq -s -r 'map(.Name) | join(" ")' <<<"$output")" "fa fb"
    run_pod events --stream=false --since "$t0" --filter event=create --format '{{json .}}'
    is "$(jq -s 'length' <<<"$output")" 2
    run_pod events --stream=false --since "$t0" --filter event=create --no-trunc=false
    contains "$output" "container create $(pod inspect --format '{{.ID}}' fa | cut -c1-12) ("
    # Streaming (the default) follows new events, and ends at --until.
    out=$BATS_TEST_TMPDIR/stream
    pod events --filter container=fc --format '{{.Status}}' --until "$(($(date +%s) + 6))" >"$out" 2>&1 &
    spid=$!
    sleep 0.5
    run_pod run --name fc "${IMG[@]}" true
    wait "$spid" || die "events stream failed: $(cat "$out")"
    is "$(tr '\n' ' ' <"$out")" "create init start attach died cleanup "
    # --until ends a stream at that time.
    run_pod events --until 1s --filter event=create --format '{{.Name}}'
    contains "$output" "fc"
    # Bad input: exit 125, clear errors.
    run_pod 125 events --filter color=red
    contains "$output" 'unknown key "color"'
    run_pod 125 events --filter event=explode
    contains "$output" 'unknown event status "explode"'
    run_pod 125 events --since yesterday
    contains "$output" '"yesterday" is not a time'
    run_pod 125 events --format '{{.Nope}}' --stream=false
}

@test "the file backend rotates at events_logfile_max_size; none and journald backends" {
    conf=$BATS_TEST_TMPDIR/containers.conf
    printf '[engine]\nevents_logfile_max_size = 4000\n' >"$conf"
    export CONTAINERS_CONF=$conf
    for i in $(seq 6); do
        run_pod run --rm --name "rot$i" "${IMG[@]}" true
    done
    log=$PODT/tmp/events/events.log
    size=$(stat -c %s "$log")
    ((size <= 4000 + 1000)) || die "log is $size bytes"
    jq -c . "$log" >/dev/null || die "torn lines after rotation"
    run_pod events --stream=false --filter type=system --format '{{.Status}}'
    contains "$output" "log-rotation"
    run statuses rot6
    is "$output" "create init start attach died cleanup remove "
    unset CONTAINERS_CONF
    # none: nothing is written.
    before=$(stat -c %s "$log")
    run_pod --events-backend none run --rm --name quiet "${IMG[@]}" true
    sleep 1.2 # the exit command too
    is "$(stat -c %s "$log")" "$before" "log size"
    run_pod 125 --events-backend bogus ps
    contains "$output" '"bogus" is not a valid events backend'
    if [[ ! -S /run/systemd/journal/socket ]]; then
        run_pod 125 --events-backend journald events --stream=false
        contains "$output" "needs a running systemd-journald"
    fi
}

@test "image verbs write Podman's image events (pod-image), --events-backend none writes none" {
    id=$(pod image inspect --format '{{.ID}}' "$IMAGE")
    since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    run_pod tag "$IMAGE" "$IMAGE:two"
    run_pod untag "$IMAGE" "$IMAGE:two"
    run_pod save -q -o "$BATS_TEST_TMPDIR/s.tar" "$IMAGE"
    run_pod rmi "$IMAGE"
    run_pod load -q -i "$BATS_TEST_TMPDIR/s.tar"
    run_pod events --stream=false --since "$since" --filter type=image --format '{{.Status}} {{.Name}} {{.ID}}'
    # As podman 4.3.1 prints them for the same commands.
    is "$output" "tag $IMAGE:two $id
untag $IMAGE:two $id
save $BATS_TEST_TMPDIR/s.tar $id
untag $IMAGE:latest $id
remove $IMAGE:latest $id
loadfromarchive $BATS_TEST_TMPDIR/s.tar $id"
    run_pod events --stream=false --filter event=untag --format json
    is "$(jq -r '[.Type, .Status, .ID] | join(" ")' <<<"$output" | sort -u)" "image untag $id"
    # pod-image gets pod's --events-backend.
    n=$(pod events --stream=false | wc -l)
    run_pod --events-backend none tag "$IMAGE" "$IMAGE:quiet"
    run_pod untag --events-backend none "$IMAGE" "$IMAGE:quiet"
    is "$(pod events --stream=false | wc -l)" "$n" "events after --events-backend none"
}

@test "pod and volume events as Podman 4.3.1: create, start, pause, unpause, kill, stop, remove; volume create and remove" {
    skip_if_rootless_cgroupv1 # pause needs a cgroup to freeze
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "runsc refuses pods"
    since=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    run_pod pod create --name pe
    pid=$output
    for v in start pause unpause kill stop rm; do
        run_pod pod "$v" pe
    done
    run_pod events --stream=false --since "$since" --filter type=pod --format '{{.Type}} {{.Status}} {{.ID}} {{.Name}}'
    is "$output" "pod create $pid pe
pod start $pid pe
pod pause $pid pe
pod unpause $pid pe
pod kill $pid pe
pod stop $pid pe
pod remove $pid pe"
    run_pod events --stream=false --since "$since" --filter type=pod --filter event=create
    is "$output" "[0-9-]+ [0-9:.]+ \+0000 UTC pod create $pid \(image=, name=pe\)" "Podman's line"
    run_pod volume create ve
    run_pod volume rm ve
    run_pod events --stream=false --since "$since" --filter type=volume --format json
    is "$(jq -r '[.Type, .Status, .Name] | join(" ")' <<<"$output")" "volume create ve
volume remove ve"
}
