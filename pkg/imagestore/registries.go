package imagestore

import (
	"fmt"

	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

// Registries describes registries.conf as `podman info` shows it: one entry
// per configured registry, keyed by its prefix, and "search" with the
// unqualified-search registries when there are any.
func (s *Store) Registries() (map[string]any, error) {
	sys := &types.SystemContext{SystemRegistriesConfPath: s.registriesConf, SystemRegistriesConfDirPath: s.registriesConfDir}
	out := map[string]any{}
	regs, err := sysregistriesv2.GetRegistries(sys)
	if err != nil {
		return nil, fmt.Errorf("reading registries.conf: %w", err)
	}
	for _, r := range regs {
		out[r.Prefix] = r
	}
	search, err := sysregistriesv2.UnqualifiedSearchRegistries(sys)
	if err != nil {
		return nil, fmt.Errorf("reading registries.conf: %w", err)
	}
	if len(search) > 0 {
		out["search"] = search
	}
	return out, nil
}
