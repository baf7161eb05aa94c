package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// objectExistsCommand is the `exists` verb of an object kind (container, pod,
// volume, network, secret): exit 0 when find finds the object, 1 when it
// reports not found, and the error otherwise (exit 125), as Podman.
func objectExistsCommand(use, short string, find func(nameOrID string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := find(args[0])
			if errors.Is(err, errdefs.ErrNotFound) {
				return &errdefs.ExitCodeError{Code: 1}
			}
			return err
		},
	}
}

// notFoundUnless turns a false "exists" answer into a not-found error.
func notFoundUnless(ok bool, err error) error {
	if err == nil && !ok {
		return errdefs.ErrNotFound
	}
	return err
}
