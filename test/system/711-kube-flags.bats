#!/usr/bin/env bats
# kube play's flags of Podman 4.3 (--annotation, --log-driver/--log-opt,
# --network/--ip/--mac-address, --no-hosts, --userns, --build/--context-dir,
# the pull flags) and the Kubernetes objects it plays beside pods:
# PersistentVolumeClaims (named volumes), Secrets and env secretKeyRef,
# configMap volumes. Everything is checked inside the played containers.

load helpers
load helpers.image
load helpers.network

teardown() {
    pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod volume rm -a -f >/dev/null 2>&1 || true
    pod secret rm -a >/dev/null 2>&1 || true
    net_teardown
    stop_registry
}

# pod_yaml NAME [EXTRA SPEC LINES]: a pod of one sleeping container.
pod_yaml() {
    cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
  containers:
  - name: c
    image: ${2:-$IMAGE}
    command: ["sleep", "1000"]
YAML
}

@test "kube play --annotation, --log-driver, --log-opt, --no-hosts reach the containers" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/p.yaml
    pod_yaml kf >"$f"
    # YAML annotations and --annotation both land on the containers.
    sed -i 's/^  name: kf$/  name: kf\n  annotations: {from.yaml: "y v"}/' "$f"
    run_pod kube play --annotation 'team=a b=c' --log-driver k8s-file --log-opt max-size=64k "$f"
    is "${lines[0]}" "Pod:"
    run_pod inspect --format '{{index .Config.Annotations "team"}}|{{index .Config.Annotations "from.yaml"}}|{{.HostConfig.LogConfig.Type}}|{{.HostConfig.LogConfig.Size}}' kf-c
    is "$output" "a b=c|y v|k8s-file|64kB"
    run_pod kube down "$f"

    # --no-hosts: /etc/hosts is the image's, not one pod writes.
    local tar=$BATS_TEST_TMPDIR/img.tar
    cp "$(busybox_tarball)" "$tar"
    mkdir -p "$BATS_TEST_TMPDIR/l/etc"
    printf '10.1.2.3 from-the-image\n' >"$BATS_TEST_TMPDIR/l/etc/hosts"
    tar -rf "$tar" -C "$BATS_TEST_TMPDIR/l" etc/hosts
    pod import "$tar" localhost/withhosts >/dev/null
    pod_yaml nh localhost/withhosts >"$f"
    run_pod kube play --no-hosts "$f"
    run_pod exec nh-c cat /etc/hosts
    is "$output" "10.1.2.3 from-the-image"
    run_pod kube down "$f"
    run_pod kube play "$f"
    run_pod exec nh-c cat /etc/hosts
    contains "$output" "nh-c"
    [[ "$output" != *from-the-image* ]] || die "/etc/hosts is the image's without --no-hosts: $output"

    # Bad values: refused before anything is made.
    run_pod kube down "$f"
    run_pod 125 kube play --annotation novalue "$f"
    contains "$output" "annotation must be formatted KEY=VALUE"
    run_pod 125 kube play --log-driver bogus "$f"
    contains "$output" "bogus"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}

@test "kube play --userns: each container's user namespace map" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/p.yaml
    pod_yaml un >"$f"
    if [[ "$POD_TEST_RUNTIME" == runc || "$POD_TEST_RUNTIME" == io.containerd.runc.* ]]; then
        # Known gap: pod's pods do not share a user namespace (Podman's
        # pods do), and runc (also under its shim) cannot mount /dev/mqueue of the pod's IPC
        # namespace from a user namespace of the container's own. The
        # failure must leave nothing behind.
        run_pod '?' kube play --userns auto:size=4000 "$f"
        [[ $status -ne 0 ]] || skip "runc started a container with its own userns in a pod"
        run_pod pod ps -q
        is "$output" ""
        run_pod ps -aq
        is "$output" ""
        return
    fi
    run_pod kube play --userns auto:size=4000 "$f"
    # 4000 ids, mapped away from the host's root.
    run_pod exec un-c cat /proc/self/uid_map
    [[ "$output" =~ ^[[:space:]]*0[[:space:]]+([0-9]+)[[:space:]]+4000$ ]] || die "uid_map: $output"
    [[ "${BASH_REMATCH[1]}" != 0 ]] || die "uid_map maps to host root: $output"
    run_pod kube down "$f"
    run_pod 125 kube play --userns bogus "$f"
    contains "$output" "bogus"
    run_pod pod ps -q
    is "$output" ""
}

@test "kube play --network --ip --mac-address: the pod's address inside its containers" {
    skip_unless_pods
    skip_if_rootless "bridge networks need root"
    local net sub
    net=$(net_name kf)
    sub=$(net_subnet)
    run_pod network create --subnet "$sub" "$net"
    f=$BATS_TEST_TMPDIR/p.yaml
    { pod_yaml one; echo ---; pod_yaml two; } >"$f"
    ip1=${sub%.0/24}.41
    run_pod kube play --network "$net" --ip "$ip1" --mac-address 92:d0:c6:0a:29:41 "$f"
    # The second pod has no address left: a random one, as Podman warns.
    contains "$output" "No more static ips left"
    run_pod exec one-c ip addr show eth0
    contains "$output" "inet $ip1/24"
    contains "$output" "link/ether 92:d0:c6:0a:29:41"
    run_pod exec two-c ip addr show eth0
    contains "$output" "inet ${sub%.0/24}."
    [[ "$output" != *"inet $ip1/"* ]] || die "two pods got $ip1"
    run_pod pod inspect --format '{{.InfraConfig.StaticIP}} {{.InfraConfig.StaticMAC}}' one
    is "$output" "$ip1 92:d0:c6:0a:29:41"
    run_pod kube down "$f"
    # An address outside the network, a missing second network, hostNetwork with --ip: refused, nothing left.
    run_pod 125 kube play --network "$net" --ip 192.0.2.9 "$f"
    run_pod 125 kube play --network "$net" --network nosuchnet-$$ "$f"
    contains "$output" "nosuchnet-$$"
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: h}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: %s}]\n' "$IMAGE" >"$f"
    run_pod 125 kube play --ip "${sub%.0/24}.42" "$f"
    contains "$output" "hostNetwork"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}

@test "kube play: a PersistentVolumeClaim is a named volume whose data survives kube down and play" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/pvc.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: claim-1
  labels: {tier: db}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: pv
spec:
  containers:
  - name: c
    image: $IMAGE
    command: ["sh", "-c", "cat /data/f 2>/dev/null; echo run >>/data/f; echo ready; sleep 1000"]
    volumeMounts:
    - {name: d, mountPath: /data}
  volumes:
  - name: d
    persistentVolumeClaim: {claimName: claim-1}
YAML
    run_pod kube play "$f"
    run_pod volume inspect --format '{{.Name}} {{.Labels.tier}}' claim-1
    is "$output" "claim-1 db"
    wait_for_output pv-c ready
    run_pod inspect --format '{{range .Mounts}}{{if eq .Type "volume"}}{{.Type}} {{.Name}} {{.Destination}}{{end}}{{end}}' pv-c
    is "$output" "volume claim-1 /data"
    # kube generate writes the named volume back as a claim.
    run_pod kube generate pv
    contains "$output" "claimName: claim-1"
    run_pod kube down "$f"
    run_pod volume exists claim-1
    # As Podman 4.3: the claim's volume exists, so playing the claim again
    # is an error, leaving nothing; the pod alone reuses the volume.
    run_pod 125 kube play "$f"
    contains "$output" "claim-1 already exists"
    run_pod pod ps -q
    is "$output" ""
    sed -i '1,/^---$/d' "$f"
    run_pod kube play "$f"
    wait_for_output pv-c ready
    run_pod logs pv-c
    is "${lines[0]}" "run"
    run_pod exec pv-c cat /data/f
    is "$output" "run
run"
    run_pod kube down "$f"
    # A claim nobody created: the volume is made on first use.
    sed -i 's/claimName: claim-1/claimName: fresh/' "$f"
    run_pod kube play "$f"
    run_pod volume exists fresh
    run_pod kube down "$f"
    # Bad claims are refused, nothing half-created.
    printf 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: "bad/name"}\nspec: {}\n---\n' >"$BATS_TEST_TMPDIR/bad.yaml"
    cat "$f" >>"$BATS_TEST_TMPDIR/bad.yaml"
    run_pod 125 kube play "$BATS_TEST_TMPDIR/bad.yaml"
    run_pod pod ps -q
    is "$output" ""
}

@test "kube play: env secretKeyRef from pod secret create (JSON) and from a Secret in the YAML" {
    skip_unless_pods
    printf '{"pw":"%s","bin":"%s"}' "$(printf 's3cr=t v' | base64)" "$(printf 'x\ty' | base64)" >"$BATS_TEST_TMPDIR/sec.json"
    run_pod secret create dbsec "$BATS_TEST_TMPDIR/sec.json"
    f=$BATS_TEST_TMPDIR/s.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: Secret
metadata: {name: yamlsec}
data: {token: $(printf 'tok en' | base64)}
stringData: {plain: "as is"}
---
apiVersion: v1
kind: Pod
metadata:
  name: sp
spec:
  containers:
  - name: c
    image: $IMAGE
    command: ["sleep", "1000"]
    env:
    - name: PW
      valueFrom: {secretKeyRef: {name: dbsec, key: pw}}
    - name: TAB
      valueFrom: {secretKeyRef: {name: dbsec, key: bin}}
    - name: TOKEN
      valueFrom: {secretKeyRef: {name: yamlsec, key: token}}
    - name: PLAIN
      valueFrom: {secretKeyRef: {name: yamlsec, key: plain}}
    - name: GONE
      valueFrom: {secretKeyRef: {name: nosuch, key: k, optional: true}}
    - {name: S_plain, value: "env wins"}
    envFrom:
    - secretRef: {name: yamlsec}
      prefix: S_
    - secretRef: {name: nosuch, optional: true}
YAML
    run_pod kube play "$f"
    run_pod secret exists yamlsec
    run_pod exec sp-c sh -c 'echo "$PW|$TAB|$TOKEN|$PLAIN|${GONE-unset}"'
    is "$output" "s3cr=t v|x	y|tok en|as is|unset"
    # envFrom.secretRef: every key, prefixed; the container's env wins.
    run_pod exec sp-c sh -c 'echo "$S_token|$S_plain"'
    is "$output" "tok en|env wins"
    run_pod kube down "$f"
    # Played again: the Secret is replaced, as Podman plays it again.
    run_pod kube play "$f"
    run_pod kube down "$f"
    # A missing secret or key: refused, naming it; nothing half-created
    # (the YAML's Secret did not exist before, so it is gone again).
    run_pod secret rm yamlsec
    sed -i 's/key: pw}/key: nokey}/' "$f"
    run_pod 125 kube play "$f"
    contains "$output" 'secret dbsec has no key "nokey"'
    run_pod 1 secret exists yamlsec
    sed -i 's/name: dbsec, key: nokey}/name: missing, key: pw}/' "$f"
    run_pod 125 kube play "$f"
    contains "$output" "secret missing not found"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
    # A secret that is neither JSON of base64 values nor a Secret.
    printf 'just text' >"$BATS_TEST_TMPDIR/plain"
    run_pod secret create missing "$BATS_TEST_TMPDIR/plain"
    run_pod 125 kube play "$f"
    contains "$output" "secret missing is neither"
}

@test "kube play: configMap volumes are files of the ConfigMap's data" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/cm.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: app-cfg}
data:
  app.conf: |
    key = "value with spaces"
    second line
  other: "o"
binaryData:
  blob: $(printf '\x00\x01\xff' | base64)
---
apiVersion: v1
kind: Pod
metadata:
  name: cmp
spec:
  containers:
  - name: c
    image: $IMAGE
    command: ["sleep", "1000"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/app}
    - {name: picked, mountPath: /picked}
  volumes:
  - name: cfg
    configMap: {name: app-cfg, defaultMode: 0600}
  - name: picked
    configMap:
      name: picked-cfg
      items: [{key: a, path: sub/renamed}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: picked-cfg}
data: {a: "A", b: "B"}
YAML
    run_pod kube play "$f"
    run_pod exec cmp-c cat /etc/app/app.conf
    is "$output" 'key = "value with spaces"
second line'
    run_pod exec cmp-c sh -c 'stat -c "%a %n" /etc/app/*; od -An -tx1 /etc/app/blob'
    is "$output" "600 /etc/app/app.conf
600 /etc/app/blob
600 /etc/app/other
 00 01 ff"
    run_pod exec cmp-c sh -c 'ls -R /picked; cat /picked/sub/renamed'
    contains "$output" "renamed"
    [[ "$output" != *" b"* ]] || die "an unpicked key was written: $output"
    [[ "$output" == *A ]] || die "item content: $output"
    run_pod volume exists app-cfg
    # Played again after a change, the volume's files are rewritten.
    run_pod kube down "$f"
    sed -i 's/other: "o"/other: "changed"/' "$f"
    run_pod kube play "$f"
    run_pod exec cmp-c cat /etc/app/other
    is "$output" "changed"
    run_pod kube down "$f"
    # A missing ConfigMap, a missing key, an escaping path: refused.
    sed -i 's/key: a, path: sub\/renamed/key: zz, path: x/' "$f"
    run_pod 125 kube play "$f"
    contains "$output" 'has no key "zz"'
    sed -i 's/key: zz, path: x/key: a, path: ..\/escape/' "$f"
    run_pod 125 kube play "$f"
    contains "$output" "relative path without .."
    sed -i 's/name: picked-cfg$/name: absent-cfg/' "$f"
    run_pod 125 kube play "$f"
    contains "$output" '"absent-cfg" not found'
    run_pod pod ps -q
    is "$output" ""
}

@test "kube play --build builds an image from a Containerfile in a directory named after it" {
    skip_unless_pods
    local dir=$BATS_TEST_TMPDIR/proj ctx=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$dir/webimg" "$ctx/webimg"
    printf 'FROM %s\nRUN echo built-in-cwd >/built\n' "$IMAGE" >"$dir/webimg/Containerfile"
    printf 'FROM %s\nRUN echo built-in-ctx >/built\n' "$IMAGE" >"$ctx/webimg/Dockerfile"
    pod_yaml b localhost/webimg:1.0 >"$dir/p.yaml"
    cd "$dir"
    # The image is missing: built from ./webimg without --build, as Podman.
    run_pod kube play p.yaml
    contains "$output" "STEP"
    run_pod exec b-c cat /built
    is "$output" "built-in-cwd"
    run_pod kube down p.yaml
    # It exists now: used as is, not rebuilt, unless --build.
    run_pod kube play p.yaml
    [[ "$output" != *STEP* ]] || die "rebuilt an existing image: $output"
    run_pod kube down p.yaml
    run_pod kube play --build --context-dir "$ctx" p.yaml
    run_pod exec b-c cat /built
    is "$output" "built-in-ctx"
    run_pod kube down p.yaml
    # --context-dir needs --build; --build=false never builds.
    run_pod 125 kube play --context-dir "$ctx" p.yaml
    contains "$output" "--build must be specified when using --context-dir option"
    run_pod rmi localhost/webimg:1.0
    sed -i 's/image: localhost\/webimg:1.0/image: localhost\/webimg:1.0\n    imagePullPolicy: Never/' p.yaml
    run_pod 125 kube play --build=false --tls-verify=false p.yaml
    run_pod 1 image exists localhost/webimg:1.0
    # A failing build: exit 125 naming the image, nothing half-created.
    printf 'FROM %s\nRUN exit 3\n' "$IMAGE" >"$dir/webimg/Containerfile"
    run_pod 125 kube play p.yaml
    contains "$output" "building localhost/webimg:1.0"
    run_pod pod ps -q
    is "$output" ""
}

@test "kube play pull flags: --tls-verify, --creds, --authfile, --cert-dir, --quiet against a local registry" {
    skip_unless_pods
    image_env
    start_registry
    pod push "$IMAGE" "$REGISTRY/kf/bb:1" >/dev/null
    f=$BATS_TEST_TMPDIR/p.yaml
    pod_yaml r "$REGISTRY/kf/bb:1" >"$f"
    # registries.conf says the registry is insecure; --tls-verify=true
    # overrides it, and the https handshake with the http registry fails.
    run_pod 125 kube play --tls-verify=true "$f"
    contains "$output" "https"
    run_pod pod ps -q
    is "$output" ""
    echo '{"auths":{}}' >"$BATS_TEST_TMPDIR/auth.json"
    mkdir -p "$BATS_TEST_TMPDIR/certs"
    run_pod kube play --tls-verify=false --creds user:pw --authfile "$BATS_TEST_TMPDIR/auth.json" --cert-dir "$BATS_TEST_TMPDIR/certs" "$f"
    contains "$output" "Trying to pull $REGISTRY/kf/bb:1"
    run_pod exec r-c true
    run_pod kube down "$f"
    run_pod rmi "$REGISTRY/kf/bb:1"
    run_pod kube play -q --tls-verify=false "$f"
    [[ "$output" != *"Trying to pull"* && "$output" != *"Copying"* ]] || die "-q printed progress: $output"
    is "${lines[0]}" "Pod:"
    run_pod kube down "$f"
    # Bad values are refused before anything is pulled or made.
    run_pod 125 kube play --authfile "$BATS_TEST_TMPDIR/no-such.json" "$f"
    contains "$output" "--authfile"
    run_pod 125 kube play --cert-dir "$BATS_TEST_TMPDIR/no-such-dir" "$f"
    contains "$output" "--cert-dir"
    run_pod 125 kube play --creds :pw "$f"
    contains "$output" "--creds"
    run_pod pod ps -q
    is "$output" ""
    stop_registry
}

@test "kube play: seccomp annotations, localhost/ profiles under --seccomp-profile-root" {
    skip_unless_pods
    local root=$BATS_TEST_TMPDIR/seccomp
    mkdir -p "$root"
    printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' >"$root/nomkdir.json"
    f=$BATS_TEST_TMPDIR/p.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: sc
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: localhost/nomkdir.json
    container.seccomp.security.alpha.kubernetes.io/free: unconfined
spec:
  containers:
  - name: c
    image: $IMAGE
    command: ["sleep", "1000"]
  - name: free
    image: $IMAGE
    command: ["sleep", "1000"]
YAML
    run_pod kube play --seccomp-profile-root "$root" "$f"
    run_pod 1 exec sc-c mkdir /tmp/x
    contains "$output" "Operation not permitted"
    run_pod exec sc-free sh -c 'mkdir /tmp/x && grep ^Seccomp: /proc/self/status'
    contains "$output" "0"
    run_pod kube down "$f"
    # The default root has no such profile; a bad value is refused first.
    run_pod 125 kube play "$f"
    contains "$output" "/var/lib/kubelet/seccomp/nomkdir.json"
    sed -i 's|localhost/nomkdir.json|localhost/../x|' "$f"
    run_pod 125 kube play --seccomp-profile-root "$root" "$f"
    contains "$output" "invalid seccomp path"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}
