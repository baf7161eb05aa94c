package specgen

import "testing"

// TestShmSize: the flag is read in binary units, containers.conf's shm_size
// in decimal ones, as Podman 4.3.1 does (its "65536k" is 65536000 bytes).
func TestShmSize(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		d    *Defaults
		want int64
		err  bool
	}{
		{want: 65536000},
		{d: &Defaults{ShmSize: "65536k"}, want: 65536000},
		{d: &Defaults{ShmSize: "1m"}, want: 1000000},
		{o: Options{ShmSize: "64m"}, d: &Defaults{ShmSize: "65536k"}, want: 64 << 20},
		{d: &Defaults{ShmSize: "lots"}, err: true},
		{d: &Defaults{ShmSize: "0"}, err: true},
	} {
		got, err := ShmSize(&tc.o, tc.d)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ShmSize(%q, %+v) = %d, %v; want %d, error %v", tc.o.ShmSize, tc.d, got, err, tc.want, tc.err)
		}
	}
}

// TestPrivateIPC: only --ipc private (given or containers.conf's ipcns)
// refuses joiners, as Podman 4.3.1; none, host and shareable may be joined.
func TestPrivateIPC(t *testing.T) {
	for _, tc := range []struct {
		ipc, def        string
		private, shared bool
	}{
		{shared: true},
		{ipc: "private", private: true},
		{def: "private", private: true},
		{ipc: "shareable", def: "private", shared: true},
		{ipc: "none"},
		{ipc: "host", def: "private"},
		{def: "shareable", shared: true},
	} {
		o, d := &Options{IPC: tc.ipc}, &Defaults{IPCNS: tc.def}
		if got := PrivateIPC(o, d); got != tc.private {
			t.Errorf("PrivateIPC(ipc %q, ipcns %q) = %v, want %v", tc.ipc, tc.def, got, tc.private)
		}
		if got := ShareableShm(o, d); got != tc.shared {
			t.Errorf("ShareableShm(ipc %q, ipcns %q) = %v, want %v", tc.ipc, tc.def, got, tc.shared)
		}
	}
}
