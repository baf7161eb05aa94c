package main

// `pod image trust show|set`: the signature policy (policy.json) as Podman
// 4.3.1 shows and edits it. go.podman.io/common v0.65 has no trust package
// (Podman keeps it in its own tree), so the small policy model is here; the
// GPG key IDs Podman reads with gpg2 are left out (no gpg2 here either).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// policyRequirement is one requirement of policy.json, kept as read.
type policyRequirement = json.RawMessage

// newRequirement is a requirement trust set writes, keys in Podman's order.
func newRequirement(typ, keyPath string) policyRequirement {
	r := struct {
		Type    string `json:"type"`
		KeyType string `json:"keyType,omitempty"`
		KeyPath string `json:"keyPath,omitempty"`
	}{Type: typ, KeyPath: keyPath}
	if keyPath != "" {
		r.KeyType = "GPGKeys"
	}
	b, _ := json.Marshal(r)
	return b
}

// policyFile is policy.json.
type policyFile struct {
	Default    []policyRequirement                       `json:"default"`
	Transports map[string]map[string][]policyRequirement `json:"transports,omitempty"`
}

// trustEntry is one line of `image trust show` (JSON keys as Podman's).
type trustEntry struct {
	Transport string `json:"transport"`
	Name      string `json:"name,omitempty"`
	RepoName  string `json:"repo_name,omitempty"`
	Type      string `json:"type"`
}

var trustTypes = map[string]string{"insecureAcceptAnything": "accept", "signedBy": "signed", "sigstoreSigned": "sigstoreSigned", "reject": "reject"}

func trustCmd() *cobra.Command {
	t := &cobra.Command{
		Use:   "trust",
		Short: "Manage container image trust policy",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommandRequired,
	}
	t.AddCommand(trustShowCmd(), trustSetCmd())
	return t
}

func defaultPolicyFile() string {
	if home, err := os.UserHomeDir(); err == nil && os.Geteuid() != 0 {
		p := filepath.Join(home, ".config/containers/policy.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/etc/containers/policy.json"
}

func readPolicy(path string) (*policyFile, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the signature policy: %w", err)
	}
	var p policyFile
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, nil, fmt.Errorf("the signature policy %s is not valid JSON: %w", path, err)
	}
	return &p, raw, nil
}

func reqType(reqs []policyRequirement) string {
	if len(reqs) == 0 {
		return ""
	}
	var r struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(reqs[0], &r)
	t := r.Type
	if d, ok := trustTypes[t]; ok {
		return d
	}
	return t
}

func trustShowCmd() *cobra.Command {
	var asJSON, raw, noHeading bool
	var policyPath string
	cmd := &cobra.Command{
		Use:   "show [options] [REGISTRY]",
		Short: "Display trust policy for the system",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, data, err := readPolicy(policyPath)
			if err != nil {
				return err
			}
			if raw {
				_, err := os.Stdout.Write(data)
				return err
			}
			entries := []trustEntry{{Transport: "all", Name: "* (default)", RepoName: "default", Type: reqType(p.Default)}}
			transports := make([]string, 0, len(p.Transports))
			for t := range p.Transports {
				transports = append(transports, t)
			}
			sort.Strings(transports)
			for _, t := range transports {
				scopes := make([]string, 0, len(p.Transports[t]))
				for s := range p.Transports[t] {
					scopes = append(scopes, s)
				}
				sort.Strings(scopes)
				name := t
				if t == "docker" {
					name = "repository"
				}
				for _, s := range scopes {
					if len(args) == 1 && s != args[0] {
						continue
					}
					entries = append(entries, trustEntry{Transport: name, Name: s, RepoName: s, Type: reqType(p.Transports[t][s])})
				}
			}
			if asJSON {
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(entries); err != nil {
					return err
				}
				_, err := os.Stdout.Write(b.Bytes())
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 12, 0, 2, ' ', 0)
			if !noHeading {
				fmt.Fprintln(w, "TRANSPORT\tNAME\tTYPE\tID\tSTORE")
			}
			for _, e := range entries {
				fmt.Fprintf(w, "%s\t%s\t%s\t\t\n", e.Transport, e.RepoName, e.Type)
			}
			return w.Flush()
		},
		Example: `pod image trust show
  pod image trust show --json`,
	}
	fs := cmd.Flags()
	fs.BoolVarP(&asJSON, "json", "j", false, "Output as json")
	fs.BoolVar(&raw, "raw", false, "Output raw policy file")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "Do not print column headings")
	fs.StringVar(&policyPath, "policypath", defaultPolicyFile(), "")
	_ = fs.MarkHidden("policypath")
	return cmd
}

func trustSetCmd() *cobra.Command {
	var typ, policyPath string
	var keys []string
	cmd := &cobra.Command{
		Use:   "set [options] REGISTRY",
		Short: "Set default trust policy or a new trust policy for a registry",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var reqs []policyRequirement
			switch typ {
			case "accept":
				reqs = []policyRequirement{newRequirement("insecureAcceptAnything", "")}
			case "reject":
				reqs = []policyRequirement{newRequirement("reject", "")}
			case "signedBy":
				if len(keys) == 0 {
					return invalid("at least one public key must be defined for type 'signedBy'")
				}
				for _, k := range keys {
					abs, err := filepath.Abs(k)
					if err != nil {
						return err
					}
					if _, err := os.Stat(abs); err != nil {
						return invalid("public key file %s: %v", k, err)
					}
					reqs = append(reqs, newRequirement("signedBy", abs))
				}
			case "sigstoreSigned":
				return invalid("trust type sigstoreSigned is not supported by pod: use signedBy, accept or reject")
			default:
				return invalid("invalid choice: %s (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')", typ)
			}
			p, _, err := readPolicy(policyPath)
			if errors.Is(err, os.ErrNotExist) {
				p, err = &policyFile{}, nil
			}
			if err != nil {
				return err
			}
			if args[0] == "default" {
				p.Default = reqs
			} else {
				if p.Transports == nil {
					p.Transports = map[string]map[string][]policyRequirement{}
				}
				if p.Transports["docker"] == nil {
					p.Transports["docker"] = map[string][]policyRequirement{}
				}
				p.Transports["docker"][args[0]] = reqs
			}
			out, err := json.MarshalIndent(p, "", "    ")
			if err != nil {
				return err
			}
			tmp := policyPath + ".tmp"
			if err := os.WriteFile(tmp, out, 0o644); err != nil {
				return fmt.Errorf("writing the signature policy: %w", err)
			}
			return os.Rename(tmp, policyPath)
		},
		Example: `pod image trust set -t reject docker.io
  pod image trust set -t signedBy -f /etc/pki/key.gpg registry.example.com`,
	}
	fs := cmd.Flags()
	fs.StringVarP(&typ, "type", "t", "signedBy", "Trust type, accept values: signedBy(default), accept, reject")
	fs.StringSliceVarP(&keys, "pubkeysfile", "f", nil, "Path of installed public key(s) to trust for TARGET")
	fs.StringVar(&policyPath, "policypath", defaultPolicyFile(), "")
	_ = fs.MarkHidden("policypath")
	return cmd
}
