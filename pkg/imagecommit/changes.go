package imagecommit

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/pod-engine/pod/pkg/errdefs"
	"go.podman.io/common/pkg/signal"
)

// ApplyChanges applies `commit --change` instructions ("CMD [\"sh\"]",
// "ENV A=b", "EXPOSE 80/udp"…, the keyword and value separated by a space
// or "=") to cfg, with the rules of Podman 4.3 (go.podman.io/common's
// libimage.ImageConfigFromChanges, which pod cannot link on the lifecycle
// path). A bad change is an ErrInvalidArgument naming it.
func ApplyChanges(cfg *Config, changes []string) error {
	for _, change := range changes {
		if err := applyChange(cfg, change); err != nil {
			return fmt.Errorf("%w: %w", err, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func applyChange(cfg *Config, change string) error {
	split := strings.SplitN(change, " ", 2)
	if len(split) != 2 {
		split = strings.SplitN(change, "=", 2)
		if len(split) != 2 {
			return fmt.Errorf("invalid change %q - must be formatted as KEY VALUE", change)
		}
	}
	key := strings.ToUpper(strings.TrimSpace(split[0]))
	value := strings.TrimSpace(split[1])
	switch key {
	case "USER":
		if value == "" {
			return fmt.Errorf("invalid change %q - must provide a value to USER", change)
		}
		cfg.User = value
	case "EXPOSE":
		port, err := parseExpose(value)
		if err != nil {
			return fmt.Errorf("invalid change %q - %w", change, err)
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		cfg.ExposedPorts[port] = struct{}{}
	case "ENV":
		k, v, _ := strings.Cut(value, "=")
		if k == "" {
			return fmt.Errorf("invalid change %q - ENV must have at least one argument", change)
		}
		cfg.Env = setEnv(cfg.Env, unquote(k), unquote(v))
	case "ENTRYPOINT":
		var argv []string
		if err := json.Unmarshal([]byte(value), &argv); err != nil {
			argv = []string{}
			if value != "" {
				argv = []string{"/bin/sh", "-c", value}
			}
		}
		cfg.Entrypoint = argv
	case "CMD":
		var argv []string
		if err := json.Unmarshal([]byte(value), &argv); err != nil {
			argv = []string{"/bin/sh", "-c"}
			if value != "" {
				argv = append(argv, value)
			}
		}
		cfg.Cmd = argv
	case "VOLUME":
		var vols []string
		if err := json.Unmarshal([]byte(value), &vols); err != nil {
			vols = strings.Split(value, " ")
		}
		if len(vols) == 0 {
			return fmt.Errorf("invalid change %q - must provide at least one argument to VOLUME", change)
		}
		for _, v := range vols {
			if v == "" {
				return fmt.Errorf("invalid change %q - VOLUME paths must not be empty", change)
			}
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			cfg.Volumes[v] = struct{}{}
		}
	case "WORKDIR":
		if value == "" {
			return fmt.Errorf("invalid change %q - must provide a non-empty WORKDIR", change)
		}
		if path.IsAbs(value) {
			cfg.WorkingDir = path.Clean(value)
		} else {
			cfg.WorkingDir = path.Join("/", cfg.WorkingDir, value)
		}
	case "LABEL":
		k, v, ok := strings.Cut(value, "=")
		if !ok {
			return fmt.Errorf("invalid change %q - LABEL must be formatted key=value", change)
		}
		k, v = unquote(k), unquote(v)
		if k == "" {
			return fmt.Errorf("invalid change %q - LABEL must have a non-empty key", change)
		}
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		cfg.Labels[k] = v
	case "STOPSIGNAL":
		sig, err := signal.ParseSignal(value)
		if err != nil {
			return fmt.Errorf("invalid change %q - KILLSIGNAL must be given a valid signal: %w", change, err)
		}
		cfg.StopSignal = strconv.Itoa(int(sig))
	case "ONBUILD":
		if value == "" {
			return fmt.Errorf("invalid change %q - ONBUILD must be given an argument", change)
		}
		cfg.OnBuild = append(cfg.OnBuild, value)
	default:
		return fmt.Errorf("invalid change %q - invalid instruction %s", change, key)
	}
	return nil
}

func parseExpose(value string) (string, error) {
	parts := strings.Split(value, "/")
	if len(parts) > 2 {
		return "", fmt.Errorf("EXPOSE port must be formatted as PORT[/PROTO]")
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil {
		return "", fmt.Errorf("EXPOSE port must be an integer: %w", err)
	}
	if n > 65535 || n <= 0 {
		return "", fmt.Errorf("EXPOSE port must be a valid port number")
	}
	proto := "tcp"
	if len(parts) > 1 {
		switch p := strings.ToLower(parts[1]); p {
		case "tcp", "udp":
			proto = p
		default:
			return "", fmt.Errorf("EXPOSE protocol must be TCP or UDP")
		}
	}
	return fmt.Sprintf("%d/%s", n, proto), nil
}

func unquote(s string) string {
	if len(s) >= 2 && strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) {
		return s[1 : len(s)-1]
	}
	return s
}

// setEnv sets KEY=VALUE in env, replacing an earlier KEY.
func setEnv(env []string, k, v string) []string {
	kv := k + "=" + v
	for i, e := range env {
		if name, _, _ := strings.Cut(e, "="); name == k {
			out := append([]string(nil), env...)
			out[i] = kv
			return out
		}
	}
	return append(append([]string(nil), env...), kv)
}
