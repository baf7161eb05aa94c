#!/usr/bin/env bats
# Podman's documented examples (the EXAMPLES of its man pages, kept in
# test/system/examples/VERB.examples) run against pod and against the
# reference Podman 4.3.1; exit codes and the shape of the output must match
# (helpers.examples.bash). Podman is the reference: the file runs once, with
# whatever runtime CI deals it (Podman always uses its default, crun).

load helpers
load helpers.examples

setup_file() {
    export PODT=$BATS_FILE_TMPDIR/p
    mkdir -p "$PODT"
    pod import "$(busybox_tarball)" "$IMAGE" >/dev/null
    ex_setup_file
}

teardown_file() {
    ex_teardown_file
    wait_for_monitors
}

teardown() { ex_teardown; }

@test "man examples: ps" { run_examples ps; }
@test "man examples: run" { run_examples run; }
@test "man examples: create" { run_examples create; }
@test "man examples: exec" { run_examples exec; }
@test "man examples: logs" { run_examples logs; }
@test "man examples: inspect" { run_examples inspect; }
@test "man examples: start" { run_examples start; }
@test "man examples: stop" { run_examples stop; }
@test "man examples: kill" { run_examples kill; }
@test "man examples: rm" { run_examples rm; }
@test "man examples: restart" { run_examples restart; }
@test "man examples: pause" { run_examples pause; }
@test "man examples: unpause" { run_examples unpause; }
@test "man examples: wait" { run_examples wait; }
@test "man examples: top" { run_examples top; }
@test "man examples: port" { run_examples port; }
@test "man examples: cp" { run_examples cp; }
@test "man examples: diff" { run_examples diff; }
@test "man examples: export" { run_examples export; }
@test "man examples: commit" { run_examples commit; }
@test "man examples: images" { run_examples images; }
@test "man examples: image-inspect" { run_examples image-inspect; }
@test "man examples: rmi" { run_examples rmi; }
@test "man examples: tag" { run_examples tag; }
@test "man examples: untag" { run_examples untag; }
@test "man examples: history" { run_examples history; }
@test "man examples: image-prune" { run_examples image-prune; }
@test "man examples: save" { run_examples save; }
@test "man examples: load" { run_examples load; }
@test "man examples: import" { run_examples import; }
@test "man examples: secret" { run_examples secret; }
@test "man examples: volume" { run_examples volume; }
@test "man examples: network" { run_examples network; }
@test "man examples: pod" { run_examples pod; }
@test "man examples: container-prune" { run_examples container-prune; }
@test "man examples: rename" { run_examples rename; }
@test "man examples: mount" { run_examples mount; }
@test "man examples: init" { run_examples init; }
@test "man examples: stats" { run_examples stats; }
@test "man examples: system-df" { run_examples system-df; }
@test "man examples: info" { run_examples info; }
@test "man examples: version" { run_examples version; }
@test "man examples: events" { run_examples events; }
@test "man examples: generate-systemd" { run_examples generate-systemd; }
@test "man examples: kube-play" { run_examples kube-play; }
@test "man examples: kube-generate" { run_examples kube-generate; }
@test "man examples: container-clone" { run_examples container-clone; }
@test "man examples: healthcheck" { run_examples healthcheck; }
@test "man examples: exists" { run_examples exists; }
