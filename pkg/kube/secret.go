package kube

import (
	"encoding/json"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pod-engine/pod/pkg/errdefs"
)

// SecretEnv is an env entry whose value is a key of a pod secret
// (valueFrom.secretKeyRef: the secret's name is secretKeyRef.name), or
// with All every key of one (envFrom.secretRef, names Prefix+KEY). The
// envFrom ones come before the container's env, which overrides them.
type SecretEnv struct {
	Name     string // the variable
	Secret   string
	Key      string
	Optional bool
	All      bool
	Prefix   string
}

// Secret is a Secret document of the YAML: `kube play` stores it as a pod
// secret of its name (as Podman 4.3), its data the document itself.
type Secret struct {
	Name string
	Data []byte // the v1.Secret as JSON
}

func secretDoc(doc int, s *v1.Secret) (Secret, error) {
	if s.Name == "" {
		return Secret{}, invalid("YAML document %d: a Secret needs metadata.name (the secret's name)", doc)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return Secret{}, err
	}
	return Secret{Name: s.Name, Data: b}, nil
}

// SecretValues reads the keys of a pod secret's data as Podman does for
// secretKeyRef: a JSON object of base64 values (`secret create` of
// {"key":"dmFsdWU="}), else a Kubernetes Secret in YAML or JSON (data,
// base64, and stringData), as `kube play` of a Secret stores it.
func SecretValues(name string, data []byte) (map[string][]byte, error) {
	var m map[string][]byte
	if err := json.Unmarshal(data, &m); err == nil {
		return m, nil
	}
	var s v1.Secret
	err := yaml.Unmarshal(data, &s)
	if err != nil || (s.Kind != "" && s.Kind != "Secret") || (s.Kind == "" && len(s.Data)+len(s.StringData) == 0) {
		return nil, fmt.Errorf("secret %s is neither a JSON object of base64 values nor a Kubernetes Secret: create it with `pod kube play` of a Secret or `pod secret create` of {\"KEY\":\"BASE64\"}: %w", name, errdefs.ErrInvalidArgument)
	}
	m = map[string][]byte{}
	for k, v := range s.Data {
		m[k] = v
	}
	for k, v := range s.StringData {
		m[k] = []byte(v)
	}
	return m, nil
}
