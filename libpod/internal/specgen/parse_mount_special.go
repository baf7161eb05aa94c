package specgen

import (
	"fmt"
	"strconv"
)

// specialMountKeys reads the keys of --mount type=devpts and type=ramfs, as
// Podman takes them: devpts has uid=, gid=, mode= and max=; ramfs has ro/rw
// and the suid, dev and exec pairs. Both get Podman's defaults for what the
// user did not give.
func (m *mountReq) specialMountKeys(kv map[string]string, keys []string) error {
	var set optSet
	var opts []string
	for _, k := range keys {
		val := kv[k]
		switch {
		case k == "type" || k == "destination":
		case k == "source":
			return fmt.Errorf("source= is not allowed for type=%s", m.Type)
		case m.Type == "devpts" && (k == "uid" || k == "gid" || k == "max"):
			if _, err := strconv.ParseUint(val, 10, 32); err != nil {
				return fmt.Errorf("option %s=%q: want a number", k, val)
			}
			opts = append(opts, k+"="+val)
		case m.Type == "devpts" && k == "mode":
			if err := checkOctalMode(val, 0o777); err != nil {
				return fmt.Errorf("mode=%q: %v", val, err)
			}
			opts = append(opts, "mode="+val)
		case m.Type == "ramfs" && (k == "ro" || k == "rw"):
			if err := set.addRW(k, val); err != nil {
				return err
			}
		case m.Type == "ramfs" && groupOf(k, optSuid, optDev, optExec) != nil:
			if val != "\x00" {
				return fmt.Errorf("option %q takes no value", k)
			}
			if err := set.add(k, optSuid, optDev, optExec); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown option %q for type=%s", k, m.Type)
		}
	}
	if m.Type == "devpts" {
		m.Options = opts
		return nil
	}
	def := map[string]string{"ro": "rw", "nosuid": "nosuid", "nodev": "nodev", "noexec": "noexec"}
	for _, g := range [][]string{optRW, optSuid, optDev, optExec} {
		v := set.get(g)
		if v == "" {
			v = def[g[0]]
		}
		m.Options = append(m.Options, v)
	}
	m.Options = append(m.Options, "rprivate")
	return nil
}
