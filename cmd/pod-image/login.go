package main

import (
	"os"

	"github.com/spf13/cobra"
	"go.podman.io/common/pkg/auth"
	"go.podman.io/image/v5/types"
)

func loginCmd(a *app) *cobra.Command {
	opts := &auth.LoginOptions{}
	var tlsVerify bool
	cmd := &cobra.Command{
		Use:   "login [options] [REGISTRY]",
		Short: "Log in to a container registry",
		Long:  "Log in to a container registry on a specified server; credentials go to the auth file ($REGISTRY_AUTH_FILE or ${XDG_RUNTIME_DIR}/containers/auth.json).",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sys := a.systemContext()
			if cmd.Flags().Changed("tls-verify") {
				sys.DockerInsecureSkipTLSVerify = types.NewOptionalBool(!tlsVerify)
			}
			opts.Stdin = os.Stdin
			opts.Stdout = os.Stdout
			opts.AcceptUnspecifiedRegistry = true
			opts.AcceptRepositories = true
			return auth.Login(cmd.Context(), sys, opts, args)
		},
		Example: `pod login -u testuser --password-stdin 127.0.0.1:5000 < password.txt
  pod login --authfile ./auth.json -u testuser -p testpassword 127.0.0.1:5000`,
	}
	fs := cmd.Flags()
	fs.AddFlagSet(auth.GetLoginFlags(opts))
	fs.BoolVar(&tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	return cmd
}

func logoutCmd(a *app) *cobra.Command {
	opts := &auth.LogoutOptions{}
	cmd := &cobra.Command{
		Use:   "logout [options] [REGISTRY]",
		Short: "Log out of a container registry",
		Long:  "Remove the cached username and password for the registry.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Stdout = os.Stdout
			opts.AcceptUnspecifiedRegistry = true
			opts.AcceptRepositories = true
			return auth.Logout(a.systemContext(), opts, args)
		},
		Example: `pod logout 127.0.0.1:5000
  pod logout --all`,
	}
	cmd.Flags().AddFlagSet(auth.GetLogoutFlags(opts))
	return cmd
}
