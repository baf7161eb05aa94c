package secret

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Ref is one --secret of run/create: which secret, and how the container
// gets it (a file, or an environment variable).
type Ref struct {
	Source string `json:"source"` // the secret's name or ID
	Type   string `json:"type"`   // "mount" or "env"
	Target string `json:"target"` // mount: absolute path in the container; env: the variable
	UID    uint32 `json:"uid,omitempty"`
	GID    uint32 `json:"gid,omitempty"`
	Mode   uint32 `json:"mode"`
}

// DefaultMode is a mounted secret's mode unless mode= says otherwise (0444, as Podman).
const DefaultMode = 0o444

// ParseRef parses Podman's --secret syntax:
// NAME[,type=mount|env][,target=T][,uid=N][,gid=N][,mode=OCTAL], or with
// source=NAME among the options. A mount's target defaults to
// /run/secrets/NAME (a relative target goes under /run/secrets); an env
// secret's variable defaults to NAME.
func ParseRef(s string) (Ref, error) {
	bad := func(format string, a ...any) (Ref, error) {
		return Ref{}, fmt.Errorf("invalid --secret %q: %s: %w", s, fmt.Sprintf(format, a...), errdefs.ErrInvalidArgument)
	}
	r := Ref{Mode: DefaultMode}
	fields := strings.Split(s, ",")
	if !strings.Contains(fields[0], "=") {
		r.Source, fields = fields[0], fields[1:]
	}
	mountOnly := ""
	for _, f := range fields {
		key, val, ok := strings.Cut(f, "=")
		if !ok {
			return bad("option %q must be in the form option=value", f)
		}
		switch strings.ToLower(key) {
		case "source":
			r.Source = val
		case "type":
			if r.Type != "" {
				return bad("only one type= may be given")
			}
			if val != "mount" && val != "env" {
				return bad("type %q is not mount or env", val)
			}
			r.Type = val
		case "target":
			r.Target = val
		case "mode":
			m, err := strconv.ParseUint(val, 8, 32)
			if err != nil || m > 0o7777 {
				return bad("mode %q is not an octal file mode", val)
			}
			r.Mode, mountOnly = uint32(m), key
		case "uid", "gid":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				return bad("%s %q is not a number", key, val)
			}
			if strings.ToLower(key) == "uid" {
				r.UID = uint32(n)
			} else {
				r.GID = uint32(n)
			}
			mountOnly = key
		default:
			return bad("unknown option %q (use source, type, target, uid, gid or mode)", f)
		}
	}
	if r.Source == "" {
		return bad("no secret named: give its name first or source=NAME")
	}
	if r.Type == "" {
		r.Type = "mount"
	}
	switch r.Type {
	case "env":
		if mountOnly != "" {
			return bad("%s= applies to mounted secrets, not type=env", mountOnly)
		}
		if r.Target == "" {
			r.Target = r.Source
		}
		if strings.ContainsAny(r.Target, "=\x00") {
			return bad("%q cannot be an environment variable's name", r.Target)
		}
	case "mount":
		if r.Target == "" {
			r.Target = r.Source
		}
		if !path.IsAbs(r.Target) {
			r.Target = path.Join("/run/secrets", r.Target)
		}
		r.Target = path.Clean(r.Target)
		if r.Target == "/" || strings.ContainsRune(r.Target, 0) {
			return bad("target %q is not a file path", r.Target)
		}
	}
	return r, nil
}
