package kube

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// CheckSubPath refuses a volumeMount's subPath that could leave its volume,
// as Kubernetes' validation does: an absolute path or one with a ".."
// element.
func CheckSubPath(sub string) error {
	if path.IsAbs(sub) {
		return fmt.Errorf("subPath %q must be a relative path: %w", sub, errdefs.ErrInvalidArgument)
	}
	for _, el := range strings.Split(sub, "/") {
		if el == ".." {
			return fmt.Errorf("subPath %q must not contain '..': %w", sub, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// ExpandSubPathExpr expands a volumeMount's subPathExpr with the
// container's environment (NAME=VALUE entries) as Kubernetes does: $(NAME)
// is the variable's value, $$ a literal $, a reference to an undefined
// variable stays as written.
func ExpandSubPathExpr(expr string, env []string) string {
	vals := map[string]string{}
	for _, e := range env {
		if k, v, ok := strings.Cut(e, "="); ok {
			vals[k] = v
		}
	}
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		if expr[i] != '$' || i+1 == len(expr) {
			b.WriteByte(expr[i])
			continue
		}
		switch expr[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(expr[i+2:], ')')
			if end < 0 {
				b.WriteString(expr[i:])
				return b.String()
			}
			name := expr[i+2 : i+2+end]
			if v, ok := vals[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(expr[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// ResolveSubPath returns the host path of sub inside a volume's directory
// root, resolving symbolic links as if root were "/" (a link cannot lead
// out of the volume). A sub path that does not exist is created as a
// directory when create is set (what the kubelet does for hostPath,
// emptyDir and claims' volumes); otherwise it is refused.
func ResolveSubPath(root, sub string, create bool) (string, error) {
	if err := CheckSubPath(sub); err != nil {
		return "", err
	}
	p, err := securejoin.SecureJoin(root, sub)
	if err != nil {
		return "", fmt.Errorf("subPath %q: %w", sub, err)
	}
	if _, err := os.Stat(p); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("subPath %q: %w", sub, err)
		}
		if !create {
			return "", fmt.Errorf("subPath %q does not exist in the volume: %w", sub, errdefs.ErrNotFound)
		}
		// MkdirAll works below an open handle of root, so a link swapped in
		// meanwhile cannot make it create outside the volume.
		if err := securejoin.MkdirAll(root, sub, 0o755); err != nil {
			return "", fmt.Errorf("subPath %q: creating it in the volume: %w", sub, err)
		}
		if p, err = securejoin.SecureJoin(root, sub); err != nil {
			return "", fmt.Errorf("subPath %q: %w", sub, err)
		}
	}
	if rel, err := filepath.Rel(root, p); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("subPath %q resolves outside its volume: %w", sub, errdefs.ErrInvalidArgument)
	}
	return p, nil
}
