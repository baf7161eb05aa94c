package imagecommit

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Options says what to commit.
type Options struct {
	// Container is the storage container whose layer becomes the new
	// layer; "" commits no layer (only a config change: History.EmptyLayer).
	Container string
	// Layer, when Container is "", is a tar stream stored as the new
	// layer (a checkpoint image's files).
	Layer io.Reader
	// Parent is the image the new one is built on ("" for scratch).
	Parent string
	// Names are the new image's full names ("localhost/x:latest"); a
	// name another image has moves to the new one.
	Names []string
	// Format is "oci" (default) or "docker".
	Format string
	// Config is the new image's run config.
	Config Config
	// Author is the image's author (--author).
	Author string
	// History is this commit's history entry (CreatedBy, Comment…).
	History History
	// Squash makes the whole root filesystem one layer with no parent.
	Squash bool
	// Exclude lists paths (relative, "etc/hostname") of non-directories
	// left out of the layer: mount points the engine made, not the user.
	Exclude []string
	// Metadata is stored with the image record (build cache keys).
	Metadata string
	// Created is the image's creation time (default: now).
	Created time.Time
	// FileTime, when set, is every file's time in the new layer (pod build
	// --timestamp: with Created, a reproducible image).
	FileTime *time.Time
	// OmitHistory leaves the history out of the config (build --omit-history).
	OmitHistory bool
	// Platform of the image; empty fields keep the parent's (else the host's).
	OS, Arch, Variant, OSVersion string
	OSFeatures                   []string
	// Annotations go into the OCI manifest (build --annotation).
	Annotations map[string]string
}

// Media types of the manifests and blobs written.
const (
	ociManifest    = "application/vnd.oci.image.manifest.v1+json"
	ociConfig      = "application/vnd.oci.image.config.v1+json"
	ociLayer       = "application/vnd.oci.image.layer.v1.tar"
	dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	dockerConfig   = "application/vnd.docker.container.image.v1+json"
	dockerLayer    = "application/vnd.docker.image.rootfs.diff.tar"
)

type descriptor struct {
	MediaType string        `json:"mediaType"`
	Digest    digest.Digest `json:"digest"`
	Size      int64         `json:"size"`
}

type manifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	Config        descriptor        `json:"config"`
	Layers        []descriptor      `json:"layers"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

// Commit writes the new image and returns its ID (the config digest's hex,
// as for any image in the store). On error nothing new is left behind.
func Commit(store storage.Store, o Options) (id string, err error) {
	if o.Format == "" {
		o.Format = "oci"
	}
	if o.Format != "oci" && o.Format != "docker" {
		return "", fmt.Errorf("unrecognized image type %q: %w; use oci or docker", o.Format, errdefs.ErrInvalidArgument)
	}
	if o.Created.IsZero() {
		o.Created = time.Now().UTC()
	}
	parent, err := readParent(store, o.Parent)
	if err != nil {
		return "", err
	}
	top := parent.topLayer
	var newLayer *storage.Layer
	if o.Container != "" || o.Layer != nil {
		if o.Container != "" {
			newLayer, err = putLayer(store, o, parent.topLayer)
		} else {
			newLayer, err = put(store, parent.topLayer, io.NopCloser(o.Layer), o.Exclude, o.FileTime)
		}
		if err != nil {
			return "", err
		}
		top = newLayer.ID
		defer func() {
			if err != nil {
				_ = store.DeleteLayer(newLayer.ID)
			}
		}()
	}
	cfg := parent.cfg
	cfg.Created = &o.Created
	cfg.Author = o.Author
	cfg.Config = o.Config.Clone()
	if o.OS != "" {
		cfg.OS = o.OS
	}
	if o.Arch != "" {
		cfg.Architecture, cfg.Variant = o.Arch, o.Variant
	}
	if o.OSVersion != "" {
		cfg.OSVersion = o.OSVersion
	}
	if len(o.OSFeatures) > 0 {
		cfg.OSFeatures = o.OSFeatures
	}
	if cfg.OS == "" {
		cfg.OS = runtime.GOOS
	}
	if cfg.Architecture == "" {
		cfg.Architecture = runtime.GOARCH
	}
	cfg.RootFS.Type = "layers"
	h := o.History
	h.Created = &o.Created
	if h.Author == "" {
		h.Author = o.Author
	}
	h.EmptyLayer = newLayer == nil
	if o.Squash {
		cfg.RootFS.DiffIDs = nil
		cfg.History = nil
	}
	cfg.History = append(append([]History(nil), cfg.History...), h)
	if o.OmitHistory {
		cfg.History = nil
	}
	layers, err := layerChain(store, top)
	if err != nil {
		return "", err
	}
	cfg.RootFS.DiffIDs = make([]string, 0, len(layers))
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.UncompressedDigest.String())
	}
	cfgType, layerType, manType := ociConfig, ociLayer, ociManifest
	cfg.DockerVersion, cfg.ContainerConfig = "", nil
	cfg.Comment = ""
	if o.Format == "docker" {
		cfgType, layerType, manType = dockerConfig, dockerLayer, dockerManifest
		cfg.Comment = h.Comment
	} else {
		// OCI configs have no such fields; Podman drops them (with a warning at build).
		cfg.Config.OnBuild, cfg.Config.Healthcheck, cfg.Config.Shell = nil, nil, nil
	}
	cfgBlob, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("encoding the image config: %w", err)
	}
	cfgDigest := digest.FromBytes(cfgBlob)
	m := manifest{SchemaVersion: 2, MediaType: manType,
		Config: descriptor{MediaType: cfgType, Digest: cfgDigest, Size: int64(len(cfgBlob))}, Layers: []descriptor{}}
	for _, l := range layers {
		m.Layers = append(m.Layers, descriptor{MediaType: layerType, Digest: l.UncompressedDigest, Size: l.UncompressedSize})
	}
	if o.Format != "docker" && len(o.Annotations) > 0 {
		m.Annotations = o.Annotations
	}
	manBlob, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encoding the image manifest: %w", err)
	}
	manDigest := digest.FromBytes(manBlob)
	id = cfgDigest.Encoded()
	// A name moves to the new image, as Podman's tag does.
	for _, n := range o.Names {
		if other, err := store.Image(n); err == nil && other.ID != id {
			if err := store.RemoveNames(other.ID, []string{n}); err != nil {
				return "", fmt.Errorf("moving name %s from image %s: %w", n, other.ID, err)
			}
		}
	}
	_, err = store.CreateImage(id, o.Names, top, o.Metadata, &storage.ImageOptions{
		CreationDate: o.Created,
		Digest:       manDigest,
		BigData: []storage.ImageBigDataOption{
			{Key: cfgDigest.String(), Data: cfgBlob, Digest: cfgDigest},
			{Key: storage.ImageDigestManifestBigDataNamePrefix + "-" + manDigest.String(), Data: manBlob, Digest: manDigest},
			{Key: storage.ImageDigestBigDataKey, Data: manBlob, Digest: manDigest},
		},
	})
	if errors.Is(err, storage.ErrDuplicateID) {
		// The same config again (a cache hit in the same second): keep the
		// existing image, give it the names.
		if newLayer != nil {
			_ = store.DeleteLayer(newLayer.ID)
			newLayer = nil
		}
		if len(o.Names) > 0 {
			if err = store.AddNames(id, o.Names); err != nil {
				return "", fmt.Errorf("naming image %s: %w", id, err)
			}
		}
		return id, nil
	}
	if err != nil {
		return "", fmt.Errorf("creating image %s: %w", id, err)
	}
	return id, nil
}

type parentInfo struct {
	topLayer string
	cfg      imageConfig
}

// readParent reads the parent image's top layer and config ("" = scratch).
func readParent(store storage.Store, id string) (parentInfo, error) {
	var p parentInfo
	if id == "" {
		return p, nil
	}
	img, err := store.Image(id)
	if err != nil {
		return p, fmt.Errorf("looking up image %s: %w: %w", id, errdefs.ErrNotFound, err)
	}
	p.topLayer = img.TopLayer
	blob, err := ConfigBlob(store, img.ID)
	if err != nil {
		return p, err
	}
	if len(blob) > 0 {
		if err := json.Unmarshal(blob, &p.cfg); err != nil {
			return p, fmt.Errorf("parsing the config of image %s: %w", id, err)
		}
	}
	return p, nil
}

// ConfigBlob returns the raw config of image id (nil when it has none).
func ConfigBlob(store storage.Store, id string) ([]byte, error) {
	key := "sha256:" + id
	if raw, err := store.ImageBigData(id, storage.ImageDigestBigDataKey); err == nil {
		var m manifest
		if json.Unmarshal(raw, &m) == nil && m.Config.Digest != "" {
			key = m.Config.Digest.String()
		}
	}
	blob, err := store.ImageBigData(id, key)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the config of image %s: %w", id, err)
	}
	return blob, nil
}

// layerChain returns the layers from the bottom to top (top "" = none).
func layerChain(store storage.Store, top string) ([]*storage.Layer, error) {
	var out []*storage.Layer
	for id := top; id != ""; {
		l, err := store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", id, err)
		}
		if l.UncompressedDigest == "" {
			return nil, fmt.Errorf("layer %s has no recorded digest: %w", id, errdefs.ErrInvalidArgument)
		}
		out = append([]*storage.Layer{l}, out...)
		id = l.Parent
		if len(out) > 4096 {
			return nil, fmt.Errorf("layer chain of %s is too long: %w", top, errdefs.ErrInvalidArgument)
		}
	}
	return out, nil
}

// putLayer stores the container's changes (or its whole root with Squash)
// as a new layer on parentTop.
func putLayer(store storage.Store, o Options, parentTop string) (*storage.Layer, error) {
	c, err := store.Container(o.Container)
	if err != nil {
		return nil, fmt.Errorf("looking up storage of container %s: %w: %w", o.Container, errdefs.ErrNotFound, err)
	}
	if o.Squash && parentTop != "" {
		// The whole root as one layer on nothing.
		return putWholeRoot(store, c, o.Exclude, o.FileTime)
	}
	parent := parentTop
	if o.Squash {
		parent = ""
	}
	uncompressed := archive.Uncompressed
	shifted := shiftedIDs(store, c) // before Diff: its reader holds the layer store's lock
	rc, err := store.Diff("", c.LayerID, &storage.DiffOptions{Compression: &uncompressed})
	if err != nil {
		return nil, fmt.Errorf("reading the changes of container %s: %w", o.Container, err)
	}
	if m := shifted; m != nil {
		rc = toContainerIDs(rc, m)
	}
	return put(store, parent, rc, o.Exclude, o.FileTime)
}

// putWholeRoot stores the container's mounted root as one layer.
func putWholeRoot(store storage.Store, c *storage.Container, exclude []string, ft *time.Time) (*storage.Layer, error) {
	root, err := store.Mount(c.ID, "")
	if err != nil {
		return nil, fmt.Errorf("mounting container %s: %w", c.ID, err)
	}
	defer func() { _, _ = store.Unmount(c.ID, false) }()
	// An ID-mapped container's files are stored as its container ids.
	rc, err := archive.TarWithOptions(root, &archive.TarOptions{Compression: archive.Uncompressed, UIDMaps: c.UIDMap, GIDMaps: c.GIDMap})
	if err != nil {
		return nil, fmt.Errorf("reading the root of container %s: %w", c.ID, err)
	}
	return put(store, "", rc, exclude, ft)
}

// put stores a diff as a new layer. The diff goes to a temporary file
// first: the reader of store.Diff holds the layer store's lock, which
// PutLayer needs.
func put(store storage.Store, parent string, rc io.ReadCloser, exclude []string, ft *time.Time) (*storage.Layer, error) {
	tmp, err := os.CreateTemp(tmpDir(store), "pod-commit-*.tar")
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("staging the new layer: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	_, err = io.Copy(tmp, filterTar(rc, exclude, ft))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the changes: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	l, _, err := store.PutLayer("", parent, nil, "", false, nil, tmp)
	if err != nil {
		return nil, fmt.Errorf("storing the new layer: %w", err)
	}
	return l, nil
}

// tmpDir is where layers are staged: $TMPDIR as Podman (big-file staging),
// else the graph root's tmp directory.
func tmpDir(store storage.Store) string {
	if d := os.Getenv("TMPDIR"); d != "" {
		return d
	}
	d := filepath.Join(store.GraphRoot(), "tmp")
	_ = os.MkdirAll(d, 0o700)
	return d
}

// filterTar copies a tar stream leaving out the excluded non-directories;
// with ft every entry gets that time (and no access or change time).
func filterTar(r io.Reader, exclude []string, ft *time.Time) io.Reader {
	if len(exclude) == 0 && ft == nil {
		return r
	}
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[strings.Trim(e, "/")] = true
	}
	pr, pw := io.Pipe()
	go func() {
		tr, tw := tar.NewReader(r), tar.NewWriter(pw)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				pw.CloseWithError(tw.Close())
				return
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			name := strings.Trim(strings.TrimPrefix(hdr.Name, "./"), "/")
			if hdr.Typeflag != tar.TypeDir && skip[name] {
				continue
			}
			if ft != nil {
				hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = *ft, time.Time{}, time.Time{}
				hdr.Format = tar.FormatPAX
				if hdr.PAXRecords != nil {
					delete(hdr.PAXRecords, "atime")
					delete(hdr.PAXRecords, "ctime")
					delete(hdr.PAXRecords, "mtime")
				}
			}
			if err := tw.WriteHeader(hdr); err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.Copy(tw, tr); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	return pr
}

// Tag gives image id the names, moving each from the image that has it.
func Tag(store storage.Store, id string, names []string) error {
	for _, n := range names {
		if other, err := store.Image(n); err == nil && other.ID != id {
			if err := store.RemoveNames(other.ID, []string{n}); err != nil {
				return fmt.Errorf("moving name %s from image %s: %w", n, other.ID, err)
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	if err := store.AddNames(id, names); err != nil {
		return fmt.Errorf("naming image %s: %w", id, err)
	}
	return nil
}
