#!/usr/bin/env bats
# Faults: a killed monitor, a killed pod CLI, a killed shim.

load helpers

@test "SIGKILL of the monitor: ps, stop and rm -f still work, with a clear state" {
    run_pod run -d --name mk "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' mk)
    mon=$(pod inspect --format '{{.State.ConmonPid}}' mk)
    [[ $mon -gt 0 ]] || die "no monitor pid"
    kill -9 "$mon"
    sleep 0.3
    run_pod inspect --format '{{.State.Status}}|{{.State.Error}}' mk
    is "$output" "running\|.*monitor.*died.*stop or rm -f it"
    run_pod ps --format '{{.Names}}'
    is "$output" "mk"
    run_pod stop -t 1 mk
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' mk
    is "$output" "exited -1"
    ! pid_alive "$pid" || die "container process $pid still runs"
    run_pod rm mk
    run_pod 1 container exists mk
}

@test "SIGKILL of the monitor of a running container, then rm -f" {
    run_pod run -d --name mk2 "${IMG[@]}" sleep 1000
    pid=$(pod inspect --format '{{.State.Pid}}' mk2)
    kill -9 "$(pod inspect --format '{{.State.ConmonPid}}' mk2)"
    run_pod rm -f -t 0 mk2
    run_pod 1 container exists mk2
    ! pid_alive "$pid" || die "container process $pid still runs"
    true
}

@test "SIGKILL of pod during an attached run: no stuck container" {
    # The container runs until the test makes /tmp/go, after pod's death:
    # it is still running when pod is killed, whatever the load.
    (POD_EXEC=1 pod run --rm --name cut "${IMG[@]}" sh -c 'until test -e /tmp/go; do sleep 0.1; done; echo done' >/dev/null 2>&1) &
    podpid=$!
    wait_for_status cut running
    [[ "$(cat /proc/$podpid/comm)" == pod ]] || die "process $podpid is $(cat /proc/$podpid/comm), not pod"
    kill -9 "$podpid"
    wait "$podpid" || true
    let_go cut
    # The container finishes on its own; the monitor's exit command removes it.
    local tries=100
    while ((tries-- > 0)) && pod container exists cut; do sleep 0.1; done
    run_pod 1 container exists cut
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "a foreground start that fails after its monitor started leaves no monitor and no monitor files" {
    # pod-conmon may start before the storage mount and the spec (run and
    # start --attach): a failure there must stop it before it ran anything.
    mkdir "$PODT/late-src"
    run_pod create --name late --network none -v "$PODT/late-src:/x" "${IMG[@]}" ls /x
    id=$(pod inspect --format '{{.ID}}' late)
    rmdir "$PODT/late-src"
    run_pod 125 start -a late
    contains "$output" "source \"$PODT/late-src\" does not exist"
    if pgrep -f "pod-conmon.*-c $id" >/dev/null; then die "a monitor of late is left: $(pgrep -fa "pod-conmon.*-c $id")"; fi
    for f in attach ctl winsz; do
        [[ ! -e "$PODT/root/pod/containers/$id/$f" ]] || die "the monitor's $f is left"
    done
    run_pod inspect --format '{{.State.Status}}' late
    is "$output" "created"
    # Nothing half-done: the next start runs it.
    mkdir "$PODT/late-src"
    touch "$PODT/late-src/data-$$"
    run_pod start -a late
    is "$output" "data-$$"
    run_pod rm late
}

@test "rm -f of a running container keeps its exit code for wait" {
    run_pod run -d --name rmf "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' rmf)
    run_pod rm -f -t 0 rmf
    run_pod wait "$id"
    is "$output" "137"
}

@test "SIGKILL of a shim: the container shows exited and rm -f cleans everything" {
    [[ "$POD_TEST_KIND" == shimv2 ]] || skip "shim runtimes only"
    run_pod run -d --name sk "${IMG[@]}" sleep 1000
    id=$(pod inspect --format '{{.ID}}' sk)
    shim=$(pgrep -f "containerd-shim.*-id $id" | head -1)
    [[ -n "$shim" ]] || die "no shim process for $id"
    kill -9 "$shim"
    wait_for_status sk exited 100
    run_pod inspect --format '{{.State.ExitCode}}' sk
    is "$output" "137"
    run_pod rm -f sk
    pgrep -f "$id" && die "processes of $id left: $(pgrep -fa $id)"
    true
}

# The exit command of a container's monitor is a path, run when the
# container has exited: pod_copy gives the test a copy of pod ($PODT/cbin,
# its helpers linked beside it) whose monitors name $PODT/cbin/pod, and
# log_exit_commands swaps that path for a wrapper that logs each call to
# $PODT/exitcmds before it runs the copy. cbin_pod runs the copy.
pod_copy() {
    mkdir -p "$PODT/cbin"
    rm -f "$PODT/cbin/pod" "$PODT/cbin/pod.real" "$PODT/exitcmds"
    cp "$POD_BIN/pod" "$PODT/cbin/pod"
    local f
    for f in "$POD_BIN"/*; do
        [[ $(basename "$f") == pod ]] || ln -sf "$f" "$PODT/cbin/"
    done
}
log_exit_commands() {
    mv "$PODT/cbin/pod" "$PODT/cbin/pod.real"
    printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "$PODT/exitcmds" "$PODT/cbin/pod.real" >"$PODT/cbin/pod"
    chmod +x "$PODT/cbin/pod"
}
cbin_pod() { POD_BIN=$PODT/cbin pod "$@"; }

# wait_pid_gone PID: wait (at most 20 s) until PID has exited.
wait_pid_gone() {
    local tries=200
    while ((tries-- > 0)) && pid_alive "$1"; do sleep 0.1; done
    ! pid_alive "$1" || die "process $1 ($(cat /proc/$1/cmdline | tr '\0' ' ')) still runs"
}

# assert_cleaned NAME CODE MERGED: NAME exited with CODE and is cleaned up:
# its storage (mounted at MERGED while it ran) is unmounted.
assert_cleaned() {
    run_pod ps -a --filter "name=^$1\$" --format '{{.Names}} {{.Status}}'
    is "$output" "$1 Exited \($2\) .*"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1"
    is "$output" "exited $2"
    ! grep -q " $3 " /proc/self/mountinfo || die "$3 still mounted"
}

# Waits in the container until the test creates /tmp/go, takes it away
# (for the next start) and exits 3.
WAIT_GO='until test -e /tmp/go; do sleep 0.1; done; rm /tmp/go; exit 3'

# fg_to_exit NAME WANT ARGS...: the copy runs `pod ARGS` in the background
# (a foreground run or start --attach of NAME, whose command is $WAIT_GO);
# once NAME runs, the exit commands are logged from then on and the
# container is let go. WANT is the exit status pod must end with, or
# "kill": pod is killed with SIGKILL first. Returns once NAME's monitor
# has ended; sets $merged (NAME's storage while it ran) and $id.
fg_to_exit() {
    local name=$1 want=$2 podpid mon rc=0
    shift 2
    (POD_EXEC=1 cbin_pod "$@" >"$PODT/fgout" 2>&1) &
    podpid=$!
    wait_for_status "$name" running 150
    [[ "$(cat /proc/$podpid/comm 2>/dev/null)" == pod ]] || die "pod $* is gone: $(cat "$PODT/fgout")"
    mon=$(pod inspect --format '{{.State.ConmonPid}}' "$name")
    merged=$(pod inspect --format '{{.GraphDriver.Data.MergedDir}}' "$name")
    id=$(pod inspect --format '{{.ID}}' "$name")
    [[ $mon -gt 0 && -n $merged ]] || die "monitor pid '$mon', merged dir '$merged'"
    log_exit_commands
    if [[ $want == kill ]]; then
        kill -9 "$podpid"
        wait "$podpid" || true
    fi
    let_go "$name"
    if [[ $want != kill ]]; then
        wait "$podpid" || rc=$?
        [[ $rc == "$want" ]] || die "pod $* exited with $rc, want $want"
    fi
    wait_pid_gone "$mon"
}

# let_go NAME: lets NAME's $WAIT_GO end. The container's exit can overtake
# the exec that caused it: touch, still running when the container's init
# exits, is killed with the PID namespace (137; seen under heavy load), and
# on runsc the exec's own wait can lose the race ("connecting to control
# server … connection refused", "sandbox is not running"). The callers
# check that the container went on.
let_go() {
    run_pod '?' exec "$1" touch /tmp/go
    [[ $status == 0 || $status == 137 ]] || is_gvisor || die "exec touch /tmp/go: status $status: $output"
}

# no_exit_command: the monitor ran none.
no_exit_command() {
    [[ ! -e $PODT/exitcmds ]] || die "the exit command ran: $(cat "$PODT/exitcmds")"
}

# exit_command_ran ID: the monitor ran the exit command for ID, once.
exit_command_ran() {
    [[ -e $PODT/exitcmds ]] || die "no exit command ran"
    is "$(cat "$PODT/exitcmds")" ".* container cleanup --stopped-only $1"
}

@test "foreground run and start --attach clean up themselves: the monitor runs no exit command" {
    pod_copy
    fg_to_exit fg 3 run --name fg "${IMG[@]}" sh -c "$WAIT_GO"
    no_exit_command
    assert_cleaned fg 3 "$merged"
    # start --attach of the same container, by the copy again.
    mv "$PODT/cbin/pod.real" "$PODT/cbin/pod"
    fg_to_exit fg 3 start --attach fg
    no_exit_command
    assert_cleaned fg 3 "$merged"
    run_pod rm fg
}

@test "start --attach of a created container cleans up itself: no exit command" {
    pod_copy
    # Created by the ordinary pod: the monitor is set up by the start.
    run_pod create --name cfg "${IMG[@]}" sh -c "$WAIT_GO"
    fg_to_exit cfg 3 start --attach cfg
    no_exit_command
    assert_cleaned cfg 3 "$merged"
    # --interactive too (stdin from /dev/null).
    mv "$PODT/cbin/pod.real" "$PODT/cbin/pod"
    fg_to_exit cfg 3 start --attach --interactive cfg
    no_exit_command
    assert_cleaned cfg 3 "$merged"
    # Initialized first (pod init): its monitor runs from then on, without
    # the foreground run's delay, and still waits for start --attach.
    # The copy initializes it: its monitor names the copy.
    mv "$PODT/cbin/pod.real" "$PODT/cbin/pod"
    cbin_pod init cfg
    fg_to_exit cfg 3 start --attach cfg
    no_exit_command
    assert_cleaned cfg 3 "$merged"
    run_pod rm cfg
    # A --rm container is removed by the start --attach itself.
    mv "$PODT/cbin/pod.real" "$PODT/cbin/pod"
    run_pod create --rm --name cfgrm "${IMG[@]}" sh -c "$WAIT_GO"
    fg_to_exit cfgrm 3 start -a cfgrm
    no_exit_command
    run_pod 1 container exists cfgrm
    ! grep -q " $merged " /proc/self/mountinfo || die "$merged still mounted"
}

@test "start --attach of a created container with a restart policy leaves the cleanup to the exit command" {
    pod_copy
    run_pod create --restart on-failure:1 --name cfr "${IMG[@]}" sh -c "$WAIT_GO"
    fg_to_exit cfr 3 start --attach cfr
    # The exit command cleaned up and restarted it (the policy's one retry).
    exit_command_ran "$id"
    wait_for_status cfr running 150
    let_go cfr
    wait_for_status cfr exited 150
    run_pod rm -f cfr
}

@test "a foreground run of a pod's last member applies the exit policy itself: no exit command" {
    skip_unless_pods
    # The pod (its infra) is started by the ordinary pod: only the member's
    # monitor names the copy.
    run_pod pod create --exit-policy stop --name fgp
    run_pod pod start fgp
    pod_copy
    fg_to_exit fgm 3 run --pod fgp --name fgm "${IMG[@]}" sh -c "$WAIT_GO"
    no_exit_command
    # Done by the foreground run before it returned.
    run_pod pod inspect --format '{{.State}}' fgp
    is "$output" "Exited"
    assert_cleaned fgm 3 "$merged"
    run_pod pod rm fgp
}

@test "SIGKILL of pod during an attached run without --rm: the exit command cleans up" {
    pod_copy
    fg_to_exit kfg kill run --name kfg "${IMG[@]}" sh -c "$WAIT_GO"
    exit_command_ran "$id"
    assert_cleaned kfg 3 "$merged"
    run_pod rm kfg
}

@test "SIGKILL of pod during start --attach of a created container: the exit command cleans up, once" {
    pod_copy
    run_pod create --name kcfg "${IMG[@]}" sh -c "$WAIT_GO"
    fg_to_exit kcfg kill start --attach kcfg
    exit_command_ran "$id"
    assert_cleaned kcfg 3 "$merged"
    # Initialized first (pod init), then start --attach killed likewise.
    pod_copy
    cbin_pod init kcfg
    fg_to_exit kcfg kill start --attach kcfg
    exit_command_ran "$id"
    assert_cleaned kcfg 3 "$merged"
    run_pod rm kcfg
}

@test "a foreground run that detaches (ctrl-p ctrl-q) leaves the cleanup to the exit command" {
    [[ "$POD_TEST_RUNTIME" != runsc ]] || skip "runsc does not give the container a pty device"
    pod_copy
    run env SHELL=/bin/bash timeout 60 script -qefc "printf '\\020\\021' | $PODT/cbin/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp --runtime $POD_TEST_RUNTIME run -it --name dfg ${IMG[*]} sh -c '$WAIT_GO'" /dev/null
    [[ $status == 0 ]] || die "run -it with the detach keys: status $status: $output"
    run_pod inspect --format '{{.State.Status}}' dfg
    is "$output" "running"
    mon=$(pod inspect --format '{{.State.ConmonPid}}' dfg)
    merged=$(pod inspect --format '{{.GraphDriver.Data.MergedDir}}' dfg)
    log_exit_commands
    run_pod exec dfg touch /tmp/go
    wait_pid_gone "$mon"
    exit_command_ran "$(pod inspect --format '{{.ID}}' dfg)"
    assert_cleaned dfg 3 "$merged"
    run_pod rm dfg
}
