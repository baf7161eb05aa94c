#!/bin/sh
# mkbusybox.sh — build a minimal busybox root filesystem from Debian's
# busybox-static and import it as an image (default localhost/busybox).
#
# Usage: contrib/mkbusybox.sh [-n NAME] [-o TARBALL] [-t] [-- GLOBAL_FLAGS...]
#   -n NAME     image name (default localhost/busybox)
#   -o TARBALL  also keep the rootfs tarball at TARBALL
#   -t          only write the tarball (-o required), do not import
#   GLOBAL_FLAGS are passed to the importer before the verb,
#   e.g. -- --root /tmp/r --runroot /tmp/rr
# The importer is $POD (a pod or pod-image binary), else bin/pod of this
# checkout, else `pod` in PATH. The image runs `sh` by default.
set -eu

name=localhost/busybox
out=
taronly=
while getopts n:o:th opt; do
	case $opt in
	n) name=$OPTARG ;;
	o) out=$OPTARG ;;
	t) taronly=1 ;;
	h) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift

bb=${BUSYBOX:-/bin/busybox}
if [ ! -x "$bb" ]; then
	echo "mkbusybox: $bb not found; install busybox-static (apt-get install busybox-static)" >&2
	exit 1
fi
if ldd "$bb" >/dev/null 2>&1; then
	echo "mkbusybox: $bb is dynamically linked; install busybox-static" >&2
	exit 1
fi
if [ -n "$taronly" ] && [ -z "$out" ]; then
	echo "mkbusybox: -t needs -o TARBALL" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mkbusybox.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/rootfs
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
	"$root/dev" "$root/proc" "$root/sys" "$root/root" "$root/home" "$root/var" "$root/run"
install -d -m 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$bb" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
"$bb" --list-full | while read -r applet; do
	case $applet in bin/busybox | "") continue ;; esac
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
GROUP
# Fixed owners and times: the same busybox gives the same layer digest.
tar -C "$root" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/rootfs.tar" .
if [ -n "$out" ]; then
	cp "$work/rootfs.tar" "$out"
fi
[ -n "$taronly" ] && exit 0

pod=${POD:-}
if [ -z "$pod" ]; then
	here=$(cd "$(dirname "$0")/.." && pwd)
	if [ -x "$here/bin/pod" ]; then
		pod=$here/bin/pod
	else
		pod=pod
	fi
fi
"$pod" "$@" import --quiet --change 'CMD ["sh"]' --message "busybox $("$bb" 2>&1 | head -n1 | cut -d' ' -f2)" "$work/rootfs.tar" "$name"
