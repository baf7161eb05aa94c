#!/bin/bash
# Create (idempotently) the unprivileged user the rootless system tests run
# as, with subordinate uid/gid ranges in /etc/subuid and /etc/subgid, as
# Podman's rootless mode needs. Run as root. Usage: rootless-user.sh [NAME...]
# (default: podtest podtest2; the second user checks isolation between users).
set -euo pipefail
users=("$@")
((${#users[@]})) || users=(podtest podtest2)
base=200000
size=65536
for u in "${users[@]}"; do
    id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
    for f in /etc/subuid /etc/subgid; do
        touch "$f"
        if ! grep -q "^$u:" "$f"; then
            # the next free range after every range already listed
            start=$base
            while IFS=: read -r _ s n; do
                [[ $s =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] || continue
                ((s + n > start)) && start=$((s + n))
            done <"$f"
            echo "$u:$start:$size" >>"$f"
        fi
    done
done
