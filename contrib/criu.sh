#!/bin/bash
# Build criu 4.1.1 into /usr/local/sbin where Debian 12's criu (3.17.1)
# cannot work on the running kernel: `criu check` fails on newer kernels
# ("vdso: Unexpected rt vDSO area bounds"), and Debian 13's criu 4.1.1 needs
# glibc 2.38, so it is built here from Debian's source tarball. Debian's
# /usr/sbin/criu stays installed; /usr/local/sbin comes first on PATH, where
# pod (pkg/checkpoint) and runc both look criu up (docs/cli.md). Idempotent:
# nothing to do when the installed criu works or 4.1.1 is already there.
# A failed download or checksum stops with an error. Run as root.
set -euo pipefail

VERSION=4.1.1
URL=http://deb.debian.org/debian/pool/main/c/criu/criu_$VERSION.orig.tar.xz
SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
DEST=/usr/local/sbin/criu
BUILD_DEPS=(curl xz-utils gcc make pkg-config libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev
            protobuf-compiler libnl-3-dev libnet1-dev libcap-dev libbsd-dev libnftables-dev libgnutls28-dev)

if [[ -x $DEST ]] && "$DEST" --version 2>/dev/null | grep -qx "Version: $VERSION"; then
    exit 0
fi
if criu check >/dev/null 2>&1; then
    exit 0
fi
echo "criu.sh: $(command -v criu || echo criu) check fails here ($(criu check 2>&1 | grep -m1 Error || true)); building criu $VERSION into $DEST" >&2

# Reached once per machine: refresh the lists and let apt skip what is there.
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${BUILD_DEPS[@]}" >/dev/null

work=$(mktemp -d /tmp/criu-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! curl -fsSL --retry 3 -o "$work/criu.tar.xz" "$URL"; then
    echo "criu.sh: could not download $URL" >&2
    exit 1
fi
if ! echo "$SHA256  $work/criu.tar.xz" | sha256sum -c --quiet -; then
    echo "criu.sh: $URL does not have the expected sha256 $SHA256" >&2
    exit 1
fi
tar -xJf "$work/criu.tar.xz" -C "$work"
# Only the criu binary: no docs, man pages, crit, libcriu or plugins.
make -C "$work/criu-$VERSION" -j"$(nproc)" criu >"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log" >&2
    echo "criu.sh: building criu $VERSION failed" >&2
    exit 1
}
if ! out=$("$work/criu-$VERSION/criu/criu" check 2>&1); then
    # Not installed: pod keeps refusing checkpoint with criu's own reason.
    echo "criu.sh: warning: criu $VERSION does not work on this kernel either: $(grep -m1 Error <<<"$out")" >&2
    exit 0
fi
install -m 0755 "$work/criu-$VERSION/criu/criu" "$DEST"
echo "criu.sh: installed criu $VERSION as $DEST" >&2
