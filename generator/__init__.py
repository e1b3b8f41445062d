"""ocigen: generate the ``oci_spec`` Python package from the vendored OCI specs."""
