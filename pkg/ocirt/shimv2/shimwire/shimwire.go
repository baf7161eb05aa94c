// Package shimwire is what the shimv2 driver and pod-shim (package shimmon)
// exchange besides conmon's command line: the shim settings carried as
// --runtime-arg values (Flags), the state file pod-shim writes once the shim
// runs (State) and the marker files in the shim bundle. It is its own
// package so that pod links the wire types and not pod-shim's server code.
package shimwire

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/pod-engine/pod/pkg/errdefs"
	"github.com/pod-engine/pod/pkg/ocirt/shimv2/shimclient"
)

// Files pod-shim keeps in the shim bundle besides its diagnostics.
const (
	DeletedFile = "pod-shim.deleted" // the shim's delete subcommand already ran
	// WaitedFile says pod-shim has the task's exit status: a forced delete
	// waits for it before it shuts the shim down (else pod-shim's Wait may
	// lose the race with the shutdown, and the status with it).
	WaitedFile = "pod-shim.waited"
)

// StateFile is the name of the file pod-shim writes into the shim bundle
// once the shim runs: State as JSON.
const StateFile = "pod-shim.json"

// State is what a later process needs to reach a container's shim. It is
// also the shimv2 driver's TaskRef.Data.
type State struct {
	Address   string `json:"address"`             // shim ttrpc address (unix:///run/containerd/s/<hash>)
	TaskAPI   int    `json:"taskAPI"`             // 2 or 3 (0 = unknown: negotiate)
	ShimPid   int    `json:"shimPid"`             // the shim daemon
	ShimStart uint64 `json:"shimStart,omitempty"` // its start time (guards against pid reuse)
	Namespace string `json:"namespace"`           // -namespace, also the runc state subdirectory
	HashAddr  string `json:"hashAddress"`         // -address given to start (socket hash input, needed by delete)
	Bundle    string `json:"bundle"`              // shim bundle: <dir>/<task id>
}

// ReadState reads the state file of a shim bundle.
func ReadState(shimBundle string) (State, error) {
	var s State
	data, err := os.ReadFile(filepath.Join(shimBundle, StateFile))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("shim state %s: %w", filepath.Join(shimBundle, StateFile), err)
	}
	return s, nil
}

// WriteState writes the state file atomically (pod-shim does).
func WriteState(s State) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	path := filepath.Join(s.Bundle, StateFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Flags are the shim settings that conmon's command line cannot carry; the
// driver renders them as --runtime-arg values (RuntimeArgs) and pod-shim
// parses them back (ParseFlags).
type Flags struct {
	Namespace string     // container: -namespace for the shim
	HashAddr  string     // container: -address for the shim
	Bundle    string     // shim bundle (base name = task id)
	Options   *anypb.Any // container: Create options
	Debug     bool       // container: start the shim with -debug
	// Exec only: where the container's shim is.
	Address string
	TaskAPI int
}

const flagPrefix = "--shim-"

// RuntimeArgs renders f as --runtime-arg values.
func (f *Flags) RuntimeArgs() ([]string, error) {
	var a []string
	add := func(k, v string) {
		if v != "" {
			a = append(a, flagPrefix+k+"="+v)
		}
	}
	add("namespace", f.Namespace)
	add("hash-address", f.HashAddr)
	add("bundle", f.Bundle)
	if f.Options != nil {
		b, err := proto.Marshal(f.Options)
		if err != nil {
			return nil, fmt.Errorf("encoding shim options: %w", err)
		}
		add("options", base64.StdEncoding.EncodeToString(b))
	}
	if f.Debug {
		add("debug", "true")
	}
	add("address", f.Address)
	if f.TaskAPI != 0 {
		add("task-api", strconv.Itoa(f.TaskAPI))
	}
	return a, nil
}

// ParseFlags parses --runtime-arg values rendered by RuntimeArgs.
func ParseFlags(args []string) (*Flags, error) {
	f := &Flags{}
	for _, arg := range args {
		kv, ok := strings.CutPrefix(arg, flagPrefix)
		k, v, hasValue := strings.Cut(kv, "=")
		if !ok || !hasValue {
			return nil, fmt.Errorf("pod-shim: unknown runtime argument %q (expected --shim-<key>=<value>): %w", arg, errdefs.ErrInvalidArgument)
		}
		switch k {
		case "namespace":
			f.Namespace = v
		case "hash-address":
			f.HashAddr = v
		case "bundle":
			f.Bundle = v
		case "options":
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, fmt.Errorf("pod-shim: --shim-options: %v: %w", err, errdefs.ErrInvalidArgument)
			}
			f.Options = &anypb.Any{}
			if err := proto.Unmarshal(b, f.Options); err != nil {
				return nil, fmt.Errorf("pod-shim: --shim-options: %v: %w", err, errdefs.ErrInvalidArgument)
			}
		case "debug":
			f.Debug = v == "true"
		case "address":
			f.Address = v
		case "task-api":
			n, err := strconv.Atoi(v)
			if err != nil || (n != 0 && n != shimclient.TaskAPIv2 && n != shimclient.TaskAPIv3) {
				return nil, fmt.Errorf("pod-shim: --shim-task-api=%q: want 2 or 3: %w", v, errdefs.ErrInvalidArgument)
			}
			f.TaskAPI = n
		default:
			return nil, fmt.Errorf("pod-shim: unknown runtime argument %q: %w", arg, errdefs.ErrInvalidArgument)
		}
	}
	if f.Bundle != "" && (!filepath.IsAbs(f.Bundle) || filepath.Clean(f.Bundle) != f.Bundle) {
		return nil, fmt.Errorf("pod-shim: shim bundle %q is not a clean absolute path: %w", f.Bundle, errdefs.ErrInvalidArgument)
	}
	return f, nil
}
