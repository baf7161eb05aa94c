package checkpoint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestCompression(t *testing.T) {
	for _, s := range []string{"", "zstd", "gzip", "none"} {
		if _, err := Compression(s); err != nil {
			t.Errorf("Compression(%q): %v", s, err)
		}
	}
	if _, err := Compression("lz4"); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "gzip, none, zstd") {
		t.Errorf("Compression(lz4) = %v", err)
	}
}

// An export archive round-trips for each compression, with binary data and
// a file name with spaces, and only the names asked for.
func TestExportImport(t *testing.T) {
	for _, comp := range []string{"zstd", "gzip", "none"} {
		t.Run(comp, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			bin := []byte{0, 1, 2, 0xff, '\n', 0}
			must(t, os.MkdirAll(filepath.Join(src, ImagesDir), 0o700))
			must(t, os.WriteFile(filepath.Join(src, ImagesDir, "pages 1.img"), bin, 0o600))
			must(t, WriteConfig(src, ConfigDump, map[string]string{"name": "x"}))
			must(t, os.WriteFile(filepath.Join(src, "unrelated"), nil, 0o600))
			c, _ := Compression(comp)
			arc := filepath.Join(t.TempDir(), "ck.tar")
			must(t, Export(src, []string{ImagesDir, ConfigDump, SpecDump}, c, arc))
			must(t, Import(arc, dst))
			got, err := os.ReadFile(filepath.Join(dst, ImagesDir, "pages 1.img"))
			if err != nil || string(got) != string(bin) {
				t.Fatalf("images: %q %v", got, err)
			}
			var cfg map[string]string
			must(t, ReadConfig(dst, ConfigDump, &cfg))
			if cfg["name"] != "x" {
				t.Fatalf("config.dump: %v", cfg)
			}
			if _, err := os.Stat(filepath.Join(dst, "unrelated")); err == nil {
				t.Fatal("a file not asked for was exported")
			}
		})
	}
}

func TestRootfsDiff(t *testing.T) {
	root, dir, target := t.TempDir(), t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "etc", "new"), []byte("n"), 0o644))
	must(t, os.WriteFile(filepath.Join(target, "gone"), []byte("g"), 0o644))
	must(t, WriteRootfsDiff(root, dir, []string{"/etc/new"}, []string{"/gone", "/../../escape"}))
	must(t, ApplyRootfsDiff(dir, target))
	if b, err := os.ReadFile(filepath.Join(target, "etc", "new")); err != nil || string(b) != "n" {
		t.Fatalf("changed file not applied: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(target, "gone")); !os.IsNotExist(err) {
		t.Fatalf("deleted file still there: %v", err)
	}
}

func TestReason(t *testing.T) {
	out := "Warn x\nError (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\nError (criu/vdso.c:613): b\nError (c): c\n"
	if got := Reason(out, errors.New("exit status 1")); got != "Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds; Error (criu/vdso.c:613): b" {
		t.Errorf("Reason = %q", got)
	}
	if got := Reason("", errors.New("exit status 1")); got != "exit status 1" {
		t.Errorf("Reason = %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestParseVersion(t *testing.T) {
	for out, want := range map[string]int{"Version: 4.1.1\n": 40101, "Version: 3.17\nGitID: v3.17\n": 31700, "criu: bad\n": 0} {
		if got := ParseVersion(out); got != want {
			t.Errorf("ParseVersion(%q) = %d, want %d", out, got, want)
		}
	}
}

// A checkpoint image is one with the runtime annotation; Copy brings only
// the checkpoint's files out of its layer.
func TestCheckpointImageFiles(t *testing.T) {
	err := NotCheckpointImage(map[string]string{AnnotationName: "x"}, "abc")
	if !errors.Is(err, errdefs.ErrInvalidArgument) || err.Error() != "image is not a checkpoint: abc" {
		t.Errorf("NotCheckpointImage = %v", err)
	}
	if err := NotCheckpointImage(map[string]string{AnnotationRuntimeName: "runc"}, "abc"); err != nil {
		t.Errorf("NotCheckpointImage of a checkpoint image = %v", err)
	}
	src, dst := t.TempDir(), t.TempDir()
	must(t, os.MkdirAll(filepath.Join(src, ImagesDir), 0o700))
	must(t, os.WriteFile(filepath.Join(src, ImagesDir, "inventory.img"), []byte{0, 0xff}, 0o600))
	must(t, WriteConfig(src, ConfigDump, map[string]string{"name": "x"}))
	must(t, os.WriteFile(filepath.Join(src, "etc"), nil, 0o600))
	must(t, Copy(src, ImageFiles, dst))
	if b, err := os.ReadFile(filepath.Join(dst, ImagesDir, "inventory.img")); err != nil || string(b) != "\x00\xff" {
		t.Fatalf("images: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dst, ConfigDump)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "etc")); err == nil {
		t.Fatal("Copy copied a file that is not the checkpoint's")
	}
}
