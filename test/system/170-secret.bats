#!/usr/bin/env bats
# secret create|ls|inspect|rm|exists, in Podman's place and format.

load helpers

@test "secret create, ls, inspect, exists, rm with Podman's output and errors" {
    printf 'top\000secret\020\021' >"$BATS_TEST_TMPDIR/data"
    run_pod secret create --label team=db --label x=y s1 "$BATS_TEST_TMPDIR/data"
    is "$output" "[0-9a-f]{25}" "secret ID"
    id=$output
    run_pod 125 secret create s1 "$BATS_TEST_TMPDIR/data"
    is "$output" "Error: s1: secret name in use"
    out=$(printf 'from-stdin' | pod secret create s2 -)
    is "$out" "[0-9a-f]{25}"
    SECRET_VALUE=from-env run_pod secret create --env s3 SECRET_VALUE
    run_pod 125 secret create --env s4 NO_SUCH_VARIABLE_HERE
    contains "$output" "NO_SUCH_VARIABLE_HERE"
    run_pod 125 secret create 'bad/name' "$BATS_TEST_TMPDIR/data"
    contains "$output" "invalid secret name"
    run_pod 125 secret create empty /dev/null
    contains "$output" "secret data must be larger than 0"
    head -c 512000 /dev/zero >"$BATS_TEST_TMPDIR/big"
    run_pod 125 secret create big "$BATS_TEST_TMPDIR/big"

    run_pod secret ls
    is "${lines[0]}" "ID +NAME +DRIVER +CREATED +UPDATED"
    is "${#lines[@]}" "4" "header + 3 secrets"
    run_pod secret ls --noheading --format '{{.Name}} {{.Driver}}'
    is "$output" "s1 file
s2 file
s3 file"
    run_pod secret ls --noheading
    is "${#lines[@]}" "3"
    run_pod secret ls -q --filter name=s1
    is "$output" "$id"
    run_pod secret ls --format json
    is "$(jq -r '.[0].Spec.Labels.team' <<<"$output")" "db"
    run_pod 125 secret ls --filter bogus=1

    run_pod secret inspect s1
    is "$(jq -r '.[0].ID' <<<"$output")" "$id"
    is "$(jq -r '.[0].Spec.Driver.Name' <<<"$output")" "file"
    run_pod secret inspect --format '{{.Spec.Name}}={{index .Spec.Labels "x"}}' "${id:0:8}"
    is "$output" "s1=y"
    run_pod secret inspect --pretty s1
    contains "$output" "Name:              s1"
    run_pod 125 secret inspect s1 nosuch
    contains "$output" 'no secret with name or id "nosuch": no such secret'
    is "$(grep -c '"ID"' <<<"$output")" "1" "the found secret is still printed"

    run_pod secret exists s2
    run_pod 1 secret exists nosuch

    run_pod 125 secret rm s2 nosuch
    is "${lines[0]}" "[0-9a-f]{25}" "s2 removed despite the missing one"
    run_pod secret rm --ignore nosuch
    run_pod 125 secret rm
    run_pod secret rm -a
    is "${#lines[@]}" "2"
    run_pod secret ls --noheading
    is "$output" ""
}

@test "Podman sees pod's secrets: same place, same database" {
    command -v podman >/dev/null || skip "podman is not installed"
    run_pod secret create shared /etc/hostname
    id=$output
    out=$(podman_on_store secret ls --format '{{.ID}} {{.Name}}')
    podman_on_store_done
    is "$out" "$id shared"
    run_pod secret rm shared
}

@test "run --secret: a read-only file with owner and mode, or an env variable" {
    printf 'top\000secret\020\021' >"$BATS_TEST_TMPDIR/data"
    run_pod secret create db "$BATS_TEST_TMPDIR/data"
    sum=$(sha256sum <"$BATS_TEST_TMPDIR/data" | cut -d' ' -f1)
    run_pod run --rm --secret db "${IMG[@]}" sha256sum /run/secrets/db
    is "${output%% *}" "$sum" "the secret's bytes in the container"
    run_pod run --rm --secret db "${IMG[@]}" stat -c '%a %u %g' /run/secrets/db
    is "$output" "444 0 0"
    run_pod 1 run --rm --secret db "${IMG[@]}" sh -c 'echo x >/run/secrets/db'
    contains "$output" "Read-only file system"
    run_pod run --rm --secret source=db,target=/etc/app/pass,uid=1000,gid=10,mode=0400 "${IMG[@]}" stat -c '%a %u %g' /etc/app/pass
    is "$output" "400 1000 10"
    run_pod run --rm --secret db,target=rel "${IMG[@]}" cat /run/secrets/rel
    # An env secret ends at the first NUL byte (an environment string cannot hold one).
    run_pod run --rm --secret db,type=env,target=PASS "${IMG[@]}" sh -c 'echo "$PASS"'
    is "$output" "top"
    # Errors before anything is created.
    run_pod 125 run --rm --secret nosuch "${IMG[@]}" true
    is "$output" 'Error: --secret nosuch: no secret with name or id "nosuch": no such secret'
    run_pod 125 run --rm --secret db,type=env,mode=0400 "${IMG[@]}" true
    contains "$output" "mode= applies to mounted secrets"
    run_pod 125 run --rm --secret db,type=file "${IMG[@]}" true
    # The secret is read at each start: a created container gets what is there then.
    run_pod create --name later --secret db "${IMG[@]}" cat /run/secrets/db
    got=$(pod start --attach later | sha256sum | cut -d' ' -f1)
    is "$got" "$sum" "the secret's bytes through start --attach"
    run_pod secret rm db
    run_pod 125 start later
    contains "$output" "recreate the container"
}
