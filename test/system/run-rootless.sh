#!/bin/bash
# run-rootless.sh BIN USER RUNTIME... — the bats system tests as the ordinary
# user USER (make test-system-rootless; run as root). contrib/rootless-user.sh
# makes USER and its /etc/subuid ranges; bin/, contrib/ and test/system are
# copied under a mktemp dir USER can read; XDG_RUNTIME_DIR is /run/user/UID.
# The runtimes run one after the other, each over its files.
#
# ROOTLESS_FILES  bats files or directories (default: test/system)
# ROOTLESS_ONCE=1 every file runs once, dealt round the runtimes in turn
#                 (file k with runtime k mod n, as POD_BATS_ONCE does for
#                 root in run-runtimes.sh): what `make check` runs, so the
#                 whole suite is covered rootless on crun, runc and runsc
#                 together without paying for it three times.
# ROOTLESS_TIMEOUT per runtime (default 30m); BATS_TEST_TIMEOUT per test (600).
set -u
bin=$1 u=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
contrib/rootless-user.sh
uid=$(id -u "$u")
xdg=/run/user/$uid
mkdir -p "$xdg" && chown "$u:" "$xdg" && chmod 700 "$xdg"
tmp=$(mktemp -d /tmp/pod-rootless.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp/test" "$tmp/bin"
cp -r "$bin"/. "$tmp/bin/"
# the bats files' Go helper, built here: the user's copy is outside the module
(cd test/system/sdnotify-helper && CGO_ENABLED=0 "${GO:-go}" build -o "$tmp/bin/sdnotify-helper" .) || exit 1
cp -r contrib "$tmp/"
cp -r test/system "$tmp/test/"
chown -R "$u:" "$tmp"

# every .bats file named, directories expanded, in order
all=()
for f in ${ROOTLESS_FILES:-test/system}; do
    if [[ -d $f ]]; then
        all+=("$f"/*.bats)
    else
        all+=("$f")
    fi
done

cleanup() {
    local p
    runuser -u "$u" -- env XDG_RUNTIME_DIR="$xdg" "$tmp/bin/pod" system migrate >/dev/null 2>&1
    for p in $(pgrep -u "$u" -f '^pod-rootless-pause$'); do
        grep -qzF "$tmp" "/proc/$p/environ" 2>/dev/null && kill -9 "$p"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

runtimes=("$@")
failed=
i=0
for rt in "${runtimes[@]}"; do
    files=() n=0
    for f in "${all[@]}"; do
        if [[ -z ${ROOTLESS_ONCE:-} ]] || ((n % ${#runtimes[@]} == i)); then
            files+=("$tmp/$f")
        fi
        n=$((n + 1))
    done
    i=$((i + 1))
    ((${#files[@]})) || continue
    echo "=== rootless system tests ($u) with runtime $rt: ${#files[@]} files${ROOTLESS_ONCE:+ (dealt once round ${runtimes[*]})}"
    start=$SECONDS
    (cd "$tmp" && runuser -u "$u" -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
        HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" XDG_RUNTIME_DIR="$xdg" TMPDIR="$tmp" \
        POD_BIN="$tmp/bin" POD_TEST_RUNTIME="$rt" BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-600}" \
        timeout -k 30 "${ROOTLESS_TIMEOUT:-30m}" bats --timing "${files[@]}" </dev/null) || failed="$failed $rt"
    echo "=== rootless $rt: $((SECONDS - start))s"
done
if [[ -n $failed ]]; then
    echo "=== rootless system tests failed with:$failed"
    exit 1
fi
