package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pod-engine/pod/pkg/imagestore"
	"github.com/sirupsen/logrus"
	"go.podman.io/storage/pkg/reexec"
	"golang.org/x/sys/unix"
)

// podImage is the binary under test: $POD_BIN/pod-image, else built once
// from this package by TestMain.
var podImage string

const buildTags = "containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper seccomp"

func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	logrus.SetLevel(logrus.WarnLevel) // storage logs its driver choice at info
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if d := os.Getenv("POD_BIN"); d != "" {
		podImage = filepath.Join(d, "pod-image")
	} else if os.Geteuid() == 0 {
		dir, err := os.MkdirTemp("", "pod-image-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		podImage = filepath.Join(dir, "pod-image")
		cmd := exec.Command("go", "build", "-tags", buildTags, "-o", podImage, ".")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building pod-image:", err)
			return 1
		}
	}
	return m.Run()
}

// env is a private image store plus the files the image verbs read.
type env struct {
	t              *testing.T
	dir            string
	root, run      string
	registriesConf string
	authFile       string
	extraEnv       []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: go.podman.io/storage")
	}
	if _, err := os.Stat(podImage); err != nil {
		t.Skipf("pod-image binary not available: %v", err)
	}
	dir := t.TempDir()
	e := &env{
		t: t, dir: dir, root: filepath.Join(dir, "root"), run: filepath.Join(dir, "run"),
		registriesConf: filepath.Join(dir, "registries.conf"), authFile: filepath.Join(dir, "auth.json"),
	}
	for _, d := range []string{"tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.writeRegistriesConf()
	// REGISTRY_AUTH_FILE must exist (Podman checks it before use).
	if err := os.WriteFile(e.authFile, []byte(`{"auths":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unmountUnder(t, dir) })
	return e
}

// writeRegistriesConf lists the given registries as insecure (plain HTTP)
// unqualified-search registries.
func (e *env) writeRegistriesConf(regs ...string) {
	var b strings.Builder
	quoted := make([]string, len(regs))
	for i, r := range regs {
		quoted[i] = fmt.Sprintf("%q", r)
	}
	fmt.Fprintf(&b, "unqualified-search-registries = [%s]\nshort-name-mode = \"permissive\"\n", strings.Join(quoted, ", "))
	for _, r := range regs {
		fmt.Fprintf(&b, "\n[[registry]]\nlocation = %q\ninsecure = true\n", r)
	}
	if err := os.WriteFile(e.registriesConf, []byte(b.String()), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// cmd prepares pod-image with the env's global flags.
func (e *env) cmd(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--root", e.root, "--runroot", e.run}, args...)
	c := exec.CommandContext(ctx, podImage, full...)
	c.WaitDelay = 10 * time.Second
	c.Env = append(os.Environ(),
		"CONTAINERS_REGISTRIES_CONF="+e.registriesConf,
		"REGISTRY_AUTH_FILE="+e.authFile,
		"TMPDIR="+filepath.Join(e.dir, "tmp"),
	)
	c.Env = append(c.Env, e.extraEnv...)
	return c
}

// pi runs pod-image and returns its result; want is the expected exit code
// (-1: any).
func (e *env) pi(want int, args ...string) result {
	e.t.Helper()
	return e.piStdin(want, nil, args...)
}

func (e *env) piStdin(want int, stdin io.Reader, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := e.cmd(ctx, args...)
	var out, errb bytes.Buffer
	c.Stdin, c.Stdout, c.Stderr = stdin, &out, &errb
	err := c.Run()
	r := result{stdout: strings.TrimSpace(out.String()), stderr: strings.TrimSpace(errb.String())}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("pod-image %v: %v", args, err)
	}
	if want >= 0 && r.code != want {
		e.t.Fatalf("pod-image %s: want exit %d, got %s", strings.Join(args, " "), want, r)
	}
	return r
}

// store opens the env's store in-process (for checks below the CLI).
func (e *env) store() *imagestore.Store {
	e.t.Helper()
	st, err := imagestore.Open(imagestore.Options{GraphRoot: e.root, RunRoot: e.run, RegistriesConf: e.registriesConf})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Shutdown(false) })
	return st
}

// rootfsTar builds the busybox rootfs tarball with contrib/mkbusybox.sh.
func rootfsTar(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("needs busybox-static")
	}
	out := filepath.Join(t.TempDir(), "rootfs.tar")
	c := exec.Command("sh", "../../contrib/mkbusybox.sh", "-t", "-o", out)
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("mkbusybox.sh: %v: %s", err, b)
	}
	return out
}

// importBusybox imports the busybox rootfs as name and returns the image ID.
func (e *env) importBusybox(name string, extra ...string) string {
	e.t.Helper()
	args := append([]string{"import", "--quiet", "--change", `CMD ["sh"]`}, extra...)
	args = append(args, rootfsTar(e.t), name)
	r := e.pi(0, args...)
	return strings.TrimPrefix(r.stdout, "sha256:")
}

// unmountUnder lazily unmounts every mount point below dir, deepest first.
func unmountUnder(t testing.TB, dir string) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return
	}
	defer f.Close()
	var mounts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			mounts = append(mounts, fields[4])
		}
	}
	sort.Slice(mounts, func(i, j int) bool { return len(mounts[i]) > len(mounts[j]) })
	for _, m := range mounts {
		if err := unix.Unmount(m, unix.MNT_DETACH); err != nil {
			t.Logf("unmounting %s: %v", m, err)
		}
	}
}

// registry is a docker-registry (distribution) on 127.0.0.1 with its
// storage in a temp dir.
type registry struct {
	addr    string // host:port
	dataDir string
}

// startRegistry starts Debian's docker-registry; with htpasswd set
// ("user:password"), it requires basic auth.
func startRegistry(t *testing.T, htpasswd string) *registry {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Skip("docker-registry not installed")
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &registry{addr: addr, dataDir: filepath.Join(dir, "data")}
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", r.dataDir, addr)
	if htpasswd != "" {
		user, pass, _ := strings.Cut(htpasswd, ":")
		hp, err := exec.LookPath("htpasswd")
		if err != nil {
			t.Skip("htpasswd (apache2-utils) not installed")
		}
		line, err := exec.Command(hp, "-Bbn", user, pass).Output()
		if err != nil {
			t.Fatalf("htpasswd: %v", err)
		}
		hf := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(hf, line, 0o600); err != nil {
			t.Fatal(err)
		}
		conf += fmt.Sprintf("auth:\n  htpasswd:\n    realm: pod-test\n    path: %s\n", hf)
	}
	cf := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", cf)
	cmd.WaitDelay = 5 * time.Second
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("registry log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("registry on %s did not start: %v\n%s", addr, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// blobFile is where the registry keeps a blob.
func (r *registry) blobFile(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	return filepath.Join(r.dataDir, "docker/registry/v2/blobs/sha256", hex[:2], hex, "data")
}

func contains(t *testing.T, haystack, needle, what string) {
	t.Helper()
	if !strings.Contains(haystack, needle) {
		t.Errorf("%s does not contain %q:\n%s", what, needle, haystack)
	}
}
