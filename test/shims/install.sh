#!/bin/sh
# Installs the containerd shims pod's shim v2 tests use, into their own
# directory so they never shadow the distribution's binaries:
#
#   $DEST/containerd-shim-runc-v2   containerd v2.2.1 runc shim (task API v3, JSON bootstrap v3)
#   $DEST/containerd-shim-runsc-v1  gVisor's containerd shim (task API v2)
#   $DEST23/containerd-shim-runc-v2 containerd v2.3.0 runc shim (task API v3, protobuf
#                                   BootstrapResult), in a directory of its own
#
# Debian's containerd-shim-runc-v2 (containerd 1.6.20, task API v2, plain
# address bootstrap) stays in /usr/bin. Tests pick a shim directory with
# ocirt.Config.ShimDirs (or POD_TEST_SHIM_DIR). Needs Go and the module proxy.
# Idempotent: a shim whose -v output already names the wanted version is kept.
set -eu

DEST=${DEST:-/usr/local/lib/pod-test/shims}
DEST23=${DEST23:-/usr/local/lib/pod-test/shims-2.3}
RUNC_SHIM_VERSION=${RUNC_SHIM_VERSION:-v2.2.1}
RUNC_SHIM23_VERSION=${RUNC_SHIM23_VERSION:-v2.3.0}
GVISOR_VERSION=${GVISOR_VERSION:-v0.0.0-20260905035102-160fafc42237}

mkdir -p "$DEST" "$DEST23"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have() { # have DIR BINARY PATTERN: the installed shim's -v output matches
	[ -x "$1/$2" ] && "$1/$2" -v 2>/dev/null | grep -q "$3"
}

runc_shim() { # runc_shim DIR VERSION
	if have "$1" containerd-shim-runc-v2 "Version: *${2#v}"; then
		echo "containerd-shim-runc-v2 $2 already in $1"
		return
	fi
	GOBIN="$tmp" GOFLAGS=-buildvcs=false go install \
		"github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$2"
	install -m 0755 "$tmp/containerd-shim-runc-v2" "$1/containerd-shim-runc-v2"
	echo "installed $1/containerd-shim-runc-v2 ($2)"
}

runc_shim "$DEST" "$RUNC_SHIM_VERSION"
runc_shim "$DEST23" "$RUNC_SHIM23_VERSION"

# gVisor's shim module does not carry its own version in -v (it prints the
# containerd version it links), so record the module version next to it.
if [ -x "$DEST/containerd-shim-runsc-v1" ] && [ "$(cat "$DEST/.runsc-shim-version" 2>/dev/null)" = "$GVISOR_VERSION" ]; then
	echo "containerd-shim-runsc-v1 $GVISOR_VERSION already in $DEST"
else
	GOBIN="$tmp" GOFLAGS=-buildvcs=false go install "gvisor.dev/gvisor/shim@$GVISOR_VERSION"
	install -m 0755 "$tmp/shim" "$DEST/containerd-shim-runsc-v1"
	echo "$GVISOR_VERSION" >"$DEST/.runsc-shim-version"
	echo "installed $DEST/containerd-shim-runsc-v1 ($GVISOR_VERSION)"
fi
