package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/idtools"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// RUN --mount (Buildah's and BuildKit's syntax), turned into the RUN
// container's --mount flags:
//   - type=bind: a file or directory of the build context (source,
//     default the context's root), read-only unless rw (then a copy, so the
//     context stays as it was); from=STAGE|IMAGE|CONTEXT binds from that
//     root instead (the stage's or image's mount, read-only);
//   - type=cache: a directory kept between builds under the store
//     (<graph root>/pod/buildcache/<sha256 of id>), id default the target;
//   - type=tmpfs: a tmpfs (size);
//   - type=secret: the file given by `pod build --secret id=ID,src=PATH`,
//     read-only at target (default /run/secrets/ID); required=true fails
//     without it;
//   - type=ssh: the agent socket of pod build --ssh ID (id default
//     "default"), at target (default /run/buildkit/ssh_agent.N) with
//     SSH_AUTH_SOCK set for the step.
// Nothing of a mount reaches the image: mount points the runtime had to
// create in the rootfs are removed again after the step (rootfsMarks).

var secretID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ParseSecrets reads `--secret id=ID,src=PATH` flags (type=file, the only
// type Podman 4.3.1 has) into id → absolute path.
func ParseSecrets(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range flags {
		var id, src string
		for _, kv := range strings.Split(f, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "id":
				id = v
			case "src", "source":
				src = v
			case "type":
				if v != "file" {
					return nil, fmt.Errorf("--secret %q: type %q is not supported: use type=file (id=ID,src=PATH): %w", f, v, errdefs.ErrInvalidArgument)
				}
			default:
				return nil, fmt.Errorf("--secret %q: unknown option %q: use id=ID,src=PATH: %w", f, k, errdefs.ErrInvalidArgument)
			}
		}
		if !secretID.MatchString(id) || src == "" {
			return nil, fmt.Errorf("--secret %q: want id=ID,src=PATH with an ID of letters, digits, '_', '.' and '-': %w", f, errdefs.ErrInvalidArgument)
		}
		abs, err := filepath.Abs(src)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("--secret %q: %s is not a readable file: %w", f, src, errdefs.ErrInvalidArgument)
		}
		out[id] = abs
	}
	return out, nil
}

// runMounts turns a RUN's --mount values into the RUN container's --mount
// flags; cleanup removes the temporary copies.
func (r *run) runMounts(values []string) (flags, targets, env []string, cleanup func(), err error) {
	var tmp []string
	var tmpRelease []func()
	cleanup = func() {
		for _, d := range tmp {
			_ = os.RemoveAll(d)
		}
		for _, f := range tmpRelease {
			f()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	nssh := 0
	for _, v := range values {
		m := map[string]string{}
		for _, kv := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(kv, "=")
			if !ok {
				val = "true" // ro, rw, required
			}
			m[strings.ToLower(k)] = val
		}
		target := first(m, "target", "dst", "destination")
		typ := first(m, "type")
		if typ == "" {
			typ = "bind"
		}
		bad := func(why string) error {
			return fmt.Errorf("RUN --mount=%s: %s: %w", v, why, errdefs.ErrInvalidArgument)
		}
		if target == "" && typ == "ssh" {
			target = fmt.Sprintf("/run/buildkit/ssh_agent.%d", nssh)
		}
		if target == "" && typ != "secret" {
			return nil, nil, nil, cleanup, bad("target is required")
		}
		switch typ {
		case "bind":
			var src string
			if from := first(m, "from"); from != "" {
				// A stage, an image or a --build-context: its root
				// (mounted for the step) is where source is looked up.
				dir, release, err := r.fromRoot(from)
				if err != nil {
					return nil, nil, nil, cleanup, fmt.Errorf("RUN --mount=%s: %w", v, err)
				}
				tmpRelease = append(tmpRelease, release)
				if src, err = inRoot(dir, first(m, "source", "src")); err != nil {
					return nil, nil, nil, cleanup, bad(err.Error())
				}
			} else if src, err = r.contextPath(first(m, "source", "src")); err != nil {
				return nil, nil, nil, cleanup, bad(err.Error())
			}
			ro := ",ro"
			if truthy(m["rw"]) || truthy(m["readwrite"]) {
				d, err := os.MkdirTemp("", "pod-build-bind-")
				if err != nil {
					return nil, nil, nil, cleanup, err
				}
				tmp = append(tmp, d)
				dup := filepath.Join(d, "src")
				if err := copyTree(src, dup); err != nil {
					return nil, nil, nil, cleanup, err
				}
				src, ro = dup, ""
			}
			flags = append(flags, "type=bind,src="+src+",dst="+target+ro)
		case "cache":
			id := first(m, "id")
			if id == "" {
				id = target
			}
			sum := sha256.Sum256([]byte(id))
			dir := filepath.Join(r.store.GraphRoot(), "pod", "buildcache", hex.EncodeToString(sum[:16]))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, nil, cleanup, err
			}
			if err := ownCache(dir, m, r.idMaps()); err != nil {
				return nil, nil, nil, cleanup, bad(err.Error())
			}
			ro := ""
			if truthy(m["ro"]) || truthy(m["readonly"]) {
				ro = ",ro"
			}
			flags = append(flags, "type=bind,src="+dir+",dst="+target+ro)
		case "tmpfs":
			f := "type=tmpfs,dst=" + target
			if s := first(m, "size", "tmpfs-size"); s != "" {
				f += ",tmpfs-size=" + s
			}
			flags = append(flags, f)
		case "secret":
			id := first(m, "id")
			if id == "" && target != "" {
				id = filepath.Base(target)
			}
			if !secretID.MatchString(id) {
				return nil, nil, nil, cleanup, bad("a secret mount needs id=ID")
			}
			if target == "" {
				target = "/run/secrets/" + id
			}
			src, ok := r.o.Secrets[id]
			if !ok {
				if truthy(m["required"]) {
					return nil, nil, nil, cleanup, bad(fmt.Sprintf("secret %q is required: give it with pod build --secret id=%s,src=PATH", id, id))
				}
				continue // as Buildah: an optional secret that is not given is not mounted
			}
			flags = append(flags, "type=bind,src="+src+",dst="+target+",ro")
		case "ssh":
			// The agent socket of `pod build --ssh ID=SOCKET`, bound at
			// target (default /run/buildkit/ssh_agent.N) and named by
			// SSH_AUTH_SOCK, as Buildah.
			id := first(m, "id")
			if id == "" {
				id = "default"
			}
			sock, ok := r.o.SSH[id]
			if !ok {
				return nil, nil, nil, cleanup, bad(fmt.Sprintf("no ssh agent %q: give one with pod build --ssh %s[=SOCKET|KEY]", id, id))
			}
			nssh++
			flags = append(flags, "type=bind,src="+sock+",dst="+target)
			env = append(env, "SSH_AUTH_SOCK="+target)
		default:
			return nil, nil, nil, cleanup, bad("unknown type " + strconv.Quote(typ) + ": use bind, cache, tmpfs or secret")
		}
		targets = append(targets, target)
	}
	return flags, targets, env, cleanup, nil
}

// inRoot resolves src inside root (a stage's or an image's mount, or a
// --build-context directory), symlinks kept inside it.
func inRoot(root, src string) (string, error) {
	p, err := securejoin.SecureJoin(root, src)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(p); err != nil {
		return "", fmt.Errorf("source %q: %v", src, err)
	}
	return p, nil
}

// contextPath resolves a bind mount's source inside the build context,
// symlinks included; a path that leaves the context is refused.
func (r *run) contextPath(src string) (string, error) {
	root, err := filepath.EvalSymlinks(r.o.ContextDir)
	if err != nil {
		return "", err
	}
	p, err := filepath.EvalSymlinks(filepath.Join(root, filepath.Clean("/"+src)))
	if err != nil {
		return "", fmt.Errorf("source %q is not in the build context: %v", src, err)
	}
	if p != root && !strings.HasPrefix(p, root+"/") {
		return "", fmt.Errorf("source %q leaves the build context", src)
	}
	return p, nil
}

// ownCache applies a cache mount's uid, gid and mode to its directory
// (ids as the RUN's user namespace, ids, sees them: unset ones are root's).
func ownCache(dir string, m map[string]string, ids *idtools.IDMappings) error {
	uid, gid := -1, -1
	var err error
	if s := m["uid"]; s != "" {
		if uid, err = strconv.Atoi(s); err != nil || uid < 0 {
			return fmt.Errorf("uid %q is not a number", s)
		}
	}
	if s := m["gid"]; s != "" {
		if gid, err = strconv.Atoi(s); err != nil || gid < 0 {
			return fmt.Errorf("gid %q is not a number", s)
		}
	}
	if ids != nil {
		uid, gid = hostOwner(ids, max(uid, 0), max(gid, 0))
	}
	if uid >= 0 || gid >= 0 {
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	if s := m["mode"]; s != "" {
		mode, err := strconv.ParseUint(s, 8, 32)
		if err != nil || mode > 0o7777 {
			return fmt.Errorf("mode %q is not an octal mode", s)
		}
		return os.Chmod(dir, os.FileMode(mode))
	}
	return nil
}

func first(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

func truthy(s string) bool { return s == "true" || s == "1" }

// rootfsMarks are the mount targets (and their parents) that did not exist
// in the rootfs before a step; remove deletes what the runtime created
// there for the mounts, deepest first, so no mount point reaches the layer.
type rootfsMarks []string

func markMissing(root string, targets []string) rootfsMarks {
	seen := map[string]bool{}
	var out rootfsMarks
	for _, t := range targets {
		for p := filepath.Clean("/" + t); p != "/"; p = filepath.Dir(p) {
			if seen[p] {
				continue
			}
			seen[p] = true
			if _, err := os.Lstat(filepath.Join(root, p)); os.IsNotExist(err) {
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (m rootfsMarks) remove(root string) {
	for _, p := range m {
		_ = os.Remove(filepath.Join(root, p)) // only when empty: the step's own files stay
	}
}

// copyTree copies src (a file or a directory) to dst with cp -a: the copy
// a rw bind mount writes to.
func copyTree(src, dst string) error {
	if out, err := exec.Command("cp", "-a", "--", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("copying %s for a rw bind mount: %v: %s", src, err, strings.TrimSpace(string(out)))
	}
	return nil
}
