#!/usr/bin/env bats
# Names that become paths or binaries cannot leave their directory or pick
# an arbitrary binary, and the files pod keeps are private (issue #13's
# security checks). Each hostile input is refused with exit 125 and leaves
# nothing behind, inside pod's roots or outside them.

load helpers

# hostile names: traversal, separators, hidden and relative names, control
# bytes, an option look-alike, an overlong name.
hostile_names() {
    printf '%s\n' '../x' '../../etc/passwd' 'a/b' '/abs' '.' '..' '.hidden' '-rf' \
        'a b' $'a\tb' 'a\b' 'name;rm' '$(id)' 'ünï' "$(printf 'x%.0s' {1..254})"
}

# canary: a file outside the roots that no hostile name may reach.
canary_check() {
    local found
    found=$(find "$PODT" /tmp -maxdepth 2 -newer "$BATS_TEST_TMPDIR/start" \( -name x -o -name b -o -name passwd \) 2>/dev/null | grep -v "^$BATS_TEST_TMPDIR" || true)
    [[ -z "$found" ]] || die "files created by hostile names: $found"
}

@test "hostile container names are refused with 125 and create nothing" {
    touch "$BATS_TEST_TMPDIR/start"
    local n
    while IFS= read -r n; do
        run_pod 125 create --name "$n" "${IMG[@]}" true
        contains "$output" "is invalid" "create --name '$n'"
        run_pod 125 run --rm --name "$n" "${IMG[@]}" true
    done < <(hostile_names)
    # A valid name may still be odd; a rename cannot make it hostile.
    run_pod create --name 'ok.name_1-x' "${IMG[@]}" true
    while IFS= read -r n; do
        run_pod 125 rename ok.name_1-x "$n"
    done < <(hostile_names)
    run_pod ps -a --format '{{.Names}}'
    is "$output" "ok.name_1-x" "only the valid container exists"
    canary_check
}

@test "hostile secret names are refused and write no file outside the store" {
    touch "$BATS_TEST_TMPDIR/start"
    printf 'data' > "$BATS_TEST_TMPDIR/data"
    local n
    while IFS= read -r n; do
        run_pod 125 secret create "$n" "$BATS_TEST_TMPDIR/data"
    done < <(printf '%s\n' '../x' 'a/b' '/abs' '' 'a=b' 'a,b' "$(printf 's%.0s' {1..254})")
    run_pod secret ls --format '{{.Name}}'
    is "$output" "" "no secret was stored"
    canary_check
}

@test "runtime and shim names cannot select a binary outside the runtime paths" {
    local r
    for r in '../../bin/sh' 'sh/..' 'io.containerd.runc.v2/../../../bin/sh' \
        'io.containerd.../x.v2' 'io.containerd.runc.v2;id' '.' 'bin/crun' 'relative/crun'; do
        run_pod 125 run --rm --runtime "$r" "${IMG[@]}" true
    done
    # An absolute path must be an executable regular file (126 as Podman).
    printf '#!/bin/sh\ntouch %s/ran\n' "$BATS_TEST_TMPDIR" > "$BATS_TEST_TMPDIR/notexec"
    run_pod 126 run --rm --runtime "$BATS_TEST_TMPDIR/notexec" "${IMG[@]}" true
    [[ ! -e "$BATS_TEST_TMPDIR/ran" ]] || die "a non-executable runtime file was run"
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "state database, monitor sockets and exit files are private to root" {
    run_pod run -d --name private "${IMG[@]}" sleep 100
    local id=$output
    local db
    for db in "$PODT"/root/pod/pod.db*; do
        is "$(stat -c %a "$db")" "600" "mode of $db"
    done
    local f
    for f in attach ctl winsz; do
        local p
        p=$(find "$PODT" -path "*$id*" -name "$f" | head -1)
        [[ -n "$p" ]] || continue
        local mode
        mode=$(stat -c %a "$p")
        (( (8#$mode & 8#007) == 0 )) || die "$p is reachable by others (mode $mode)"
    done
    # No socket or FIFO anywhere under pod's roots is world-accessible.
    local open
    open=$(find "$PODT" \( -type s -o -type p \) -perm /o+rwx 2>/dev/null || true)
    is "$open" "" "world-accessible sockets or FIFOs"
    # An unprivileged user cannot reach the attach socket.
    if id nobody >/dev/null 2>&1 && command -v runuser >/dev/null; then
        local sock
        sock=$(find "$PODT" -path "*$id*" -name attach -type s | head -1)
        if [[ -n "$sock" ]]; then
            run runuser -u nobody -- sh -c "test -r '$sock' || test -w '$sock' || exit 7; exec busybox nc -U '$sock' </dev/null"
            [[ "$status" -ne 0 ]] || die "user nobody connected to $sock"
        fi
    fi
    run_pod rm -f -t 0 private
}

@test "hostile volume and network names are refused and create nothing outside their directories" {
    touch "$BATS_TEST_TMPDIR/start"
    local n
    while IFS= read -r n; do
        run_pod 125 volume create "$n"
        run_pod 125 run --rm -v "$n:/data" "${IMG[@]}" true
        run_pod 125 network create "$n"
    done < <(printf '%s\n' '../x' '../../etc/passwd' '.' '..' '.hidden' '-rf' 'a b' '$(id)' "$(printf 'v%.0s' {1..300})")
    run_pod volume ls -q
    is "$output" "" "no volume was made"
    run_pod network ls --format '{{.Name}}'
    [[ "$output" != *..* && "$output" != *passwd* ]] || die "a hostile network exists: $output"
    canary_check
}
