module github.com/opencontainers/distribution-spec/specs-go

go 1.18
