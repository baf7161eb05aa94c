package build

import (
	"errors"
	"fmt"
	"os"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	docker "github.com/fsouza/go-dockerclient"
	"github.com/openshift/imagebuilder"
	"go.podman.io/storage"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/idmap"
	"github.com/pod-engine/pod/pkg/imagecommit"
)

// executor carries out imagebuilder's copies and RUNs on a working
// container made lazily from base.
type executor struct {
	r    *run
	b    *imagebuilder.Builder
	base string // image the working container is (to be) made from; "" = scratch
	from string // the stage's FROM as written (names a kept working container)
	ctr  string // working storage container, "" until a step needs one
	root string // its mount
}

// working makes the working container on first use and returns its root.
func (e *executor) working() (string, error) {
	if e.ctr != "" {
		return e.root, nil
	}
	c, err := e.r.store.CreateContainer("", nil, e.base, "", "", e.r.containerOptions())
	if err != nil {
		return "", fmt.Errorf("creating the working container on %q: %w", e.base, err)
	}
	e.r.working = append(e.r.working, workCtr{id: c.ID, from: e.from})
	root, err := e.r.store.Mount(c.ID, "")
	if err != nil {
		return "", fmt.Errorf("mounting the working container: %w", err)
	}
	e.ctr, e.root = c.ID, root
	if m := e.r.idMaps(); m != nil {
		// The RUN's root (a mapped id) must reach the mount, as for
		// `pod run --uidmap`.
		uid, gid := hostOwner(m, 0, 0)
		if err := idmap.MakeAccessible(root, uid, gid); err != nil {
			return "", err
		}
	}
	return root, nil
}

// drop removes the working container of a step whose result is
// committed (--layers): only the container a stage ends with may be kept.
func (e *executor) drop() {
	if e.ctr == "" {
		return
	}
	_, _ = e.r.store.Unmount(e.ctr, true)
	_ = e.r.store.DeleteContainer(e.ctr)
	e.ctr, e.root = "", ""
}

// release is done with the container the stage ends with: removed now,
// unless --rm=false or --force-rm=false may keep it (cleanup decides).
func (e *executor) release() {
	if e.ctr == "" {
		return
	}
	if !e.r.o.KeepOnSuccess && !e.r.o.KeepOnFailure {
		e.drop()
		return
	}
	_, _ = e.r.store.Unmount(e.ctr, true)
	e.ctr, e.root = "", ""
}

func (e *executor) Preserve(string) error { return nil }

func (e *executor) EnsureContainerPath(path string) error {
	return e.EnsureContainerPathAs(path, "", nil)
}

func (e *executor) EnsureContainerPathAs(path, user string, mode *os.FileMode) error {
	root, err := e.working()
	if err != nil {
		return err
	}
	p, err := securejoin.SecureJoin(root, path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	m := os.FileMode(0o755)
	if mode != nil {
		m = *mode
	}
	if err := mkdirOwned(e.r.idMaps(), p, m); err != nil {
		return fmt.Errorf("creating %s in the working container: %w", path, err)
	}
	if user != "" {
		if uid, gid, err := lookupOwner(root, user); err == nil {
			uid, gid = hostOwner(e.r.idMaps(), uid, gid)
			_ = os.Lchown(p, uid, gid)
		}
	}
	return nil
}

func (e *executor) Copy(excludes []string, copies ...imagebuilder.Copy) error {
	if len(copies) == 0 {
		return nil
	}
	root, err := e.working()
	if err != nil {
		return err
	}
	for _, c := range copies {
		if err := e.r.copy(root, excludes, c); err != nil {
			return err
		}
	}
	return nil
}

func (e *executor) Run(run imagebuilder.Run, config docker.Config) error {
	if err := e.r.canRun(); err != nil {
		return err
	}
	mounts, targets, env, cleanup, err := e.r.runMounts(run.Mounts)
	if err != nil {
		return err
	}
	defer cleanup()
	root, err := e.working()
	if err != nil {
		return err
	}
	marks := markMissing(root, append(targets, e.r.o.VolumeTargets...))
	defer marks.remove(root)
	args := run.Args
	if run.Shell {
		sh := config.Shell
		if len(sh) == 0 {
			sh = []string{"/bin/sh", "-c"}
		}
		args = append(append([]string{}, sh...), strings.Join(run.Args, " "))
	}
	code, err := e.r.eng.Run(e.r.ctx, RunSpec{Rootfs: root, Args: args, Env: append(append([]string(nil), config.Env...), env...), User: config.User,
		WorkDir: config.WorkingDir, Mounts: mounts, Stdin: e.r.o.Stdin, Stdout: e.r.o.Out, Stderr: e.r.o.Err})
	if err != nil {
		return err
	}
	if code != 0 {
		return &StepError{Code: code}
	}
	return nil
}

func (e *executor) UnrecognizedInstruction(step *imagebuilder.Step) error {
	return fmt.Errorf("unknown instruction: %s: %w", strings.ToUpper(step.Command), errdefs.ErrInvalidArgument)
}

// base finds the image a stage starts from: an earlier stage, scratch or
// an image (pulled as --pull says).
func (r *run) base(from string) (string, error) {
	if id, ok := r.results[from]; ok {
		return id, nil
	}
	if from == "" || from == imagebuilder.NoBaseImageSpecifier {
		return "", nil
	}
	if c, ok := r.o.Contexts[from]; ok {
		img, isImage := strings.CutPrefix(c, "image:")
		if !isImage {
			return "", fmt.Errorf("FROM %s: the build context %s is the directory %s, not an image: %w", from, from, c, errdefs.ErrInvalidArgument)
		}
		from = img
	}
	return r.eng.Image(r.ctx, from, r.o.Pull)
}

// config reads an image's run config ("" = scratch: empty).
func (r *run) config(id string) (imagecommit.Config, error) {
	if id == "" {
		return imagecommit.Config{}, nil
	}
	blob, err := imagecommit.ConfigBlob(r.store, id)
	if err != nil {
		return imagecommit.Config{}, err
	}
	return imagecommit.ParentConfig(blob)
}

// workCtr is a storage container the build made.
type workCtr struct {
	id   string
	from string // FROM of its stage; "" for COPY --from's, never kept
}

// cleanup removes the working containers left, or keeps them (--rm=false
// after a success, --force-rm=false after a failure) under Buildah's names.
func (r *run) cleanup(ok bool) {
	if r.tmp != "" {
		_ = os.RemoveAll(r.tmp)
	}
	keep := ok && r.o.KeepOnSuccess || !ok && r.o.KeepOnFailure
	for _, w := range r.working {
		_, _ = r.store.Unmount(w.id, true)
		if !keep || w.from == "" {
			_ = r.store.DeleteContainer(w.id)
			continue
		}
		r.nameKept(w)
	}
}

// nameKept names a kept working container as Buildah does: the FROM
// image's last path element without tag or digest, "-working-container",
// then "-N" from 1 up while the name is taken.
func (r *run) nameKept(w workCtr) {
	base := w.from
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.IndexAny(base, ":@"); i >= 0 {
		base = base[:i]
	}
	if base == "" || base == "scratch" {
		base = "working-container"
	} else {
		base += "-working-container"
	}
	name := base
	// storage's SetNames takes a name from the container that has it:
	// look for a free one first.
	for n := 1; n <= 1000; n++ {
		if _, err := r.store.Container(name); errors.Is(err, storage.ErrContainerUnknown) {
			_ = r.store.SetNames(w.id, []string{name})
			return
		}
		name = fmt.Sprintf("%s-%d", base, n)
	}
}

func invalid(err error) error {
	if errors.Is(err, errdefs.ErrInvalidArgument) {
		return err
	}
	return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
}

// stepErr names the step that failed.
func stepErr(step *imagebuilder.Step, err error) error {
	var se *StepError
	if errors.As(err, &se) {
		se.Step = step.Original
		return se
	}
	return fmt.Errorf("building at STEP %q: %w", step.Original, err)
}
