package oci

import (
	"encoding/json"
	"regexp"
	"strings"
)

// runscUserNSSince is the first gVisor release date whose gofer reaches the
// container's files from the host's user namespace when it cannot from the
// sandbox's (gVisor pull request 11118, November 2024). Older releases,
// Debian 12's 20221219 among them, fail to start a sandbox whose spec maps
// ids that leave out the id pod runs as: the gofer, run as the container's
// root in the mapped namespace, cannot stat pod's files ("cannot read client
// sync file: waiting for sandbox to start: EOF").
const runscUserNSSince = "20241111"

// runscRelease finds the release date in runsc's --version
// ("runsc version release-20231009.0", Debian's "runsc version 0.0~20221219.0").
var runscRelease = regexp.MustCompile(`runsc version \S*?(20[0-9]{6})\b`)

// runscFeatures is the features document pod derives for runsc, which has
// no features command: gVisor filters system calls itself (seccomp), and
// whether it starts a sandbox with id mappings follows from its release
// date. A version without a date says nothing of user namespaces (left to
// the runtime).
func runscFeatures(version string) json.RawMessage {
	type enabled struct {
		Enabled bool `json:"enabled"`
	}
	linux := map[string]any{"seccomp": enabled{true}}
	if m := runscRelease.FindStringSubmatch(firstLine(version)); m != nil {
		ns := []string{"cgroup", "ipc", "mount", "network", "pid", "uts"}
		if m[1] >= runscUserNSSince {
			ns = append(ns, "user")
		}
		linux["namespaces"] = ns
	}
	data, err := json.Marshal(map[string]any{"linux": linux})
	if err != nil {
		return nil
	}
	return data
}

// runscUserNSNote says why runsc lacks the userns capability, and what to do.
const runscUserNSNote = "runsc releases before " + runscUserNSSince + " cannot start a sandbox with id mappings that leave out pod's own id; " +
	"use crun or runc, or declare userns = true under [capabilities.runsc] in pod.conf for a runsc that can"

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
