package main

// `generate spec` (Podman 4.3.1): a container's or pod's settings as
// Podman's specgen JSON (pkg/genspec), printed or written to a file.

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/genspec"
)

func generateSpecCommand() *cobra.Command {
	var (
		compact, rename bool
		file            string
	)
	cmd := &cobra.Command{
		Use:   "spec [options] {CONTAINER|POD}",
		Short: "Generate Specgen JSON based on containers or pods",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRuntime(func(rt *libpod.Runtime) error {
				var spec any
				c, err := rt.LookupContainer(args[0])
				switch {
				case err == nil:
					spec, err = c.GenerateSpec(rename)
				case errors.Is(err, errdefs.ErrNotFound):
					p, perr := rt.LookupPod(args[0])
					if perr != nil {
						if errors.Is(perr, errdefs.ErrNotFound) {
							// Podman's words, exit 125.
							return fmt.Errorf("could not find a pod or container with the id %s", args[0])
						}
						return perr
					}
					spec, err = p.GenerateSpec(rename)
				}
				if err != nil {
					return err
				}
				var b bytes.Buffer
				if err := genspec.Write(&b, spec, compact); err != nil {
					return err
				}
				if file != "" {
					// As Podman: the file gets the JSON, its path is printed.
					if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
						return err
					}
					fmt.Println(file)
					return nil
				}
				_, err = os.Stdout.Write(b.Bytes())
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&compact, "compact", "c", false, "Print the json in a compact format for consumption")
	fl.StringVarP(&file, "filename", "f", "", "Write output to the specified path")
	fl.BoolVarP(&rename, "name", "n", true, "Specify a new name for the generated spec")
	return cmd
}
