module github.com/opencontainers/runtime-spec

go 1.11

require (
	github.com/opencontainers/runtime-spec/specs-go v1.2.0
)

replace github.com/opencontainers/runtime-spec/specs-go => ./specs-go
