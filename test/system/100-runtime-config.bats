#!/usr/bin/env bats
# pod.conf: shim aliases with options, default runtime; shim names refused.

load helpers

# podx runs pod without the test's --runtime flag, so the configuration decides.
podx() {
    "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" "$@"
}

needs_shim() {
    command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 is not installed"
}

@test "an alias names a shim with options; the default may be an alias" {
    skip_if_rootless "shims cannot run rootless"
    needs_shim
    export POD_CONFIG=$BATS_TEST_TMPDIR/pod.conf
    cat >"$POD_CONFIG" <<CONF
default_runtime = "crun-shim"
[runtimes.crun-shim]
type = "io.containerd.runc.v2"
[runtimes.crun-shim.options]
BinaryName = "$(command -v crun)"
CONF
    run podx runtime ls --format json
    is "$status" "0"
    is "$(echo "$output" | jq -r '.[] | select(.name == "crun-shim") | "\(.kind) \(.available) \(.default)"')" "shimv2 true true"
    run podx run --rm --name al "${IMG[@]}" echo via-alias
    is "$status" "0" "$output"
    is "$output" "via-alias"
    run podx run -d --name al2 "${IMG[@]}" sleep 100
    is "$status" "0" "$output"
    run podx inspect --format '{{.OCIRuntime}} {{.RuntimeRecord.Kind}}' al2
    is "$output" "crun-shim shimv2"
    # The shim really runs crun: its state is in crun's format.
    run podx exec al2 sh -c 'echo exec-ok'
    is "$output" "exec-ok"
    run podx rm -f -t 0 al2
    # --runtime on the command line wins over default_runtime.
    run podx run --rm --runtime runc "${IMG[@]}" true
    is "$status" "0" "$output"
}

@test "bad pod.conf: a clear error naming the file" {
    export POD_CONFIG=$BATS_TEST_TMPDIR/pod.conf
    printf '[runtimes."Bad_Name"]\ntype = "io.containerd.runc.v2"\n' >"$POD_CONFIG"
    run podx ps
    is "$status" "125"
    contains "$output" "$POD_CONFIG"
    printf '[runtimes.x]\ntype = "not-a-shim-type"\n' >"$POD_CONFIG"
    run podx runtime ls
    [[ "$status" -ne 0 || "$output" == *"not-a-shim-type"* ]] || die "bad type accepted silently: $output"
    export POD_CONFIG=$BATS_TEST_TMPDIR/missing.conf
    run podx ps
    is "$status" "125"
    contains "$output" "missing.conf"
}

@test "shim runtimes by path or with slashes are refused" {
    run_pod 125 run --runtime /usr/bin/containerd-shim-runc-v2 "${IMG[@]}" true
    contains "$output" "shims are chosen by runtime type"
    run_pod 125 run --runtime io.containerd.runc/../../x.v2 "${IMG[@]}" true
    contains "$output" "/"
    run_pod 125 run --runtime io.containerd.nosuchshim.v9 "${IMG[@]}" true
    contains "$output" "containerd-shim-nosuchshim-v9"
}

@test "runtime inspect shows capabilities; pod.conf declarations; refusals before anything is created" {
    run_pod runtime inspect "$POD_TEST_RUNTIME"
    is "$(echo "$output" | jq -r '.[0] | "\(.kind) \(.capabilities.exec.has) \(.capabilities.pause.has)"')" "$POD_TEST_KIND true true"
    run_pod runtime ls --format json
    is "$(echo "$output" | jq -r ".[] | select(.name == \"$POD_TEST_RUNTIME\") | .capabilities.exec.source")" "kind"
    run_pod 125 runtime inspect no-such-runtime
    contains "$output" 'unknown runtime "no-such-runtime"'

    # A declared capability wins over what pod knows; refusals name runtime, flag and capability.
    export POD_CONFIG=$BATS_TEST_TMPDIR/pod.conf
    printf '[capabilities."%s"]\nexec = false\n"cgroups-disabled" = false\n' "$POD_TEST_RUNTIME" >"$POD_CONFIG"
    run_pod runtime inspect --format '{{.Capabilities.Names}}' "$POD_TEST_RUNTIME"
    [[ "$output" != *exec* ]] || die "declared exec = false not shown: $output"
    run_pod 125 run --rm --cgroups=disabled --name capped "${IMG[@]}" true
    contains "$output" "runtime \"$POD_TEST_RUNTIME\" does not support --cgroups=disabled (capability cgroups-disabled"
    run_pod 1 container exists capped
    run_pod run -d --name capx "${IMG[@]}" sleep 100
    run_pod 125 exec capx true
    contains "$output" "capability exec"
    run_pod inspect --format '{{len .ExecIDs}}' capx
    is "$output" "0" "no exec session was created"
    run_pod rm -f -t 0 capx
    printf '[capabilities.x]\nfly = true\n' >"$POD_CONFIG"
    run_pod 125 ps
    contains "$output" 'unknown capability "fly"'
}
