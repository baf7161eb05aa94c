package rootlessnet

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"go.podman.io/common/pkg/config"
	"go.podman.io/common/pkg/netns"
	"golang.org/x/sys/unix"
)

// The user's shared network namespace is Podman 4.3's "rootless-netns":
// one namespace per store, in $XDG_RUNTIME_DIR/netns, connected to the
// host by a slirp4netns that lives as long as the namespace (no exit pipe),
// which `pod unshare --rootless-netns` enters. Podman puts its rootless
// bridge networks there; pod has none yet (bridges need root), so the
// namespace holds only tap0 and what a user sets up in it.

// sharedID names the helper's record of the shared namespace in Dir.
const sharedID = "rootless-netns"

// SharedName is the namespace's name for the store whose Podman static
// dir (graph root + "/libpod") is staticDir: "rootless-netns-" and the
// first ten bytes of its SHA-256 in hex, as Podman names it.
func SharedName(staticDir string) string {
	sum := sha256.Sum256([]byte(staticDir))
	return fmt.Sprintf("%s-%x", sharedID, sum[:10])
}

// Shared is the user's shared namespace, ready to enter.
type Shared struct {
	Path       string // the namespace's bind mount
	ResolvConf string // /etc/resolv.conf inside it: slirp4netns's DNS first
}

// EnsureShared returns the shared namespace nsDir/name, creating it and
// starting its slirp4netns when it is missing or its helper (recorded in
// dir) has died. An existing namespace without pod's record (Podman's,
// which it created for the same store) is used as it is. The caller runs
// inside the user namespace and holds no lock; concurrent callers are
// serialized on a lock file in dir.
func EnsureShared(cfg *config.Config, nsDir, dir, name string) (_ *Shared, retErr error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(nsDir, 0o700); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, sharedID+".lock"), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return nil, fmt.Errorf("locking %s: %w", lock.Name(), err)
	}
	path := filepath.Join(nsDir, name)
	sh := &Shared{Path: path, ResolvConf: filepath.Join(dir, sharedID+".resolv.conf")}
	_, recErr := os.Stat(recordPath(dir, sharedID))
	ours := recErr == nil
	switch {
	case isNetNS(path) && (!ours || Pid(dir, sharedID) > 0):
		if _, err := os.Stat(sh.ResolvConf); err != nil {
			if err := writeResolv(sh.ResolvConf, "10.0.2.3"); err != nil {
				return nil, err
			}
		}
		return sh, nil
	case ours:
		// The helper died (or the namespace's mount went with the pause
		// process): start over.
		Stop(dir, sharedID)
	}
	_ = netns.UnmountNS(path)
	_ = os.Remove(path)
	ns, err := netns.NewNSAtPath(path)
	if err != nil {
		return nil, fmt.Errorf("creating the rootless network namespace %s: %w", path, err)
	}
	_ = ns.Close()
	defer func() {
		if retErr != nil {
			_ = netns.UnmountNS(path)
			_ = os.Remove(path)
		}
	}()
	res, err := Start(&Options{Config: cfg, Kind: Slirp4netns, ID: sharedID, NSPath: path, Dir: dir, Persistent: true})
	if err != nil {
		return nil, fmt.Errorf("rootless network namespace %s: %w", path, err)
	}
	dns := "10.0.2.3"
	if len(res.DNS) > 0 {
		dns = res.DNS[0]
	}
	if err := writeResolv(sh.ResolvConf, dns); err != nil {
		Stop(dir, sharedID)
		return nil, err
	}
	return sh, nil
}

// isNetNS reports whether path is a mounted network namespace (nsfs).
func isNetNS(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.NSFS_MAGIC
}

// writeResolv writes the namespace's resolv.conf as Podman does for its
// rootless netns: slirp4netns's DNS first, then the host's search and
// options lines and its name servers that are not on loopback (those are
// not reachable from the namespace).
func writeResolv(path, dns string) error {
	var out bytes.Buffer
	fmt.Fprintf(&out, "nameserver %s\n", dns)
	if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			switch f[0] {
			case "nameserver":
				if strings.HasPrefix(f[1], "127.") || f[1] == "::1" {
					continue
				}
			case "search", "options":
			default:
				continue
			}
			out.WriteString(strings.Join(f, " ") + "\n")
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// RunIn runs cmd in the shared namespace: its network namespace, and a
// private mount namespace where /etc/resolv.conf is the namespace's, as
// Podman's rootless netns Do does. The namespaces are entered on a thread
// of its own that is never given back to Go's scheduler (it ends with the
// goroutine), and cmd is forked from that thread, so it inherits them.
func (s *Shared) RunIn(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // no Unlock: the thread is thrown away
		if err := s.enter(); err != nil {
			errc <- &EnterError{Err: err}
			return
		}
		errc <- cmd.Run()
	}()
	return <-errc
}

// EnterError is RunIn's failure to enter the namespace (cmd did not run).
type EnterError struct{ Err error }

func (e *EnterError) Error() string { return e.Err.Error() }
func (e *EnterError) Unwrap() error { return e.Err }

func (s *Shared) enter() error {
	fd, err := unix.Open(s.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening the rootless network namespace %s: %w", s.Path, err)
	}
	err = unix.Setns(fd, unix.CLONE_NEWNET)
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("joining the rootless network namespace %s: %w", s.Path, err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("a mount namespace for the rootless network namespace: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("making / a slave mount: %w", err)
	}
	if err := unix.Mount(s.ResolvConf, "/etc/resolv.conf", "", unix.MS_BIND, ""); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("mounting %s on /etc/resolv.conf: %w", s.ResolvConf, err)
	}
	return nil
}

// StopSharedHelper ends the shared namespace's slirp4netns recorded under
// tmpDir (containers.conf tmp_dir) from outside the user namespace:
// `system migrate` ends it with the pause process, whose mount namespace
// held the namespace's bind mount; the next --rootless-netns makes both
// again.
func StopSharedHelper(tmpDir string) {
	dir := filepath.Join(tmpDir, sharedID)
	Stop(dir, sharedID)
	_ = os.Remove(filepath.Join(dir, sharedID+".resolv.conf"))
}
