module github.com/pod-engine/pod

go 1.26

require (
	github.com/cyphar/filepath-securejoin v0.4.1
	github.com/docker/go-units v0.5.0
	github.com/opencontainers/runtime-spec v1.2.1
	github.com/opencontainers/selinux v1.12.0
	go.podman.io/common v0.65.0
	golang.org/x/sys v0.46.0
)

require github.com/seccomp/libseccomp-golang v0.11.1 // indirect
