// Package digest stands in for the minispec's external "example.com/digest"
// (mapped to a string in its ocigen.toml), so that its Go types build.
package digest

// Digest is a string, like go-digest's.
type Digest string
