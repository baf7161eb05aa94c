package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// ADD of a URL, as Buildah: the file is downloaded once per build (for the
// layer cache key too, so a changed remote file misses the cache), put at
// DEST (inside DEST, named after the URL's last path element, when DEST
// ends in "/" or is a directory) with mode 0600 unless --chmod, owned by
// root or --chown, with the Last-Modified time; it is not unpacked. Only
// http and https.

// download is one fetched URL.
type download struct {
	path   string // the local copy
	name   string // the URL's last path element
	digest string
	mtime  time.Time
}

// isURL reports whether an ADD source is a URL.
func isURL(s string) bool { return strings.Contains(s, "://") }

// fetch downloads u (once per build) into the build's temporary directory.
func (r *run) fetch(u string) (*download, error) {
	if d, ok := r.downloads[u]; ok {
		return d, nil
	}
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, fmt.Errorf("ADD %s: only http and https URLs can be added: %w", u, errdefs.ErrInvalidArgument)
	}
	if r.tmp == "" {
		if r.tmp, err = os.MkdirTemp("", "pod-build-add-"); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ADD %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ADD %s: the server answered %s: %w", u, resp.Status, errdefs.ErrNotFound)
	}
	f, err := os.CreateTemp(r.tmp, "url-")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), resp.Body); err != nil {
		return nil, fmt.Errorf("ADD %s: %w", u, err)
	}
	d := &download{path: f.Name(), name: path.Base(pu.Path), digest: hex.EncodeToString(h.Sum(nil))}
	if d.name == "/" || d.name == "." || d.name == "" {
		d.name = "index.html"
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		d.mtime = t
	}
	if r.downloads == nil {
		r.downloads = map[string]*download{}
	}
	r.downloads[u] = d
	return d, nil
}

// urlDigests is what the layer cache key adds for an ADD step's URLs.
func (r *run) urlDigests(args []string) (string, error) {
	var out []string
	for _, a := range args {
		if !isURL(a) {
			continue
		}
		d, err := r.fetch(a)
		if err != nil {
			return "", err
		}
		out = append(out, a+"="+d.digest)
	}
	return strings.Join(out, "\x00"), nil
}

// addURL puts a download at dest in the rootfs.
func (w *copier) addURL(d *download, dest string, destDir bool) error {
	if destDir {
		dest = path.Join(dest, d.name)
	}
	t, err := w.target(dest)
	if err != nil {
		return err
	}
	if err := mkdirOwned(w.ids, filepath.Dir(t), 0o755); err != nil {
		return err
	}
	in, err := os.Open(d.path)
	if err != nil {
		return err
	}
	defer in.Close()
	mode := os.FileMode(0o600)
	if w.mode != nil {
		mode = *w.mode
	}
	out, err := os.OpenFile(t, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	_ = os.Chmod(t, mode)
	uid, gid := hostOwner(w.ids, max(w.uid, 0), max(w.gid, 0))
	_ = os.Lchown(t, uid, gid)
	if !d.mtime.IsZero() {
		_ = os.Chtimes(t, d.mtime, d.mtime)
	}
	return nil
}
