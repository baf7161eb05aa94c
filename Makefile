# pod — build, test and benchmark targets. `make help` lists them.
GO        ?= go
BUILDTAGS ?= containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp cni
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXEC   ?= $(PREFIX)/libexec/pod
SYSTEMDDIR ?= /usr/lib/systemd
GOFLAGS_BUILD = -tags '$(BUILDTAGS)' -trimpath
comma := ,
space := $(subst ,, )

RUNTIMES  ?= $(shell for r in crun runc runsc; do command -v $$r >/dev/null && echo $$r; done; \
	command -v containerd-shim-runc-v2 >/dev/null && echo io.containerd.runc.v2)

.PHONY: help setup build install test test-system test-system-rootless test-integration check demo bench lint docs flag-coverage fuzz clean soak soak-small

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

# bin/pod is built with the podlean tag: kube and build (k8s.io/api,
# imagebuilder) are left out and run by bin/pod-full, the whole CLI, so
# every other command does not pay their package init (cmd/pod/full_forward.go).
build: ## build bin/pod, bin/pod-full, bin/pod-conmon, bin/pod-image, bin/pod-quadlet, bin/pod-shim
	$(GO) build $(GOFLAGS_BUILD) -o bin/ ./cmd/...
	mv -f bin/pod bin/pod-full
	$(GO) build -tags '$(BUILDTAGS) podlean' -trimpath -o bin/pod ./cmd/pod

install: build ## install binaries under $(PREFIX)
	install -D -m 0755 bin/pod $(DESTDIR)$(BINDIR)/pod
	install -d $(DESTDIR)$(LIBEXEC)
	for b in bin/pod-*; do install -m 0755 $$b $(DESTDIR)$(LIBEXEC)/; done
	# pod-quadlet as systemd's generators of system and user units, and the boot-time restart unit.
	install -d $(DESTDIR)$(SYSTEMDDIR)/system-generators $(DESTDIR)$(SYSTEMDDIR)/user-generators $(DESTDIR)$(SYSTEMDDIR)/system
	ln -sf $(LIBEXEC)/pod-quadlet $(DESTDIR)$(SYSTEMDDIR)/system-generators/pod-system-generator
	ln -sf $(LIBEXEC)/pod-quadlet $(DESTDIR)$(SYSTEMDDIR)/user-generators/pod-user-generator
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/pod-restart.service >$(DESTDIR)$(SYSTEMDDIR)/system/pod-restart.service
	chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/system/pod-restart.service

test: ## unit tests (no root needed; root-only tests skip themselves)
	$(GO) test $(GOFLAGS_BUILD) ./...

test-integration: build ## Go tests driving real runtimes and the real monitor (root)
	POD_BIN=$(CURDIR)/bin $(GO) test $(GOFLAGS_BUILD) -count=1 -tags '$(BUILDTAGS) integration' ./test/integration/...

# The runtimes run side by side (each bats file has private roots; network
# names, subnets and ports are drawn per run), their lines streamed with the
# runtime as prefix and kept in bin/bats-RUNTIME.log; per-test and per-run
# timeouts and the files run with one runtime only: test/system/run-runtimes.sh.
test-system: build ## bats CLI tests, once per installed runtime, the runtimes in parallel (root)
	@test/system/run-runtimes.sh $(CURDIR)/bin $(RUNTIMES)

# The same bats tests as an ordinary user (rootless): contrib/rootless-user.sh
# makes the user and its /etc/subuid ranges; the tests and binaries are
# copied where that user can read them (test/system/run-rootless.sh).
# ROOTLESS_FILES narrows the files; ROOTLESS_ONCE=1 runs each file once,
# dealt round the runtimes.
ROOTLESS_USER  ?= podtest
ROOTLESS_FILES ?= test/system
ROOTLESS_ONCE  ?=
test-system-rootless: build ## bats CLI tests as an ordinary user, once per rootless runtime (root)
	@GO="$(GO)" ROOTLESS_FILES="$(ROOTLESS_FILES)" ROOTLESS_ONCE="$(ROOTLESS_ONCE)" \
		test/system/run-rootless.sh $(CURDIR)/bin $(ROOTLESS_USER) $(filter crun runc runsc,$(RUNTIMES))

# What `make check` runs rootless: these files once each, dealt round crun,
# runc and runsc by position (ROOTLESS_ONCE; append new files at the end so
# the others keep their runtime; 700-pods must land on crun or runc, runsc
# refuses pods; 200's Podman reference runs on crun only): what fits the
# CI's time (docs/rootless.md, "CI"); the whole suite: `make test-system-rootless`.
ROOTLESS_CI_FILES ?= $(addprefix test/system/,001-basic.bats 010-run.bats 020-lifecycle.bats 030-ps-inspect.bats \
	040-logs.bats 050-runtime-record.bats 070-bad-input.bats 080-exec-attach.bats 300-image.bats 310-run-pull.bats \
	400-rootless.bats 410-rootless-network.bats 420-userns-maps.bats 430-rootless-storage.bats \
	060-parallel.bats 095-damaged-state.bats 100-runtime-config.bats \
	600-volumes.bats 700-pods.bats 090-faults.bats 540-healthcheck.bats 601-volume-options.bats \
	150-run-flags.bats 075-hostile-names.bats 200-podman-script.bats 550-events.bats 160-new-verbs.bats \
	510-generate-systemd.bats 130-ps.bats 500-sdnotify.bats 610-network.bats 165-update.bats \
	183-run-flags-more.bats 701-pod-create-flags.bats 702-pod-clone.bats 530-restart.bats 720-pod-policy.bats \
	085-binary-stdin.bats 181-image-prune.bats 191-build.bats 170-secret.bats 305-manifest-search.bats \
	192-build-flags.bats 184-flags-rest.bats 140-global-info.bats 190-commit.bats 180-system.bats)

check: lint test test-integration test-system soak-small ## lint, then every test: unit, integration, system (root and rootless), small soak (root)
	$(MAKE) test-system-rootless ROOTLESS_FILES="$(ROOTLESS_CI_FILES)" ROOTLESS_ONCE=1

# The soak and fault suite (test/soak, docs/soak.md) runs on crun and the
# runc shim where installed; each run writes bin/soak[-small]-RUNTIME.json.
SOAK_RUNTIMES ?= $(filter crun io.containerd.runc.v2,$(RUNTIMES))
SOAK_FLAGS    ?=
SOAK_TIMEOUT  ?= 20m

define soak_run
	$(GO) build $(GOFLAGS_BUILD) -o bin/soak ./test/soak
	@failed=; for rt in $(SOAK_RUNTIMES); do \
		echo "=== soak ($(1)) with runtime $$rt"; \
		timeout -k 30 $(SOAK_TIMEOUT) bin/soak -pod bin/pod -runtime $$rt $(2) \
			-json bin/soak$(1)-$$rt.json $(SOAK_FLAGS) >bin/soak$(1)-$$rt.out 2>&1 || { \
			failed="$$failed $$rt"; cat bin/soak$(1)-$$rt.out; }; \
	done; \
	if [ -n "$$failed" ]; then echo "=== soak failed with:$$failed (see bin/soak$(1)-*.json)"; exit 1; fi
endef

soak: SOAK_TIMEOUT = 6h
soak: build ## soak and fault suite, full size: 8 clients, 10,000 lifecycles per runtime (root; 1-2 hours each)
	$(call soak_run,,-clients 8 -total 10000 -fault-rounds 20)

# soak-small leaves out runtime-removed (a fresh store of its own, ~15
# commands a round: not a few seconds; TestDeleteWithoutBinary guards its
# finding). `make soak` runs every fault.
SOAK_SMALL_FAULTS ?= kill-cli-run,kill-cli-create,kill-cli-start,kill-cli-exec,kill-cli-stop,kill-cli-rm,kill-monitor,kill-shim,kill-container,reboot,disk-full,runroot-ro,runtime-replaced,netns
soak-small: build ## soak and fault suite, small (part of check): 8 clients x 10 lifecycles per runtime (root)
	$(call soak_run,-small,-clients 8 -n 10 -fault-rounds 2 -faults $(SOAK_SMALL_FAULTS))

setup: ## install what pod and its tests need (apt, go install) and set the host up (root)
	contrib/setup.sh

demo: setup ## set this machine up, build, make the default image, run a container on each runtime (root)
	contrib/demo.sh

bench: build ## pod vs podman vs raw runtime, side by side
	./test/bench/run.sh

GOLANGCI_LINT_VERSION ?= v2.15.0

lint: ## golangci-lint with the layering rules (installs the pinned version when missing)
	@command -v golangci-lint >/dev/null || GOBIN=/usr/local/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	golangci-lint run ./...
	# bin/pod's own files (cmd/pod/full_forward.go): the lean build's tags.
	golangci-lint run --build-tags $(subst $(space),$(comma),$(strip $(BUILDTAGS))),podlean ./cmd/pod/

fuzz: ## every Go fuzz target for FUZZTIME each (default 2m; FUZZ=REGEX picks targets)
	GO=$(GO) BUILDTAGS='$(BUILDTAGS)' test/fuzz/run.sh

docs: ## a markdown page per command in docs/man/, generated from the command tree
	$(GO) test $(GOFLAGS_BUILD) -count=1 -run '^TestGenerateDocs$$' ./cmd/pod/ -args -docs-dir=$(CURDIR)/docs/man

flag-coverage: ## list the flags of `pod X --help` that no system test passes
	@mkdir -p .cache
	$(GO) test $(GOFLAGS_BUILD) -count=1 -run '^TestFlagCoverage$$' ./cmd/pod/ -args -flag-coverage=$(CURDIR)/.cache/flag-coverage.txt
	@cat .cache/flag-coverage.txt

clean: ## remove build output
	rm -rf bin
