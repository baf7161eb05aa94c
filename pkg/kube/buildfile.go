package kube

import (
	"os"
	"path/filepath"
	"strings"
)

// BuildDir is the build context `kube play --build` uses for an image, as
// Podman 4.3 looks for it: a directory under dir named after the image's
// last path element without its tag or digest (localhost/web:1 → dir/web)
// holding a Containerfile or a Dockerfile. "" when there is none.
func BuildDir(image, dir string) string {
	name := image
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i]
	}
	if name == "" || name == "." || name == ".." {
		return ""
	}
	d := filepath.Join(dir, name)
	for _, f := range []string{"Containerfile", "Dockerfile"} {
		if fi, err := os.Stat(filepath.Join(d, f)); err == nil && fi.Mode().IsRegular() {
			return d
		}
	}
	return ""
}
