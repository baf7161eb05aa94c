package journal

import (
	"encoding/json"
	"testing"
	"time"
)

func TestEntryLine(t *testing.T) {
	for in, want := range map[string]Line{
		`{"MESSAGE":"hello","PRIORITY":"6","__REALTIME_TIMESTAMP":"1796587120086995"}`:  {Stream: "stdout", Content: []byte("hello"), Time: time.UnixMicro(1796587120086995)},
		`{"MESSAGE":[0,255,10,65],"PRIORITY":"3","__REALTIME_TIMESTAMP":"1"}`:           {Stream: "stderr", Content: []byte{0, 255, 10, 65}, Time: time.UnixMicro(1)},
		`{"MESSAGE":"p","CONTAINER_PARTIAL_MESSAGE":"true","__REALTIME_TIMESTAMP":"2"}`: {Stream: "stdout", Content: []byte("p"), Time: time.UnixMicro(2)},
	} {
		var e entry
		if err := json.Unmarshal([]byte(in), &e); err != nil {
			t.Fatal(err)
		}
		got, ok := e.line()
		if !ok || got.Stream != want.Stream || string(got.Content) != string(want.Content) || !got.Time.Equal(want.Time) {
			t.Errorf("%s: got %+v %v, want %+v", in, got, ok, want)
		}
	}
	var e entry
	_ = json.Unmarshal([]byte(`{"MESSAGE":null}`), &e)
	if _, ok := e.line(); ok {
		t.Error("a null MESSAGE (too large for journalctl) gave a line")
	}
}
