#!/usr/bin/env bats
# kube play: a pod on several networks (--network given more than once, as
# Podman 4.3.1), and volumeMounts' subPath/subPathExpr on every volume kind
# (hostPath, emptyDir, persistentVolumeClaim, configMap), checked inside the
# played containers.

load helpers
load helpers.network

teardown() {
    pod pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pod volume rm -a -f >/dev/null 2>&1 || true
    net_teardown
}

@test "kube play --network A --network B: the pod's containers have an interface on each" {
    skip_unless_pods
    skip_if_rootless "bridge networks need root"
    local n1 n2 s1 s2
    n1=$(net_name km1) n2=$(net_name km2)
    s1=$(net_subnet)
    run_pod network create --subnet "$s1" "$n1"
    s2=$(net_subnet)
    run_pod network create --subnet "$s2" "$n2"
    f=$BATS_TEST_TMPDIR/p.yaml
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: twonet}\nspec:\n  containers:\n  - {name: c, image: %s, command: [sleep, "1000"]}\n' "$IMAGE" >"$f"
    ip2=${s2%.0/24}.7
    run_pod kube play --network "$n1" --network "$n2:ip=$ip2" "$f"
    run_pod exec twonet-c ip -4 addr
    contains "$output" "inet ${s1%.0/24}."
    contains "$output" "inet $ip2/24"
    run_pod pod inspect --format '{{.InfraConfig.Networks}}' twonet
    is "$output" "\\[$n1 $n2\\]"
    run_pod kube down "$f"
}

@test "kube play subPath: each volume kind mounts only its sub path; bad sub paths are refused" {
    skip_unless_pods
    host=$BATS_TEST_TMPDIR/host
    mkdir -p "$host/sub dir" "$host/other"
    echo in-sub >"$host/sub dir/f"
    echo secret >"$host/other/g"
    ln -s / "$host/root-link"
    f=$BATS_TEST_TMPDIR/p.yaml
    cat >"$f" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: kmcm}
data: {a.txt: AAA, b.txt: BBB}
---
apiVersion: v1
kind: Pod
metadata: {name: sp}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMAGE
    command: [sleep, "1000"]
    env: [{name: DIR, value: fromenv}]
    volumeMounts:
    - {name: hp, mountPath: /h, subPath: sub dir}
    - {name: hp, mountPath: /new, subPath: made/here}
    - {name: hp, mountPath: /link, subPath: root-link/etc}
    - {name: ed, mountPath: /e, subPathExpr: "\$(DIR)"}
    - {name: pv, mountPath: /p, subPath: psub}
    - {name: cm, mountPath: /cm/a.txt, subPath: a.txt}
  volumes:
  - {name: hp, hostPath: {path: $host}}
  - {name: ed, emptyDir: {}}
  - {name: pv, persistentVolumeClaim: {claimName: kmclaim}}
  - {name: cm, configMap: {name: kmcm}}
YAML
    run_pod kube play "$f"
    run_pod exec sp-c cat /h/f
    is "$output" "in-sub"
    run_pod exec sp-c ls /h
    is "$output" "f"
    # A missing sub path is made in the volume, as the kubelet does.
    [[ -d "$host/made/here" ]] || die "subPath made/here not created in the hostPath"
    # A link in the sub path resolves inside the volume, never to the host's /.
    [[ -d "$host/etc" ]] || die "root-link/etc did not resolve inside the volume"
    run_pod exec sp-c ls /link
    is "$output" ""
    run_pod exec sp-c sh -c 'echo x >/e/y; echo x >/p/z; cat /cm/a.txt; echo; ls /cm'
    is "$output" "AAA
a.txt"
    run_pod pod inspect --format '{{.Id}}' sp
    [[ -f $(pod volume inspect --format '{{.Mountpoint}}' kmclaim)/psub/z ]] || die "claim's sub path not written"
    ls "$PODT"/root/pod/containers/pods/$output/volumes/ed/fromenv/y >/dev/null || die "subPathExpr not expanded into the emptyDir"
    run_pod kube down "$f"
    # Refused before anything is made: .., absolute, both subPath and
    # subPathExpr, a configMap key that does not exist.
    for bad in 'subPath: ../x' 'subPath: /etc' 'subPathExpr: "a/$(DIR)"' 'subPath: b/../../x'; do
        printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n    image: %s\n    env: [{name: DIR, value: ..}]\n    volumeMounts: [{name: hp, mountPath: /h, %s}]\n  volumes: [{name: hp, hostPath: {path: %s}}]\n' "$IMAGE" "$bad" "$host" >"$f"
        run_pod 125 kube play "$f"
        contains "$output" "subPath"
    done
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n    image: %s\n    volumeMounts: [{name: hp, mountPath: /h, subPath: a, subPathExpr: b}]\n  volumes: [{name: hp, hostPath: {path: %s}}]\n' "$IMAGE" "$host" >"$f"
    run_pod 125 kube play "$f"
    contains "$output" "mutually exclusive"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kmcm}\ndata: {a.txt: AAA}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n    image: %s\n    volumeMounts: [{name: cm, mountPath: /x, subPath: nokey}]\n  volumes: [{name: cm, configMap: {name: kmcm}}]\n' "$IMAGE" >"$f"
    run_pod 125 kube play "$f"
    contains "$output" 'subPath "nokey" does not exist'
    run_pod pod ps -q
    is "$output" ""
    [[ ! -e "$host/x" ]] || die "a refused play made $host/x"
}
