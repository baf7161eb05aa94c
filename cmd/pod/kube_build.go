//go:build !podlean

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pod-engine/pod/libpod"
	"github.com/pod-engine/pod/pkg/build"
	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/imagecommit"
	"github.com/pod-engine/pod/pkg/kube"
)

// kubeBuildImages builds the images of the play that have a build
// directory (kube.BuildDir under the working directory or --context-dir),
// as Podman 4.3: a missing image is built unless --build=false; --build
// builds even an existing one.
func kubeBuildImages(ctx context.Context, rt *libpod.Runtime, plans []kube.Plan, o *kubePlayOpts) error {
	if o.build != nil && !*o.build {
		return nil
	}
	done := map[string]bool{}
	for _, plan := range plans {
		for _, c := range plan.Containers {
			if done[c.Image] {
				continue
			}
			done[c.Image] = true
			dir := kube.BuildDir(c.Image, o.buildRoot)
			if dir == "" {
				continue
			}
			if o.build == nil {
				exists, err := rt.ImageExists(c.Image)
				if err != nil || exists {
					continue
				}
			}
			if err := kubeBuild(ctx, rt, c.Image, dir, o.quiet); err != nil {
				return err
			}
		}
	}
	return nil
}

func kubeBuild(ctx context.Context, rt *libpod.Runtime, image, dir string, quiet bool) error {
	tag, err := imagecommit.NormalizeName(image)
	if err != nil {
		return fmt.Errorf("building %s: %w: %w", image, err, errdefs.ErrInvalidArgument)
	}
	files, err := containerfiles(nil, dir, nil)
	if err != nil {
		return err
	}
	store, err := rt.ImageStorage()
	if err != nil {
		return err
	}
	o := build.Options{ContextDir: dir, Containerfiles: files, Tags: []string{tag}, Layers: true, Pull: "missing",
		Format: "oci", Quiet: quiet, Out: os.Stdout, Err: os.Stderr, Args: map[string]string{}, Labels: map[string]string{}}
	if quiet {
		o.Out = io.Discard
	}
	_, err = build.Build(ctx, store, &buildEngine{rt: rt}, o)
	var se *build.StepError
	if errors.As(err, &se) {
		return fmt.Errorf("building %s from %s: %w: %w", image, dir, err, errdefs.ErrInvalidArgument)
	}
	if err != nil {
		return fmt.Errorf("building %s from %s: %w", image, dir, err)
	}
	return nil
}
