package libpod

import (
	"context"
	"fmt"

	"github.com/pod-engine/pod/pkg/conmon/client"
)

// Attach connects the caller's streams to a running container until its
// output ends (nil) or the user detaches (client.ErrDetached). Output the
// container wrote before the attach is in its log, not replayed here.
func (c *Container) Attach(ctx context.Context, attach *Attach) error {
	conn, err := client.Dial(c.AttachSocket())
	if err != nil {
		return fmt.Errorf("attaching to container %s: %w", c.config.Name, err)
	}
	if attach.Ready != nil {
		attach.Ready()
	}
	return conn.Stream(ctx, attach.Options)
}
