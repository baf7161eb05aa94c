package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.podman.io/common/libimage"
	"go.podman.io/common/pkg/auth"
	"go.podman.io/image/v5/types"
	"golang.org/x/term"
)

// registryFlags are the flags pull and push share for talking to a registry.
type registryFlags struct {
	authFile        string
	certDir         string
	creds           string
	tlsVerify       bool
	quiet           bool
	retry           uint
	retryDelay      string
	signaturePolicy string
}

func (r *registryFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&r.authFile, "authfile", auth.GetDefaultAuthFile(), "Path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override")
	fs.StringVar(&r.certDir, "cert-dir", "", "Pathname of a directory containing TLS certificates and keys")
	fs.StringVar(&r.creds, "creds", "", "Credentials (USERNAME:PASSWORD) to use for authenticating to a registry")
	fs.BoolVar(&r.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	fs.BoolVarP(&r.quiet, "quiet", "q", false, "Suppress output information")
	fs.UintVar(&r.retry, "retry", 3, "number of times to retry in case of failure when performing pull/push")
	fs.StringVar(&r.retryDelay, "retry-delay", "", "delay between retries in case of pull/push failures (default 1s)")
	fs.StringVar(&r.signaturePolicy, "signature-policy", "", "Path to a signature-policy file")
	fs.Bool("disable-content-trust", false, "This is a Docker specific option and is a NOOP")
	_ = fs.MarkHidden("signature-policy")
	_ = fs.MarkHidden("disable-content-trust")
}

// apply fills the libimage copy options from the flags.
func (r *registryFlags) apply(cmd *cobra.Command, o *libimage.CopyOptions) error {
	if err := auth.CheckAuthFile(r.authFile); err != nil {
		return err
	}
	o.AuthFilePath = r.authFile
	o.CertDirPath = r.certDir
	o.SignaturePolicyPath = r.signaturePolicy
	if cmd.Flags().Changed("tls-verify") {
		o.InsecureSkipTLSVerify = types.NewOptionalBool(!r.tlsVerify)
	}
	if r.creds != "" {
		user, pass, err := parseCreds(r.creds)
		if err != nil {
			return err
		}
		o.Username, o.Password = user, pass
	}
	retry := r.retry
	o.MaxRetries = &retry
	if r.retryDelay != "" {
		d, err := time.ParseDuration(r.retryDelay)
		if err != nil {
			return classify(fmt.Errorf("invalid --retry-delay %q: %w", r.retryDelay, err), errdefs.ErrInvalidArgument)
		}
		o.RetryDelay = &d
	}
	if !r.quiet {
		o.Writer = os.Stderr
	}
	return nil
}

// parseCreds splits "USERNAME[:PASSWORD]"; a missing password is read from
// the terminal, as Podman does.
func parseCreds(creds string) (string, string, error) {
	if creds == "" {
		return "", "", invalid("no credentials supplied")
	}
	user, pass, found := strings.Cut(creds, ":")
	if user == "" {
		return "", "", invalid("credentials %q: the username must not be empty", "--creds")
	}
	if found {
		return user, pass, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", "", invalid("--creds %s has no password and stdin is not a terminal; use USERNAME:PASSWORD", user)
	}
	fmt.Fprint(os.Stderr, "Password: ")
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", "", fmt.Errorf("reading password: %w", err)
	}
	return user, string(b), nil
}
