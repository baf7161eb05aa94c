#!/usr/bin/env bats
# pod run: output, exit codes, --rm, -d, names.

load helpers

@test "run prints the container's stdout and stderr" {
    run_pod run --rm "${IMG[@]}" sh -c 'echo to-stdout; echo to-stderr >&2'
    contains "$output" "to-stdout"
    contains "$output" "to-stderr"
    stdout_only=$(pod run --rm "${IMG[@]}" sh -c 'echo to-stdout; echo to-stderr >&2' 2>/dev/null)
    is "$stdout_only" "to-stdout"
}

@test "run exit codes are Podman's: container code, 125, 126, 127" {
    run_pod 0 run --rm "${IMG[@]}" true
    run_pod 1 run --rm "${IMG[@]}" false
    run_pod 42 run --rm "${IMG[@]}" sh -c 'exit 42'
    run_pod 127 run --rm "${IMG[@]}" /no/such/command
    contains "$output" "not found"
    run_pod 126 run --rm "${IMG[@]}" /etc
    run_pod 125 run --rm --no-such-flag "${IMG[@]}" true
    # A signal-killed container reports 128+N.
    run_pod run -d --name killed "${IMG[@]}" sleep 100
    run_pod kill -s KILL killed
    run_pod wait killed
    is "$output" "137"
}

@test "run --rm leaves no container, and keeps the exit code" {
    run_pod 3 run --rm --name rmtest "${IMG[@]}" sh -c 'exit 3'
    run_pod 1 container exists rmtest
    run_pod ps -a --format '{{.Names}}'
    is "$output" ""
}

@test "run -d, ps, stop, rm" {
    run_pod run -d --name bg "${IMG[@]}" sleep 100
    cid=$output
    is "$cid" "[0-9a-f]{64}"
    # As in Podman, {{.State}} and {{.Status}} are the human status; JSON has the state word.
    run_pod ps --format '{{.ID}} {{.Names}} {{.State}}'
    is "$output" "${cid:0:12} bg Up .*"
    run_pod ps --format json
    is "$(jq -r '.[0].State' <<<"$output")" "running"
    run_pod stop -t 0 bg
    is "$output" "bg"
    run_pod ps -a --format '{{.Status}}'
    is "$output" "Exited \(137\) .*"
    run_pod rm bg
    is "$output" "bg"
    run_pod 1 rm bg
    contains "$output" "no such container"
}

@test "run --name twice is refused; invalid names are refused" {
    run_pod run --name dup "${IMG[@]}" true
    run_pod 125 run --name dup "${IMG[@]}" true
    contains "$output" "already in use"
    run_pod 125 create --name "bad/name" "${IMG[@]}" true
    contains "$output" "invalid"
    run_pod 125 create --name "../x" "${IMG[@]}" true
}

@test "run without a command and without an image command is an error" {
    run_pod 125 run --rm "${IMG[@]}"
    contains "$output" "no command"
}

@test "run --rootfs runs a plain directory, no image needed" {
    run_pod run --rm --rootfs "$(rootfs_dir)" sh -c 'echo from-rootfs; cat /etc/passwd | head -1'
    is "${lines[0]}" "from-rootfs"
    is "${lines[1]}" "root:x:0:0:root:/root:/bin/sh"
}

@test "run IMAGE uses the image's command and pull policy never refuses a missing image" {
    run_pod run --rm "$IMAGE" echo from-image
    is "$output" "from-image"
    run_pod 125 run --rm --pull never localhost/nosuchimage true
    contains "$output" "image not known"
    run_pod ps -a --format '{{.Image}}'
    is "$output" ""
}
