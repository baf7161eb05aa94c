# Helpers for the image tests (3NN-image-*.bats): a private registry and
# registries.conf, the busybox image. Load after helpers.

# image_env: registries.conf and auth file private to this file.
image_env() {
    export CONTAINERS_REGISTRIES_CONF=$BATS_FILE_TMPDIR/registries.conf
    export REGISTRY_AUTH_FILE=$BATS_FILE_TMPDIR/auth.json
    export TMPDIR=$BATS_FILE_TMPDIR
    echo '{"auths":{}}' >"$REGISTRY_AUTH_FILE"
    printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"
}

# start_registry: Debian's docker-registry on a free 127.0.0.1 port, listed
# in registries.conf as insecure and as the unqualified-search registry.
# Sets REGISTRY (host:port); stop_registry ends it.
start_registry() {
    command -v docker-registry >/dev/null || skip "docker-registry not installed"
    local port dir=$BATS_FILE_TMPDIR/registry
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$dir/data"
    cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
CONF
    # The registry reads REGISTRY_* variables as configuration: drop ours.
    env -u REGISTRY_AUTH_FILE docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    export REGISTRY=127.0.0.1:$port
    printf 'unqualified-search-registries = ["%s"]\n[[registry]]\nlocation = "%s"\ninsecure = true\n' \
        "$REGISTRY" "$REGISTRY" >"$CONTAINERS_REGISTRIES_CONF"
    local i
    for i in $(seq 100); do
        curl -fs "http://$REGISTRY/v2/" >/dev/null && return 0
        sleep 0.05
    done
    cat "$dir/log" >&2
    return 1
}

stop_registry() {
    local pidfile=$BATS_FILE_TMPDIR/registry/pid
    [[ -f $pidfile ]] || return 0
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
}

# import_busybox [NAME]: contrib/mkbusybox.sh through `pod import`.
import_busybox() {
    POD="$POD_BIN/pod" "$BATS_TEST_DIRNAME/../../contrib/mkbusybox.sh" -n "${1:-localhost/busybox}" -- \
        --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp"
}
