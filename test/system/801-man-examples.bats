#!/usr/bin/env bats
# Podman's man page examples (800-man-examples.bats says how they run):
# the other container verbs, and volumes.

load helpers
load helpers.examples

@test "man examples: restart" { run_examples restart; }
@test "man examples: pause" { run_examples pause; }
@test "man examples: unpause" { run_examples unpause; }
@test "man examples: wait" { run_examples wait; }
@test "man examples: top" { run_examples top; }
@test "man examples: port" { run_examples port; }
@test "man examples: cp" { run_examples cp; }
@test "man examples: diff" { run_examples diff; }
@test "man examples: export" { run_examples export; }
@test "man examples: container-prune" { run_examples container-prune; }
@test "man examples: rename" { run_examples rename; }
@test "man examples: mount" { run_examples mount; }
@test "man examples: init" { run_examples init; }
@test "man examples: stats" { run_examples stats; }
@test "man examples: update" { run_examples update; }
@test "man examples: healthcheck" { run_examples healthcheck; }
@test "man examples: exists" { run_examples exists; }
@test "man examples: volume" { run_examples volume; }
