package imagecommit

import (
	"archive/tar"
	"io"
	"path"
	"strings"

	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/idtools"
)

// shiftedIDs are the id maps of a container whose layer storage keeps
// unmapped because the driver shifts ids at mount time (overlay on
// ID-mapped lower layers): what the container wrote is in its layer with
// the host ids, and storage's Diff does not map them back. nil otherwise
// (no maps, or a layer storage chowned, whose Diff maps back itself).
func shiftedIDs(store storage.Store, c *storage.Container) *idtools.IDMappings {
	if len(c.UIDMap) == 0 && len(c.GIDMap) == 0 {
		return nil
	}
	l, err := store.Layer(c.LayerID)
	if err != nil || len(l.UIDMap) > 0 || len(l.GIDMap) > 0 {
		return nil
	}
	return idtools.NewIDMappingsFromMaps(c.UIDMap, c.GIDMap)
}

// toContainerIDs rewrites a layer tar's owners from host ids to the
// container ids of m (ids outside the maps, such as the whiteouts the
// kernel makes, stay as they are).
func toContainerIDs(rc io.ReadCloser, m *idtools.IDMappings) io.ReadCloser {
	pr, pw := io.Pipe()
	fail := func(err error) {
		rc.Close() // the reader of store.Diff holds the layer store's lock: released first
		pw.CloseWithError(err)
	}
	go func() {
		tr, tw := tar.NewReader(rc), tar.NewWriter(pw)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				fail(tw.Close())
				return
			}
			if err != nil {
				fail(err)
				return
			}
			if !strings.HasPrefix(path.Base(hdr.Name), archive.WhiteoutPrefix) {
				if uid, gid, err := m.ToContainer(idtools.IDPair{UID: hdr.Uid, GID: hdr.Gid}); err == nil {
					hdr.Uid, hdr.Gid = uid, gid
					hdr.Uname, hdr.Gname = "", ""
				}
			}
			if err := tw.WriteHeader(hdr); err != nil {
				fail(err)
				return
			}
			if _, err := io.Copy(tw, tr); err != nil {
				fail(err)
				return
			}
		}
	}()
	return pr
}
