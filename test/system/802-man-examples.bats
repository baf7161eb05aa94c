#!/usr/bin/env bats
# Podman's man page examples (800-man-examples.bats says how they run):
# images, secrets, networks, system, events and units.

load helpers
load helpers.examples

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
@test "man examples: network" { run_examples network; }
@test "man examples: system-df" { run_examples system-df; }
@test "man examples: info" { run_examples info; }
@test "man examples: version" { run_examples version; }
@test "man examples: events" { run_examples events; }
@test "man examples: generate-systemd" { run_examples generate-systemd; }
@test "man examples: kube-generate" { run_examples kube-generate; }
