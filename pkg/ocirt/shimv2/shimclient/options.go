package shimclient

import (
	"fmt"
	"math"
	"sort"
	"strings"

	runcoptions "github.com/containerd/containerd/api/types/runc/options"
	runtimeoptions "github.com/containerd/containerd/api/types/runtimeoptions/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// Bare type URLs shims resolve (containerd registers its option types
// without the type.googleapis.com/ prefix; shims reject the prefixed form).
const (
	TypeURLRuncOptions    = "containerd.runc.v1.Options"
	TypeURLRuntimeOptions = "runtimeoptions.v1.Options"
)

// OptionsSpec is a runtime's configured options, as pod.conf gives them.
type OptionsSpec struct {
	// Type is the shim runtime type (io.containerd.runc.v2, io.containerd.kata.v2…).
	Type string
	// Options are the typed options; keys as in containerd's config
	// (BinaryName, Root, SystemdCgroup…) or snake_case (binary_name…).
	Options map[string]any
	// ConfigPath is the runtime's own configuration file (kata, gVisor).
	ConfigPath string

	// Per-container settings that map onto runc shim options.
	NoPivotRoot, NoNewKeyring, SystemdCgroup bool
}

// IsRuncType reports whether a runtime type uses the runc shim's options
// (containerd.runc.v1.Options): io.containerd.runc.v1/v2.
func IsRuncType(t string) bool {
	return t == "io.containerd.runc.v1" || t == "io.containerd.runc.v2"
}

// BuildOptions encodes the Create options for the shim: runc shims get
// containerd.runc.v1.Options, every other shim runtimeoptions.v1.Options
// (TypeUrl, ConfigPath; what kata and gVisor read). It returns nil when there
// is nothing to send. Unknown option names are an error naming the valid ones.
func BuildOptions(o OptionsSpec) (*anypb.Any, error) {
	if IsRuncType(o.Type) {
		return buildRunc(o)
	}
	return buildRuntimeOptions(o)
}

func normKey(k string) string {
	return strings.ToLower(strings.ReplaceAll(k, "_", ""))
}

func buildRunc(o OptionsSpec) (*anypb.Any, error) {
	if o.ConfigPath != "" {
		return nil, fmt.Errorf("runtime type %s: config_path is not used by runc shims; set options.BinaryName/Root instead: %w", o.Type, errdefs.ErrInvalidArgument)
	}
	r := &runcoptions.Options{NoPivotRoot: o.NoPivotRoot, NoNewKeyring: o.NoNewKeyring, SystemdCgroup: o.SystemdCgroup}
	setters := map[string]func(v any) error{
		"nopivotroot":   boolSetter(&r.NoPivotRoot),
		"nonewkeyring":  boolSetter(&r.NoNewKeyring),
		"shimcgroup":    stringSetter(&r.ShimCgroup),
		"iouid":         uint32Setter(&r.IoUid),
		"iogid":         uint32Setter(&r.IoGid),
		"binaryname":    stringSetter(&r.BinaryName),
		"root":          stringSetter(&r.Root),
		"systemdcgroup": boolSetter(&r.SystemdCgroup),
		"criuimagepath": stringSetter(&r.CriuImagePath),
		"criuworkpath":  stringSetter(&r.CriuWorkPath),
	}
	valid := "BinaryName, Root, SystemdCgroup, NoPivotRoot, NoNewKeyring, ShimCgroup, IoUid, IoGid, CriuImagePath, CriuWorkPath"
	if err := apply(o, setters, valid); err != nil {
		return nil, err
	}
	if proto.Equal(r, &runcoptions.Options{}) {
		return nil, nil
	}
	return marshalAny(TypeURLRuncOptions, r)
}

func buildRuntimeOptions(o OptionsSpec) (*anypb.Any, error) {
	r := &runtimeoptions.Options{ConfigPath: o.ConfigPath}
	setters := map[string]func(v any) error{
		"typeurl":    stringSetter(&r.TypeUrl),
		"configpath": stringSetter(&r.ConfigPath),
	}
	if err := apply(o, setters, "TypeUrl, ConfigPath"); err != nil {
		return nil, err
	}
	if o.ConfigPath != "" && r.ConfigPath != o.ConfigPath {
		return nil, fmt.Errorf("runtime type %s: config_path %q and options.ConfigPath %q disagree: %w", o.Type, o.ConfigPath, r.ConfigPath, errdefs.ErrInvalidArgument)
	}
	if r.TypeUrl == "" && r.ConfigPath == "" {
		return nil, nil
	}
	return marshalAny(TypeURLRuntimeOptions, r)
}

func apply(o OptionsSpec, setters map[string]func(any) error, valid string) error {
	keys := make([]string, 0, len(o.Options))
	for k := range o.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := setters[normKey(k)]
		if !ok {
			return fmt.Errorf("runtime type %s: unknown option %q (valid: %s): %w", o.Type, k, valid, errdefs.ErrInvalidArgument)
		}
		if err := set(o.Options[k]); err != nil {
			return fmt.Errorf("runtime type %s: option %s: %w: %w", o.Type, k, err, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func marshalAny(typeURL string, m proto.Message) (*anypb.Any, error) {
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", typeURL, err)
	}
	return &anypb.Any{TypeUrl: typeURL, Value: b}, nil
}

func boolSetter(p *bool) func(any) error {
	return func(v any) error {
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %T %v", v, v)
		}
		*p = b
		return nil
	}
}

func stringSetter(p *string) func(any) error {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %T %v", v, v)
		}
		*p = s
		return nil
	}
}

func uint32Setter(p *uint32) func(any) error {
	return func(v any) error {
		var f float64
		switch n := v.(type) {
		case int64: // TOML
			f = float64(n)
		case int:
			f = float64(n)
		case float64: // JSON
			f = n
		default:
			return fmt.Errorf("want a number, got %T %v", v, v)
		}
		if f < 0 || f > math.MaxUint32 || f != math.Trunc(f) {
			return fmt.Errorf("want an integer between 0 and %d, got %v", uint32(math.MaxUint32), v)
		}
		*p = uint32(f)
		return nil
	}
}
