package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/pod-engine/pod/pkg/errdefs"
)

func TestCheckRefused(t *testing.T) {
	cases := []struct {
		args []string
		frag string // "" = accepted
	}{
		{nil, ""},
		{[]string{"--ip6", "fd00::1"}, "--ip6 is not supported yet"},
	}
	for _, c := range cases {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		registerRefused(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		err := checkRefused(fs)
		switch {
		case c.frag == "" && err != nil:
			t.Errorf("%q: %v", c.args, err)
		case c.frag != "" && (err == nil || !strings.Contains(err.Error(), c.frag) || !errors.Is(err, errdefs.ErrNotImplemented)):
			t.Errorf("%q: got %v, want %q (ErrNotImplemented)", c.args, err, c.frag)
		}
	}
}
