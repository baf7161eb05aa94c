// Command pod-conmon is pod's container monitor: a drop-in for conmon 2.1.6
// (same command line, pipes, sockets and files). See package
// github.com/pod-engine/pod/pkg/conmon/monitor.
package main

import (
	"os"

	"github.com/pod-engine/pod/pkg/conmon/monitor"
)

func main() {
	os.Exit(monitor.Main(os.Args))
}
