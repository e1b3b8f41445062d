// Command gozero is the Go reference for ocigen's omitzero tests (Go >= 1.24).
//
// It decodes documents into the Go types of two fixtures with plain
// encoding/json and encodes them again: image-spec's main branch
// (tests/workflow/fixtures/image-spec-main, where Image.Config is omitzero)
// and the generator tests' minispec (Settings: an omitzero field of every kind).
//
// stdin: one JSON array of requests {"type": "...", "doc": "<base64>"};
// stdout: {"go": "<runtime.Version()>", "results": [{"ok": true, "out":
// "<base64 of json.Marshal output>"} or {"ok": false, "error": "..."}, ...]}.
package main

import (
	"encoding/json"
	"os"
	"runtime"

	mini "example.com/mini/specs-go/v1"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

var registry = map[string]func() any{
	"image.v1.Image":       func() any { return new(v1.Image) },
	"image.v1.ImageConfig": func() any { return new(v1.ImageConfig) },
	"image.v1.Descriptor":  func() any { return new(v1.Descriptor) },
	"mini.v1.Settings":     func() any { return new(mini.Settings) },
	"mini.v1.Limits":       func() any { return new(mini.Limits) },
}

type request struct {
	Type string `json:"type"`
	Doc  []byte `json:"doc"`
}

type result struct {
	OK    bool   `json:"ok"`
	Out   []byte `json:"out,omitempty"`
	Error string `json:"error,omitempty"`
}

func roundtrip(req request) result {
	ctor, ok := registry[req.Type]
	if !ok {
		return result{Error: "gozero: unknown type " + req.Type}
	}
	v := ctor()
	if err := json.Unmarshal(req.Doc, v); err != nil {
		return result{Error: err.Error()}
	}
	out, err := json.Marshal(v)
	if err != nil {
		return result{Error: err.Error()}
	}
	return result{OK: true, Out: out}
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		os.Stderr.WriteString("gozero: bad request: " + err.Error() + "\n")
		os.Exit(2)
	}
	results := make([]result, len(reqs))
	for i, req := range reqs {
		results[i] = roundtrip(req)
	}
	answer := struct {
		Go      string   `json:"go"`
		Results []result `json:"results"`
	}{runtime.Version(), results}
	if err := json.NewEncoder(os.Stdout).Encode(answer); err != nil {
		os.Exit(2)
	}
}
