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

@test "a name that is no object: Podman 4.3.1's words and exit code, verb by verb" {
    # Each line: exit code | command | the whole output, as Podman 4.3.1
    # printed it for the same command (checked side by side).
    local code cmd want
    while IFS='|' read -r code cmd want; do
        # rootless on cgroup v1, stats is refused before the lookup (as Podman)
        is_rootless && [[ $cmd == stats* ]] && continue
        # shellcheck disable=SC2086
        run_pod "$code" $cmd
        want=$(printf '%b' "$want")
        [[ "$output" == "$want" ]] || die "$cmd: got
$output
want
$want"
    done <<'EOF2'
125|inspect nosuch|[]\nError: inspecting object: no such object: "nosuch"
125|volume inspect nosuch|[]\nError: inspecting object: no such volume nosuch
125|pod inspect nosuch|[]\nError: inspecting object: no such pod nosuch
125|network inspect nosuch|[]\nError: inspecting object: network nosuch: unable to find network with name or ID nosuch: network not found
1|network rm nosuch|Error: unable to find network with name or ID nosuch: network not found
1|pod rm nosuch|Error: no pod with name or ID nosuch found: no such pod
125|pod top nosuch|Error: unable to look up requested container: no pod with name or ID nosuch found: no such pod
125|top nosuch|Error: unable to look up requested container: no container with name or ID "nosuch" found: no such container
125|stats --no-stream nosuch|Error: unable to get list of containers: unable to look up container nosuch: no container with name or ID "nosuch" found: no such container
125|cp nosuch:/x /tmp/x|Error: container "nosuch" does not exist
125|diff nosuch|Error: nosuch not found: layer not known
125|generate kube nosuch|Error: name or ID "nosuch" not found
125|volume export nosuch|Error: no such volume nosuch
EOF2
    # a user the image lacks: run exits 126 with Podman's words, the
    # container stays created (removed with --rm)
    run_pod 126 run --rm -u nosuchuser "${IMG[@]}" true
    is "$output" "Error: unable to find user nosuchuser: no matching entries in passwd file"
    run_pod ps -a -q
    is "$output" "" "nothing left by run --rm"
}
