package volume

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"go.podman.io/storage/pkg/mount"
	"golang.org/x/sys/unix"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// NeedsMount says whether the volume is mounted (type=, device= or o=) or
// is a plain directory.
func NeedsMount(c *Config) bool {
	for _, k := range []string{"type", "device", "o"} {
		if c.Options[k] != "" {
			return true
		}
	}
	return false
}

// Mount mounts the volume on its data directory as Podman does, with
// mount(8) ("mount [-o O] [-t TYPE|-o bind] DEVICE DATA"), unless it is
// mounted already. Plain volumes need nothing.
func Mount(ctx context.Context, root string, c *Config) error {
	if !NeedsMount(c) {
		return nil
	}
	data := DataDir(root, c.Name)
	if ok, _ := mount.Mounted(data); ok {
		return nil
	}
	dev, typ, opts := c.Options["device"], c.Options["type"], c.Options["o"]
	if dev == "" && typ != "" {
		dev = typ // tmpfs has no device; the kernel still wants a name
	}
	var args []string
	if opts != "" {
		args = append(args, "-o", opts)
	}
	switch typ {
	case "":
	case "bind":
		args = append(args, "-o", "bind")
	default:
		args = append(args, "-t", typ)
	}
	args = append(args, "--", dev, data)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "mount", args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("mounting volume %s (mount %s): %s: %w", c.Name, strings.Join(args, " "), strings.TrimSpace(string(out)), errdefs.ErrInvalidArgument)
	}
	return nil
}

// Unmount unmounts the volume's data directory when it is mounted.
func Unmount(root string, c *Config) error {
	if !NeedsMount(c) {
		return nil
	}
	data := DataDir(root, c.Name)
	for i := 0; i < 16; i++ {
		err := unix.Unmount(data, 0)
		switch {
		case err == nil:
			continue // stacked mounts: unmount until none is left
		case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOENT):
			return nil
		case errors.Is(err, unix.EBUSY):
			return unix.Unmount(data, unix.MNT_DETACH)
		default:
			return fmt.Errorf("unmounting volume %s: %w", c.Name, err)
		}
	}
	return nil
}
