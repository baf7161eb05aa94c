package kube

import (
	"fmt"
	"path"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
)

// Volume is a named volume a PersistentVolumeClaim document asks for
// (Podman 4.3 plays a claim as `volume create NAME`, its labels the
// volume's, its volume.podman.io/* annotations the driver and options).
type Volume struct {
	Name    string
	Labels  map[string]string
	Driver  string
	Options map[string]string // --opt key=value
}

// ConfigMapVolume is a named volume, named after its ConfigMap, filled with
// the ConfigMap's keys as files (Podman 4.3's configMap volume).
type ConfigMapVolume struct {
	Name  string            // the ConfigMap's name, also the volume's
	Items map[string][]byte // relative file path → contents
	Mode  uint32            // the files' mode (defaultMode, 0644 by default)
}

// pvcAnnotations map Podman's PersistentVolumeClaim annotations onto
// `volume create --opt` keys.
var pvcAnnotations = map[string]string{
	"volume.podman.io/device":        "device",
	"volume.podman.io/type":          "type",
	"volume.podman.io/uid":           "uid",
	"volume.podman.io/gid":           "gid",
	"volume.podman.io/mount-options": "o",
}

func pvcVolume(doc int, pvc *v1.PersistentVolumeClaim) (Volume, error) {
	if pvc.Name == "" {
		return Volume{}, invalid("YAML document %d: a PersistentVolumeClaim needs metadata.name (the volume's name)", doc)
	}
	v := Volume{Name: pvc.Name, Labels: pvc.Labels, Driver: pvc.Annotations["volume.podman.io/driver"]}
	keys := make([]string, 0, len(pvc.Annotations))
	for k := range pvc.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if o, ok := pvcAnnotations[k]; ok {
			if v.Options == nil {
				v.Options = map[string]string{}
			}
			v.Options[o] = pvc.Annotations[k]
		}
	}
	return v, nil
}

// configMapVolume resolves a pod's configMap volume into the files its
// named volume gets; a missing ConfigMap is an error unless optional (then
// the volume is empty, as Podman leaves it).
func configMapVolume(pod string, v v1.Volume, configMaps map[string]v1.ConfigMap) (ConfigMapVolume, error) {
	src := v.ConfigMap
	if src.Name == "" {
		return ConfigMapVolume{}, invalid("pod %s: configMap volume %s names no ConfigMap (configMap.name)", pod, v.Name)
	}
	out := ConfigMapVolume{Name: src.Name, Items: map[string][]byte{}, Mode: 0o644}
	if src.DefaultMode != nil {
		if *src.DefaultMode < 0 || *src.DefaultMode > 0o777 {
			return out, invalid("pod %s: configMap volume %s: defaultMode %#o is not a file mode (0-0777)", pod, v.Name, *src.DefaultMode)
		}
		out.Mode = uint32(*src.DefaultMode)
	}
	cm, ok := configMaps[src.Name]
	if !ok {
		if src.Optional != nil && *src.Optional {
			return out, nil
		}
		return out, invalid("pod %s: configMap volume %s: ConfigMap %q not found: put it in the YAML or pass it with --configmap", pod, v.Name, src.Name)
	}
	value := func(key string) ([]byte, bool) {
		if d, ok := cm.Data[key]; ok {
			return []byte(d), true
		}
		b, ok := cm.BinaryData[key]
		return b, ok
	}
	if len(src.Items) == 0 {
		for k := range cm.Data {
			out.Items[k], _ = value(k)
		}
		for k := range cm.BinaryData {
			out.Items[k], _ = value(k)
		}
	}
	for _, it := range src.Items {
		b, ok := value(it.Key)
		if !ok {
			return out, invalid("pod %s: configMap volume %s: ConfigMap %s has no key %q", pod, v.Name, src.Name, it.Key)
		}
		out.Items[it.Path] = b
	}
	for p := range out.Items {
		if !safeRelPath(p) {
			return out, invalid("pod %s: configMap volume %s: file %q must be a relative path without ..", pod, v.Name, p)
		}
	}
	return out, nil
}

// safeRelPath: a path inside a directory (relative, no .. element, no NUL).
func safeRelPath(p string) bool {
	if p == "" || path.IsAbs(p) || strings.IndexByte(p, 0) >= 0 {
		return false
	}
	for _, e := range strings.Split(p, "/") {
		if e == ".." || e == "." || e == "" {
			return false
		}
	}
	return true
}

// addConfigMapVolume records a ConfigMap volume once per ConfigMap.
func (p *Plan) addConfigMapVolume(cv ConfigMapVolume) error {
	for _, have := range p.ConfigMapVolumes {
		if have.Name == cv.Name {
			if have.Mode != cv.Mode || fmt.Sprint(have.Items) != fmt.Sprint(cv.Items) {
				return invalid("pod %s: two configMap volumes of ConfigMap %s differ (items or defaultMode): pod fills one volume per ConfigMap, as Podman", p.Name, cv.Name)
			}
			return nil
		}
	}
	p.ConfigMapVolumes = append(p.ConfigMapVolumes, cv)
	return nil
}
