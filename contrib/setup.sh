#!/bin/bash
# Set up a fresh Debian 12 machine for pod: packages, test shims, host
# setup, then build and install pod. Idempotent; run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
PKGS=(runc crun runsc conmon containerd busybox-static catatonit docker-registry bats jq uidmap
      libseccomp-dev apache2-utils hyperfine podman sqlite3 gcc make criu
      netavark aardvark-dns containernetworking-plugins golang-github-containernetworking-plugin-dnsname passt slirp4netns fuse-overlayfs fuse3 iptables python3 systemd)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian 12's criu fails `criu check` on newer kernels: build criu 4.1.1
# into /usr/local/sbin there (contrib/criu.sh; a no-op where criu works).
contrib/criu.sh

# Debian's containerd package may start a daemon where systemd runs; pod
# needs none, and the tests prove that by running without one.

if ! command -v go >/dev/null; then
    export PATH=$PATH:/usr/local/go/bin
fi

# crun 1.8 refuses a cgroup v1 host whose hugetlb controller sits on the v2
# mount; give it a v1 mount (what the test hosts need, see docs/runtimes.md).
if [[ -d /sys/fs/cgroup/unified ]] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
    mkdir -p /sys/fs/cgroup/hugetlb
    mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb || echo "warning: could not mount the hugetlb cgroup (crun may fail)" >&2
fi

# slirp4netns and pasta (rootless networks) open /dev/net/tun as the user:
# Debian's udev rule makes it 0666; a machine without udev keeps the
# kernel's 0600 (docs/networks.md).
if [[ -c /dev/net/tun ]] && [[ "$(stat -c %a /dev/net/tun)" != 666 ]]; then
    chmod 0666 /dev/net/tun
fi
# fuse-overlayfs (a rootless user's overlay.mount_program) opens /dev/fuse as
# the user: the same, Debian's udev makes it 0666 (docs/rootless.md).
if [[ -c /dev/fuse ]] && [[ "$(stat -c %a /dev/fuse)" != 666 ]]; then
    chmod 0666 /dev/fuse
fi

# The unprivileged users (and their /etc/subuid, /etc/subgid ranges) of the
# rootless tests (make test-system-rootless, test/system/400-rootless.bats).
contrib/rootless-user.sh

# Extra shims for the shim v2 tests (task API v3 runc shim, gVisor's shim).
if [[ -x test/shims/install.sh ]]; then
    test/shims/install.sh
fi

make build
make install
