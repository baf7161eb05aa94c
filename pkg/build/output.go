package build

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/storage/pkg/archive"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Output is where --output puts the final image's root filesystem:
// Type "local" (a directory) or "tar" (a file; Dest "-" is stdout).
type Output struct {
	Type string
	Dest string
}

// ParseOutput reads an --output value as Buildah: type=local,dest=DIR,
// type=tar,dest=FILE|-, or a bare directory ("-" alone is a tar on stdout).
func ParseOutput(v string) (*Output, error) {
	bad := func(why string) error {
		return fmt.Errorf("--output %q: %s: %w", v, why, errdefs.ErrInvalidArgument)
	}
	if v == "" {
		return nil, bad("empty")
	}
	if !strings.Contains(v, "=") {
		if v == "-" {
			return &Output{Type: "tar", Dest: "-"}, nil
		}
		return &Output{Type: "local", Dest: v}, nil
	}
	o := &Output{}
	for _, kv := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, bad(fmt.Sprintf("%q is not KEY=VALUE", kv))
		}
		switch k {
		case "type":
			if val != "local" && val != "tar" {
				return nil, bad(fmt.Sprintf("type %q is not supported: use local or tar", val))
			}
			o.Type = val
		case "dest":
			o.Dest = val
		default:
			return nil, bad(fmt.Sprintf("unknown key %q: use type= and dest=", k))
		}
	}
	if o.Type == "" {
		return nil, bad("type= (local or tar) is required")
	}
	if o.Dest == "" {
		return nil, bad("dest= is required")
	}
	if o.Type == "local" && o.Dest == "-" {
		return nil, bad("type=local needs a directory, not -")
	}
	return o, nil
}

// export writes image id's root filesystem where out says.
func (r *run) export(id string, out *Output) error {
	c, err := r.store.CreateContainer("", nil, id, "", "", nil)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	r.working = append(r.working, workCtr{id: c.ID})
	root, err := r.store.Mount(c.ID, "")
	if err != nil {
		return fmt.Errorf("--output: mounting the image: %w", err)
	}
	defer func() { _, _ = r.store.Unmount(c.ID, true) }()
	rc, err := archive.TarWithOptions(root, &archive.TarOptions{Compression: archive.Uncompressed})
	if err != nil {
		return fmt.Errorf("--output: reading the image: %w", err)
	}
	defer rc.Close()
	switch out.Type {
	case "tar":
		var w io.Writer = os.Stdout
		if out.Dest != "-" {
			f, err := os.Create(out.Dest)
			if err != nil {
				return fmt.Errorf("--output: %w", err)
			}
			defer f.Close()
			w = f
		}
		if _, err := io.Copy(w, rc); err != nil {
			return fmt.Errorf("--output: writing %s: %w", out.Dest, err)
		}
		return nil
	default:
		dest, err := filepath.Abs(out.Dest)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		if err := archive.Untar(rc, dest, &archive.TarOptions{NoLchown: os.Geteuid() != 0}); err != nil {
			return fmt.Errorf("--output: writing %s: %w", dest, err)
		}
		return nil
	}
}
