package libpod

import (
	"context"
	"strings"

	"github.com/pod-engine/pod/pkg/autoupdate"
	"github.com/pod-engine/pod/pkg/imagehelper"
)

// AutoUpdateOptions are `pod auto-update`'s flags.
type AutoUpdateOptions struct {
	autoupdate.Options
	AuthFile  string // --authfile, for the registry checks and pulls
	TLSVerify *bool  // --tls-verify (nil: registries.conf decides)
}

// AutoUpdate runs pkg/autoupdate over the running containers, with the
// image store and registries through pod-image and units restarted by
// units (systemd over D-Bus in the CLI).
func (r *Runtime) AutoUpdate(ctx context.Context, o AutoUpdateOptions, units autoupdate.Units) ([]autoupdate.Report, []error) {
	all, err := r.Containers()
	if err != nil {
		return nil, []error{err}
	}
	var ctrs []autoupdate.Container
	for _, c := range all {
		if c.Status() != StatusRunning {
			continue
		}
		cfg := c.Config()
		ctrs = append(ctrs, autoupdate.Container{ID: cfg.ID, Name: cfg.Name, Image: cfg.Image,
			ImageID: strings.TrimPrefix(cfg.ImageID, "sha256:"), Labels: cfg.Spec.Labels})
	}
	return autoupdate.Run(ctx, ctrs, &updateImages{r: r, o: o}, units, o.Options)
}

// updateImages is autoupdate.Images on this runtime's store and pod-image.
type updateImages struct {
	r *Runtime
	o AutoUpdateOptions
}

func (u *updateImages) extra() []string {
	var x []string
	if u.o.AuthFile != "" {
		x = append(x, "--authfile="+u.o.AuthFile)
	}
	if u.o.TLSVerify != nil && !*u.o.TLSVerify {
		x = append(x, "--tls-verify=false")
	}
	return x
}

func (u *updateImages) LocalID(_ context.Context, name string) (string, error) {
	store, err := u.r.images()
	if err != nil {
		return "", err
	}
	img, err := store.LookupImage(name)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

func (u *updateImages) RemoteDiffers(ctx context.Context, name string) (bool, error) {
	return imagehelper.RemoteDiffers(ctx, u.r.exe, u.r.helperFlags(), name, u.extra()...)
}

func (u *updateImages) Pull(ctx context.Context, name string) (string, error) {
	return imagehelper.Pull(ctx, name, imagehelper.PullOptions{PodBinary: u.r.exe, Global: u.r.helperFlags(),
		Policy: "always", Quiet: true, Extra: u.extra()})
}

func (u *updateImages) Tag(ctx context.Context, id, name string) error {
	return imagehelper.Tag(ctx, u.r.exe, u.r.helperFlags(), id, name)
}
