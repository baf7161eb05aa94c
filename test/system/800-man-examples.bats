#!/usr/bin/env bats
# Podman's documented examples (the EXAMPLES of its man pages, kept in
# test/system/examples/VERB.examples) run against pod and against the
# reference Podman 4.3.1; exit codes and the shape of the output must match
# (helpers.examples.bash). Podman is the reference: the files run once, with
# whatever runtime CI deals them (Podman always uses its default, crun).
# The examples files are shared out among 800- to 803-man-examples.bats, about
# the same time each, so the four runtime lanes of CI take one each (they are
# POD_BATS_ONCE files); this one has containers made, run, inspected and stopped.

load helpers
load helpers.examples

@test "man examples: ps" { run_examples ps; }
@test "man examples: run" { run_examples run; }
@test "man examples: create" { run_examples create; }
@test "man examples: exec" { run_examples exec; }
@test "man examples: attach" { run_examples attach; }
@test "man examples: logs" { run_examples logs; }
@test "man examples: inspect" { run_examples inspect; }
@test "man examples: start" { run_examples start; }
@test "man examples: stop" { run_examples stop; }
@test "man examples: kill" { run_examples kill; }
@test "man examples: rm" { run_examples rm; }
@test "man examples: container-clone" { run_examples container-clone; }

# Nothing is lost in the split: every examples file has its test in exactly
# one of 800- to 803-man-examples.bats.
@test "man examples: every examples file runs once" {
    ex_check_split
}
