#!/bin/bash
# A test script written for Podman, the way Podman users write them: setup
# that clears the store, then run, exec, logs, ps, inspect, start, stop, rm.
# It knows nothing of pod: 200-podman-script.bats runs it with PODMAN=pod
# (on every runtime) and with the real podman, and it must pass with both.
#
# PODMAN  the engine command line (may hold global flags)
# IMAGE   an image in the store that has busybox
set -euo pipefail
: "${PODMAN:?set PODMAN to the engine command}"
IMAGE=${IMAGE:-localhost/busybox}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
expect() { # expect ACTUAL EXPECTED WHAT
    [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"
}
expect_rc() { # expect_rc RC CMD...
    local want=$1 rc=0
    shift
    "$@" >/dev/null 2>&1 || rc=$?
    [[ "$rc" == "$want" ]] || fail "'$*' exited $rc, expected $want"
}

# --- setup, as in Podman's own test helpers
$PODMAN ps --all --external --format '{{.ID}} {{.Names}}' >/dev/null
$PODMAN rm --all --force --time 0 >/dev/null
$PODMAN images --all --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep -q "^$IMAGE:latest [0-9a-f]\{12\}$" ||
    fail "images --all does not list $IMAGE:latest"
$PODMAN tag "$IMAGE" localhost/scratch-copy:1
$PODMAN rmi --force localhost/scratch-copy:1 >/dev/null
expect "$($PODMAN ps --all --external --format '{{.Names}}')" "" "containers after rm --all --force"

# --- run, in the foreground and detached
expect "$($PODMAN run --rm "$IMAGE" echo hello)" "hello" "run --rm output"
expect_rc 42 $PODMAN run --rm "$IMAGE" sh -c 'exit 42'
expect_rc 127 $PODMAN run --rm "$IMAGE" /no/such/command
cid=$($PODMAN run -d --name web "$IMAGE" sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done')
[[ "$cid" =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$cid'"

# --- exec and logs
expect "$($PODMAN exec web echo hi)" "hi" "exec output"
expect "$(echo piped | $PODMAN exec -i web cat)" "piped" "exec -i"
expect_rc 3 $PODMAN exec web sh -c 'exit 3'
for _ in $(seq 50); do
    [[ "$($PODMAN logs web)" == started ]] && break
    sleep 0.1
done
expect "$($PODMAN logs web)" "started" "logs"

# --- ps and inspect
expect "$($PODMAN ps --format '{{.Names}}' --filter name=web)" "web" "ps --filter name"
$PODMAN ps --format '{{.ID}} {{.Status}}' | grep -q "^${cid:0:12} Up" || fail "ps does not show web up"
expect "$($PODMAN ps -q --no-trunc)" "$cid" "ps -q --no-trunc"
expect "$($PODMAN inspect --format '{{.State.Running}} {{.Name}}' web)" "true web" "inspect"
expect "$($PODMAN inspect web | jq -r '.[0].Id')" "$cid" "inspect JSON"
expect "$($PODMAN container exists web && echo yes)" "yes" "container exists"

# --- stop, start, rm
expect "$($PODMAN stop web)" "web" "stop output"
expect "$($PODMAN inspect --format '{{.State.Status}} {{.State.ExitCode}}' web)" "exited 0" "state after stop"
expect "$($PODMAN ps -a --filter status=exited --format '{{.Names}}')" "web" "ps -a --filter status=exited"
expect "$($PODMAN start web)" "web" "start output"
expect "$($PODMAN stop -t 0 web)" "web" "stop -t 0"
expect "$($PODMAN rm web)" "web" "rm output"
expect_rc 1 $PODMAN rm web
expect_rc 0 $PODMAN rm -f web
expect_rc 125 $PODMAN stop web
expect_rc 1 $PODMAN container exists web

# --- teardown
$PODMAN rm --all --force --time 0 >/dev/null
echo "podman-user.sh: all checks passed"
