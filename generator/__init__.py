"""ocigen: generate a typed Python package from the vendored OCI specs."""
