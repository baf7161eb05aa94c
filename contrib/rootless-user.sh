#!/bin/bash
# Create (idempotently) the unprivileged users the rootless system tests run
# as, with subordinate uid/gid ranges in /etc/subuid and /etc/subgid, as
# Podman's rootless mode needs. Run as root. Usage: rootless-user.sh [NAME...]
# (default: podtest and podtest2, the second for isolation between users;
# plus, for the refusal tests, podtestnosub without any range and
# podtestsmall with a range too small for containers; and the ranges of
# "containers", which root's --userns auto takes its ids from, as Podman).
set -euo pipefail
users=("$@")
defaults=0
((${#users[@]})) || { users=(podtest podtest2); defaults=1; }
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

if ((defaults)); then
    for u in podtestnosub podtestsmall; do
        id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
        # useradd gives new users a range where /etc/subuid exists: take it back
        sed -i "/^$u:/d" /etc/subuid /etc/subgid
    done
    echo "podtestsmall:300000:1000" >>/etc/subuid
    echo "podtestsmall:300000:1000" >>/etc/subgid
fi

if ((defaults)); then
    # root's --userns=auto: go.podman.io/storage takes each container's range
    # from the "containers" entry (no such user is needed), far above the users'
    for f in /etc/subuid /etc/subgid; do
        grep -q '^containers:' "$f" || echo "containers:1000000000:1000000" >>"$f"
    done
fi
