package specgen

import (
	"testing"
)

func TestPodResources(t *testing.T) {
	h := &Host{SwapAccounting: true}
	res, warn, err := PodResources(&Options{CPUs: "0.5", Memory: "64m", MemorySwap: "128m", CPUShares: 512, CPUSetCPUs: "0", CPUSetMems: "0"}, h)
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) != 0 {
		t.Fatalf("warnings: %q", warn)
	}
	c, m := res.CPU, res.Memory
	if c == nil || *c.Shares != 512 || c.Cpus != "0" || c.Mems != "0" || *c.Quota != 50000 || *c.Period != 100000 {
		t.Fatalf("cpu = %+v", c)
	}
	if m == nil || *m.Limit != 64<<20 || *m.Swap != 128<<20 {
		t.Fatalf("memory = %+v", m)
	}
	if res, _, err := PodResources(&Options{}, h); err != nil || res != nil {
		t.Fatalf("no flags: %+v, %v", res, err)
	}
	// No block I/O weights on the host: Podman's warning, no weight.
	res, warn, err = PodResources(&Options{BlkioWeight: 300}, &Host{NoBlkioWeight: true})
	if err != nil || len(warn) != 1 || (res != nil && res.BlockIO != nil && res.BlockIO.Weight != nil) {
		t.Fatalf("blkio weight: %+v %q %v", res, warn, err)
	}
	for _, o := range []Options{{CPUSetCPUs: "x"}, {MemorySwap: "10m"}, {BlkioWeight: 5}, {DeviceReadBps: []string{"/dev/null:1mb"}}, {CPUs: "-1"}} {
		if _, _, err := PodResources(&o, h); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if f := PodResourceFlag(&Options{DeviceWriteBps: []string{"x"}}); f != "--device-write-bps" {
		t.Fatalf("PodResourceFlag = %q", f)
	}
}
