#!/usr/bin/env bats
# kube play beyond 710-kube.bats: hostPorts published on the pod's infra and
# reachable from the host, written back by kube generate, freed by kube down;
# a multi-container pod talking over localhost; restartPolicy and the exit
# policy Podman 4.3.1 gives played pods; clear refusals.

load helpers
load helpers.network

# web_yaml FILE PORT: a pod whose httpd container publishes PORT.
web_yaml() {
    cat >"$1" <<YAML
apiVersion: v1
kind: Service
metadata: {name: web-svc}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: httpd
    image: $IMAGE
    command: [sh, -c]
    args: ["mkdir -p /w && echo kube-web >/w/index.html && exec httpd -f -p 8080 -h /w"]
    ports:
    - containerPort: 8080
      hostPort: $2
      hostIP: 127.0.0.1
    - containerPort: 9999
YAML
}

@test "kube play publishes hostPorts on the infra; generate writes them; down frees them" {
    skip_unless_pods
    port=$(free_port)
    f=$BATS_TEST_TMPDIR/web.yaml
    web_yaml "$f" "$port"
    run_pod kube play "$f"
    contains "$output" "kube kind Service is not supported: ignored"
    body=$(fetch "http://127.0.0.1:$port/index.html") || die "http://127.0.0.1:$port not reachable"
    is "$body" "kube-web"
    # The port is the pod's: its infra publishes it (as `pod create -p`).
    run_pod pod inspect --format '{{.ExitPolicy}} {{json .InfraConfig.PortBindings}}' web
    is "$output" "stop .*" "exit policy of a played pod"
    contains "$output" "{\"8080/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"}]}"
    infra=$(pod pod inspect --format '{{.InfraContainerID}}' web)
    run_pod port "$infra"
    is "$output" "8080/tcp -> 127.0.0.1:$port"
    # Played containers get Podman's default restartPolicy, Always.
    run_pod inspect --format '{{.HostConfig.RestartPolicy.Name}}' web-httpd
    is "$output" "always"
    # kube generate writes the ports back (a containerPort without hostPort
    # was not published, so it is not written).
    run_pod kube generate web
    gen=$output
    contains "$gen" "hostPort: $port"
    contains "$gen" "containerPort: 8080"
    contains "$gen" "hostIP: 127.0.0.1"
    contains "$gen" "restartPolicy: Always"
    echo "$gen" >"$BATS_TEST_TMPDIR/gen.yaml"
    # rootless the pod is on slirp4netns (no host veth; its namespace is not
    # the host user's to enter)
    ifindex=
    is_rootless || ifindex=$(host_ifindex "$infra")
    run_pod kube down "$f"
    contains "$output" "Pods removed:"
    assert_no_leaks "$infra" "$ifindex"
    # The port is free: a server on the host binds it and answers itself.
    mkdir -p "$BATS_TEST_TMPDIR/host"
    echo host-web >"$BATS_TEST_TMPDIR/host/index.html"
    busybox httpd -f -p "127.0.0.1:$port" -h "$BATS_TEST_TMPDIR/host" &
    hpid=$!
    body=$(fetch "http://127.0.0.1:$port/index.html") || { kill "$hpid"; die "host server on $port not reachable"; }
    kill "$hpid"
    wait "$hpid" 2>/dev/null || true
    is "$body" "host-web"
    # The generated YAML plays again, on the same port.
    run_pod kube play "$BATS_TEST_TMPDIR/gen.yaml"
    body=$(fetch "http://127.0.0.1:$port/index.html") || die "replayed pod not reachable on $port"
    is "$body" "kube-web"
    run_pod kube down "$BATS_TEST_TMPDIR/gen.yaml"
    run_pod pod ps -q
    is "$output" ""
}

@test "kube play refuses a hostPort in use and leaves nothing behind" {
    skip_unless_pods
    port=$(free_port)
    busybox nc -l -p "$port" </dev/null >/dev/null &
    npid=$!
    tries=50
    while ((tries-- > 0)) && ! ss -Htln "sport = :$port" | grep -q .; do sleep 0.1; done
    f=$BATS_TEST_TMPDIR/web.yaml
    web_yaml "$f" "$port"
    run_pod 125 kube play "$f"
    kill "$npid" 2>/dev/null || true
    wait "$npid" 2>/dev/null || true
    contains "$output" "$port"
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}

@test "kube play: containers talk over localhost, get env, args and volumes; restartPolicy Never lets the pod stop" {
    skip_unless_pods
    mkdir -p "$BATS_TEST_TMPDIR/out"
    f=$BATS_TEST_TMPDIR/talk.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: talk
  labels: {team: "blue team"}
spec:
  restartPolicy: Never
  volumes:
  - {name: out, hostPath: {path: $BATS_TEST_TMPDIR/out}}
  - {name: cache, emptyDir: {}}
  containers:
  - name: server
    image: $IMAGE
    command: [sh, -c]
    args: ['echo "\$GREETING from \$ME" >/cache/msg; nc -l -p 7000 </cache/msg']
    env:
    - {name: GREETING, value: "hello 'odd' world"}
    - {name: ME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    volumeMounts: [{name: cache, mountPath: /cache}]
  - name: client
    image: $IMAGE
    command: [sh, -c, 'i=0; until nc 127.0.0.1 7000 </dev/null >/out/got && test -s /out/got; do i=\$((i+1)); [ \$i -lt 100 ] || exit 9; sleep 0.1; done; echo "\$TEAM" >>/out/got']
    env:
    - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.labels['team']"}}}
    volumeMounts: [{name: out, mountPath: /out}]
YAML
    run_pod kube play "$f"
    run_pod inspect --format '{{.HostConfig.RestartPolicy.Name}}' talk-client
    is "$output" "no"
    # Both exit once they talked; the pod (exit policy stop) stops, infra too.
    tries=200
    while ((tries-- > 0)) && [[ "$(pod pod inspect --format '{{.State}}' talk)" != Exited ]]; do sleep 0.1; done
    run_pod pod inspect --format '{{.State}}' talk
    is "$output" "Exited"
    run_pod inspect --format '{{.State.ExitCode}}' talk-client
    is "$output" 0
    is "$(cat "$BATS_TEST_TMPDIR/out/got")" "hello 'odd' world from talk
blue team"
    pid=$(pod pod inspect --format '{{.Id}}' talk)
    run_pod kube down "$f"
    [[ ! -e "$PODT/root/pod/containers/pods/$pid" ]] || die "the pod's emptyDir left behind"
    run_pod ps -aq
    is "$output" ""
}

@test "kube play refuses what it cannot play, naming the field, exit 125" {
    skip_unless_pods
    f=$BATS_TEST_TMPDIR/bad.yaml
    pod_with() {
        printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n%s\n' "$1" >"$f"
    }
    pod_with "  restartPolicy: Sometimes
  containers: [{name: c, image: $IMAGE}]"
    run_pod 125 kube play "$f"
    contains "$output" 'spec.restartPolicy "Sometimes" is invalid'
    pod_with "  volumes: [{name: nv, nfs: {server: x, path: /y}}]
  containers: [{name: c, image: $IMAGE, volumeMounts: [{name: nv, mountPath: /n}]}]"
    run_pod 125 kube play "$f"
    contains "$output" "volume nv: pod plays hostPath, emptyDir, persistentVolumeClaim and configMap volumes"
    pod_with "  containers: [{name: c, image: $IMAGE, env: [{name: X, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}]}]"
    run_pod 125 kube play "$f"
    contains "$output" 'env X: fieldRef "status.hostIP" is not supported'
    pod_with "  containers: [{name: c, image: $IMAGE, ports: [{containerPort: 80, hostPort: 8080, protocol: QUIC}]}]"
    run_pod 125 kube play "$f"
    contains "$output" 'protocol "QUIC" is invalid'
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n' >"$f"
    run_pod 125 kube play "$f"
    contains "$output" 'YAML document does not contain any supported kube kind: kind "Service" is not supported'
    run_pod pod ps -q
    is "$output" ""
    run_pod ps -aq
    is "$output" ""
}
