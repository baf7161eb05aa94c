package conmon

import (
	"os"
	"strconv"
	"syscall"
)

// The files and messages below are what a monitor (pod-conmon, pod-shim)
// produces for its caller; WriteExitFile is in exitfile.go.

// WriteExitFiles writes code to <persistDir>/exit and then to
// <exitDir>/<id> (conmon's order: whoever watches the exit dir finds the
// persist file already there). An empty dir is skipped. It returns the
// first error; the second file is written even when the first failed.
func WriteExitFiles(persistDir, exitDir, id string, code int) error {
	var first error
	if persistDir != "" {
		first = WriteExitFile(persistDir+"/exit", code)
	}
	if exitDir != "" {
		if err := WriteExitFile(exitDir+"/"+id, code); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// OOMName is the file a monitor creates in the persist dir when the
// kernel's OOM killer struck the container's cgroup.
const OOMName = "oom"

// WriteOOMFile creates <persistDir>/oom (or ./oom without a persist dir,
// as conmon does).
func WriteOOMFile(persistDir string) error {
	path := OOMName
	if persistDir != "" {
		path = persistDir + "/" + OOMName
	}
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_WRONLY|syscall.O_CLOEXEC, 0o666)
	if err != nil {
		return &os.PathError{Op: "create oom file", Path: path, Err: err}
	}
	return syscall.Close(fd)
}

// WritePidFile writes pid to path atomically (a temp file next to it,
// renamed), so a reader never sees a partial number.
func WritePidFile(path string, pid int) error {
	return writeNumber(path, pid, "pid file", false)
}

// Sync message keys: KeyData with --api-version, else KeyPid (create) or
// KeyExitCode (exec).
const (
	KeyData     = "data"
	KeyPid      = "pid"
	KeyExitCode = "exit_code"
)

// SyncKey is the key of a monitor's sync pipe messages for these arguments.
func SyncKey(a *Args) string {
	switch {
	case a.APIVersion:
		return KeyData
	case a.Exec:
		return KeyExitCode
	}
	return KeyPid
}

// AppendSyncMessage appends one sync pipe line in conmon's exact format:
// {"<key>": v} or {"<key>": v, "message": "..."} and a newline. It does not
// allocate when b has room.
func AppendSyncMessage(b []byte, key string, v int, message string, hasMessage bool) []byte {
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `": `...)
	b = strconv.AppendInt(b, int64(v), 10)
	if hasMessage {
		b = append(b, `, "message": "`...)
		b = appendJSONString(b, message)
		b = append(b, '"')
	}
	return append(b, "}\n"...)
}

// appendJSONString escapes s for a JSON string: quotes, backslashes and
// every control character.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return b
}

// ExitCode is conmon's encoding of a wait status: the exit status, 128+N
// for a kill by signal N, -1 otherwise.
func ExitCode(ws syscall.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return -1
}
