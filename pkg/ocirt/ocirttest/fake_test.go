package ocirttest

import (
	"testing"

	"github.com/pod-engine/pod/pkg/ocirt"
)

// TestFakeConformance runs the fake kind, registered as libpod registers
// kinds, through the suite every real kind passes. It needs no root.
func TestFakeConformance(t *testing.T) {
	fake := NewFake()
	t.Cleanup(fake.Close)
	reg := ocirt.NewRegistry(ocirt.Config{}, fake)
	RunRegistered(t, reg, FakeName, Config{})
}
