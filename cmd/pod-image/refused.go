package main

import (
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
)

// refusedImageCmd is a Podman image verb pod cannot honour: it exists, as
// scripts expect, and every use fails with exit 125 and the reason.
func refusedImageCmd(use, short, why string) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short + " (refused in pod)",
		Args:               cobra.ArbitraryArgs,
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return classify(invalid("%s: %s", cmd.CommandPath(), why), errdefs.ErrNotImplemented)
		},
	}
}

func imageSignCmd() *cobra.Command {
	return refusedImageCmd("sign [options] IMAGE [IMAGE...]", "Sign an image",
		"pod does not sign images (it uses no GPG keyring); sign when copying with skopeo copy --sign-by")
}
