// Command goref is the Go reference for ocigen's differential tests.
//
// It decodes documents into the upstream OCI Go types (image-spec,
// runtime-spec, runtime-spec features, distribution-spec and its extensions)
// with plain encoding/json and encodes them again, exactly as containerd,
// runc, podman, registry clients & co. do.
//
// Batch protocol (default mode): one JSON request per stdin line
//
//	{"type": "image.v1.Manifest", "doc": "<base64 of the raw JSON bytes>"}
//
// answered by one line, flushed immediately:
//
//	{"ok": true, "out": "<base64 of json.Marshal output>"}
//	{"ok": false, "error": "<json.Unmarshal (or json.Marshal) error text>"}
//
// Errors of goref itself (unknown type, bad request line) start with "goref: ".
//
// Pseudo types take a raw string as "doc" and answer {"ok": true} or
// {"ok": false, "error": "..."}; they are the checks of upstream's validator
// (image-spec schema/validator.go and the JSON Schema library it uses) that
// encoding/json does not make:
//
//	digest.Validate  go-digest's Digest(s).Validate()
//	format.uri       format "uri" as santhosh-tekuri/jsonschema v6 asserts it
//	config.Env       validateConfig's `^[^=]+=.*$` (Go regexp) for an Env entry
//
// Modes:
//
//	goref                   batch protocol above
//	goref -digest-validate  one raw digest per line; answers {"ok":..,"error":..}
//	goref -list-types       prints the registered type names, one per line
//	goref -version          prints the Go version this binary was built with
package main

import (
	"bufio"
	_ "crypto/sha256" // go-digest needs the hashes linked in (as containerd does),
	_ "crypto/sha512" // otherwise Validate() reports sha256 as unsupported.
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"

	dspec "github.com/opencontainers/distribution-spec/specs-go/v1"
	dext "github.com/opencontainers/distribution-spec/specs-go/v1/extensions"
	digest "github.com/opencontainers/go-digest"
	ispec "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	rspec "github.com/opencontainers/runtime-spec/specs-go"
	features "github.com/opencontainers/runtime-spec/specs-go/features"
)

// registry maps a type name of the protocol to a constructor returning a
// pointer to a new zero value of that Go type.
var registry = map[string]func() any{
	// image-spec specs-go
	"image.Versioned": func() any { return new(ispec.Versioned) },

	// image-spec specs-go/v1
	"image.v1.Descriptor":  func() any { return new(v1.Descriptor) },
	"image.v1.Platform":    func() any { return new(v1.Platform) },
	"image.v1.Manifest":    func() any { return new(v1.Manifest) },
	"image.v1.Index":       func() any { return new(v1.Index) },
	"image.v1.Image":       func() any { return new(v1.Image) },
	"image.v1.ImageConfig": func() any { return new(v1.ImageConfig) },
	"image.v1.RootFS":      func() any { return new(v1.RootFS) },
	"image.v1.History":     func() any { return new(v1.History) },
	"image.v1.ImageLayout": func() any { return new(v1.ImageLayout) },

	// runtime-spec specs-go: every struct of config.go, then state.go
	"runtime.Spec":                    func() any { return new(rspec.Spec) },
	"runtime.Scheduler":               func() any { return new(rspec.Scheduler) },
	"runtime.Process":                 func() any { return new(rspec.Process) },
	"runtime.LinuxCapabilities":       func() any { return new(rspec.LinuxCapabilities) },
	"runtime.LinuxIOPriority":         func() any { return new(rspec.LinuxIOPriority) },
	"runtime.CPUAffinity":             func() any { return new(rspec.CPUAffinity) },
	"runtime.Box":                     func() any { return new(rspec.Box) },
	"runtime.User":                    func() any { return new(rspec.User) },
	"runtime.Root":                    func() any { return new(rspec.Root) },
	"runtime.Mount":                   func() any { return new(rspec.Mount) },
	"runtime.Hook":                    func() any { return new(rspec.Hook) },
	"runtime.Hooks":                   func() any { return new(rspec.Hooks) },
	"runtime.Linux":                   func() any { return new(rspec.Linux) },
	"runtime.LinuxNamespace":          func() any { return new(rspec.LinuxNamespace) },
	"runtime.LinuxIDMapping":          func() any { return new(rspec.LinuxIDMapping) },
	"runtime.LinuxTimeOffset":         func() any { return new(rspec.LinuxTimeOffset) },
	"runtime.POSIXRlimit":             func() any { return new(rspec.POSIXRlimit) },
	"runtime.LinuxHugepageLimit":      func() any { return new(rspec.LinuxHugepageLimit) },
	"runtime.LinuxInterfacePriority":  func() any { return new(rspec.LinuxInterfacePriority) },
	"runtime.LinuxBlockIODevice":      func() any { return new(rspec.LinuxBlockIODevice) },
	"runtime.LinuxWeightDevice":       func() any { return new(rspec.LinuxWeightDevice) },
	"runtime.LinuxThrottleDevice":     func() any { return new(rspec.LinuxThrottleDevice) },
	"runtime.LinuxBlockIO":            func() any { return new(rspec.LinuxBlockIO) },
	"runtime.LinuxMemory":             func() any { return new(rspec.LinuxMemory) },
	"runtime.LinuxCPU":                func() any { return new(rspec.LinuxCPU) },
	"runtime.LinuxPids":               func() any { return new(rspec.LinuxPids) },
	"runtime.LinuxNetwork":            func() any { return new(rspec.LinuxNetwork) },
	"runtime.LinuxRdma":               func() any { return new(rspec.LinuxRdma) },
	"runtime.LinuxResources":          func() any { return new(rspec.LinuxResources) },
	"runtime.LinuxDevice":             func() any { return new(rspec.LinuxDevice) },
	"runtime.LinuxDeviceCgroup":       func() any { return new(rspec.LinuxDeviceCgroup) },
	"runtime.LinuxPersonality":        func() any { return new(rspec.LinuxPersonality) },
	"runtime.Solaris":                 func() any { return new(rspec.Solaris) },
	"runtime.SolarisCappedCPU":        func() any { return new(rspec.SolarisCappedCPU) },
	"runtime.SolarisCappedMemory":     func() any { return new(rspec.SolarisCappedMemory) },
	"runtime.SolarisAnet":             func() any { return new(rspec.SolarisAnet) },
	"runtime.Windows":                 func() any { return new(rspec.Windows) },
	"runtime.WindowsDevice":           func() any { return new(rspec.WindowsDevice) },
	"runtime.WindowsResources":        func() any { return new(rspec.WindowsResources) },
	"runtime.WindowsMemoryResources":  func() any { return new(rspec.WindowsMemoryResources) },
	"runtime.WindowsCPUResources":     func() any { return new(rspec.WindowsCPUResources) },
	"runtime.WindowsCPUGroupAffinity": func() any { return new(rspec.WindowsCPUGroupAffinity) },
	"runtime.WindowsStorageResources": func() any { return new(rspec.WindowsStorageResources) },
	"runtime.WindowsNetwork":          func() any { return new(rspec.WindowsNetwork) },
	"runtime.WindowsHyperV":           func() any { return new(rspec.WindowsHyperV) },
	"runtime.VM":                      func() any { return new(rspec.VM) },
	"runtime.VMHypervisor":            func() any { return new(rspec.VMHypervisor) },
	"runtime.VMKernel":                func() any { return new(rspec.VMKernel) },
	"runtime.VMImage":                 func() any { return new(rspec.VMImage) },
	"runtime.LinuxSeccomp":            func() any { return new(rspec.LinuxSeccomp) },
	"runtime.LinuxSeccompArg":         func() any { return new(rspec.LinuxSeccompArg) },
	"runtime.LinuxSyscall":            func() any { return new(rspec.LinuxSyscall) },
	"runtime.LinuxIntelRdt":           func() any { return new(rspec.LinuxIntelRdt) },
	"runtime.ZOS":                     func() any { return new(rspec.ZOS) },
	"runtime.ZOSNamespace":            func() any { return new(rspec.ZOSNamespace) },
	"runtime.State":                   func() any { return new(rspec.State) },
	"runtime.ContainerProcessState":   func() any { return new(rspec.ContainerProcessState) },
	"runtime.LinuxNetDevice":          func() any { return new(rspec.LinuxNetDevice) },
	"runtime.LinuxMemoryPolicy":       func() any { return new(rspec.LinuxMemoryPolicy) },
	"runtime.HWConfig":                func() any { return new(rspec.HWConfig) },
	"runtime.IOMems":                  func() any { return new(rspec.IOMems) },
	"runtime.FreeBSD":                 func() any { return new(rspec.FreeBSD) },
	"runtime.FreeBSDDevice":           func() any { return new(rspec.FreeBSDDevice) },
	"runtime.FreeBSDJail":             func() any { return new(rspec.FreeBSDJail) },
	"runtime.FreeBSDJailAllow":        func() any { return new(rspec.FreeBSDJailAllow) },

	// runtime-spec specs-go/features
	"runtime.features.Features":        func() any { return new(features.Features) },
	"runtime.features.Linux":           func() any { return new(features.Linux) },
	"runtime.features.Cgroup":          func() any { return new(features.Cgroup) },
	"runtime.features.Seccomp":         func() any { return new(features.Seccomp) },
	"runtime.features.Apparmor":        func() any { return new(features.Apparmor) },
	"runtime.features.Selinux":         func() any { return new(features.Selinux) },
	"runtime.features.IntelRdt":        func() any { return new(features.IntelRdt) },
	"runtime.features.MountExtensions": func() any { return new(features.MountExtensions) },
	"runtime.features.IDMap":           func() any { return new(features.IDMap) },
	"runtime.features.MemoryPolicy":    func() any { return new(features.MemoryPolicy) },
	"runtime.features.NetDevices":      func() any { return new(features.NetDevices) },

	// distribution-spec specs-go/v1 (specs-go itself has no struct)
	"distribution.v1.ErrorResponse":  func() any { return new(dspec.ErrorResponse) },
	"distribution.v1.ErrorInfo":      func() any { return new(dspec.ErrorInfo) },
	"distribution.v1.RepositoryList": func() any { return new(dspec.RepositoryList) },
	"distribution.v1.TagList":        func() any { return new(dspec.TagList) },

	// distribution-spec specs-go/v1/extensions
	"distribution.v1.extensions.ExtensionList": func() any { return new(dext.ExtensionList) },
	"distribution.v1.extensions.Extension":     func() any { return new(dext.Extension) },
}

type request struct {
	Type string `json:"type"`
	Doc  []byte `json:"doc"` // base64 (standard, padded) in the request line
}

type response struct {
	OK    bool   `json:"ok"`
	Out   []byte `json:"out,omitempty"`
	Error string `json:"error,omitempty"`
}

func roundtrip(typ string, doc []byte) response {
	switch typ {
	case "digest.Validate":
		return validateDigest(string(doc))
	case "format.uri":
		return validateURIFormat(string(doc))
	case "config.Env":
		if envRegexp.MatchString(string(doc)) {
			return response{OK: true}
		}
		return response{Error: "unexpected env: " + string(doc)}
	}
	ctor, ok := registry[typ]
	if !ok {
		return response{Error: "goref: unknown type " + typ}
	}
	v := ctor()
	if err := json.Unmarshal(doc, v); err != nil {
		return response{Error: err.Error()}
	}
	out, err := json.Marshal(v)
	if err != nil {
		// e.g. a *time.Time that parsed but cannot be written (offset +24:00)
		return response{Error: err.Error()}
	}
	return response{OK: true, Out: out}
}

func validateDigest(s string) response {
	if err := digest.Digest(s).Validate(); err != nil {
		return response{Error: err.Error()}
	}
	return response{OK: true}
}

// validateURIFormat follows santhosh-tekuri/jsonschema v6 (format.go
// validateURI, parseURL): url.Parse succeeds, the URL is absolute, and a host
// name containing ':' is bracketed and parses as an IPv6 address
// (netip.ParseAddr) without a zone.
func validateURIFormat(s string) response {
	u, err := url.Parse(s)
	if err != nil {
		return response{Error: err.Error()}
	}
	if name := u.Hostname(); strings.Contains(name, ":") {
		if !strings.Contains(u.Host, "[") || !strings.Contains(u.Host, "]") {
			return response{Error: "ipv6 address not enclosed in brackets"}
		}
		addr, err := netip.ParseAddr(name)
		if err != nil {
			return response{Error: "invalid ipv6 address: " + err.Error()}
		}
		if addr.Zone() != "" {
			return response{Error: "invalid ipv6 address: zone id is not a part of ipv6 address"}
		}
	}
	if !u.IsAbs() {
		return response{Error: "relative url"}
	}
	return response{OK: true}
}

// As image-spec schema/validator.go validateConfig checks config.Env entries.
var envRegexp = regexp.MustCompile(`^[^=]+=.*$`)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goref:", err)
	os.Exit(2)
}

// lines calls fn for every line of stdin (without its trailing "\n"),
// writing and flushing fn's answer as one line of JSON.
func lines(fn func(line []byte) response) {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			line = line[:len(line)-1]
		} else if err == io.EOF && len(line) == 0 {
			return
		}
		if err != nil && err != io.EOF {
			fail(err)
		}
		b, merr := json.Marshal(fn(line))
		if merr != nil {
			fail(merr)
		}
		out.Write(b)
		out.WriteByte('\n')
		if ferr := out.Flush(); ferr != nil {
			fail(ferr)
		}
		if err == io.EOF {
			return
		}
	}
}

func main() {
	digestMode := flag.Bool("digest-validate", false, "validate one raw digest per stdin line with go-digest")
	listTypes := flag.Bool("list-types", false, "print the registered type names")
	version := flag.Bool("version", false, "print the Go version goref was built with")
	flag.Parse()

	switch {
	case *version:
		fmt.Println(runtime.Version())
	case *listTypes:
		names := make([]string, 0, len(registry))
		for name := range registry {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			fmt.Println(name)
		}
	case *digestMode:
		lines(func(line []byte) response { return validateDigest(string(line)) })
	default:
		lines(func(line []byte) response {
			var req request
			if err := json.Unmarshal(line, &req); err != nil {
				return response{Error: "goref: bad request: " + err.Error()}
			}
			return roundtrip(req.Type, req.Doc)
		})
	}
}
