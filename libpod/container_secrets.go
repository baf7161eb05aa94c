package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/pod-engine/pod/libpod/internal/specgen"
	"github.com/pod-engine/pod/pkg/secret"
)

// SecretRef is one --secret of a container: how it gets the secret, and
// the secret's ID when the container was created (a secret of the same
// name made later is another secret).
type SecretRef struct {
	secret.Ref
	ID string `json:"id"`
}

// resolveSecrets checks that every --secret names a secret and records its ID.
func (r *Runtime) resolveSecrets(refs []secret.Ref) ([]SecretRef, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	store, err := r.Secrets()
	if err != nil {
		return nil, err
	}
	out := make([]SecretRef, 0, len(refs))
	for _, ref := range refs {
		info, err := store.Inspect(ref.Source)
		if err != nil {
			return nil, fmt.Errorf("--secret %s: %w", ref.Source, err)
		}
		out = append(out, SecretRef{Ref: ref, ID: info.ID})
	}
	return out, nil
}

// setupSecrets hands the container its secrets at start: a mounted one as a
// read-only file written into the container's run directory (on the run
// root's tmpfs, never on the store's disk) with its owner and mode, an env
// one as a variable of the process (its value ends at a NUL byte, as an
// environment string must).
func (c *Container) setupSecrets(spec *specs.Spec) error {
	if len(c.config.Secrets) == 0 {
		return nil
	}
	store, err := c.rt.Secrets()
	if err != nil {
		return err
	}
	dir := filepath.Join(c.runDir(), "secrets")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var files []specgen.FileMount
	for i, ref := range c.config.Secrets {
		_, data, err := store.Data(ref.ID)
		if err != nil {
			return fmt.Errorf("secret %s (%s): %w: recreate the container, or the secret", ref.Source, ref.ID, err)
		}
		if ref.Type == "env" {
			v, _, _ := strings.Cut(string(data), "\x00")
			setEnv(spec, ref.Target, v)
			continue
		}
		p := filepath.Join(dir, strconv.Itoa(i))
		if err := writeSecretFile(p, data, ref.Ref); err != nil {
			return fmt.Errorf("secret %s: %w", ref.Source, err)
		}
		files = append(files, specgen.FileMount{Destination: ref.Target, Source: p, ReadOnly: true})
	}
	specgen.AddFileMounts(spec, files)
	return nil
}

// writeSecretFile writes data at p (replacing an earlier start's copy) with
// the reference's owner and mode.
func writeSecretFile(p string, data []byte, ref secret.Ref) error {
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Chown(tmp, int(ref.UID), int(ref.GID)); err != nil {
		return err
	}
	if err := os.Chmod(tmp, os.FileMode(ref.Mode)); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// setEnv sets name=value in the process's environment, replacing it.
func setEnv(spec *specs.Spec, name, value string) {
	if spec.Process == nil {
		return
	}
	kv := name + "=" + value
	for i, e := range spec.Process.Env {
		if strings.HasPrefix(e, name+"=") {
			spec.Process.Env[i] = kv
			return
		}
	}
	spec.Process.Env = append(spec.Process.Env, kv)
}
