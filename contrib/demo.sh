#!/bin/bash
# The main job: make the default image from Debian's busybox-static and run
# a container with every runtime pod finds on this host.
set -euo pipefail
cd "$(dirname "$0")/.."
POD=${POD:-$PWD/bin/pod}

if ! $POD image exists localhost/busybox; then
    POD=$POD contrib/mkbusybox.sh
fi
echo "== runtimes on this host"
$POD runtime ls
echo
failed=0
for rt in $($POD runtime ls --format json | jq -r '.[] | select(.available) | .name'); do
    echo "== pod run --rm --runtime $rt localhost/busybox"
    if ! $POD run --rm --runtime "$rt" localhost/busybox sh -c 'echo "hello from $(hostname) on runtime '"$rt"', kernel $(uname -r)"'; then
        echo "(runtime $rt failed: see the message above)"
        failed=1
    fi
done
exit $failed
