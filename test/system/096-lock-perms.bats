#!/usr/bin/env bats
# Lock files pod cannot open (issue #13): a directory where a lock file
# should be, a lock directory that is a file, and (as an ordinary user) a
# lock file or directory of another owner. Every command that needs the lock
# fails with exit 125 and an error naming the path and the fix, never a
# panic or a hang, and changes no state; once fixed, everything works.

load helpers
load helpers.rootless

setup_file() { rootless_file_setup 096; }
teardown_file() { rootless_file_teardown; }
teardown() {
    # A test that failed half-way leaves its damaged lock paths: put them back.
    local d
    for d in "$PODT/run/pod/locks" "${RL:-/nonexistent}/podtest/run/pod/locks"; do
        [[ -e "$d.away" ]] || continue
        rm -rf "$d"
        mv "$d.away" "$d"
    done
    find "$PODT/run/pod/locks" -mindepth 1 -type d -delete 2>/dev/null || true
    # Root's store under $RL (the reachability test): its containers go
    # before rootless_users_teardown removes $RL.
    if [[ -d "${RL:-/nonexistent}/rootstore/root" ]]; then
        local R=$RL/rootstore
        "$POD_BIN/pod" --root "$R/root" --runroot "$R/run" --tmpdir "$R/tmp" rm -fa -t 0 >/dev/null 2>&1 || true
        "$POD_BIN/pod" --root "$R/root" --runroot "$R/run" --tmpdir "$R/tmp" rmi -af >/dev/null 2>&1 || true
    fi
    rootless_test_teardown
}

# bounded ARGS...: pod with a timeout (a hang is a failure), keeping $output
# and $status, as run_pod with "?".
bounded() {
    status=0
    output=$(timeout 20 "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" \
        --runtime "$POD_TEST_RUNTIME" "$@" 2>&1) || status=$?
}

# refused WANT ARGS...: the command fails with 125 (not a hang, not a panic)
# and its error says WANT.
refused() {
    local want=$1
    shift
    bounded "$@"
    [[ "$status" -eq 125 ]] || die "pod $*: exit $status, expected 125: $output"
    [[ "$output" != *panic* && "$output" != *goroutine* ]] || die "pod $*: panic: $output"
    contains "$output" "$want" "pod $*"
}

# state NAME: status and pid, to show nothing changed.
state() { pod inspect --format '{{.State.Status}} {{.State.Pid}}' "$1"; }

@test "a directory where a container's lock file should be, a file where the lock directory should be: 125 naming the path and the fix" {
    skip_if_rootless "the test as root; the ordinary user's is below"
    run_pod run -d --name lk --network none "${IMG[@]}" sleep 100
    local id=$output before
    before=$(state lk)
    local locks=$PODT/run/pod/locks
    [[ -d "$locks" ]] || die "no lock directory at $locks"
    rm -f "$locks/$id"
    mkdir "$locks/$id"
    local want="lock file $locks/$id is a directory: remove it (rm -r $locks/$id)"
    refused "$want" stop -t 0 lk
    refused "$want" rm -f -t 0 lk
    refused "$want" kill lk
    refused "$want" restart -t 0 lk
    refused "$want" exec lk true
    run_pod ps -a --format '{{.Names}} {{.Status}}'
    contains "$output" "lk Up"
    is "$(state lk)" "$before" "state of lk after the refusals"

    # The lock directory is a file: every command says so (pod opens its
    # lock directory first), ps -a too; nothing changes.
    rmdir "$locks/$id"
    mv "$locks" "$locks.away"
    echo data > "$locks"
    refused "lock directory $locks is not a directory" rm -f -t 0 lk
    contains "$output" "rm $locks"
    refused "lock directory $locks" run --rm --network none "${IMG[@]}" true
    is "$(cat "$locks")" "data" "the file in the lock directory's place"
    rm "$locks"
    mv "$locks.away" "$locks"
    is "$(state lk)" "$before" "state of lk after the lock directory came back"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "lk" "no container made by the refused run"

    # Fixed as the message says: everything works.
    run_pod rm -f -t 0 lk
    run_pod run --rm --network none "${IMG[@]}" true
}

@test "as an ordinary user: a lock file or lock directory of another owner is refused naming it and the fix; nothing changes" {
    skip_if_rootless "drives the test user with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    run_upod podtest run -d --name ulk --network none "${IMG[@]}" sleep 100
    local id=$output
    local locks=$RL/podtest/run/pod/locks before
    [[ -d "$locks" ]] || die "no lock directory at $locks"
    run_upod podtest inspect --format '{{.State.Status}} {{.State.Pid}}' ulk
    before=$output

    # The container's lock file is root's, 0600.
    touch "$locks/$id"
    chown root:root "$locks/$id"
    chmod 600 "$locks/$id"
    local uid args
    uid=$(id -u podtest)
    for args in "stop -t 0 ulk" "rm -f -t 0 ulk" "exec ulk true"; do
        # shellcheck disable=SC2086
        run_upod 125 podtest $args
        contains "$output" "cannot open lock file $locks/$id (owner a user outside pod's user namespace, such as root, mode 0600; pod runs as uid $uid)"
        contains "$output" "chown $uid $locks/$id"
        [[ "$output" != *panic* ]] || die "panic: $output"
    done
    run_upod podtest inspect --format '{{.State.Status}} {{.State.Pid}}' ulk
    is "$output" "$before" "state of ulk after the refusals"

    # The lock directory is root's, 0700: the user cannot create lock files.
    chown "podtest:podtest" "$locks/$id"
    mv "$locks" "$locks.away"
    mkdir -m 700 "$locks"
    run_upod 125 podtest rm -f -t 0 ulk
    contains "$output" "cannot open lock directory $locks"
    contains "$output" "chmod 0700 $locks"
    run_upod 125 podtest run --rm --network none "${IMG[@]}" true
    contains "$output" "$locks"
    run_upod podtest ps -a --format '{{.Names}} {{.Status}}'
    contains "$output" "ulk Up" "ps -a still answers and shows ulk running"
    rmdir "$locks"
    mv "$locks.away" "$locks"
    run_upod podtest inspect --format '{{.State.Status}} {{.State.Pid}}' ulk
    is "$output" "$before" "state of ulk after the lock directory came back"
    run_upod podtest rm -f -t 0 ulk
    run_upod podtest ps -a --format '{{.Names}}'
    is "$output" "" "nothing made by the refused run"
}

# reach USER PATH...: as USER, try to connect to each socket (stream and
# seqpacket), open each FIFO or file for reading and writing; print one line
# per path with the errno names it got (OK when something opened).
reach() {
    local u=$1
    shift
    runuser -u "$u" -- /usr/bin/python3 -c '
import errno, os, socket, stat, sys
for p in sys.argv[1:]:
    got = set()
    try:
        mode = os.stat(p).st_mode
    except OSError as e:
        print(p, errno.errorcode.get(e.errno, str(e))); continue
    if stat.S_ISSOCK(mode):
        for t in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET):
            s = socket.socket(socket.AF_UNIX, t)
            try:
                # Paths longer than sun_path: connect from the directory.
                os.chdir(os.path.dirname(p))
                s.connect(os.path.basename(p)); got.add("OK")
            except OSError as e:
                got.add(errno.errorcode.get(e.errno, str(e)))
            finally:
                os.chdir("/")
            s.close()
    else:
        for fl in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
            try:
                os.close(os.open(p, fl)); got.add("OK")
            except OSError as e:
                got.add(errno.errorcode.get(e.errno, str(e)))
    print(p, " ".join(sorted(got)))
' "$@"
}

@test "an ordinary user cannot reach root's monitor sockets, FIFOs or state database, even where the roots are open to all" {
    skip_if_rootless "drives the test user with runuser (root)"
    # Root's roots under a directory every user can traverse (as /run and
    # /var/lib are), so only pod's own modes protect them.
    local R=$RL/rootstore
    mkdir -m 755 "$R"
    local P=("$POD_BIN/pod" --root "$R/root" --runroot "$R/run" --tmpdir "$R/tmp" --runtime "$POD_TEST_RUNTIME")
    "${P[@]}" import "$(busybox_tarball)" "$IMAGE" >/dev/null
    local id
    id=$("${P[@]}" run -d -t --name rs --network none "${IMG[@]}" sleep 100)
    local paths=() p
    mapfile -t paths < <(find "$R" \( -type s -o -type p \) 2>/dev/null)
    paths+=("$R/root/pod/pod.db")
    local sock
    sock=$(find "$R" -path "*$id*" -name attach -type s | head -1)
    [[ -n "$sock" ]] || die "no attach socket of $id under $R"
    # The probe works: root reaches the attach socket.
    output=$(reach root "$sock")
    contains "$output" "OK" "root connecting to $sock"
    output=$(reach podtest "${paths[@]}")
    echo "$output"
    while read -r p got; do
        [[ "$got" != *OK* ]] || die "podtest reached $p ($got)"
        [[ "$got" == EACCES* ]] || die "podtest got $got for $p, expected EACCES"
    done <<<"$output"
    "${P[@]}" rm -f -t 0 rs >/dev/null
    "${P[@]}" rmi -a -f >/dev/null 2>&1 || true
}

@test "rootless: the state database is 0600 and no socket or FIFO pod makes is open to other users" {
    skip_if_rootless "drives the test user with runuser (root)"
    skip_unless_oci "shims cannot run rootless"
    user_image podtest
    run_upod podtest run -d -t --name rmode --network none "${IMG[@]}" sleep 100
    is "$(stat -c '%U %a' "$RL/podtest/root/pod/pod.db")" "podtest 600" "state database"
    local open
    open=$(find "$RL/podtest" \( -type s -o -type p \) -perm /o+rwx 2>/dev/null || true)
    is "$open" "" "sockets or FIFOs open to others"
    local n
    n=$(find "$RL/podtest" \( -type s -o -type p \) | wc -l)
    ((n > 0)) || die "no socket or FIFO found under $RL/podtest: the check saw nothing"
    # Another ordinary user reaches none of them.
    local paths=()
    mapfile -t paths < <(find "$RL/podtest" \( -type s -o -type p \) 2>/dev/null)
    output=$(reach podtest2 "${paths[@]}" "$RL/podtest/root/pod/pod.db")
    echo "$output"
    local p got
    while read -r p got; do
        [[ "$got" != *OK* ]] || die "podtest2 reached $p ($got)"
    done <<<"$output"
}
