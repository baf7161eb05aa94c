#!/usr/bin/env bats
# Podman's global flags, `pod info`, `pod version` and `pod completion`,
# checked against Podman 4.3.1 where it is installed (its own store under
# $PODT/podman, never pod's).

load helpers

# podman_ref runs the reference Podman on a private store.
podman_ref() {
    podman --root "$PODT/podman/root" --runroot "$PODT/podman/run" "$@"
}

skip_unless_podman() {
    command -v podman >/dev/null || skip "podman is not installed"
    # rootless Podman refuses a runroot over 50 characters (the test's tmp dir)
    skip_if_rootless "the Podman reference runs as root"
}

# same ACTUAL EXPECTED [WHAT]: equal strings (no regex).
same() {
    [[ "$1" == "$2" ]] || die "${3:-value}: expected '$2', got '$1'"
}

# keys prints the key paths of a JSON document (array indexes dropped).
keys() {
    jq -r '[paths | map(select(type == "string")) | join(".")] | unique | .[]'
}

@test "info: every key of podman info, under the same paths" {
    skip_unless_podman
    podman_ref info --format json >"$PODT/podman-info.json"
    run_pod info --format json
    echo "$output" >"$PODT/pod-info.json"
    missing=$(comm -23 <(keys <"$PODT/podman-info.json") <(keys <"$PODT/pod-info.json"))
    [[ -z "$missing" ]] || die "keys podman info has and pod info lacks: $missing"
    # pod's own runtime table is still there.
    jq -e '.host.ociRuntimes | length > 0' "$PODT/pod-info.json" >/dev/null
}

@test "info: values are this host's, as podman reports them" {
    skip_unless_podman
    podman_ref info --format json >"$PODT/podman-info.json"
    run_pod info --format json
    echo "$output" >"$PODT/pod-info.json"
    for k in .host.arch .host.os .host.cgroupVersion .host.cgroupControllers .host.cpus .host.distribution \
        .host.hostname .host.kernel .host.memTotal .host.swapTotal .host.idMappings .host.eventLogger \
        .host.logDriver .host.cgroupManager .host.security.capabilities .host.security.rootless \
        .host.security.seccompEnabled .host.security.selinuxEnabled .host.security.apparmorEnabled \
        .store.configFile .store.graphDriverName .store.graphRootAllocated .store.imageCopyTmpDir \
        .plugins.log .plugins.authorization .registries; do
        same "$(jq -cS "$k" "$PODT/pod-info.json")" "$(jq -cS "$k" "$PODT/podman-info.json")" "info $k"
    done
    # The driver's status: every key podman shows, with podman's value.
    for k in $(jq -r '.store.graphStatus | keys[]' "$PODT/podman-info.json" | tr ' ' '#'); do
        k=${k//#/ }
        same "$(jq -r --arg k "$k" '.store.graphStatus[$k]' "$PODT/pod-info.json")" \
            "$(jq -r --arg k "$k" '.store.graphStatus[$k]' "$PODT/podman-info.json")" "graphStatus $k"
    done
    # The default runtime is the one pod was told to use, with its package.
    is "$(jq -r .host.ociRuntime.name "$PODT/pod-info.json")" "$POD_TEST_RUNTIME"
    rtpath=$(jq -r .host.ociRuntime.path "$PODT/pod-info.json")
    [[ -x "$rtpath" ]] || die "ociRuntime.path $rtpath is not an executable"
    if [[ "$rtpath" == "$(jq -r .host.ociRuntime.path "$PODT/podman-info.json")" ]]; then
        same "$(jq -r .host.ociRuntime.package "$PODT/pod-info.json")" "$(jq -r .host.ociRuntime.package "$PODT/podman-info.json")"
    fi
    # CPU shares since boot add up to 100 (rounded per share).
    jq -e '.host.cpuUtilization | (.userPercent + .systemPercent + .idlePercent) | (. > 99.9 and . < 100.1)' \
        "$PODT/pod-info.json" >/dev/null || die "cpuUtilization does not add up: $(jq -c .host.cpuUtilization "$PODT/pod-info.json")"
    is "$(jq -r .store.graphRoot "$PODT/pod-info.json")" "$PODT/root"
    is "$(jq -r .store.runRoot "$PODT/pod-info.json")" "$PODT/run"
    is "$(jq -r .store.volumePath "$PODT/pod-info.json")" "$PODT/root/volumes"
    is "$(jq -r .store.imageStore.number "$PODT/pod-info.json")" "$(pod images -q --no-trunc | sort -u | wc -l)"
}

@test "info: container counts, Go templates and YAML follow podman" {
    skip_if_rootless "the Podman reference runs as root"
    pod create --name info-c1 "${IMG[@]}" true >/dev/null
    pod run -d --name info-c2 "${IMG[@]}" sleep 100 >/dev/null
    run_pod info --format '{{.Store.ContainerStore.Number}} {{.Store.ContainerStore.Running}} {{.Store.ContainerStore.Stopped}}'
    is "$output" "2 1 1"
    . /etc/os-release
    run_pod info --format '{{.Host.Distribution.Distribution}} {{.Host.Distribution.Version}}'
    is "$output" "$ID $VERSION_ID"
    run_pod info --format '{{.Host.Kernel}} {{.Host.CPUs}} {{.Host.OCIRuntime.Name}} {{.Host.Security.SECCOMPEnabled}}'
    is "$output" "$(uname -r) $(nproc) $POD_TEST_RUNTIME true"
    run_pod info --format '{{.Host.EventLogger}} {{.Store.GraphDriverName}} {{.Version.OsArch}} {{.Host.CgroupsVersion}}'
    is "$output" "[a-z]+ [a-z0-9]+ linux/[a-z0-9]+ v[12]"
    run_pod info
    # Sorted keys, sequences not indented, as podman prints them.
    is "${lines[0]}" "host:"
    is "$(grep -c '^[a-z]' <<<"$output")" "5"
    is "$(grep -A1 '^  cgroupControllers:' <<<"$output" | sed -n 2p)" "  - [a-z_]+"
    top=$(grep -o '^[a-z]*' <<<"$output" | tr '\n' ' ')
    is "$top" "host plugins registries store version "
    if command -v podman >/dev/null; then
        is "$top" "$(podman_ref info | grep -o '^[a-z]*' | tr '\n' ' ')"
    fi
}

@test "version: podman's fields, json on one line, --version" {
    skip_if_rootless "the Podman reference runs as root"
    run_pod version --format '{{.Client.Version}}|{{.Client.APIVersion}}|{{.Client.GoVersion}}|{{.Client.OsArch}}|{{.Client.BuiltTime}}|{{.Client.Os}}'
    gover=$(go version "$POD_BIN/pod" 2>/dev/null | awk '{print $2}')
    [[ -n "$gover" ]] || gover='go[0-9.]+'
    is "$output" "[0-9]+\.[0-9]+\.[0-9]+[^|]*\|[^|]+\|$gover\|linux/[a-z0-9]+\|[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}\|linux"
    run_pod version --format json
    is "${#lines[@]}" "1" "json on one line"
    echo "$output" | jq -e '.Client.Version and .Client.GoVersion and (.Client.Built | type == "number")' >/dev/null
    if command -v podman >/dev/null; then
        same "$(echo "$output" | jq -c '.Client | keys')" "$(podman_ref version --format json | jq -c '.Client | keys')"
    fi
    run_pod version
    is "${lines[0]}" "Client: +pod"
    contains "$output" "API Version:"
    contains "$output" "OS/Arch:"
    run_pod --version
    is "$output" "pod version [0-9]+\..*"
    run_pod version --format '{{.Server}}'
    is "$output" "<nil>"
}

@test "global flags: --log-level takes podman's values and rejects others as podman does" {
    run_pod 1 --log-level bogus version
    is "$output" 'Log Level "bogus" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic'
    if command -v podman >/dev/null; then
        ref=$(podman_ref --log-level bogus version 2>&1) && die "podman accepted a bad level"
        is "$output" "$ref"
    fi
    run_pod --log-level DEBUG info --format '{{.Host.Arch}}'
    contains "$output" "level=debug"
    run_pod --log-level error info --format '{{.Host.Arch}}'
    is "$output" "[a-z0-9]+"
}

@test "global flags: the remote-service ones are refused, exit 125" {
    for f in remote:--remote remote:-r connection:"--connection x" connection:"-c x" \
        url:"--url unix:///run/podman/podman.sock" identity:"--identity /root/.ssh/id" ssh:"--ssh native"; do
        read -ra a <<<"${f#*:}"
        run_pod 125 "${a[@]}" ps
        contains "$output" "pod has no remote service"
        contains "$output" "Error: --${f%%:*}:"
    done
    run_pod --remote=false ps
    run_pod --context default ps
    run_pod 125 --context other ps
    contains "$output" 'the only --context value allowed is "default"'
    # As in podman, they go before the verb only.
    run_pod 125 ps -r
    contains "$output" "unknown shorthand flag: 'r'"
    run_pod 125 --bogus ps
    contains "$output" "unknown flag: --bogus"
}

@test "global flags: --noout and --out send stdout away, not stderr" {
    run_pod --noout version
    is "$output" ""
    run_pod --noout images
    is "$output" ""
    run_pod 125 --noout inspect nosuchthing-140
    contains "$output" "nosuchthing-140"
    run_pod --out "$PODT/out.txt" version --format '{{.Client.Version}}'
    is "$output" ""
    is "$(cat "$PODT/out.txt")" "[0-9]+\..*"
    run_pod --out "$PODT/out.txt" images --format '{{.Repository}}'
    is "$output" ""
    contains "$(cat "$PODT/out.txt")" "localhost/busybox"
    run_pod --out "$PODT/out.txt" run --rm "${IMG[@]}" echo hello-out
    contains "$(cat "$PODT/out.txt")" "hello-out"
    # After an image verb too (pod-image runs it).
    run_pod images --noout
    is "$output" ""
    run_pod images --out "$PODT/out2.txt" --format '{{.Repository}}'
    is "$output" ""
    contains "$(cat "$PODT/out2.txt")" "localhost/busybox"
    run_pod 1 images --log-level bogus
    contains "$output" 'Log Level "bogus" is not supported'
    run_pod 125 --out "$PODT/no/such/dir/f" version
    contains "$output" "--out"
}

@test "global flags: storage, tmp dir, runtime flags and monitor change what they say" {
    # --tmpdir: the exit files go there.
    tmp2=$PODT/tmp2
    id=$(pod --tmpdir "$tmp2" run -d "${IMG[@]}" true)
    pod --tmpdir "$tmp2" wait "$id" >/dev/null
    [[ -f "$tmp2/exits/$id" ]] || die "--tmpdir $tmp2: no exit file $tmp2/exits/$id"
    run_pod --tmpdir "$tmp2" info --format '{{.Store.TmpDir}}'
    is "$output" "$tmp2"
    # --storage-opt reaches the driver, and info shows it.
    run_pod --storage-opt overlay.mountopt=nodev info --format json
    local opt
    opt=$(echo "$output" | jq -r '.store.graphOptions["overlay.mountopt"]') || die "info --format json is not JSON: $output"
    is "$opt" "nodev"
    # --storage-driver in a fresh store.
    run_pod --root "$PODT/vfsroot" --runroot "$PODT/vfsrun" --storage-driver vfs info --format '{{.Store.GraphDriverName}} {{.Store.GraphRoot}}'
    is "$output" "vfs $PODT/vfsroot"
    # --runtime-flag is passed to every OCI runtime.
    run_pod --runtime-flag debug runtime ls --format json
    is "$(echo "$output" | jq -r '[.[] | select(.kind == "oci" and .available) | .flags | index("--debug") != null] | all')" "true"
    # --conmon picks the monitor.
    run_pod --conmon "$POD_BIN/pod-conmon" info --format '{{.Host.Conmon.Path}}'
    is "$output" "$POD_BIN/pod-conmon"
    run_pod --cgroup-manager cgroupfs info --format '{{.Host.CgroupManager}}'
    is "$output" "cgroupfs"
    run_pod 125 --cgroup-manager other info
    contains "$output" "cgroupfs or systemd"
}

@test "global flags: recorded ones are validated and show in info" {
    run_pod --events-backend none info --format '{{.Host.EventLogger}}'
    is "$output" "none"
    run_pod 125 --events-backend bogus info
    contains "$output" '"bogus" is not a valid events backend'
    run_pod --volumepath "$PODT/vols" info --format '{{.Store.VolumePath}}'
    is "$output" "$PODT/vols"
    run_pod 125 --volumepath relative/vols info
    contains "$output" "--volumepath"
    run_pod --network-cmd-path /bin/true info --format '{{.Host.Slirp4NetNS.Executable}}'
    is "$output" "/bin/true"
    run_pod --network-config-dir "$PODT/net" --hooks-dir "$PODT/hooks" --hooks-dir "$PODT/hooks2" ps
    run_pod 125 --hooks-dir relative ps
    contains "$output" "--hooks-dir"
    run_pod 125 --network-config-dir relative ps
    contains "$output" "--network-config-dir"
    run_pod 125 --namespace ns1 ps
    contains "$output" "namespace"
    run_pod 125 --max-workers 0 ps
    contains "$output" "maximum workers must be set to a positive number"
}

@test "global flags: --module loads a containers.conf module" {
    mkdir -p "$PODT/mod"
    printf '[engine]\nevents_logger = "none"\n' >"$PODT/mod/ev.conf"
    run_pod --module "$PODT/mod/ev.conf" info --format '{{.Host.EventLogger}}'
    is "$output" "none"
    run_pod 125 --module nosuch-140.conf info
    contains "$output" 'could not resolve module "nosuch-140.conf"'
    # A container's exit command (run by its monitor) loads the same modules.
    skip_unless_oci "the shim's monitor keeps the exit command elsewhere"
    id=$(pod --module "$PODT/mod/ev.conf" run -d "${IMG[@]}" sleep 100)
    mon=$(pgrep -f -- "pod-conmon.*$id" | head -1)
    [[ -n "$mon" ]] || die "no monitor for $id"
    contains "$(tr '\0' ' ' </proc/$mon/cmdline)" "--exit-command-arg --module --exit-command-arg $PODT/mod/ev.conf"
}

@test "global flags: --cpu-profile and --memory-profile write pprof files" {
    run_pod --cpu-profile "$PODT/cpu.prof" --memory-profile "$PODT/mem.prof" info --format '{{.Host.Arch}}'
    for f in cpu mem; do
        [[ -s "$PODT/$f.prof" ]] || die "$f.prof is empty"
        is "$(head -c2 "$PODT/$f.prof" | od -An -tx1 | tr -d ' ')" "1f8b" "$f.prof is a gzip'd profile"
    done
}

@test "global flags: --syslog fails like podman without a syslog, logs to it with one" {
    if [[ ! -S /dev/log ]]; then
        run_pod 1 --syslog version
        contains "$output" "Failed to initialize syslog hook"
        if command -v podman >/dev/null; then
            ref=$(podman_ref --syslog version 2>&1) && die "podman --syslog worked without /dev/log"
            contains "$ref" "Failed to initialize syslog hook"
        fi
    fi
    [[ $(id -u) == 0 ]] && command -v unshare >/dev/null && command -v python3 >/dev/null || skip "needs root, unshare and python3"
    # A private /dev with a syslog socket that records what it receives.
    cat >"$PODT/syslogd.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(20)
with open(sys.argv[1], "ab") as out:
    try:
        while True:
            out.write(s.recv(65536) + b"\n"); out.flush()
    except socket.timeout:
        pass
EOF
    POD="$POD_BIN/pod --root $PODT/root --runroot $PODT/run --tmpdir $PODT/tmp"
    run unshare -m bash -c "mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 &&
        (python3 $PODT/syslogd.py $PODT/syslog.txt &) &&
        for i in \$(seq 100); do [[ -e $PODT/syslog.txt.ready ]] && break; sleep 0.1; done &&
        $POD --syslog --log-level debug info --format '{{.Host.Arch}}'"
    [[ $status == 0 ]] || die "pod --syslog failed: $output"
    sleep 0.5
    contains "$(cat "$PODT/syslog.txt")" "containers.conf"
    pkill -f "$PODT/syslogd.py" || true
}

@test "completion: scripts for every shell, bash's completes verbs and flags" {
    for sh in bash zsh fish powershell; do
        run_pod completion $sh
        contains "$output" "pod"
        is "${lines[-1]}" "# This file is generated with \"pod completion $sh\"; DO NOT EDIT!"
    done
    run_pod completion --no-desc -f "$PODT/pod.bash" bash
    is "$output" ""
    [[ -s "$PODT/pod.bash" ]] || die "-f wrote nothing"
    run_pod 125 completion
    contains "$output" "accepts 1 arg(s), received 0"
    run_pod 125 completion tcsh
    contains "$output" 'invalid argument "tcsh" for "pod completion"'
    # Load the bash script and complete like bash would.
    # Without the bash-completion package, a minimal _get_comp_words_by_ref.
    out=$(PATH="$POD_BIN:$PATH" bash -c '
        if [[ -r /usr/share/bash-completion/bash_completion ]]; then
            source /usr/share/bash-completion/bash_completion
        else
            _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
        fi
        source "$1"
        COMP_WORDS=(pod vers); COMP_CWORD=1; COMP_LINE="pod vers"; COMP_POINT=${#COMP_LINE}
        __start_pod; echo "${COMPREPLY[@]}"
        COMP_WORDS=(pod --log-level ""); COMP_CWORD=2; COMP_LINE="pod --log-level "; COMP_POINT=${#COMP_LINE}
        __start_pod; echo "${COMPREPLY[@]}"' _ "$PODT/pod.bash")
    is "$(sed -n 1p <<<"$out")" "version"
    contains "$(sed -n 2p <<<"$out")" "debug"
}

@test "pod links no Kubernetes or imagebuilder package: kube, play and build run in pod-full" {
    command -v go >/dev/null || skip "needs go to read the binaries' build info"
    run go version -m "$POD_BIN/pod"
    [[ $status -eq 0 ]] || die "go version -m: $output"
    if grep -E 'k8s.io/|openshift/imagebuilder' <<<"$output"; then
        die "bin/pod links the packages left to pod-full"
    fi
    run go version -m "$POD_BIN/pod-full"
    contains "$output" "k8s.io/api"
    # The forwarded verbs' help is pod-full's, flags and all.
    run_pod kube play --help
    contains "$output" "--configmap"
    run_pod build --help
    contains "$output" "--build-arg"
    run_pod generate kube --help
    contains "$output" "Usage:"
}

