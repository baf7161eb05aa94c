#!/usr/bin/env bats
# Verbs on many containers (start, stop, kill, restart, pause, unpause, rm):
# parallel execution, Podman's selection flags (--all, --latest, --cidfile,
# --filter, --ignore), its output, messages and exit codes. The expected
# texts are what Podman 4.3.1 prints for the same commands.

load helpers

# run_split [RC] ARGS...: like run_pod, with stdout in $out and stderr in $err.
run_split() {
    local expect=0
    if [[ "$1" =~ ^[0-9]+$ ]]; then
        expect=$1
        shift
    fi
    status=0
    pod "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
    out=$(cat "$BATS_TEST_TMPDIR/out")
    err=$(cat "$BATS_TEST_TMPDIR/err")
    if [[ "$status" -ne "$expect" ]]; then
        echo "# pod $*"
        echo "# exit code $status, expected $expect"
        echo "# stdout: $out"
        echo "# stderr: $err"
        return 1
    fi
}

# stubborn NAME [ARGS...]: a running container that ignores SIGTERM.
stubborn() {
    local name=$1
    shift
    run_pod run -d --name "$name" "$@" "${IMG[@]}" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
    wait_for_output "$name" ready
}

# states prints "name status" of every container, sorted by name.
states() {
    pod ps -a --format json | jq -r '.[] | "\(.Names[0]) \(.State)"' | sort
}

@test "stop -a -t 1 stops 10 containers that ignore SIGTERM, all killed (137), in parallel" {
    local i
    for i in $(seq 1 10); do
        stubborn "st-$i"
    done
    run_pod create --name st-created "${IMG[@]}" true
    run_split stop -a -t 1
    # Podman prints the full ID of every container --all selected, the
    # created one too (stopping it does nothing).
    is "$(wc -l <<<"$out")" 11 "lines of stop -a"
    for line in $out; do
        is "$line" "[0-9a-f]{64}" "stop -a output line"
    done
    # Each was given its second of SIGTERM before SIGKILL.
    is "$(grep -c 'failed to stop container st-.* in 1 seconds, resorting to SIGKILL' <<<"$err")" 10 "SIGKILL warnings"
    for i in $(seq 1 10); do
        run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' "st-$i"
        is "$output" "exited 137" "st-$i after stop -a -t 1"
    done
    run_pod ps --format '{{.Names}}'
    is "$output" "" "running containers after stop -a"
}

@test "--all selects by the precondition table: pause -a the running, unpause -a the paused, kill -a both" {
    skip_if_rootless_cgroupv1 # pauses: refused without a cgroup (400-rootless.bats checks it)
    stubborn r1
    stubborn r2
    stubborn r3
    run_pod create --name cr "${IMG[@]}" sleep 100
    run_pod 3 run --name ex "${IMG[@]}" sh -c 'exit 3'
    run_pod pause r3
    local r1 r2 r3
    r1=$(pod inspect --format '{{.ID}}' r1)
    r2=$(pod inspect --format '{{.ID}}' r2)
    r3=$(pod inspect --format '{{.ID}}' r3)

    run_split pause -a
    is "$(sort <<<"$out")" "$(printf '%s\n' "$r1" "$r2" | sort)" "pause -a picks the running ones"
    run_split unpause --all
    is "$(sort <<<"$out")" "$(printf '%s\n' "$r1" "$r2" "$r3" | sort)" "unpause -a picks the paused ones"
    run_pod pause r2
    if [[ "$POD_TEST_RUNTIME" == runsc ]]; then
        # gVisor cannot signal a paused sandbox: kill -a still selects it.
        run_split 125 kill -a -s WINCH
        is "$(sort <<<"$out")" "$(printf '%s\n' "$r1" "$r3" | sort)" "kill -a on runsc"
        contains "$err" "in state paused"
    else
        run_split kill -a -s WINCH
        is "$(sort <<<"$out")" "$(printf '%s\n' "$r1" "$r2" "$r3" | sort)" "kill -a picks running and paused"
    fi
    is "$(states)" "$(printf '%s\n' "cr created" "ex exited" "r1 running" "r2 paused" "r3 running")"
    run_pod unpause r2

    # start --all starts what is not running and prints nothing for the running ones.
    local cr ex
    cr=$(pod inspect --format '{{.ID}}' cr)
    ex=$(pod inspect --format '{{.ID}}' ex)
    run_split start --all
    is "$(sort <<<"$out")" "$(printf '%s\n' "$cr" "$ex" | sort)" "start --all"
    run_split start r1
    is "$out" "" "start of a running container prints nothing (as Podman)"

    # restart --running restarts only running containers.
    run_pod wait ex
    run_split restart --running -a -t 0
    is "$(sort <<<"$out")" "$(printf '%s\n' "$r1" "$r2" "$r3" "$cr" | sort)" "restart --running -a"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' ex
    is "$output" "exited 3" "ex was not restarted by --running"
    run_pod inspect --format '{{.State.Status}}' r1
    is "$output" "running"
}

@test "names are printed as given, in input order; rm -a prints IDs" {
    run_pod create --name 'odd.name_1-x' "${IMG[@]}" true
    run_pod create --name second "${IMG[@]}" true
    local id short
    id=$(pod inspect --format '{{.ID}}' second)
    short=${id:0:12}
    run_split start "$short" 'odd.name_1-x'
    is "$out" "$(printf '%s\n' "$short" 'odd.name_1-x')" "start output"
    run_pod wait second odd.name_1-x
    run_split stop second "$short" second
    is "$out" "$(printf '%s\n' second "$short" second)" "stop of one container named three times"
    local odd
    odd=$(pod inspect --format '{{.ID}}' odd.name_1-x)
    run_split rm -a
    is "$(sort <<<"$out")" "$(printf '%s\n' "$id" "$odd" | sort)" "rm -a"
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "missing containers: Podman's message; exit 125, rm 1; nothing done; --ignore skips" {
    stubborn alive
    local v
    for v in stop kill restart pause unpause start; do
        run_split 125 $v alive nosuch
        is "$err" 'Error: no container with name or ID "nosuch" found: no such container' "$v with a missing name"
        is "$out" "" "$v acted although a name was missing"
    done
    run_pod inspect --format '{{.State.Status}}' alive
    is "$output" "running" "alive after the failed verbs"

    run_split 1 rm nosuch
    is "$err" 'Error: no container with name or ID "nosuch" found: no such container'
    run_split 1 rm alive nosuch
    run_split rm -f nosuch
    is "$out$err" "" "rm -f of a missing name"
    run_split rm -i nosuch
    is "$out$err" "" "rm -i of a missing name"
    run_split stop -i nosuch alive -t 0
    is "$out" "alive" "stop -i skips the missing name"
    run_split rm -f nosuch alive
    is "$out" "alive" "rm -f removes what exists"
    run_pod 1 container exists alive
}

@test "wrong states: Podman's messages and exit codes; the others still run" {
    skip_if_rootless_cgroupv1 # pauses: refused without a cgroup (400-rootless.bats checks it)
    stubborn run1
    run_pod create --name cr1 "${IMG[@]}" sleep 100
    run_pod create --name cr2 "${IMG[@]}" sleep 100
    local run1 cr1 cr2
    run1=$(pod inspect --format '{{.ID}}' run1)
    cr1=$(pod inspect --format '{{.ID}}' cr1)
    cr2=$(pod inspect --format '{{.ID}}' cr2)

    # Every error is printed, the last one too; exit 125.
    run_split 125 kill -s WINCH cr2 run1 cr1
    is "$out" "run1"
    is "$err" "$(printf 'Error: can only kill running containers. %s is in state created: container state improper\n' "$cr2" "$cr1")"
    run_split 125 pause cr1
    is "$err" "Error: \"$cr1\" is not running, can't pause: container state improper"
    run_split 125 unpause run1
    is "$err" "Error: \"$run1\" is not paused, can't unpause: container state improper"
    run_pod pause run1
    run_split 125 pause run1
    is "$err" "Error: \"$run1\" is already paused: container state improper"
    run_split 125 start run1
    is "$err" "Error: unable to start container \"$run1\": container $run1 must be in Created or Stopped state to be started: container state improper"
    run_split 125 restart run1
    contains "$err" "paused or unknown state"

    # rm without -f: exit 2 for a running or paused container; the others go.
    run_split 2 rm cr1 run1 cr2
    is "$out" "$(printf '%s\n' cr1 cr2)"
    is "$err" "Error: cannot remove container $run1 as it is paused - running or paused containers cannot be removed without force: container state improper"
    # A missing one makes it 1, whatever else failed.
    run_split 1 rm run1 nosuch
    run_pod container exists run1
    run_split 125 rm -t 0 run1
    is "$err" "Error: --force option must be specified to use the --time option"
    # stop of a paused container works: it is thawed and killed.
    run_split stop -t 0 run1
    is "$out" "run1"
    run_pod inspect --format '{{.State.Status}} {{.State.ExitCode}}' run1
    is "$output" "exited 137"
}

@test "--latest, --cidfile, --filter, and what cannot be combined" {
    skip_if_rootless_cgroupv1 # pauses: refused without a cgroup (400-rootless.bats checks it)
    stubborn f1 --label grp=a
    stubborn f2 --label grp=b
    run_pod create --name f3 --label grp=a "${IMG[@]}" true
    local f1 f2 f3
    f1=$(pod inspect --format '{{.ID}}' f1)
    f2=$(pod inspect --format '{{.ID}}' f2)
    f3=$(pod inspect --format '{{.ID}}' f3)

    # --latest: the container created last, whatever its state.
    run_split 125 kill -l
    contains "$err" "can only kill running containers. $f3 is in state created"
    run_split start --latest
    is "$out" "$f3"

    # --filter: the containers the verb allows, narrowed by the filters.
    run_split pause --filter label=grp=a
    is "$out" "$f1" "pause --filter label=grp=a (f3 is not running)"
    run_split unpause -f name=f1
    is "$out" "$f1"
    run_split stop -t 0 --filter label=grp=b --filter status=running
    is "$out" "$f2"
    run_split stop -a -f name=nomatch
    is "$out$err" "" "a filter matching nothing does nothing"

    # --cidfile: the ID from the file, printed as read; --ignore skips a missing file.
    echo "$f1" >"$BATS_TEST_TMPDIR/cid"
    run_split restart -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$f1"
    run_split 125 stop --cidfile "$BATS_TEST_TMPDIR/nofile"
    contains "$err" "Error: reading CIDFile: open $BATS_TEST_TMPDIR/nofile: no such file or directory"
    run_split stop -t 0 -i --cidfile "$BATS_TEST_TMPDIR/nofile" --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$f1"
    run_split rm -f -t 0 -i --cidfile "$BATS_TEST_TMPDIR/cid" --cidfile "$BATS_TEST_TMPDIR/nofile"
    is "$out" "$f1"

    # Podman's refusals of combinations (exit 125).
    run_split 125 stop
    is "$err" "Error: you must provide at least one name or id"
    run_split 125 stop -a f2
    is "$err" "Error: no arguments are needed with --all"
    run_split 125 stop -l f2
    is "$err" "Error: --latest and containers cannot be used together"
    run_split 125 pause -a -l
    is "$err" "Error: --all and --latest cannot be used together"
    run_split 125 stop --cidfile "$BATS_TEST_TMPDIR/cid" f2
    is "$err" "Error: no arguments are needed with --latest or --cidfile"
    run_split 125 stop -f name=f2 f2
    is "$err" "Error: --filter takes no arguments"
    run_split 125 rm
    is "$err" "Error: you must provide at least one name or id"
    run_split 125 start --all f2
    is "$err" "Error: either start all containers or the container\(s\) provided in the arguments"
    run_split 125 start -a f2 f3
    is "$err" "Error: you cannot start and attach multiple containers at once"
    run_split 125 start --sig-proxy f3
    is "$err" "Error: you cannot use sig-proxy without --attach: invalid argument"
    run_split 125 stop -f name
    contains "$err" "name"
}

@test "start --attach --interactive, rm --depend --volumes --time" {
    run_pod create -i --name att "${IMG[@]}" sh -c 'read l; echo "got $l"; exit 5'
    run_split 5 start --attach --interactive att <<<"hello"
    is "$out" "got hello"
    run_pod create --name att2 "${IMG[@]}" sh -c 'echo out; exit 6'
    run_split 6 start -a --sig-proxy att2
    is "$out" "out"
    stubborn dv
    local ids
    ids=$(pod inspect --format '{{.ID}}' dv att att2 | sort)
    # None has dependents: --depend removes each itself and, as Podman,
    # prints the IDs it removed (the names without --depend).
    run_split rm --depend --volumes -f --time 0 dv att att2
    is "$(sort <<<"$out")" "$ids"
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "parallel: stop -a and rm -af of many containers, twice at once" {
    local i
    for i in $(seq 1 8); do
        run_pod run -d --name par-$i "${IMG[@]}" sleep 1000
    done
    # Two pod processes on the same containers: one stops, one removes.
    ( set +e
      pod stop -a -t 0 >"$BATS_TEST_TMPDIR/stop.out" 2>&1
      echo $? >"$BATS_TEST_TMPDIR/stop.rc" ) &
    local bg=$!
    run_split rm -af -t 0
    wait $bg || true
    run_pod ps -a --format '{{.Names}}'
    is "$output" "" "containers left"
    # The stop may lose races to rm: a container it selected is gone or
    # being removed, which it says; it never hangs or fails otherwise.
    local rc
    rc=$(cat "$BATS_TEST_TMPDIR/stop.rc")
    is "$rc" "(0|125)" "stop -a next to rm -af ($(cat "$BATS_TEST_TMPDIR/stop.out"))"
    if [[ "$rc" == 125 ]]; then
        grep -v '^[0-9a-f]\{64\}$' "$BATS_TEST_TMPDIR/stop.out" | grep -v 'no such container\|is being removed' && die "unexpected stop errors"
    fi
    true
}

@test "every selection flag on every verb: --latest, --cidfile, --filter, --ignore" {
    skip_if_rootless_cgroupv1 # pauses: refused without a cgroup (400-rootless.bats checks it)
    stubborn sel
    local id
    id=$(pod inspect --format '{{.ID}}' sel)
    echo "$id" >"$BATS_TEST_TMPDIR/cid"
    local missing="$BATS_TEST_TMPDIR/missing"
    # pause/unpause/kill/restart/stop/start with each way of naming the container.
    run_split pause --latest
    is "$out" "$id" "pause --latest"
    run_split unpause --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$id" "unpause --cidfile"
    run_split pause -f id=${id:0:12}
    is "$out" "$id" "pause --filter id="
    run_split unpause -i nosuch sel
    is "$out" "sel" "unpause --ignore"
    run_split pause -i --cidfile "$missing" --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$id" "pause --ignore of a missing cidfile"
    run_split unpause --filter status=paused
    is "$out" "$id" "unpause --filter status=paused"
    run_split kill -s WINCH --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$id" "kill --cidfile"
    run_split kill -s WINCH --filter name=sel
    is "$out" "$id" "kill --filter"
    run_split kill -s WINCH -i nosuch sel
    is "$out" "sel" "kill --ignore"
    run_split kill --signal WINCH --latest
    is "$out" "$id" "kill --latest"
    run_split restart -t 0 --latest
    is "$out" "$id" "restart --latest"
    wait_for_output sel ready
    run_split restart --timeout 0 -f label=nolabel
    is "$out" "" "restart --filter matching nothing"
    run_split restart -t 0 -i nosuch sel
    is "$out" "sel" "restart --ignore"
    wait_for_output sel ready
    run_split stop --timeout 0 --latest
    is "$out" "$id" "stop --latest, --timeout"
    run_split start --cidfile "$BATS_TEST_TMPDIR/cid"
    is "$out" "$id" "start --cidfile"
    run_split stop -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
    run_split start --filter name=sel
    is "$out" "$id" "start --filter"
    run_split rm -f -t 0 --filter name=sel
    is "$out" "$id" "rm --filter"
    run_pod create --name last "${IMG[@]}" true
    local last
    last=$(pod inspect --format '{{.ID}}' last)
    run_split rm --latest
    is "$out" "$last" "rm --latest"
    run_pod 1 container exists last
    run_split rm -i --cidfile "$missing"
    is "$out$err" "" "rm --ignore of a missing cidfile"
}
