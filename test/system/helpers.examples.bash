# Helpers for 800-man-examples.bats: run the examples of Podman's man pages
# (test/system/examples/VERB.examples) against pod and against the reference
# Podman, and compare exit codes and the shape of the output.
#
# An examples file is read line by line:
#   # text              a comment (say which man page and what was adapted)
#   setup: SHELL        run before the next example, in both engines; it must
#                       succeed in both (it is not an example)
#   compare: MODE       how the next example's output is compared (default
#                       shape): shape, exact, keys, lines, rc (see ex_compare)
#   known-diff: REASON  the next example differs from Podman for REASON: the
#                       difference is reported, not failed
#   skip: EXAMPLE -- REASON   an example that cannot run here (remote
#                       connections, machines, registries, signing)
#   $ SHELL             an example: a shell line in which `podman` is the
#                       engine under test
# Lines are eval'ed in one shell per engine, in that engine's own working
# directory, so setup lines can set variables (cid=$(podman run -d ...)) and
# create files that later examples use. Examples see stdin = /dev/null.

# EX_TIMEOUT: seconds one command of an example may take.
EX_TIMEOUT=${EX_TIMEOUT:-60}

# The examples are about the CLI, and Podman runs them on its default crun:
# a lane of runsc, which refuses pods (700 checks that), runs them on crun.
[[ "$POD_TEST_RUNTIME" != runsc ]] || POD_TEST_RUNTIME=crun

# The 80x-man-examples.bats files load this after helpers.bash: their
# setup_file, teardown_file and teardown are these.
setup_file() { ex_setup_file; }
teardown_file() { ex_teardown_file; }
teardown() { ex_teardown; }

# ex_setup_file prepares pod's private store with the busybox image, and
# the reference Podman: private roots, a containers.conf clamping the
# ulimits (no CAP_SYS_RESOURCE here), the busybox image. Both engines get a
# private network config directory and netavark, so an example's networks
# touch neither /etc nor other tests.
ex_setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    export EXD=$BATS_FILE_TMPDIR/ex
    mkdir -p "$EXD/pod/networks" "$EXD/podman/networks" "$EXD/podman/tmp"
    export EX_NET_OWNER=$$
    local e
    for e in pod podman; do
        ex_default_network "$e"
        printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]\n[network]\nnetwork_backend = "netavark"\nnetwork_config_dir = "%s"\ndefault_network = "%s"\n[engine]\nlock_type = "file"\n' \
            "$EXD/$e/networks" "$(ex_net_name "$e")" >"$EXD/$e/containers.conf"
    done
    export EX_HAVE_PODMAN=
    if command -v podman >/dev/null && ! is_rootless; then
        EX_HAVE_PODMAN=1
        ex_engine podman import "$(busybox_tarball)" "$IMAGE" >/dev/null
        ex_engine podman image inspect --format '{{.Id}}' "$IMAGE" >"$EXD/podman/busybox-id"
    fi
    ex_engine pod image inspect --format '{{.Id}}' "$IMAGE" >"$EXD/pod/busybox-id"
}

ex_teardown_file() {
    ex_clean_both
    ex_engine pod rmi -af >/dev/null 2>&1 || true
    if [[ -n "$EX_HAVE_PODMAN" ]]; then
        ex_engine podman rmi -af >/dev/null 2>&1 || true
    fi
    wait_for_monitors
    ex_release_subnets
}

# Each engine of each 80x file has a default network of its own. The
# built-in `podman` network has the same name, bridge (podman0) and subnet
# (10.88.0.0/16) in every Podman and pod, and netavark names its iptables
# chains after the network's name: two engines running containers at once
# (a file's two engines side by side, or the files of two CI lanes) shared
# the NETAVARK-... chains and the bridge, and one's teardown deleted the
# chains the other was appending to (`netavark: unable to append rule '-d
# 10.88.0.0/16 -j ACCEPT'`). A network file named as default_network in the
# engine's private network_config_dir replaces the built-in one (libnetwork,
# Podman 4.3.1's too, makes it only when no file has that name), with its own
# name, bridge and a reserved /24 of 10.94.0.0/15, away from 10.88.0.0/16
# (pod's CNI cni-podman0 there, docs/networks.md) and the network tests'
# 10.190.0.0/15.

# EX_SUBNETS: the host-wide reservations, one directory per /24 holding the
# pid of the bats file run that took it (a dead pid's is taken back).
EX_SUBNETS=/run/lock/pod-test-examples-subnets

# ex_net_name ENGINE: the engine's default network in this file run.
ex_net_name() { echo "exnet-$EX_NET_OWNER-$1"; }

# ex_default_network ENGINE: write ENGINE's default network file.
ex_default_network() {
    local e=$1 name s tag=a tries=600 owner
    [[ "$e" == pod ]] || tag=b
    name=$(ex_net_name "$e")
    mkdir -p "$EX_SUBNETS"
    while :; do
        ((tries-- > 0)) || die "no free /24 in 10.94.0.0/15 for the examples' default network"
        s=10.$((94 + RANDOM % 2)).$((RANDOM % 256))
        if mkdir "$EX_SUBNETS/$s" 2>/dev/null; then
            echo "$EX_NET_OWNER" >"$EX_SUBNETS/$s/owner"
            break
        fi
        owner=$(cat "$EX_SUBNETS/$s/owner" 2>/dev/null) || continue
        [[ -z "$owner" ]] || kill -0 "$owner" 2>/dev/null || rm -rf "$EX_SUBNETS/$s"
    done
    # netavark's network file; the bridge name has at most 15 characters.
    printf '{"name": "%s", "id": "%s", "driver": "bridge", "network_interface": "pex%s%s",
 "created": "%s", "subnets": [{"subnet": "%s.0/24", "gateway": "%s.1"}],
 "ipv6_enabled": false, "internal": false, "dns_enabled": false, "ipam_options": {"driver": "host-local"}}\n' \
        "$name" "$(echo -n "$name" | sha256sum | cut -c1-64)" "$EX_NET_OWNER" "$tag" \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$s" "$s" >"$EXD/$e/networks/$name.json"
}

# ex_release_subnets: give back this file run's reservations.
ex_release_subnets() {
    local d
    for d in "$EX_SUBNETS"/*; do
        [[ "$(cat "$d/owner" 2>/dev/null)" != "$EX_NET_OWNER" ]] || rm -rf "$d"
    done
}

# ex_teardown: after each test, remove what its examples file made.
ex_teardown() {
    [[ -n "${EX_LAST_FILE:-}" ]] || return 0
    ex_clean_both "$EX_LAST_FILE"
}

# ex_engine ENGINE ARGS...: run pod or the reference podman with ARGS.
ex_engine() {
    local e=$1
    shift
    if [[ "$e" == pod ]]; then
        CONTAINERS_CONF=$EXD/pod/containers.conf timeout "$EX_TIMEOUT" \
            "$POD_BIN/pod" --root "$PODT/root" --runroot "$PODT/run" --tmpdir "$PODT/tmp" \
            --runtime "$POD_TEST_RUNTIME" "$@"
    else
        CONTAINERS_CONF=$EXD/podman/containers.conf timeout "$EX_TIMEOUT" \
            podman --root "$EXD/podman/root" --runroot "$EXD/podman/run" --tmpdir "$EXD/podman/tmp" "$@"
    fi
}

# ex_clean ENGINE [FILE]: remove what an examples file made (containers,
# pods, volumes, networks, secrets, images other than busybox), so every
# file and every engine starts from the same state. With FILE, only the
# kinds of object FILE's text mentions are looked for (each look costs a
# command).
ex_clean() {
    local e=$1 f=${2:-} bb id name
    ex_engine "$e" pod rm -af -t 0 >/dev/null 2>&1 || true
    # Podman 4.3.1's rm -a can fail on a container another one --requires
    # (it removes them in no order): the second round gets it.
    ex_engine "$e" rm -af -t 0 >/dev/null 2>&1 ||
        ex_engine "$e" rm -af -t 0 >/dev/null 2>&1 || true
    if [[ -z "$f" ]] || grep -qE 'volume|-v |--mount|system df' "$f"; then
        ex_engine "$e" volume rm -af >/dev/null 2>&1 || true
    fi
    if [[ -z "$f" ]] || grep -q 'network' "$f"; then
        ex_engine "$e" network prune -f >/dev/null 2>&1 || true
    fi
    if [[ -z "$f" ]] || grep -q 'secret' "$f"; then
        ex_engine "$e" secret rm --all >/dev/null 2>&1 || true
    fi
    if [[ -z "$f" ]] || grep -qE 'commit|tag|import|load|save|kube|image|pod create' "$f"; then
        bb=$(cat "$EXD/$e/busybox-id")
        while read -r id name; do
            if [[ "$id" == "$bb" ]]; then
                [[ "$name" == "$IMAGE:latest" || "$name" == *"<none>"* ]] ||
                    ex_engine "$e" rmi -f "$name" >/dev/null 2>&1 || true
            else
                ex_engine "$e" rmi -f "$id" >/dev/null 2>&1 || true
            fi
        done < <(ex_engine "$e" images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' 2>/dev/null | sed 's/^sha256://')
        ex_engine "$e" image exists "$IMAGE" 2>/dev/null ||
            ex_engine "$e" import "$(busybox_tarball)" "$IMAGE" >/dev/null 2>&1 || true
    fi
    return 0
}

# ex_clean_both [FILE]: ex_clean of both engines, side by side.
ex_clean_both() {
    local p
    ex_clean pod "$@" &
    p=$!
    [[ -z "$EX_HAVE_PODMAN" ]] || ex_clean podman "$@"
    wait "$p" || true
}

# ex_run FILE ENGINE OUT: run FILE's setup lines and examples with ENGINE as
# `podman`, in OUT/work; example N leaves OUT/N.{cmd,rc,out,err,mode,known},
# setup line N leaves OUT/sN.{cmd,rc,log}.
ex_run() (
    local file=$1 engine=$2 out=$3 line n=0 s=0 mode=shape known= t0
    # Exit codes are the data here: no errexit from bats.
    set +e
    mkdir -p "$out/work"
    cd "$out/work" || exit 1
    export EX_ENGINE=$engine
    # The engine's default network (ex_default_network), for examples
    # about Podman's `podman` network.
    export EX_NET
    EX_NET=$(ex_net_name "$engine")
    podman() { ex_engine "$EX_ENGINE" "$@"; }
    while IFS= read -r line || [[ -n "$line" ]]; do
        case "$line" in
        '' | '#'*) ;;
        'setup: '*)
            s=$((s + 1))
            echo "${line#setup: }" >"$out/s$s.cmd"
            # In this shell: a setup line may set variables (cid=$(...)).
            eval "${line#setup: }" </dev/null >"$out/s$s.log" 2>&1
            echo $? >"$out/s$s.rc"
            ;;
        'compare: '*) mode=${line#compare: } ;;
        'known-diff: '*) known=${line#known-diff: } ;;
        'skip: '*) echo "${line#skip: }" >>"$out/skipped" ;;
        '$ '*)
            n=$((n + 1))
            echo "${line#\$ }" >"$out/$n.cmd"
            t0=$EPOCHREALTIME
            (eval "${line#\$ }") </dev/null >"$out/$n.out" 2>"$out/$n.err"
            echo $? >"$out/$n.rc"
            # The engine's own default network is Podman's `podman` in what
            # is compared (container inspect's NetworkSettings.Networks keys).
            sed -i -E -e "s/\b$EX_NET\b/podman/g" -e "s/\bpex${EX_NET_OWNER}[ab]\b/podman0/g" "$out/$n.out" "$out/$n.err"
            echo "$t0 $EPOCHREALTIME" | awk '{printf "%.1f\n", $2 - $1}' >"$out/$n.secs"
            echo "$mode" >"$out/$n.mode"
            echo "$known" >"$out/$n.known"
            mode=shape known=
            ;;
        *)
            echo "$file: cannot read line: $line" >&2
            exit 1
            ;;
        esac
    done <"$file"
)

# ex_norm: IDs, digests, times and numbers out of the text on stdin.
ex_norm() {
    sed -E -e 's/sha256:[0-9a-f]{64}/<ID>/g' -e 's/\b[0-9a-f]{64}\b/<ID>/g' -e 's/\b[0-9a-f]{12}\b/<ID>/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+([+-][0-9:]+| ?Z| [+-][0-9]{4} [A-Z]+)?/<TIME>/g' \
        -e 's/[0-9]+(\.[0-9]+)?/N/g'
}

# ex_is_json FILE: FILE holds a JSON object or array.
ex_is_json() {
    [[ "$(tr -d ' \t\n' <"$1" | head -c1)" == [\[{] ]] && jq -e . "$1" >/dev/null 2>&1
}

# ex_json_keys FILE: every key path of FILE's JSON, array indexes as [].
ex_json_keys() {
    jq -r 'paths | map(if type == "number" then "[]" else tostring end) | join(".")' "$1" | sort -u
}

# ex_yaml_keys FILE: the key paths of indented "key:" text (podman info).
ex_yaml_keys() {
    # The lines of a block value ("version: |-") are text, not keys: the
    # runtimes' --version output differs between crun and runc.
    awk '{
        match($0, /^ */); ind = RLENGTH
        if (block >= 0 && ind > block) next
        block = -1
        rest = substr($0, ind + 1)
        if (rest ~ /^- /) { ind += 2; rest = substr(rest, 3) }
        if (rest !~ /^[A-Za-z][A-Za-z0-9_.\/-]*:( |$)/) next
        key = rest; sub(/:.*/, "", key)
        if (rest ~ /: [|>][-+]?$/) block = ind
        while (n > 0 && lvl[n] >= ind) n--
        n++; lvl[n] = ind; name[n] = key
        p = name[1]; for (i = 2; i <= n; i++) p = p "." name[i]
        print p
    }' block=-1 "$1" | sort -u
}

# ex_shape FILE: one line per output line: its number of columns (split at
# two or more blanks or a tab, as Podman's tables are), and the line itself
# when it is a table header (upper-case words).
ex_shape() {
    ex_norm <"$1" | awk '{
        line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
        n = split(line, f, /  +|\t+/)
        if (line == "") n = 0
        if (line ~ /^[A-Z][A-Z %\/.]*[A-Z]$/ && line ~ /[A-Z][A-Z]/) { gsub(/  +|\t+/, "|", line); print n " " line }
        else print n
    }'
}

# ex_compare MODE POD_OUT PODMAN_OUT: prints why the outputs differ; empty
# when they have the same shape. Modes:
#   shape  JSON: the same key paths (keys only pod prints are allowed,
#          see run_examples); text: the same number of lines, of
#          columns in each line, and the same table headers (default)
#   exact  the same text once IDs, times and numbers are normalised
#   keys   the same key paths of "key: value" text (podman info)
#   lines  the same number of lines
#   header the same first line (blanks collapsed): tables whose rows vary
#   rc     only the exit code is compared (output that depends on the host)
ex_compare() {
    local mode=$1 a=$2 b=$3
    case "$mode" in
    shape)
        if ex_is_json "$a" || ex_is_json "$b"; then
            if ! ex_is_json "$a" || ! ex_is_json "$b"; then
                echo "only one of the outputs is JSON"
                return
            fi
            diff <(ex_json_keys "$a") <(ex_json_keys "$b") | sed -n 's/^</  only pod:/p; s/^>/  only podman:/p'
        else
            diff <(ex_shape "$a") <(ex_shape "$b") >/dev/null ||
                echo "text shape differs (lines: pod $(wc -l <"$a"), podman $(wc -l <"$b"); columns or header differ)"
        fi
        ;;
    exact) diff <(ex_norm <"$a") <(ex_norm <"$b") >/dev/null || echo "normalised text differs" ;;
    keys) diff <(ex_yaml_keys "$a") <(ex_yaml_keys "$b") | sed -n 's/^</  only pod:/p; s/^>/  only podman:/p' ;;
    lines) [[ $(wc -l <"$a") == $(wc -l <"$b") ]] || echo "line count differs: pod $(wc -l <"$a"), podman $(wc -l <"$b")" ;;
    header) [[ "$(head -1 "$a" | tr -s ' \t' ' ')" == "$(head -1 "$b" | tr -s ' \t' ' ')" ]] || echo "the first (header) line differs" ;;
    rc) ;;
    *) echo "unknown compare mode '$mode'" ;;
    esac
}

# ex_show LABEL DIR N: a result, indented.
ex_show() {
    echo "#   $1: exit $(cat "$2/$3.rc")"
    sed 's/^/#     | /' "$2/$3.out" | head -40
    [[ -s "$2/$3.err" ]] && sed 's/^/#     ! /' "$2/$3.err" | head -10
    return 0
}

# run_examples VERB: run examples/VERB.examples against pod and Podman and
# compare. Fails listing every example whose exit code or output shape
# differs (known-diff ones are listed, not failed).
run_examples() {
    local verb=$1 file=$BATS_TEST_DIRNAME/examples/$1.examples
    [[ -f "$file" ]] || die "no examples file $file"
    [[ -n "$EX_HAVE_PODMAN" ]] || skip "the reference podman is not installed (or not root)"
    local a=$EXD/run/$verb/pod b=$EXD/run/$verb/podman
    # teardown (ex_teardown) removes what the file made, even on failure.
    EX_LAST_FILE=$file
    rm -rf "$EXD/run/$verb"
    # The two engines run side by side (two cores), except files that make
    # networks or publish ports: those would take the same bridge names,
    # subnets and host ports in both. Those names, subnets and ports are
    # host-wide, the same in every 80x file (net1 is 10.89.1.0/24 in run,
    # pod and kube-play; netavark's chains are named after the network's
    # name): such a file takes a host-wide lock, so no other 80x file (CI's
    # other lanes) makes them at the same time, and removes them before it
    # lets go.
    if grep -qE 'network|-p [0-9]|--publish|kube play' "$file"; then
        local lk
        exec {lk}>/run/lock/pod-test-examples-net.lock
        flock -w 900 "$lk" || die "waited 15 minutes for /run/lock/pod-test-examples-net.lock"
        ex_run "$file" pod "$a" || die "examples file $file is not valid"
        ex_engine pod pod rm -af -t 0 >/dev/null 2>&1 || true
        ex_engine pod rm -af -t 0 >/dev/null 2>&1 || true
        ex_run "$file" podman "$b" || die "examples file $file is not valid"
        ex_clean_both "$file"
        EX_LAST_FILE=
        exec {lk}>&-
    else
        local pa pb ra=0 rb=0
        ex_run "$file" pod "$a" &
        pa=$!
        ex_run "$file" podman "$b" &
        pb=$!
        wait "$pa" || ra=$?
        wait "$pb" || rb=$?
        ((ra == 0 && rb == 0)) || die "examples file $file is not valid"
    fi

    local fails=0 known=0 total=0 i why k extra
    for i in $(seq 1 1000); do
        [[ -f "$a/s$i.rc" ]] || break
        # A setup line must succeed in both engines: what it makes is what
        # the examples after it are about.
        if [[ "$(cat "$a/s$i.rc")" != 0 || "$(cat "$b/s$i.rc")" != 0 ]]; then
            echo "# setup line failed: $(cat "$a/s$i.cmd")"
            echo "#   pod: exit $(cat "$a/s$i.rc")"; sed 's/^/#     | /' "$a/s$i.log" | head -20
            echo "#   podman: exit $(cat "$b/s$i.rc")"; sed 's/^/#     | /' "$b/s$i.log" | head -20
            fails=$((fails + 1))
        fi
    done
    for i in $(seq 1 1000); do
        [[ -f "$a/$i.rc" ]] || break
        total=$((total + 1))
        # Slow examples are named: the file should stay quick.
        if awk -v a="$(cat "$a/$i.secs")" -v b="$(cat "$b/$i.secs")" 'BEGIN { exit !(a > 5 || b > 5) }'; then
            echo "# slow example (pod $(cat "$a/$i.secs")s, podman $(cat "$b/$i.secs")s): $(cat "$a/$i.cmd")"
        fi
        why=
        [[ "$(cat "$a/$i.rc")" == "$(cat "$b/$i.rc")" ]] || why="exit code differs"
        if [[ -z "$why" ]]; then
            why=$(ex_compare "$(cat "$a/$i.mode")" "$a/$i.out" "$b/$i.out")
            # Keys only pod has (its runtime table in info, a pod's Runtime)
            # are extensions: counted, not failed. Keys Podman has and pod
            # lacks are differences.
            extra=$(grep -c '^  only pod:' <<<"$why") || true
            why=$(grep -v '^  only pod:' <<<"$why") || true
            ((extra == 0)) || echo "# note: pod prints $extra JSON/info key(s) Podman does not: $(cat "$a/$i.cmd")"
        fi
        [[ -n "$why" ]] || continue
        k=$(cat "$a/$i.known")
        if [[ -n "$k" ]]; then
            known=$((known + 1))
            echo "# known-diff ($k): $(cat "$a/$i.cmd")"
            echo "$why" | head -40 | sed 's/^/#   /'
            continue
        fi
        fails=$((fails + 1))
        echo "# DIFF ($verb.examples): $(cat "$a/$i.cmd")"
        echo "$why" | sed 's/^/#   /'
        ex_show pod "$a" "$i"
        ex_show podman "$b" "$i"
    done
    [[ -f "$a/skipped" ]] && sed 's/^/# skipped: /' "$a/skipped"
    echo "# $verb: $total examples, $fails differ, $known known differences"
    ((total > 0)) || die "$file has no examples"
    ((fails == 0)) || die "$fails example(s) of $verb differ from Podman"
}

# ex_check_split: every examples/VERB.examples has one `run_examples VERB`
# test in 800- to 803-man-examples.bats (the files CI shares among its
# runtime lanes), none twice and none without its file.
ex_check_split() {
    local d=$BATS_TEST_DIRNAME have want
    want=$(cd "$d/examples" && ls -- *.examples | sed 's/\.examples$//' | sort)
    have=$(cat "$d"/80[0-3]-man-examples.bats | sed -nE 's/^@test .*\{ run_examples ([^;]+); \}$/\1/p' | sort)
    [[ -n "$want" ]] || die "no examples files in $d/examples"
    if [[ "$have" != "$want" ]]; then
        diff <(echo "$want") <(echo "$have") | sed -n 's/^</# no test runs examples file:/p; s/^>/# test without examples file, or twice:/p'
        die "800- to 803-man-examples.bats do not run every examples file exactly once"
    fi
}
