#!/bin/bash
# The main job: run a container with every runtime pod finds on this host.
set -euo pipefail
cd "$(dirname "$0")/.."
POD=${POD:-bin/pod}

rootfs=$(mktemp -d /tmp/pod-demo-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$rootfs/bin/"
for a in sh echo cat uname; do ln -s busybox "$rootfs/bin/$a"; done

echo "== runtimes on this host"
$POD runtime ls
echo
for rt in $($POD runtime ls --format json | jq -r '.[] | select(.available) | .name'); do
    echo "== pod run --runtime $rt"
    $POD run --rm --runtime "$rt" --rootfs "$rootfs" sh -c 'echo "hello from $(uname -s) on runtime '"$rt"'"' ||
        echo "(runtime $rt failed: see the message above)"
done
