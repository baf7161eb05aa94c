#!/usr/bin/env bats
# Podman's man page examples (800-man-examples.bats says how they run):
# pods and kube play.

load helpers
load helpers.examples

@test "man examples: pod" { run_examples pod; }
@test "man examples: kube-play" { run_examples kube-play; }
