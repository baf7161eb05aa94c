package libpod

import (
	"path/filepath"

	"github.com/pod-engine/pod/pkg/rootless"
)

// RootlessOptions says where an ordinary user's namespace is kept for these
// global options: the pause process in containers.conf's tmp_dir (as
// Podman), and the containers' monitors as the processes to rejoin when the
// pause process was killed. Only rootless commands call it, before they
// enter the namespace.
func RootlessOptions(o Options) (rootless.Options, error) {
	cfg, err := loadConfig(&o)
	if err != nil {
		return rootless.Options{}, err
	}
	_, run, err := storagePaths(&o)
	if err != nil {
		return rootless.Options{}, err
	}
	paths := makePaths("", run, cfg.Engine.TmpDir)
	return rootless.Options{
		Dir: paths.TmpDir,
		Candidates: func() []string {
			files, _ := filepath.Glob(filepath.Join(paths.Run, "*", "conmon.pid"))
			return files
		},
	}, nil
}
