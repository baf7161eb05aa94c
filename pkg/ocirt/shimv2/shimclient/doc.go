// Package shimclient speaks the containerd shim v2 protocol without a
// containerd daemon: the `start` bootstrap (plain address, JSON
// BootstrapParams v2/v3, protobuf BootstrapResult of containerd 2.3+ shims),
// the ttrpc task service in its v2 and v3 flavours, typed runtime options, and
// the `delete`, `-v` and `-info` subcommands of a shim binary.
//
// It knows nothing about pod's containers: package shimv2 (the ocirt driver)
// and package watcher (the per-container process that outlives the CLI) build
// on it. Messages are the containerd API's task v2 types; the v3 service has
// identical messages, so one set of Go types serves both and the service name
// picks the version. The v3 Go package is not imported because it links gRPC.
package shimclient
