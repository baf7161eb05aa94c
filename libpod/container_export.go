package libpod

import (
	"context"
	"fmt"
	"io"

	"github.com/pod-engine/pod/pkg/rootfs"
)

// Export writes the container's root filesystem as an uncompressed tar
// stream to w, as `podman export` does (names relative to the root).
func (c *Container) Export(_ context.Context, w io.Writer) error {
	return c.withRootfs(func(root string) error {
		if err := rootfs.Export(root, w); err != nil {
			return fmt.Errorf("exporting container %s: %w", c.config.Name, err)
		}
		return nil
	})
}
