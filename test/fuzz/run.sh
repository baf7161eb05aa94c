#!/bin/bash
# make fuzz: run every Go fuzz target of the module for FUZZTIME each
# (default 2m; `make fuzz FUZZTIME=10s` for a quick pass), one after the
# other (go test takes one -fuzz target at a time). Seeds live in each
# package's testdata/fuzz; a failure leaves its input there and the run ends
# non-zero. FUZZ=REGEX picks targets by name.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${GO:=go}" "${FUZZTIME:=2m}" "${FUZZ:=.}" "${BUILDTAGS:=containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp cni}"
failed=()
n=0
while IFS=' ' read -r file target; do
    [[ "$target" =~ $FUZZ ]] || continue
    pkg=./$(dirname "$file")
    n=$((n + 1))
    echo "=== $target ($pkg, $FUZZTIME)"
    if ! "$GO" test -tags "$BUILDTAGS" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"; then
        failed+=("$target")
    fi
done < <(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' . | sed 's#^\./##; s#:func # #' | sort)
echo "=== $n fuzz targets, ${#failed[@]} failed${failed[*]:+: ${failed[*]}}"
((${#failed[@]} == 0))
