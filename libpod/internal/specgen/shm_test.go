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
