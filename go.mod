module github.com/pod-engine/pod

go 1.26

require (
	github.com/mattn/go-sqlite3 v1.14.32 // indirect
	github.com/opencontainers/runtime-spec v1.2.1 // indirect
	golang.org/x/sys v0.46.0 // indirect
)
