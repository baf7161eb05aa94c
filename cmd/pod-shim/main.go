// Command pod-shim is the per-container monitor of pod's containerd shim v2
// runtimes; see package shimmon.
package main

import (
	"os"

	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimmon"
)

func main() { os.Exit(shimmon.Main(os.Args[1:])) }
