#!/usr/bin/env bats
# Every container records the runtime it asked for, and every later verb
# uses that record: config changes, a moved binary, an explicit switch.

load helpers

# other_runtime prints an available runtime other than POD_TEST_RUNTIME.
other_runtime() {
    local r
    for r in crun runc runsc; do
        if [[ "$r" != "$POD_TEST_RUNTIME" ]] && command -v "$r" >/dev/null; then
            echo "$r"
            return
        fi
    done
}

# podx runs pod without the test's --runtime flag, so the configuration decides.
podx() {
    "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" "$@"
}

@test "the record survives removing the runtime from containers.conf and changing the default" {
    skip_unless_oci "containers.conf configures OCI runtimes"
    other=$(other_runtime)
    [[ -n "$other" ]] || skip "needs two runtimes"
    # A runtime known only through containers.conf, under its own name.
    bin=$BATS_TEST_TMPDIR/bin/$POD_TEST_RUNTIME
    mkdir -p "${bin%/*}"
    cp "$(command -v $POD_TEST_RUNTIME)" "$bin"
    conf=$BATS_TEST_TMPDIR/override.conf
    printf '[engine]\nruntime = "myrt"\n[engine.runtimes]\nmyrt = ["%s"]\n' "$bin" >"$conf"
    export CONTAINERS_CONF_OVERRIDE=$conf
    run podx run -d --name rec "${IMG[@]}" sh -c 'echo hello-record; sleep 1000'
    is "$status" "0" "run with the configured default myrt: $output"
    run_pod inspect --format '{{.OCIRuntime}} {{.RuntimeRecord.Path}}' rec
    is "$output" "myrt $bin"
    wait_for_output rec hello-record

    # myrt disappears from the configuration; the default is now another runtime.
    printf '[engine]\nruntime = "%s"\n' "$other" >"$conf"
    run podx runtime ls --format json
    is "$(echo "$output" | jq '[.[] | select(.name == "myrt")] | length')" "0"

    run_pod inspect --format '{{.OCIRuntime}} {{.RuntimeRecord.Path}}' rec
    is "$output" "myrt $bin"
    run_pod logs rec
    is "$output" "hello-record"
    run_pod kill -s USR1 rec
    run_pod stop -t 0 rec
    run_pod start rec
    run_pod exec rec true
    run_pod rm -f -t 0 rec
    # New containers get the new default, and myrt is unknown for them.
    run podx run --name newdef "${IMG[@]}" true
    is "$status" "0" "run with the new default: $output"
    run_pod inspect --format '{{.OCIRuntime}}' newdef
    is "$output" "$other"
    run podx run --runtime myrt "${IMG[@]}" true
    is "$status" "125"
    contains "$output" 'unknown runtime "myrt"'
}

@test "a container whose runtime binary is gone can still be stopped and removed" {
    skip_unless_oci "shim paths are not accepted by design"
    bin=$BATS_TEST_TMPDIR/$POD_TEST_RUNTIME-copy
    cp "$(command -v $POD_TEST_RUNTIME)" "$bin"
    run_pod run -d --name orphan --runtime "$bin" "${IMG[@]}" sh -c 'sleep 1000 & sleep 1000'
    run_pod inspect --format '{{.OCIRuntime}}' orphan
    is "$output" "$bin"
    run_pod inspect --format '{{.State.Pid}}' orphan
    local pid=$output
    # The container's processes: its init and that init's children.
    local pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
    rm "$bin"
    run_pod inspect --format '{{.RuntimeRecord.Missing}}' orphan
    contains "$output" "is missing"
    run_pod 125 exec orphan true
    contains "$output" "$bin"
    run_pod stop -t 0 orphan
    contains "$output" "$bin"
    run_pod inspect --format '{{.State.Status}}' orphan
    is "$output" "exited"
    run_pod rm -f orphan
    run_pod 1 container exists orphan
    local p
    for p in $pids; do
        ! pid_alive "$p" || die "container process $p left running"
    done
}

@test "container update --runtime switches a stopped container, one at a time" {
    other=$(other_runtime)
    [[ -n "$other" ]] || skip "needs two runtimes"
    run_pod run --name sw "${IMG[@]}" true
    run_pod run -d --name keep "${IMG[@]}" sleep 1000
    run_pod 125 container update --runtime "$other" keep
    contains "$output" "stop it"
    run_pod container update --runtime "$other" sw
    run_pod inspect --format '{{.OCIRuntime}}' sw
    is "$output" "$other"
    run_pod start -a sw
    run_pod inspect --format '{{.State.ExitCode}} {{.OCIRuntime}}' sw
    is "$output" "0 $other"
    run_pod inspect --format '{{.OCIRuntime}}' keep
    is "$output" "$POD_TEST_RUNTIME"
    run_pod 125 container update --runtime nosuchruntime sw
    run_pod 125 container update --runtime a/b sw
}
