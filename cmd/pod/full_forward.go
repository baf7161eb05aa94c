//go:build podlean

package main

// The lean pod binary (built with the podlean tag, as `make build` builds
// bin/pod) leaves out the verbs whose libraries cost every command package
// init: kube (k8s.io/api, apimachinery, yaml, cbor) and build
// (openshift/imagebuilder). Their commands here re-execute the whole command
// line in pod-full, the same main package built without the tag, so flags,
// output and exit codes are the full CLI's. See docs/architecture.md,
// "Performance shape".

import (
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagehelper"
)

// fullBinary is the helper holding every verb.
const fullBinary = "pod-full"

func init() {
	commands = append(commands,
		func() *cobra.Command {
			return fullCommand("kube", "Play containers, pods or volumes from a structured file")
		},
		func() *cobra.Command {
			return fullCommand("play", "Play containers, pods or volumes from a structured file")
		},
		func() *cobra.Command {
			c := fullCommand("build [options] [CONTEXT]", "Build an image using instructions from Containerfiles")
			c.Aliases = []string{"buildx"}
			return c
		})
}

// generateKubeCommand is `pod generate kube`, run by pod-full.
func generateKubeCommand() *cobra.Command {
	return fullCommand("kube [options] {CONTAINER...|POD...}", "Generate Kubernetes YAML from containers or pods")
}

// imageBuild is `pod image build`, run by pod-full.
func imageBuild(*cobra.Command, []string) error { return execFull() }

// fullCommand is a command run by pod-full: no flag parsing, and none of
// the root's pre-run (global flags, the rootless user namespace), which
// pod-full does itself.
func fullCommand(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short,
		DisableFlagParsing: true,
		PersistentPreRunE:  func(*cobra.Command, []string) error { return nil },
		RunE:               func(*cobra.Command, []string) error { return execFull() },
	}
}

// execFull replaces pod with pod-full running the same arguments; it
// returns only when pod-full cannot be run.
func execFull() error {
	p, err := imagehelper.LocateHelper(fullBinary, podExecutable())
	if err != nil {
		return err
	}
	argv := append([]string{p}, os.Args[1:]...)
	if err := syscall.Exec(p, argv, os.Environ()); err != nil {
		return fmt.Errorf("executing %s: %w: %w", p, errdefs.ErrUnavailable, err)
	}
	return nil
}
