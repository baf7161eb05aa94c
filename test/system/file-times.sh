#!/bin/bash
# Prints how long each bats file ran in a system-test log, longest first:
#
#   test/system/file-times.sh bin/bats-crun.log [MORE.log ...]
#
# Each line: SECONDS RUNTIME FILE, the sum of the file's test times (bats
# --timing; setup_file and teardown_file are not counted). It is what to
# look at when a CI lane is the long pole (test/system/run-runtimes.sh deals
# the once files round the lanes).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for log in "$@"; do
    rt=$(basename "$log" .log)
    rt=${rt#bats-}
    # name<TAB>file for every @test, then the log's times matched by name.
    for f in "$here"/*.bats; do
        sed -n 's/^@test "\(.*\)" {$/\1/p; s/^@test '"'"'\(.*\)'"'"' {$/\1/p' "$f" |
            awk -v f="$(basename "$f" .bats)" '{print $0 "\t" f}'
    done | awk -F'\t' -v rt="$rt" '
        FNR == NR { file[$1] = $2; next }
        /^(not )?ok [0-9]+ / {
            line = $0
            sub(/^(not )?ok [0-9]+ /, "", line)
            sub(/ # skip.*$/, "", line)
            if (!match(line, / in [0-9]+ms$/)) next
            ms = substr(line, RSTART + 4, RLENGTH - 6)
            name = substr(line, 1, RSTART - 1)
            f = (name in file) ? file[name] : "?"
            sum[f] += ms
        }
        END { for (f in sum) printf "%d %s %s\n", sum[f] / 1000, rt, f }
    ' - "$log"
done | sort -rn
