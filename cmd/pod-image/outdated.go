package main

import (
	"encoding/json"
	"os"

	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/image/v5/transports/alltransports"
	"go.podman.io/image/v5/types"
)

// outdatedCmd is the hidden `image outdated NAME` that `pod auto-update`
// runs for the registry policy: whether the registry's image of that name
// has another digest than the local one, as one JSON boolean.
func outdatedCmd(a *app) *cobra.Command {
	var authFile string
	var tlsVerify bool
	cmd := &cobra.Command{
		Use:    "outdated [options] NAME",
		Short:  "Print whether the registry has another image of NAME than the store (for pod auto-update)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := a.lookupImage(args[0])
			if err != nil {
				return err
			}
			ref, err := alltransports.ParseImageName("docker://" + args[0])
			if err != nil {
				return invalid("%s: %v", args[0], err)
			}
			o := &libimage.HasDifferentDigestOptions{AuthFilePath: authFile}
			if cmd.Flags().Changed("tls-verify") {
				o.InsecureSkipTLSVerify = types.NewOptionalBool(!tlsVerify)
			}
			differs, err := img.HasDifferentDigest(cmd.Context(), ref, o)
			if err != nil {
				return err
			}
			return json.NewEncoder(os.Stdout).Encode(differs)
		},
	}
	cmd.Flags().StringVar(&authFile, "authfile", "", "Path of the authentication file")
	cmd.Flags().BoolVar(&tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	return cmd
}
