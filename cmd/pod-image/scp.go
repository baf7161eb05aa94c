package main

// `image scp` between users of this host (Podman 4.3.1's local transfer):
// the image is saved from the source user's store to an archive and loaded
// into the destination user's store, the other user's side run as that
// user (runuser) with pod's own binary. Only root can write into or read
// from another user's store; remote hosts (ssh connections) are refused:
// pod has no remote connections.

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/spf13/cobra"
	"go.podman.io/common/libimage"
	"go.podman.io/storage/pkg/unshare"
)

// EnvScpEnv names extra NAME=VALUE words (space separated) for the other
// user's environment, e.g. XDG_CONFIG_HOME naming a storage.conf.
const envScpEnv = "POD_SCP_ENV"

// scpEnd is one side of a transfer: [USER@]HOST::[IMAGE] or IMAGE.
type scpEnd struct {
	user, host, image string
	conn              bool // had HOST::
}

func parseScpEnd(s string) scpEnd {
	conn, img, ok := strings.Cut(s, "::")
	if !ok {
		return scpEnd{image: s}
	}
	e := scpEnd{image: img, conn: true, host: conn}
	if u, h, ok := strings.Cut(conn, "@"); ok {
		e.user, e.host = u, h
	}
	return e
}

func imageScpCmd(a *app) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "scp [options] IMAGE [HOST::]",
		Short: "Securely copy images",
		Long:  "Copy an image between users of this host: USER@localhost:: names a user's store. As root, to or from any user; remote hosts are refused (pod has no remote connections).",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := parseScpEnd(args[0])
			var dst scpEnd
			if len(args) == 2 {
				dst = parseScpEnd(args[1])
			} else if !src.conn {
				return invalid("must specify a destination")
			}
			return runScp(cmd, a, src, dst, quiet)
		},
		Example: `pod image scp localhost/busybox podtest@localhost::
  pod image scp podtest@localhost::localhost/busybox root@localhost::`,
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "Suppress the output")
	return cmd
}

// scpUser resolves an end's user: its USER@, else the current user. A host
// other than localhost is refused.
func scpUser(e scpEnd) (*user.User, error) {
	if e.conn && e.host != "localhost" && e.host != "127.0.0.1" {
		return nil, classify(invalid("%s::: pod has no remote connections (ssh): only USER@localhost:: (another user of this host) is supported; copy to another host with pod save IMAGE | ssh HOST pod load", e.host), errdefs.ErrNotImplemented)
	}
	if e.user == "" {
		// The user pod runs as (a rootless pod-image is uid 0 in its
		// user namespace).
		return user.LookupId(strconv.Itoa(unshare.GetRootlessUID()))
	}
	return user.Lookup(e.user)
}

func runScp(cmd *cobra.Command, a *app, src, dst scpEnd, quiet bool) error {
	su, err := scpUser(src)
	if err != nil {
		return err
	}
	du, err := scpUser(dst)
	if err != nil {
		return err
	}
	if src.image == "" {
		return invalid("no image given: name it as IMAGE or USER@localhost::IMAGE")
	}
	if su.Uid == du.Uid {
		return invalid("source and destination are the same user (%s): the image is already in that store", su.Username)
	}
	if unshare.GetRootlessUID() != 0 {
		return invalid("copying an image between users needs root (another user's store): run pod image scp as root")
	}
	dir, err := os.MkdirTemp(tempDir(), "pod-image-scp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	archive := filepath.Join(dir, "image.tar")
	if err := scpSave(cmd, a, su, src.image, dir, archive, quiet); err != nil {
		return err
	}
	if err := os.Chmod(archive, 0o644); err != nil {
		return err
	}
	return scpLoad(cmd, a, du, dir, archive, quiet)
}

// scpSave writes the image of u's store to archive.
func scpSave(cmd *cobra.Command, a *app, u *user.User, img, dir, archive string, quiet bool) error {
	if u.Uid == "0" {
		rt, err := a.Runtime()
		if err != nil {
			return err
		}
		opts := &libimage.SaveOptions{}
		opts.RemoveSignatures = true
		if !quiet {
			opts.Writer = os.Stderr
		}
		return rt.Save(cmd.Context(), []string{img}, "docker-archive", archive, opts)
	}
	if err := chownTo(dir, u); err != nil {
		return err
	}
	args := []string{"save", "-o", archive}
	if quiet {
		args = append(args, "-q")
	}
	return asUser(u, append(args, img)...)
}

// scpLoad loads archive into u's store.
func scpLoad(cmd *cobra.Command, a *app, u *user.User, dir, archive string, quiet bool) error {
	if u.Uid == "0" {
		rt, err := a.Runtime()
		if err != nil {
			return err
		}
		return loadArchive(cmd, rt, archive, "", quiet)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	args := []string{"load", "-i", archive}
	if quiet {
		args = append(args, "-q")
	}
	return asUser(u, args...)
}

func chownTo(path string, u *user.User) error {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return err
	}
	return os.Chown(path, uid, gid)
}

// asUser runs pod ARGS as u, in u's environment (and $POD_SCP_ENV's), on
// pod-image's stdio; a failure exits with pod's code.
func asUser(u *user.User, args ...string) error {
	pod := podBinary()
	if pod == "" {
		return fmt.Errorf("image scp: the pod binary is not known (%s is not set): run it as pod image scp", "POD_BINARY")
	}
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + u.HomeDir, "USER=" + u.Username, "LOGNAME=" + u.Username}
	if xdg := "/run/user/" + u.Uid; dirExists(xdg) {
		env = append(env, "XDG_RUNTIME_DIR="+xdg)
	}
	env = append(env, strings.Fields(os.Getenv(envScpEnv))...)
	c := exec.Command("runuser", append([]string{"-u", u.Username, "--", "env", "-i"}, append(env, append([]string{pod}, args...)...)...)...)
	c.Stdin, c.Stdout, c.Stderr = nil, os.Stdout, os.Stderr
	if err := c.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return &errdefs.ExitCodeError{Code: ee.ExitCode()}
		}
		return fmt.Errorf("running pod as %s: %w", u.Username, err)
	}
	return nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
