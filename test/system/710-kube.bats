#!/usr/bin/env bats
# Kubernetes YAML: kube play, kube down, kube generate (and generate kube),
# and the round trip generate → down → play.

load helpers

write_yaml() {
    cat >"$BATS_TEST_TMPDIR/play.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  COLOR: "blue green"
---
apiVersion: v1
kind: Pod
metadata:
  name: kp
  labels:
    app: kp
spec:
  runtimeClassName: $POD_TEST_RUNTIME
  volumes:
  - name: host
    hostPath:
      path: $BATS_TEST_TMPDIR/host
  - name: scratch
    emptyDir: {}
  containers:
  - name: web
    image: $IMAGE
    command: ["sh", "-c"]
    args: ["echo \$FROMCM \$ODD > /scratch/out; cat /host/in; sleep 1000"]
    env:
    - name: ODD
      value: "a=b 'c'"
    - name: FROMCM
      valueFrom:
        configMapKeyRef: {name: settings, key: COLOR}
    volumeMounts:
    - {name: host, mountPath: /host, readOnly: true}
    - {name: scratch, mountPath: /scratch}
    ports:
    - containerPort: 80
  - name: side
    image: $IMAGE
    args: ["sleep", "1000"]
    envFrom:
    - configMapRef: {name: settings}
    volumeMounts:
    - {name: scratch, mountPath: /shared}
YAML
}

@test "kube play runs the pod, kube down removes it" {
    skip_unless_pods
    mkdir -p "$BATS_TEST_TMPDIR/host"
    echo "from the host" >"$BATS_TEST_TMPDIR/host/in"
    write_yaml
    run_pod kube play "$BATS_TEST_TMPDIR/play.yaml"
    is "${lines[0]}" "Pod:"
    is "${lines[2]}" "Container:"
    run_pod pod inspect --format '{{.Name}} {{.State}} {{.NumContainers}} {{.Runtime}}' kp
    is "$output" "kp Running 3 $POD_TEST_RUNTIME"
    wait_for_output kp-web "from the host"
    run_pod exec kp-web env
    contains "$output" "FROMCM=blue green"
    contains "$output" "ODD=a=b 'c'"
    # emptyDir: one directory of the pod, shared by its containers.
    run_pod exec kp-side cat /shared/out
    is "$output" "blue green a=b 'c'"
    run_pod exec kp-side sh -c 'echo $COLOR'
    is "$output" "blue green"
    run_pod 1 exec kp-web sh -c 'echo x > /host/in'
    run_pod kube down "$BATS_TEST_TMPDIR/play.yaml"
    contains "$output" "Pods removed:"
    run_pod 1 pod exists kp
    run_pod ps -aq
    is "$output" ""
}

@test "kube play refuses bad YAML with a clear error and leaves nothing" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/bad.yaml
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: %s, bogus: 1}]\n' "$IMAGE" >"$f"
    run_pod 125 kube play "$f"
    contains "$output" 'unknown field "bogus"'
    printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 2\n  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n      containers: [{name: c, image: %s}]\n' "$IMAGE" >"$f"
    run_pod 125 kube play "$f"
    contains "$output" "Deployment d asks for 2 replicas"
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: %s, ports: [{containerPort: 80, hostPort: 70000}]}]\n' "$IMAGE" >"$f"
    run_pod 125 kube play "$f"
    contains "$output" "hostPort 70000: ports are 1-65535"
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: localhost/no-such-image, imagePullPolicy: Never}]\n' >"$f"
    run_pod 125 kube play "$f"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
    run_pod 125 kube play "$BATS_TEST_TMPDIR/missing.yaml"
}

@test "kube play of a Deployment with replicas 1; Podman 4's play kube and play kube --down" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/dep.yaml
    printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dep}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: %s, command: [sleep, "1000"]}]\n' "$IMAGE" >"$f"
    run_pod kube play "$f"
    run_pod pod inspect --format '{{.Name}} {{.State}}' dep-pod
    is "$output" "dep-pod Running"
    run_pod kube down "$f"
    run_pod 1 pod exists dep-pod
    # The names of Podman 4.3 scripts: play kube, and its hidden --down.
    run_pod play kube "$f"
    is "${lines[0]}" "Pod:"
    run_pod pod inspect --format '{{.Name}} {{.State}}' dep-pod
    is "$output" "dep-pod Running"
    run_pod play kube --down "$f"
    contains "$output" "Pods removed:"
    run_pod 1 pod exists dep-pod
    run_pod 125 play kube "$BATS_TEST_TMPDIR/missing.yaml"
    run_pod 125 play nosuch
    contains "$output" "unrecognized command"
}

@test "kube generate of a running pod plays again as the same pod" {
    skip_unless_pods
    run_pod pod create --name rt --label tier=web
    run_pod run -d --pod rt --name rt-one -e 'GREETING=hello world' -e 'EMPTY=' -w /tmp "${IMG[@]}" sh -c 'echo "$GREETING"; sleep 1000'
    run_pod run -d --pod rt --name two --entrypoint /bin/sleep -v "$BATS_TEST_TMPDIR:/data:ro" "${IMG[@]}" 1000
    run_pod kube generate rt
    yaml=$output
    contains "$yaml" "apiVersion: v1"
    contains "$yaml" "kind: Pod"
    contains "$yaml" "name: rt"
    echo "$yaml" >"$BATS_TEST_TMPDIR/rt.yaml"
    # The alias of Podman 4.3 writes the same.
    run_pod generate kube rt
    [[ "$(grep -v creationTimestamp <<<"$output")" == "$(grep -v creationTimestamp <<<"$yaml")" ]] || die "generate kube differs from kube generate"
    before=$(pod ps -a --filter pod=rt --format '{{.Names}}|{{.Command}}' --no-trunc --sort names | grep -v infra)
    env_before=$(pod exec rt-one env | grep -E '^(GREETING|EMPTY)=' | sort)
    run_pod pod rm -f -t 0 rt
    run_pod kube play "$BATS_TEST_TMPDIR/rt.yaml"
    after=$(pod ps -a --filter pod=rt --format '{{.Names}}|{{.Command}}' --no-trunc --sort names | grep -v infra)
    is "$after" "$(sed 's/^two|/rt-two|/' <<<"$before")"
    is "$(pod exec rt-one env | grep -E '^(GREETING|EMPTY)=' | sort)" "$env_before"
    run_pod exec rt-one pwd
    is "$output" "/tmp"
    run_pod exec rt-two ls /data/rt.yaml
    run_pod pod inspect --format '{{.Labels}}' rt
    contains "$output" "tier:web"
    # A single container becomes a pod named after it.
    run_pod create --name solo "${IMG[@]}" echo hi
    run_pod kube generate solo
    contains "$output" "name: solo-pod"
    run_pod 125 kube generate nothing-here
    is "$output" 'Error: name or ID "nothing-here" not found'
}
