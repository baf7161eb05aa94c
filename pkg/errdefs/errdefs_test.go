package errdefs

import (
	"errors"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{fmt.Errorf("x: %w", ErrInvalidArgument), ExitEngine},
		{fmt.Errorf("crun: no such file: %w", ErrCommandNotFound), ExitCommandNotFound},
		{fmt.Errorf("crun: denied: %w", ErrPermission), ExitCannotInvoke},
		{&ExitCodeError{Code: 42}, 42},
		{fmt.Errorf("wrapped: %w", &ExitCodeError{Code: 3, Err: errors.New("x")}), 3},
		{fmt.Errorf("no container: %w", ErrNoSuchContainer), ExitEngine},
	}
	for _, c := range cases {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	if !errors.Is(fmt.Errorf("x: %w", ErrNoSuchContainer), ErrNotFound) {
		t.Error("ErrNoSuchContainer is not an ErrNotFound")
	}
	if errors.Is(ErrNoSuchImage, ErrAlreadyExists) {
		t.Error("ErrNoSuchImage is an ErrAlreadyExists")
	}
	if got := fmt.Errorf("no container with name x found: %w", ErrNoSuchContainer).Error(); got != "no container with name x found: no such container" {
		t.Errorf("text %q", got)
	}
}

func TestWithClassKeepsText(t *testing.T) {
	base := fmt.Errorf("s1: %w", errors.New("secret name in use"))
	err := WithClass(base, ErrAlreadyExists)
	if err.Error() != "s1: secret name in use" {
		t.Errorf("text changed: %q", err)
	}
	if !errors.Is(err, ErrAlreadyExists) || !errors.Is(err, base) || errors.Is(err, ErrNotFound) {
		t.Errorf("classes of %v are wrong", err)
	}
	if WithClass(nil, ErrNotFound) != nil {
		t.Error("nil must stay nil")
	}
}
