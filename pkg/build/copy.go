package build

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/patternmatcher"
	"github.com/openshift/imagebuilder"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// copy carries out one COPY or ADD into root.
func (r *run) copy(root string, excludes []string, c imagebuilder.Copy) error {
	var urls []string
	if c.Download {
		var local []string
		for _, s := range c.Src {
			if isURL(s) {
				urls = append(urls, s)
			} else {
				local = append(local, s)
			}
		}
		c.Src = local
	}
	srcRoot, pm := r.o.ContextDir, (*patternmatcher.PatternMatcher)(nil)
	keepOwner := false
	if c.From != "" {
		dir, release, err := r.fromRoot(c.From)
		if err != nil {
			return err
		}
		defer release()
		srcRoot, keepOwner = dir, true
	} else if len(excludes) > 0 {
		var err error
		if pm, err = patternmatcher.New(excludes); err != nil {
			return fmt.Errorf("parsing .containerignore: %w: %w", err, errdefs.ErrInvalidArgument)
		}
	}
	uid, gid := -1, -1
	if !keepOwner {
		uid, gid = 0, 0
	}
	if c.Chown != "" {
		var err error
		if uid, gid, err = lookupOwner(root, c.Chown); err != nil {
			return err
		}
	}
	var mode *os.FileMode
	if c.Chmod != "" {
		m, err := strconv.ParseUint(c.Chmod, 8, 32)
		if err != nil {
			return fmt.Errorf("--chmod %q: %w", c.Chmod, errdefs.ErrInvalidArgument)
		}
		fm := os.FileMode(m)
		mode = &fm
	}
	w := &copier{root: root, srcRoot: srcRoot, pm: pm, uid: uid, gid: gid, mode: mode, extract: c.Download && c.From == "", ids: r.idMaps()}
	var matches []string
	for _, s := range c.Src {
		p, err := securejoin.SecureJoin(srcRoot, s)
		if err != nil {
			return err
		}
		m, err := filepath.Glob(p)
		if err != nil || len(m) == 0 {
			if _, serr := os.Lstat(p); serr == nil {
				m = []string{p}
			} else {
				return fmt.Errorf("checking on sources under %q: no such file or directory: %q: %w", srcRoot, s, errdefs.ErrNotFound)
			}
		}
		matches = append(matches, m...)
	}
	for _, f := range c.Files {
		if err := w.writeFile(c.Dest, f.Name, f.Data); err != nil {
			return err
		}
	}
	destDir := strings.HasSuffix(c.Dest, "/") || len(matches)+len(urls) > 1
	if !destDir {
		if d, err := securejoin.SecureJoin(root, c.Dest); err == nil {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				destDir = true
			}
		}
	}
	for _, u := range urls {
		d, err := r.fetch(u)
		if err != nil {
			return err
		}
		if err := w.addURL(d, c.Dest, destDir); err != nil {
			return fmt.Errorf("adding %s to %s: %w", u, c.Dest, err)
		}
	}
	for _, m := range matches {
		rel, err := filepath.Rel(srcRoot, m)
		if err != nil {
			return err
		}
		if w.excluded(rel) {
			continue
		}
		fi, err := os.Lstat(m)
		if err != nil {
			return err
		}
		dest := c.Dest
		switch {
		case fi.IsDir():
			// A directory's contents go into the destination.
		case destDir:
			dest = path.Join(c.Dest, filepath.Base(m))
		}
		if err := w.copyTree(m, rel, dest); err != nil {
			return fmt.Errorf("copying %s to %s: %w", rel, c.Dest, err)
		}
	}
	return nil
}

// fromRoot mounts the image of a stage (name or position) or another image
// for COPY --from; release unmounts it.
func (r *run) fromRoot(from string) (string, func(), error) {
	id, ok := r.results[from]
	if c, named := r.o.Contexts[from]; named && !ok {
		img, isImage := strings.CutPrefix(c, "image:")
		if !isImage {
			return c, func() {}, nil // --build-context NAME=DIR
		}
		from = img
	}
	if !ok {
		var err error
		if id, err = r.eng.Image(r.ctx, from, r.o.Pull); err != nil {
			return "", nil, fmt.Errorf("COPY --from=%s: %w", from, err)
		}
	}
	c, err := r.store.CreateContainer("", nil, id, "", "", nil)
	if err != nil {
		return "", nil, fmt.Errorf("COPY --from=%s: %w", from, err)
	}
	r.working = append(r.working, workCtr{id: c.ID})
	dir, err := r.store.Mount(c.ID, "")
	if err != nil {
		return "", nil, err
	}
	return dir, func() {
		_, _ = r.store.Unmount(c.ID, true)
		_ = r.store.DeleteContainer(c.ID)
	}, nil
}

type copier struct {
	root, srcRoot string
	pm            *patternmatcher.PatternMatcher
	uid, gid      int // -1: keep the source's
	mode          *os.FileMode
	extract       bool                // ADD: unpack local archives
	ids           *idtools.IDMappings // the working container's maps (idmapped.go); nil = none
}

func (w *copier) excluded(rel string) bool {
	if w.pm == nil {
		return false
	}
	ok, _ := w.pm.MatchesOrParentMatches(filepath.ToSlash(rel))
	return ok
}

// target resolves a destination path inside the root.
func (w *copier) target(dest string) (string, error) {
	return securejoin.SecureJoin(w.root, dest)
}

func (w *copier) own(p string, st fs.FileInfo) {
	uid, gid := w.uid, w.gid
	if uid < 0 {
		if s, ok := sysOwner(st); ok {
			uid, gid = s[0], s[1]
		} else {
			return
		}
	}
	uid, gid = hostOwner(w.ids, uid, gid)
	_ = os.Lchown(p, uid, gid)
}

// copyTree copies src (a file, link or directory) to dest in the root.
func (w *copier) copyTree(src, rel, dest string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		sub, _ := filepath.Rel(src, p)
		if w.excluded(filepath.Join(rel, sub)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		t, err := w.target(path.Join(dest, filepath.ToSlash(sub)))
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := mkdirOwned(w.ids, filepath.Dir(t), 0o755); err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if err := os.MkdirAll(t, fi.Mode().Perm()); err != nil {
				return err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			_ = os.Remove(t)
			if err := os.Symlink(l, t); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if w.extract && isArchive(p) {
				return w.untar(p, t)
			}
			if err := copyFile(p, t, fi.Mode().Perm()); err != nil {
				return err
			}
		default:
			return nil // devices, sockets, fifos: not copied
		}
		if w.mode != nil && fi.Mode()&fs.ModeSymlink == 0 {
			_ = os.Chmod(t, *w.mode)
		}
		w.own(t, fi)
		return nil
	})
}

func (w *copier) writeFile(dest, name string, data string) error {
	t, err := w.target(path.Join(dest, name))
	if err != nil {
		return err
	}
	if err := mkdirOwned(w.ids, filepath.Dir(t), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(t, []byte(data), 0o644); err != nil {
		return err
	}
	uid, gid := hostOwner(w.ids, max(w.uid, 0), max(w.gid, 0))
	_ = os.Lchown(t, uid, gid)
	return nil
}

// untar unpacks an ADD archive into the directory dest stands for.
func (w *copier) untar(src, t string) error {
	dir := filepath.Dir(t)
	if fi, err := os.Stat(t); err == nil && fi.IsDir() {
		dir = t
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	o := &archive.TarOptions{NoLchown: false}
	if w.ids != nil {
		o.UIDMaps, o.GIDMaps = w.ids.UIDs(), w.ids.GIDs()
	}
	return archive.Untar(f, dir, o)
}

func isArchive(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	r, err := archive.DecompressStream(f)
	if err != nil {
		return false
	}
	defer r.Close()
	hdr := make([]byte, 512)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return false
	}
	return string(hdr[257:262]) == "ustar"
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	_ = os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lookupOwner resolves "user[:group]" (names or numbers) in root's
// /etc/passwd and /etc/group.
func lookupOwner(root, spec string) (int, int, error) {
	u, g, hasGroup := strings.Cut(spec, ":")
	uid, ugid, err := lookupID(root, "/etc/passwd", u)
	if err != nil {
		return 0, 0, err
	}
	gid := ugid
	if hasGroup {
		if gid, _, err = lookupID(root, "/etc/group", g); err != nil {
			return 0, 0, err
		}
	} else if gid < 0 {
		gid = uid
	}
	return uid, gid, nil
}

// lookupID finds name in a passwd-format file: its ID and (passwd) group.
func lookupID(root, file, name string) (int, int, error) {
	if n, err := strconv.Atoi(name); err == nil {
		return n, -1, nil
	}
	p, err := securejoin.SecureJoin(root, file)
	if err == nil {
		if f, ferr := os.Open(p); ferr == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				fs := strings.Split(sc.Text(), ":")
				if len(fs) >= 3 && fs[0] == name {
					id, err := strconv.Atoi(fs[2])
					if err != nil {
						break
					}
					gid := -1
					if len(fs) >= 4 {
						if g, err := strconv.Atoi(fs[3]); err == nil {
							gid = g
						}
					}
					return id, gid, nil
				}
			}
		}
	}
	return 0, 0, fmt.Errorf("--chown: no %q in the image's %s: %w", name, file, errdefs.ErrInvalidArgument)
}

// contextDigest hashes the names, modes and contents of the build context
// (less the ignored paths): the cache key of COPY and ADD.
func (r *run) contextDigest() string {
	h := sha256.New()
	var pm *patternmatcher.PatternMatcher
	if len(r.excludes) > 0 {
		pm, _ = patternmatcher.New(r.excludes)
	}
	_ = filepath.WalkDir(r.o.ContextDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(r.o.ContextDir, p)
		if pm != nil && rel != "." {
			if ok, _ := pm.MatchesOrParentMatches(filepath.ToSlash(rel)); ok {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s\x00%o\x00", rel, fi.Mode())
		if fi.Mode().IsRegular() {
			if f, err := os.Open(p); err == nil {
				_, _ = io.Copy(h, f)
				f.Close()
			}
		} else if fi.Mode()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			fmt.Fprint(h, l)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}
