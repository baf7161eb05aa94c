module github.com/pod-engine/pod

go 1.26

require (
	github.com/opencontainers/runtime-spec v1.2.1
	golang.org/x/sys v0.46.0
)
