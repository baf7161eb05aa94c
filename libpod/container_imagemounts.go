package libpod

import (
	"fmt"

	"github.com/pod-engine/pod/libpod/internal/specgen"
)

// ImageMount is an image mounted read-only in a container (--mount type=image).
type ImageMount struct {
	Image       string `json:"image"`   // as the user gave it
	ImageID     string `json:"imageId"` // resolved at create
	Destination string `json:"destination"`
}

// mountImages mounts the container's --mount type=image images for a start
// and records them in the state (so each is unmounted once). The container
// is locked.
func (c *Container) mountImages() ([]specgen.VolumeMount, error) {
	if len(c.config.ImageMounts) == 0 {
		return nil, nil
	}
	c.unmountImages() // a start that failed half-way left some
	store, err := c.rt.images()
	if err != nil {
		return nil, err
	}
	var out []specgen.VolumeMount
	for _, im := range c.config.ImageMounts {
		p, err := store.MountImage(im.ImageID)
		if err != nil {
			c.unmountImages()
			return nil, fmt.Errorf("container %s: --mount type=image,source=%s: %w", c.config.Name, im.Image, err)
		}
		c.state.ImagesMounted = append(c.state.ImagesMounted, im.ImageID)
		out = append(out, specgen.VolumeMount{Source: p, Destination: im.Destination, Options: specgen.ImageMountOptions()})
	}
	return out, nil
}

// unmountImages unmounts what mountImages mounted (cleanup, removal).
func (c *Container) unmountImages() {
	if len(c.state.ImagesMounted) == 0 {
		return
	}
	store, err := c.rt.images()
	if err != nil {
		c.rt.warnf("container %s: %v", c.config.Name, err)
		return
	}
	for _, id := range c.state.ImagesMounted {
		if err := store.UnmountImage(id); err != nil {
			c.rt.warnf("container %s: %v", c.config.Name, err)
		}
	}
	c.state.ImagesMounted = nil
}
