package imagehelper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// ImageUsage is one image (one per repository:tag, as libimage's DiskUsage
// reports it) in `pod system df`.
type ImageUsage struct {
	ID         string    `json:"id"`
	Repository string    `json:"repository"`
	Tag        string    `json:"tag"`
	Created    time.Time `json:"created"`
	Size       int64     `json:"size"`
	SharedSize int64     `json:"sharedSize"`
	UniqueSize int64     `json:"uniqueSize"`
	Containers int       `json:"containers"`
}

// DiskUsageReport is what `pod-image image df` prints: the images and the
// size of all their layers, each layer counted once.
type DiskUsageReport struct {
	Images    []ImageUsage `json:"images"`
	TotalSize int64        `json:"totalSize"`
}

// PrunedImage is one image `pod-image image prune --json` removed.
type PrunedImage struct {
	ID   string `json:"id"`
	Size int64  `json:"size"`
}

// PruneOptions configure PruneImages.
type PruneOptions struct {
	All      bool     // not only dangling images: every image no container uses
	External bool     // also images only external (Buildah…) containers use
	Filters  []string // label=, until=… as `image prune --filter`
}

// DiskUsage runs the hidden `pod-image image df` and decodes its report.
func DiskUsage(ctx context.Context, podBinary string, g GlobalFlags) (*DiskUsageReport, error) {
	var out DiskUsageReport
	if err := runJSON(ctx, podBinary, g, []string{"image", "df"}, func(dec *json.Decoder) error { return dec.Decode(&out) }); err != nil {
		return nil, err
	}
	return &out, nil
}

// PruneImages runs `pod-image image prune --force --json` and returns the
// images it removed (with their sizes), in removal order.
func PruneImages(ctx context.Context, podBinary string, g GlobalFlags, o PruneOptions) ([]PrunedImage, error) {
	args := []string{"image", "prune", "--force", "--json"}
	if o.All {
		args = append(args, "--all")
	}
	if o.External {
		args = append(args, "--external")
	}
	for _, f := range o.Filters {
		args = append(args, "--filter="+f)
	}
	var out []PrunedImage
	err := runJSON(ctx, podBinary, g, args, func(dec *json.Decoder) error {
		for {
			var p PrunedImage
			if err := dec.Decode(&p); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			out = append(out, p)
		}
	})
	return out, err
}

// RemoveAllImages runs `pod-image rmi --all --force` (pod system reset).
// Its output (Untagged/Deleted lines) goes to the discarded stdout; errors
// come back as pod-image printed them.
func RemoveAllImages(ctx context.Context, podBinary string, g GlobalFlags) error {
	return runJSON(ctx, podBinary, g, []string{"rmi", "--all", "--force"}, nil)
}

// runJSON runs pod-image with args, hands its stdout to decode (when not
// nil) and turns a failure into pod-image's own error text (without
// "Error: "), classed errdefs.ErrInvalidArgument for its exit code 125 on a
// bad filter and errdefs.ErrRuntime otherwise.
func runJSON(ctx context.Context, podBinary string, g GlobalFlags, args []string, decode func(*json.Decoder) error) error {
	var stdout, stderr bytes.Buffer
	code, err := Run(ctx, podBinary, g, args, nil, &stdout, &stderr)
	if err != nil {
		return err
	}
	if code != 0 {
		msg, rest := lastError(stderr.String())
		_, _ = os.Stderr.WriteString(rest)
		if msg == "" {
			msg = fmt.Sprintf("%s %s exited with code %d", BinaryName, strings.Join(args, " "), code)
		}
		class := errdefs.ErrRuntime
		if code == errdefs.ExitEngine {
			class = errdefs.ErrInvalidArgument
		}
		return &pullError{msg: msg, class: class}
	}
	if decode == nil {
		return nil
	}
	if err := decode(json.NewDecoder(&stdout)); err != nil {
		return fmt.Errorf("reading the output of %s %s: %w: %w", BinaryName, strings.Join(args, " "), errdefs.ErrRuntime, err)
	}
	return nil
}

// lastError splits pod-image's stderr into the text of its last "Error: "
// line and everything else (warnings, the earlier errors), which the caller
// prints as it is.
func lastError(stderr string) (last, rest string) {
	var b strings.Builder
	lines := strings.SplitAfter(stderr, "\n")
	idx := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Error: ") {
			idx = i
		}
	}
	for i, l := range lines {
		if i == idx {
			last = strings.TrimSpace(strings.TrimPrefix(l, "Error: "))
			continue
		}
		b.WriteString(l)
	}
	return last, b.String()
}

// RemoteDiffers runs the hidden `pod-image image outdated NAME` (pod
// auto-update): whether the registry's image of name has another digest
// than the local one. extra are pull flags (--authfile=F, --tls-verify=false).
func RemoteDiffers(ctx context.Context, podBinary string, g GlobalFlags, name string, extra ...string) (bool, error) {
	var differs bool
	args := append(append([]string{"image", "outdated"}, extra...), "--", name)
	err := runJSON(ctx, podBinary, g, args, func(dec *json.Decoder) error { return dec.Decode(&differs) })
	return differs, err
}

// Tag runs `pod-image tag ID NAME`.
func Tag(ctx context.Context, podBinary string, g GlobalFlags, id, name string) error {
	return runJSON(ctx, podBinary, g, []string{"tag", id, name}, nil)
}

// Push runs `pod-image push --quiet [extra] ID DEST` (pod build
// --cache-to); extra are registry flags (--tls-verify=false, --authfile=F).
func Push(ctx context.Context, podBinary string, g GlobalFlags, id, dest string, extra ...string) error {
	args := append(append([]string{"push", "--quiet"}, extra...), "--", id, dest)
	return runJSON(ctx, podBinary, g, args, nil)
}

// ManifestAdd runs `pod-image manifest create --amend LIST containers-storage:ID`:
// the image is added to the manifest list, which is created when missing
// (pod build --manifest).
func ManifestAdd(ctx context.Context, podBinary string, g GlobalFlags, list, id string) error {
	return runJSON(ctx, podBinary, g, []string{"manifest", "create", "--amend", "--", list, "containers-storage:" + id}, nil)
}
