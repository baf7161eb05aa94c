package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// forwardToImageHelper runs an image verb in the pod-image helper.
// TEMPORARY until the image branch lands.
func forwardToImageHelper(cmd *cobra.Command, args []string) error {
	return fmt.Errorf("no such object %v: %w", args[len(args)-1:], errdefs.ErrNotFound)
}
