# pod — build, test and benchmark targets. `make help` lists them.
GO        ?= go
BUILDTAGS ?= containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXEC   ?= $(PREFIX)/libexec/pod
GOFLAGS_BUILD = -tags '$(BUILDTAGS)' -trimpath

.PHONY: help build install test test-system test-integration bench lint clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: ## build bin/pod, bin/pod-conmon, bin/pod-image
	$(GO) build $(GOFLAGS_BUILD) -o bin/ ./cmd/...

install: build ## install binaries under $(PREFIX)
	install -D -m 0755 bin/pod $(DESTDIR)$(BINDIR)/pod
	install -d $(DESTDIR)$(LIBEXEC)
	for b in bin/pod-*; do install -m 0755 $$b $(DESTDIR)$(LIBEXEC)/; done

test: ## unit tests (no root needed; root-only tests skip themselves)
	$(GO) test $(GOFLAGS_BUILD) ./...

test-integration: build ## Go tests driving real runtimes and the real monitor (root)
	POD_BIN=$(CURDIR)/bin $(GO) test $(GOFLAGS_BUILD) -count=1 -tags '$(BUILDTAGS) integration' ./test/integration/...

test-system: build ## bats CLI tests against every installed runtime (root)
	POD_BIN=$(CURDIR)/bin bats -j $${BATS_JOBS:-1} test/system

bench: build ## pod vs podman vs raw runtime, side by side
	./test/bench/run.sh

lint: ## golangci-lint with the layering rules
	golangci-lint run --build-tags '$(BUILDTAGS)' ./...

clean: ## remove build output
	rm -rf bin
