#!/usr/bin/env bats
# exec, attach, and interactive use through a real pty (util-linux script).

load helpers

# in_pty CMD...: run a shell command line inside a pseudo-terminal.
# script(1) runs the command with $SHELL, which CI may set to dash: pin bash.
in_pty() {
    SHELL=/bin/bash timeout 60 script -qefc "$*" /dev/null
}

# skip_no_tty skips where the runtime gives containers no real terminal:
# gVisor (runsc 2022) emulates the host tty, and `tty` says "not a tty".
skip_no_tty() {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "runsc does not give the container a pty device"
}

# podcmd prints the pod command line with this file's global flags.
podcmd() {
    echo "$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp --runtime $POD_TEST_RUNTIME"
}

@test "exec: output, exit codes, env, workdir, user, stdin, detach" {
    run_pod run -d --name ex "${IMG[@]}" sleep 1000
    run_pod 7 exec ex sh -c 'echo in-exec; exit 7'
    is "$output" "in-exec"
    run_pod 127 exec ex /no/such/binary
    run_pod 126 exec ex /etc
    # Podman 4.3.1's exit codes: a missing working directory 127, an
    # unknown user 255 (its session's -1), with its words
    run_pod 127 exec -w /no/such/dir ex true
    run_pod 255 exec -u nosuchuser ex true
    is "$output" "Error: unable to find user nosuchuser: no matching entries in passwd file"
    run_pod exec -e FOO=bar -w /tmp ex sh -c 'echo $FOO $(pwd)'
    is "$output" "bar /tmp"
    run_pod exec -u nobody ex id -un
    is "$output" "nobody"
    run_pod exec -u 1000:10 ex id
    contains "$output" "uid=1000"
    contains "$output" "gid=10"
    out=$(echo piped-input | pod exec -i ex cat)
    is "$out" "piped-input"
    run_pod exec -d ex sh -c 'echo bg > /tmp/bg'
    is "$output" "[0-9a-f]{64}"
    local tries=100
    while ((tries-- > 0)) && [[ "$(pod exec ex cat /tmp/bg 2>/dev/null)" != bg ]]; do sleep 0.1; done
    run_pod exec ex cat /tmp/bg
    is "$output" "bg"
    run_pod exec --privileged ex sh -c 'grep CapEff /proc/self/status'
    priv=$output
    run_pod exec ex sh -c 'grep CapEff /proc/self/status'
    [[ "$priv" != "$output" ]] || die "--privileged did not add capabilities ($priv)"
    # Exec sessions leave no monitor or files behind (exec -d's goes once
    # its monitor has run the exit command).
    tries=100
    while ((tries-- > 0)) && [[ -n "$(ls $PODT/run/pod/containers/*/exec/ 2>/dev/null)" ]]; do sleep 0.1; done
    [[ -z "$(ls $PODT/run/pod/containers/*/exec/ 2>/dev/null)" ]] || die "exec session dirs left: $(ls $PODT/run/pod/containers/*/exec/)"
    run_pod stop -t 0 ex
    # Podman 4.3.1's words and exit code (its session's -1)
    run_pod 255 exec ex true
    is "$output" "Error: can only create exec sessions on running containers: container state improper"
    run_pod 125 attach ex
    is "$output" "Error: you can only attach to running containers"
}

@test "run -it gets a terminal; exit code comes back" {
    skip_no_tty
    run in_pty "$(podcmd) run -it --rm ${IMG[*]} sh -c 'tty; exit 3'"
    is "$status" "3" "exit code through the pty"
    contains "$output" "/dev/pts/0"
    run in_pty "echo hi | $(podcmd) run -i --rm ${IMG[*]} cat"
    contains "$output" "hi"
}

@test "exec -it gets a terminal" {
    skip_no_tty
    run_pod run -d --name ti "${IMG[@]}" sleep 1000
    run in_pty "$(podcmd) exec -it ti sh -c 'tty; exit 4'"
    is "$status" "4"
    contains "$output" "/dev/pts/"
}

@test "detach keys leave the container running; attach reconnects" {
    skip_no_tty
    run_pod run -d -it --name dk "${IMG[@]}" sh
    # ctrl-p ctrl-q detaches.
    run in_pty "(sleep 1; printf '\\020\\021') | $(podcmd) attach dk"
    is "$status" "0" "attach exit after detach: $output"
    run_pod inspect --format '{{.State.Status}}' dk
    is "$output" "running"
    # A custom sequence.
    run in_pty "(sleep 1; printf 'echo marker-\$((40+2))\\rexit 5\\r') | $(podcmd) attach --detach-keys ctrl-x dk"
    contains "$output" "marker-42"
    run_pod wait dk
    is "$output" "5"
    run_pod 125 attach dk
    contains "$output" "running"
}

@test "attach streams a running container's output and returns its exit code" {
    # The container prints only after reading a line, which reaches it
    # through attach's stdin: its output follows the attach, whatever the load.
    run_pod run -d -i --name at "${IMG[@]}" sh -c 'read line; echo "late-line $line"; exit 6'
    if ! run_pod 6 attach at <<<go; then
        # Say why: a container that ended before the attach logs no "go".
        echo "# $(pod inspect --format 'exit code {{.State.ExitCode}}, error "{{.State.Error}}", log:' at) $(pod logs at 2>&1)"
        false
    fi
    is "$output" "late-line go"
}

@test "run --rm -d and rm -f never lose the exit code" {
    run_pod run -d --name rmd "${IMG[@]}" sh -c 'sleep 0.3; exit 9'
    run_pod wait rmd
    is "$output" "9"
    run_pod run -d --rm --name rmrace "${IMG[@]}" sh -c 'exit 8'
    # The container removes itself right away; wait still reports its code.
    run_pod wait rmrace
    is "$output" "8"
}

@test "run proxies signals to the container (--sig-proxy)" {
    local out=$BATS_TEST_TMPDIR/out
    ( set +e; pod run --rm --name sp "${IMG[@]}" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' >"$out" 2>&1
      echo "rc=$?" >>"$out" ) &
    local runpid=$!
    local tries=100
    while ((tries-- > 0)) && ! grep -q ready "$out" 2>/dev/null; do sleep 0.05; done
    pkill -TERM -f -- "--runtime $POD_TEST_RUNTIME run --rm --name sp"
    wait "$runpid"
    contains "$(cat $out)" "got-term"
    contains "$(cat $out)" "rc=7"
}

@test "the container's terminal gets our terminal's size" {
    [[ "$POD_TEST_RUNTIME" == crun ]] || skip "reading the size back works with crun's pty here (runc's pty refuses TIOCGWINSZ on this kernel)"
    run in_pty "stty cols 123 rows 45; $(podcmd) run -it --rm ${IMG[*]} sh -c 'stty -a | head -1'"
    contains "$output" "rows 45; columns 123"
}

@test "exec --preserve-fds passes our fds to the process" {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "runsc exec has no --preserve-fds"
    skip_unless_oci "shims do not support --preserve-fds"
    run_pod run -d --name pfd "${IMG[@]}" sleep 1000
    echo fd3-content >"$BATS_TEST_TMPDIR/fd3"
    out=$(pod exec --preserve-fds 1 pfd sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/fd3")
    is "$out" "fd3-content"
}
