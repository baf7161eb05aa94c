#!/usr/bin/env bats
# pod's own commands: version, help, info, runtime ls.

load helpers

@test "version prints pod's version" {
    run_pod version
    contains "$output" "Version:"
    run_pod version --format '{{.Client.Version}}'
    is "$output" "[0-9]+\.[0-9]+\.[0-9]+.*"
    run_pod --version
    is "$output" "pod version .*"
}

@test "no command prints help and exits 125" {
    run_pod 125
    contains "$output" "Usage:"
    run_pod 125 nosuchverb
    contains "$output" 'unrecognized command `pod nosuchverb`'
}

@test "runtime ls lists every configured runtime with kind, path, version, status" {
    run_pod runtime ls
    contains "${lines[0]}" "NAME"
    contains "${lines[0]}" "FEATURES"
    contains "${lines[0]}" "STATUS"
    run_pod runtime ls --format json
    echo "$output" | jq -e 'length > 0' >/dev/null
    for rt in runc crun runsc; do
        if command -v $rt >/dev/null; then
            avail=$(echo "$output" | jq -r ".[] | select(.name == \"$rt\") | .available")
            is "$avail" "true" "$rt available"
            ver=$(echo "$output" | jq -r ".[] | select(.name == \"$rt\") | .version")
            contains "$ver" "version" "$rt version"
        fi
    done
    # Runtimes that are configured but not installed are listed with the reason.
    reason=$(echo "$output" | jq -r '.[] | select(.name == "youki") | .reason')
    contains "$reason" "not found"
}

@test "info lists all runtimes, not only the default" {
    run_pod info --format json
    n=$(echo "$output" | jq '[.host.ociRuntimes[] | select(.available)] | length')
    [[ $n -ge 2 ]] || die "expected at least 2 available runtimes in info, got $n"
    run_pod info --format '{{.Store.GraphRoot}}'
    is "$output" "$PODT/root"
    run_pod info
    contains "$output" "ociRuntimes:"
}
