#!/usr/bin/env bats
# build: Containerfiles on imagebuilder, RUN under pod's runtimes, layers
# in the shared store (pod and Podman run and inspect the result).

load helpers
load helpers.network

# ctxdir NAME: a fresh build context.
ctxdir() {
    local d=$BATS_TEST_TMPDIR/$1
    mkdir -p "$d"
    echo "$d"
}

# leftovers: storage containers of any tool (the build's working containers).
leftovers() { pod ps -a --external -q; }

@test "build: multi-stage, RUN result, COPY --from, .containerignore, --build-arg, podman reads it" {
    d=$(ctxdir ms)
    mkdir -p "$d/src/deep"
    printf 'data \x01\x02 end\n' >"$d/src/deep/f.bin"
    echo ignored >"$d/src/secret.txt"
    echo ignored >"$d/notes.md"
    printf 'src/secret.txt\n*.md\n' >"$d/.containerignore"
    cat >"$d/Containerfile" <<'CF'
ARG BASE=localhost/busybox
FROM $BASE AS builder
ARG WHO=nobody
RUN mkdir -p /out && echo "built by $WHO" >/out/who && wc -c </etc/passwd >/out/n
FROM $BASE
LABEL stage=final
ENV GREETING="hi there"
WORKDIR /app
COPY --from=builder /out/ /app/
COPY . /ctx/
COPY --chown=65534:65534 src/deep/f.bin /owned.bin
EXPOSE 8080/udp
VOLUME /data
HEALTHCHECK --interval=5s CMD true
STOPSIGNAL SIGINT
USER 0:0
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /app/who"]
CF
    run_pod build -q --format docker --build-arg WHO=bats -t multi:1 -t localhost/multi:2 --iidfile "$BATS_TEST_TMPDIR/iid" "$d"
    id=$output
    [[ "$id" =~ ^[0-9a-f]{64}$ ]] || die "build -q printed '$id'"
    is "$(cat "$BATS_TEST_TMPDIR/iid")" "sha256:$id"
    run_pod run --rm multi:1
    is "$output" "built by bats"
    run_pod run --rm multi:2 'ls -a /ctx /ctx/src | sort | tr "\n" " "; stat -c "%u:%g" /owned.bin; pwd; echo $GREETING'
    [[ "$output" != *secret.txt* && "$output" != *notes.md* ]] || die ".containerignore not honoured: $output"
    [[ "$output" == *Containerfile*deep* ]] || die "context not copied: $output"
    [[ "$output" == *"65534:65534"*"/app"*"hi there"* ]] || die "chown/workdir/env: $output"
    is "$(pod run --rm multi:1 'cat /owned.bin' | od -An -tx1 | tr -d ' \n')" "$(od -An -tx1 <"$d/src/deep/f.bin" | tr -d ' \n')"
    run_pod image inspect --format '{{.Config.Labels.stage}} {{.Config.StopSignal}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{.Config.WorkingDir}}' multi:1
    [[ "$output" == 'final SIGINT {"8080/udp":{}} {"/data":{}} /app' ]] || die "config: $output"
    # The builder stage's file system is not in the final image.
    run_pod 1 run --rm multi:1 'test -e /out'
    # Podman reads the image from the same store.
    if command -v podman >/dev/null; then
        run podman_on_store image inspect --format '{{.Id}} {{.Config.Healthcheck.Test}}' localhost/multi:1
        podman_on_store_done
        [[ "$output" == "$id [CMD-SHELL true]" ]] || die "podman: $output"
    fi
    is "$(leftovers)" ""
}

@test "build: --layers cache hit by image ID, --no-cache, a changed context misses" {
    d=$(ctxdir cache)
    echo one >"$d/file"
    printf 'FROM localhost/busybox\nRUN echo $RANDOM$RANDOM >/rand\nCOPY file /file\n' >"$d/Dockerfile"
    run_pod build -q -t c1 "$d"
    first=$output
    run_pod build -t c2 "$d"
    [[ "$output" == *"Using cache"* ]] || die "no cache hit: $output"
    is "${lines[-1]}" "$first"
    # The RUN was not repeated: same random number.
    is "$(pod run --rm c1 cat /rand)" "$(pod run --rm c2 cat /rand)"
    # A changed file in the context misses the COPY step only.
    echo two >"$d/file"
    run_pod build -q "$d"
    [[ "$output" != "$first" ]] || die "COPY of a changed file hit the cache"
    is "$(pod run --rm "$output" cat /rand)" "$(pod run --rm c1 cat /rand)"
    run_pod build -q --no-cache "$d"
    nocache=$output
    [[ "$(pod run --rm "$nocache" cat /rand)" != "$(pod run --rm c1 cat /rand)" ]] || die "--no-cache reused the RUN"
    # --layers=false: one new layer on the base.
    run_pod build -q --layers=false -t flat "$d"
    run_pod image inspect --format '{{len .RootFS.Layers}}' localhost/busybox
    base=$output
    run_pod image inspect --format '{{len .RootFS.Layers}}' flat
    is "$output" "$((base + 1))"
}

@test "build: RUN under runc, crun and a containerd shim" {
    printf 'FROM localhost/busybox\nRUN echo "ran" >/ran && cat /proc/self/status | grep -c ^Pid: >/pids\n' >"$BATS_TEST_TMPDIR/Containerfile"
    local rt tried=0 fmt='{{.Name}} {{.Available}}' want=''
    # rootless: only the runtimes an ordinary user can use (not the shims)
    is_rootless && fmt+=' {{.Rootless}}' want=' yes'
    for rt in runc crun io.containerd.runc.v2 runsc; do
        pod runtime ls --format "$fmt" 2>/dev/null | grep -qx "$rt true$want" || continue
        run_pod --runtime "$rt" build -q --no-cache -t "rt-${rt//./-}" -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
        is "$(pod run --rm "rt-${rt//./-}" cat /ran)" "ran"
        tried=$((tried + 1))
    done
    ((tried >= 2)) || skip "fewer than two runtimes available"
    # The runtime named is the one used: an unknown one fails the RUN.
    run_pod 125 build --runtime no-such-runtime --no-cache -f "$BATS_TEST_TMPDIR/Containerfile" "$BATS_TEST_TMPDIR"
    [[ "$output" == *'unknown runtime "no-such-runtime"'* ]] || die "$output"
    is "$(leftovers)" ""
}

@test "build: -f -, --target, FROM scratch, --squash-all, image build alias" {
    d=$(ctxdir misc)
    cp /bin/busybox "$d/busybox"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox","echo","from scratch"]\n' >"$d/Containerfile"
    run_pod build -q -t scratchy "$d"
    run_pod run --rm scratchy
    is "$output" "from scratch"
    printf 'FROM localhost/busybox AS one\nRUN echo one >/which\nFROM localhost/busybox AS two\nRUN echo two >/which\n' |
        pod build -q -t tgt --target one -f - "$d" >/dev/null
    is "$(pod run --rm tgt cat /which)" "one"
    run_pod 125 build --target nope -f "$d/Containerfile" "$d"
    [[ "$output" == *'the target "nope" was not found'* ]] || die "$output"
    printf 'FROM localhost/busybox\nRUN echo a >/a\nRUN echo b >/b\n' >"$d/Dockerfile.sq"
    run_pod build -q --squash-all -t sq -f "$d/Dockerfile.sq" "$d"
    run_pod image inspect --format '{{len .RootFS.Layers}}' sq
    is "$output" "1"
    is "$(pod run --rm sq cat /a /b | tr -d '\n')" "ab"
    run_pod image build -q -t aliased -f "$d/Dockerfile.sq" "$d"
    is "$(pod run --rm aliased cat /b)" "b"
}

@test "build: bad Containerfile, failing RUN: clear errors, nothing left behind" {
    d=$(ctxdir bad)
    before=$(pod images -a -q | sort)
    printf 'FROM localhost/busybox\nFROBNICATE x\n' >"$d/Containerfile"
    run_pod 125 build "$d"
    [[ "$output" == *"unknown instruction: FROBNICATE"* ]] || die "$output"
    printf 'RUN true\n' >"$d/Containerfile"
    run_pod 125 build "$d"
    printf 'FROM localhost/no-such-image\n' >"$d/Containerfile"
    run_pod 125 build --pull=never "$d"
    [[ "$output" == *no-such-image* ]] || die "$output"
    rm "$d/Containerfile"
    run_pod 125 build "$d"
    [[ "$output" == *"no Containerfile or Dockerfile"* ]] || die "$output"
    is "$(pod images -a -q | sort)" "$before"
    # A failing RUN exits with its status and leaves no working container.
    printf 'FROM localhost/busybox\nRUN echo partial >/p; exit 7\n' >"$d/Containerfile"
    run_pod 7 build --layers=false "$d"
    [[ "$output" == *'building at STEP "RUN echo partial >/p; exit 7"'*"exit status 7"* ]] || die "$output"
    is "$(leftovers)" ""
    is "$(pod images -a -q | sort)" "$before"
}

@test "build: a signal ends the build and removes its containers" {
    printf 'FROM localhost/busybox\nRUN echo started; sleep 60\n' >"$BATS_TEST_TMPDIR/Containerfile"
    pod build --no-cache "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local pid=$! i
    for i in $(seq 100); do grep -q started "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
    grep -q started "$BATS_TEST_TMPDIR/out" || die "the RUN never started: $(cat "$BATS_TEST_TMPDIR/out")"
    # pod is a shell function here: signal the pod process, the subshell's child.
    kill -TERM $(pgrep -P "$pid")
    local rc=0
    wait "$pid" || rc=$?
    ((rc != 0)) || die "an interrupted build exited 0"
    is "$(leftovers)" ""
}

@test "build: RUN --mount bind, cache, tmpfs and secret (--secret); nothing of them reaches the image" {
    d=$(ctxdir mounts)
    mkdir -p "$d/sub"
    echo ctxfile >"$d/sub/f"
    ln -s /etc "$d/out-link"
    printf 'tok \x00\x01 s3cr3t-value\n' >"$BATS_TEST_TMPDIR/secret"
    cat >"$d/Containerfile" <<'CF'
FROM localhost/busybox
RUN --mount=type=secret,id=tok wc -c </run/secrets/tok >/secret-bytes
RUN --mount=type=secret,id=tok,target=/etc/tok.conf,required=true cmp /etc/tok.conf /run/secrets/tok 2>/dev/null; cat /etc/tok.conf | wc -c >/secret2-bytes
RUN --mount=type=bind,source=sub,target=/ctx cat /ctx/f >/from-bind
RUN --mount=type=bind,source=sub,target=/ctx,rw sh -c 'echo changed >/ctx/f'
RUN --mount=type=cache,id=c1,target=/var/cache/x sh -c 'echo run >>/var/cache/x/log; wc -l </var/cache/x/log >/cache-count'
RUN --mount=type=tmpfs,target=/scratch sh -c 'grep -c " /scratch tmpfs " /proc/mounts >/tmpfs-seen'
CF
    run_pod build -q --secret "id=tok,src=$BATS_TEST_TMPDIR/secret" -t localhost/mounts "$d"
    run_pod run --rm localhost/mounts sh -c 'cat /secret-bytes /secret2-bytes /from-bind /cache-count /tmpfs-seen; for p in /run/secrets /etc/tok.conf /ctx /scratch /var/cache/x; do test -e $p && echo "left: $p"; done; true'
    is "$output" "20
20
ctxfile
1
1" "what the steps saw, and no mount point left in the image"
    is "$(cat "$d/sub/f")" "ctxfile" "a rw bind mount writes to a copy, not the context"
    # The cache persists between builds; the secret is in no layer.
    run_pod build -q --no-cache --secret "id=tok,src=$BATS_TEST_TMPDIR/secret" -t localhost/mounts2 "$d"
    run_pod run --rm localhost/mounts2 cat /cache-count
    is "$output" "2" "the cache mount's second build"
    run_pod save -q -o "$BATS_TEST_TMPDIR/img.tar" localhost/mounts
    mkdir "$BATS_TEST_TMPDIR/img" && tar -xf "$BATS_TEST_TMPDIR/img.tar" -C "$BATS_TEST_TMPDIR/img"
    ! grep -rqa s3cr3t-value "$BATS_TEST_TMPDIR/img" || die "the secret is in the saved image"
    # Refusals: exit 125, a clear message, nothing left.
    local bad
    for bad in "type=secret,id=nope,required=true|secret \"nope\" is required: give it with pod build --secret id=nope,src=PATH" \
        "type=ssh|no ssh agent \"default\": give one with pod build --ssh" \
        "type=bind,source=out-link,target=/x|leaves the build context" \
        "type=bind,source=../../etc/passwd,target=/x|is not in the build context" \
        "type=nosuch,target=/x|unknown type \"nosuch\"" \
        "type=cache|target is required"; do
        printf 'FROM localhost/busybox\nRUN --mount=%s true\n' "${bad%%|*}" >"$d/Containerfile"
        run_pod 125 build -q "$d"
        contains "$output" "${bad#*|}"
    done
    run_pod 125 build --secret id=../x,src=/etc/hostname "$d"
    contains "$output" "want id=ID,src=PATH"
    run_pod 125 build --secret id=a,src=/nonexistent "$d"
    contains "$output" "/nonexistent is not a readable file"
    run leftovers
    is "$output" "" "no working container left"
}

@test "build: ADD of an http URL (into a directory, to a name, --chmod), a changed remote file misses the cache, bad URLs refused" {
    d=$(ctxdir addurl)
    mkdir -p "$d/www"
    printf 'remote \x01 v1\n' >"$d/www/file.txt"
    local port srv
    port=$(free_port)
    busybox httpd -f -p "127.0.0.1:$port" -h "$d/www" 3>&- &
    srv=$!
    fetch "http://127.0.0.1:$port/file.txt" >/dev/null || die "the test's httpd did not start"
    cat >"$d/Containerfile" <<CF
FROM localhost/busybox
ADD http://127.0.0.1:$port/file.txt /dl/
ADD --chmod=0644 --chown=65534:65534 http://127.0.0.1:$port/file.txt /named.txt
CF
    run_pod build -q -t localhost/addurl "$d"
    run_pod run --rm localhost/addurl sh -c 'stat -c "%a %u %n" /dl/file.txt /named.txt; cat /dl/file.txt'
    is "$output" "600 0 /dl/file.txt
644 65534 /named.txt
remote .* v1" "Buildah's modes and owners, the content"
    run_pod build -t localhost/addurl2 "$d"
    contains "$output" "Using cache" "the same remote file is a cache hit"
    printf 'remote v2\n' >"$d/www/file.txt"
    run_pod build -t localhost/addurl3 "$d"
    [[ "$output" != *"Using cache"* ]] || die "a changed remote file used the cache: $output"
    run_pod run --rm localhost/addurl3 cat /named.txt
    is "$output" "remote v2"
    printf 'FROM localhost/busybox\nADD http://127.0.0.1:%s/missing /x\n' "$port" >"$d/Containerfile"
    run_pod 125 build -q "$d"
    contains "$output" "the server answered 404 Not Found"
    printf 'FROM localhost/busybox\nADD ftp://127.0.0.1/x /x\n' >"$d/Containerfile"
    run_pod 125 build -q "$d"
    contains "$output" "only http and https URLs can be added"
    kill "$srv"
    wait "$srv" 2>/dev/null || true
    run leftovers
    is "$output" "" "no working container left"
}
