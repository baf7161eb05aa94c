#!/usr/bin/env bats
# Bad input: clear errors naming the object and the fix, exit 125, nothing left.

load helpers

@test "unknown runtime names the available ones" {
    run_pod 125 run --runtime nosuchruntime "${IMG[@]}" true
    contains "$output" 'unknown runtime "nosuchruntime"'
    contains "$output" "available runtimes are"
    contains "$output" "$POD_TEST_RUNTIME"
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "runtime names with a slash are refused; missing absolute paths say so" {
    run_pod 125 run --runtime ../crun "${IMG[@]}" true
    contains "$output" "contains a \"/\""
    run_pod 125 run --runtime bin/crun "${IMG[@]}" true
    run_pod 125 run --runtime io.containerd.runc/../../x.v2 "${IMG[@]}" true
    run_pod 125 run --runtime /nonexistent/runtime "${IMG[@]}" true
    contains "$output" "/nonexistent/runtime"
    run_pod 125 run --runtime /etc "${IMG[@]}" true
    contains "$output" "not a regular file"
}

@test "bad flags and values exit 125 with the flag named" {
    run_pod 125 run --bogus "${IMG[@]}" true
    contains "$output" "unknown flag: --bogus"
    run_pod 125 run --pull sometimes "${IMG[@]}" true
    contains "$output" "--pull"
    run_pod 125 run --memory lots "${IMG[@]}" true
    contains "$output" "memory"
    run_pod 125 run --ulimit nofile=abc "${IMG[@]}" true
    contains "$output" "ulimit"
    run_pod 125 run -v ./relative:/x "${IMG[@]}" true
    run_pod 125 run -v "bad*name:/x" "${IMG[@]}" true
    contains "$output" "volume name"
    run_pod 125 run --stop-signal SIGNOPE "${IMG[@]}" true
    # Podman's words and exit code (1) for a bad --log-level.
    run_pod 1 run --log-level chatty "${IMG[@]}" true
    contains "$output" 'Log Level "chatty" is not supported'
    run_pod 125 --cgroup-manager nope ps
    run_pod 125 run --rootfs relative/path true
    run_pod 125 run --rootfs /nonexistent/rootfs true
    run_pod 125 run --env-file /nonexistent/env "${IMG[@]}" true
    run_pod 125 stop
    run_pod 125 rm --all somename
    run_pod ps -a --format '{{.Names}}'
    is "$output" "" "containers left behind by failed creates"
}

@test "a ulimit above what this host allows is refused before the runtime runs" {
    hard=$(ulimit -Hn)
    [[ "$hard" == unlimited ]] && skip "no hard limit"
    run_pod 125 run --rm --ulimit nofile=$((hard + 1)):$((hard + 1)) "${IMG[@]}" true
    contains "$output" "nofile"
    # The default limits are clamped to what pod may set, so runs succeed here.
    run_pod run --rm "${IMG[@]}" sh -c 'ulimit -n'
    [[ "$output" -le "$hard" ]] || die "nofile $output above the hard limit $hard"
}
