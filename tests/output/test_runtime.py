"""Tests of the generated ``oci_spec.runtime`` package against realistic documents.

Fixtures (tests/output/fixtures/runtime/):

* ``config.json``          what ``runc spec`` writes (runc 1.2, ociVersion bumped to 1.2.1)
* ``config-seccomp.json``  a Linux config with a full seccomp profile and most Linux knobs
* ``config-windows.json``  a Windows (Hyper-V, gMSA) config
* ``config-solaris.json``  a Solaris zone config
* ``config-vm.json``       a VM-based (kata-like) config
* ``config-zos.json``      a z/OS config
* ``state.json``           ``runc state`` output
* ``features.json``        ``runc features`` output

Round trips compare ``json.loads(x.to_json())`` with the fixture, after removing
exactly the members Go's ``encoding/json`` would not write back (listed per
fixture in ``GO_DROPS`` with the reason).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oci_spec import ValidationError
from oci_spec.runtime import (
    VERSION,
    Arch,
    ContainerState,
    Hooks,
    IOPriorityClass,
    Linux,
    LinuxCapabilities,
    LinuxMemory,
    LinuxNamespace,
    LinuxNamespaceType,
    LinuxSeccomp,
    LinuxSeccompAction,
    LinuxSeccompOperator,
    LinuxSyscall,
    Process,
    Root,
    Spec,
    State,
    User,
    VMImage,
    ZOSNamespaceType,
)
from oci_spec.runtime.features import Features

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "runtime"

# fixture -> (model class, schema file)
DOCS: dict[str, tuple[type[Any], str]] = {
    "config.json": (Spec, "config-schema.json"),
    "config-seccomp.json": (Spec, "config-schema.json"),
    "config-windows.json": (Spec, "config-schema.json"),
    "config-solaris.json": (Spec, "config-schema.json"),
    "config-vm.json": (Spec, "config-schema.json"),
    "config-zos.json": (Spec, "config-schema.json"),
    "state.json": (State, "state-schema.json"),
    "features.json": (Features, "features-schema.json"),
}

# Members of the fixtures that Go's encoding/json does not write back: each is
# the zero value of a Go field tagged `omitempty` (bool false, "" , 0, empty
# slice).  Paths are key/index sequences into the fixture.
GO_DROPS: dict[str, list[tuple[tuple[str | int, ...], str]]] = {
    "config-seccomp.json": [
        (("process", "terminal"), "Terminal bool `json:\"terminal,omitempty\"`"),
        (("process", "capabilities", "effective"), "[]string omitempty: empty slice"),
        (("process", "capabilities", "inheritable"), "[]string omitempty: empty slice"),
        (("process", "capabilities", "ambient"), "[]string omitempty: empty slice"),
        (
            ("linux", "seccomp", "syscalls", 3, "args", 0, "valueTwo"),
            "ValueTwo uint64 `json:\"valueTwo,omitempty\"`",
        ),
        (
            ("linux", "timeOffsets", "boottime", "nanosecs"),
            "Nanosecs uint32 `json:\"nanosecs,omitempty\"`",
        ),
    ],
    "config-solaris.json": [
        (("process", "terminal"), "bool omitempty"),
        (("root", "readonly"), "Readonly bool `json:\"readonly,omitempty\"`"),
    ],
    "config-windows.json": [
        (("windows", "servicing"), "Servicing bool `json:\"servicing,omitempty\"`"),
        (("mounts", 0, "type"), "Type string `json:\"type,omitempty\"`"),
    ],
    "config-zos.json": [(("process", "terminal"), "bool omitempty")],
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text("utf-8"))
    return data


def go_expected(name: str) -> dict[str, Any]:
    doc = load(name)
    for path, _reason in GO_DROPS.get(name, []):
        parent: Any = doc
        for seg in path[:-1]:
            parent = parent[seg]
        del parent[path[-1]]
    return doc


def parse(name: str, doc: Any) -> Any:
    cls = DOCS[name][0]
    return cls.from_json(json.dumps(doc))


# --- fixtures: schema-valid, parse, validate, round trip -----------------------


@pytest.mark.parametrize("name", sorted(DOCS))
def test_fixture_is_schema_valid(name: str, runtime_schema: Callable[[str], Any]) -> None:
    errors = [e.message for e in runtime_schema(DOCS[name][1]).iter_errors(load(name))]
    assert errors == []


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.json")) == sorted(DOCS)


@pytest.mark.parametrize("name", sorted(DOCS))
def test_fixture_round_trip(name: str) -> None:
    cls = DOCS[name][0]
    raw = (FIXTURES / name).read_bytes()
    obj = cls.from_json(raw)
    obj.validate()
    assert json.loads(obj.to_json()) == go_expected(name)
    # str input, from_dict and to_dict agree with the bytes path
    assert cls.from_json(raw.decode("utf-8")) == obj
    assert cls.from_dict(load(name)) == obj
    assert json.loads(json.dumps(obj.to_dict())) == json.loads(obj.to_json())
    # the output is a fixed point
    again = cls.from_json(obj.to_json())
    assert again.to_json() == obj.to_json()
    if name not in GO_DROPS:
        assert again == obj


@pytest.mark.parametrize("name", sorted(GO_DROPS))
def test_go_drops_are_zero_values_that_parse_the_same(name: str) -> None:
    # The dropped members carry no information Go keeps: the normalised document
    # serializes to the same bytes.  (Python keeps [] and None apart, as Go keeps
    # an empty slice and nil apart in memory, so the values need not be equal.)
    assert parse(name, go_expected(name)).to_json() == parse(name, load(name)).to_json()


def test_absent_process_user_is_written_as_go_zero_struct() -> None:
    # Process.User is a struct value without omitempty: Go always writes it,
    # and User.UID/GID have no omitempty either.
    spec = Spec.from_json('{"ociVersion":"1.2.1","process":{"cwd":"/"}}')
    assert spec.process is not None
    assert spec.process.user == User()
    out = json.loads(spec.to_json())
    assert out["process"]["user"] == {"uid": 0, "gid": 0}


def test_windows_username_only_user_gains_uid_gid() -> None:
    doc = load("config-windows.json")
    doc["process"]["user"] = {"username": "ContainerUser"}
    out = json.loads(parse("config-windows.json", doc).to_json())
    assert out["process"]["user"] == {"uid": 0, "gid": 0, "username": "ContainerUser"}


def test_vm_without_image_writes_what_go_writes_which_the_schema_rejects() -> None:
    # Upstream inconsistency (lint: value-struct-optional VM.image): VM.image is
    # a Go struct value, so encoding/json always writes it, even empty, and the
    # schema's format enum rejects the empty value.  We keep Go's bytes and say so.
    spec = Spec.from_json('{"ociVersion":"1.2.1","vm":{"kernel":{"path":"/k"}}}')
    assert b'"image":{"path":"","format":""}' in spec.to_json()
    with pytest.raises(ValidationError) as info:
        spec.validate()
    assert info.value.path == "vm.image.format"
    lint = (Path(__file__).resolve().parents[2] / "generated/lint/runtime-spec.txt").read_text()
    assert "value-struct-optional: VM.image:" in lint


def test_vm_struct_values_are_written_like_go() -> None:
    spec = Spec.from_json('{"ociVersion":"1.2.1","vm":{"kernel":{"path":"/k"}}}')
    assert spec.vm is not None
    assert spec.vm.image == VMImage(path="", format="")
    assert json.loads(spec.to_json())["vm"] == {
        "hypervisor": {"path": ""},
        "kernel": {"path": "/k"},
        "image": {"path": "", "format": ""},
    }


# --- typed access ----------------------------------------------------------------


def test_runc_spec_typed_access() -> None:
    spec = Spec.from_json((FIXTURES / "config.json").read_bytes())
    assert spec.oci_version == "1.2.1"
    assert VERSION == "1.3.0"
    p = spec.process
    assert isinstance(p, Process)
    assert p.terminal is True
    assert p.user.uid == 0 and p.user.gid == 0 and p.user.umask is None
    assert p.args == ["sh"]
    assert p.cwd == "/"
    assert p.no_new_privileges is True
    assert p.oom_score_adj is None
    caps = p.capabilities
    assert isinstance(caps, LinuxCapabilities)
    default_caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    assert caps.bounding == caps.effective == caps.permitted == default_caps
    assert caps.inheritable is None and caps.ambient is None
    assert p.rlimits is not None
    assert (p.rlimits[0].type, p.rlimits[0].hard, p.rlimits[0].soft) == (
        "RLIMIT_NOFILE",
        1024,
        1024,
    )
    assert spec.root == Root(path="rootfs", readonly=True)
    assert spec.hostname == "runc"
    assert spec.mounts is not None
    assert [m.destination for m in spec.mounts] == [
        "/proc",
        "/dev",
        "/dev/pts",
        "/dev/shm",
        "/dev/mqueue",
        "/sys",
        "/sys/fs/cgroup",
    ]
    assert spec.mounts[2].type == "devpts"
    assert spec.mounts[0].options is None
    linux = spec.linux
    assert isinstance(linux, Linux)
    assert linux.namespaces is not None
    ns0 = linux.namespaces[0]
    assert ns0.type is LinuxNamespaceType.PID_NAMESPACE
    assert ns0.type == "pid"
    assert [n.type for n in linux.namespaces] == [
        "pid",
        "network",
        "ipc",
        "uts",
        "mount",
        "cgroup",
    ]
    assert all(isinstance(n.type, LinuxNamespaceType) for n in linux.namespaces)
    assert linux.resources is not None and linux.resources.devices is not None
    dev = linux.resources.devices[0]
    assert (dev.allow, dev.access, dev.type, dev.major, dev.minor) == (
        False,
        "rwm",
        "",
        None,
        None,
    )
    assert linux.masked_paths is not None and "/proc/kcore" in linux.masked_paths
    assert linux.readonly_paths == [
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
    ]
    assert spec.windows is None and spec.vm is None and spec.unknown_fields is None


def test_seccomp_typed_access() -> None:
    spec = Spec.from_json((FIXTURES / "config-seccomp.json").read_bytes())
    assert spec.linux is not None
    sc = spec.linux.seccomp
    assert isinstance(sc, LinuxSeccomp)
    assert sc.default_action is LinuxSeccompAction.ACT_ERRNO
    assert sc.default_action == "SCMP_ACT_ERRNO"
    assert sc.default_errno_ret == 1
    assert sc.architectures == [Arch.X86_64, Arch.X86, Arch.X32]
    assert sc.flags == ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]
    assert sc.syscalls is not None
    first = sc.syscalls[0]
    assert isinstance(first, LinuxSyscall)
    assert first.action is LinuxSeccompAction.ACT_ALLOW
    assert "futex" in first.names and first.args is None and first.errno_ret is None
    clone = sc.syscalls[3]
    assert clone.args is not None
    assert clone.args[0].op is LinuxSeccompOperator.OP_MASKED_EQUAL
    assert (clone.args[0].index, clone.args[0].value, clone.args[0].value_two) == (
        0,
        2114060288,
        0,
    )
    sock = sc.syscalls[4]
    assert sock.errno_ret == 97
    assert sock.args is not None
    assert [a.op for a in sock.args] == ["SCMP_CMP_NE", "SCMP_CMP_LE"]
    assert sc.syscalls[-1].args is not None
    assert sc.syscalls[-1].args[2].value == 2**64 - 1
    assert sc.listener_path == "/run/seccomp-agent.socket"


def test_linux_knobs_typed_access() -> None:
    spec = Spec.from_json((FIXTURES / "config-seccomp.json").read_bytes())
    p = spec.process
    assert p is not None
    assert p.user.umask == 18 and p.user.additional_gids == [5, 6]
    assert p.console_size is not None and p.console_size.width == 80
    assert p.scheduler is not None and p.scheduler.policy == "SCHED_BATCH"
    assert p.scheduler.nice == -5
    assert p.io_priority is not None
    assert p.io_priority.class_ is IOPriorityClass.IOPRIO_CLASS_BE
    assert p.exec_cpu_affinity is not None and p.exec_cpu_affinity.final == "0-3,7"
    assert p.capabilities is not None
    assert p.capabilities.effective == []  # explicit empty list kept in Python
    assert p.rlimits is not None and p.rlimits[1].hard == 2**64 - 1
    assert spec.hooks is not None
    assert isinstance(spec.hooks, Hooks)
    assert spec.hooks.prestart is not None and spec.hooks.prestart[0].timeout == 5
    assert spec.hooks.create_runtime is not None
    assert spec.hooks.create_runtime[0].timeout is None
    assert spec.hooks.poststart is None
    linux = spec.linux
    assert linux is not None and linux.resources is not None
    r = linux.resources
    assert r.memory is not None
    assert r.memory.limit == 536870912
    assert r.memory.reservation == 0 and r.memory.swappiness == 0
    assert r.memory.disable_oom_killer is False and r.memory.kernel is None
    assert r.cpu is not None and r.cpu.idle == 0 and r.cpu.burst is None
    assert r.pids is not None and r.pids.limit == 128
    assert r.block_io is not None and r.block_io.throttle_read_bps_device is not None
    assert r.block_io.throttle_read_bps_device[0].rate == 104857600
    assert r.hugepage_limits is not None and r.hugepage_limits[0].page_size == "2MB"
    assert r.rdma is not None and r.rdma["mlx5_1"].hca_objects == 10000
    assert r.unified == {"io.max": "8:0 rbps=1048576", "memory.high": "500M"}
    assert linux.uid_mappings is not None and linux.uid_mappings[0].host_id == 100000
    assert linux.time_offsets is not None
    assert linux.time_offsets["boottime"].secs == -3600
    assert linux.intel_rdt is not None and linux.intel_rdt.enable_monitoring is True
    assert linux.intel_rdt.schemata == ["L2:0=ff"]
    assert linux.personality is not None and linux.personality.domain == "LINUX"
    assert linux.devices is not None and linux.devices[0].file_mode == 0o666
    assert linux.namespaces is not None
    assert linux.namespaces[1].path == "/var/run/netns/neta"
    assert spec.mounts is not None and spec.mounts[1].uid_mappings is not None


def test_other_platform_typed_access() -> None:
    win = Spec.from_json((FIXTURES / "config-windows.json").read_bytes())
    assert win.windows is not None
    assert win.windows.layer_folders[0] == "C:\\Layers\\layer2"
    assert win.windows.hyperv is not None
    assert win.windows.hyperv.utility_vm_path == "C:\\path\\to\\utilityvm"
    assert win.windows.network is not None
    assert win.windows.network.dns_search_list == ["a.com", "b.com"]
    assert win.windows.resources is not None
    assert win.windows.resources.storage is not None
    assert win.windows.resources.storage.sandbox_size == 21474836480
    assert isinstance(win.windows.credential_spec, dict)
    assert win.process is not None and win.process.user.username == "ContainerUser"
    sol = Spec.from_json((FIXTURES / "config-solaris.json").read_bytes())
    assert sol.solaris is not None and sol.solaris.anet is not None
    assert sol.solaris.anet[0].lower_link == "net2"
    assert sol.solaris.capped_memory is not None
    assert sol.solaris.capped_memory.swap == "512m"
    vm = Spec.from_json((FIXTURES / "config-vm.json").read_bytes())
    assert vm.vm is not None and vm.vm.kernel.initrd.endswith("kata-initrd.img")
    assert vm.vm.image.format == "raw"
    zos = Spec.from_json((FIXTURES / "config-zos.json").read_bytes())
    assert zos.zos is not None and zos.zos.namespaces is not None
    assert zos.zos.namespaces[0].type is ZOSNamespaceType.ZOSPID_NAMESPACE
    assert zos.hooks is not None and zos.hooks.start_container is not None


def test_features_typed_access() -> None:
    f = Features.from_json((FIXTURES / "features.json").read_bytes())
    assert (f.oci_version_min, f.oci_version_max) == ("1.0.0", "1.2.1")
    assert f.hooks is not None and "createRuntime" in f.hooks
    assert f.mount_options is not None and "idmap" in f.mount_options
    lin = f.linux
    assert lin is not None
    assert lin.namespaces is not None and "time" in lin.namespaces
    assert lin.capabilities is not None and lin.capabilities[0] == "CAP_CHOWN"
    assert lin.cgroup is not None and lin.cgroup.systemd_user is True
    assert lin.seccomp is not None and lin.seccomp.enabled is True
    assert lin.seccomp.actions is not None and "SCMP_ACT_NOTIFY" in lin.seccomp.actions
    assert lin.seccomp.known_flags is not None
    assert lin.apparmor is not None and lin.apparmor.enabled is True
    assert lin.mount_extensions is not None and lin.mount_extensions.idmap is not None
    assert lin.mount_extensions.idmap.enabled is True
    assert f.annotations is not None
    assert f.annotations["org.opencontainers.runc.version"] == "1.2.1"
    assert f.potentially_unsafe_config_annotations == [
        "bundle",
        "org.systemd.property.",
        "org.criu.config",
    ]


def test_features_optional_bools_keep_false_and_absent_apart() -> None:
    f = Features.from_json(
        '{"ociVersionMin":"1.0.0","ociVersionMax":"1.2.1",'
        '"linux":{"cgroup":{"v1":false},"selinux":{}}}'
    )
    assert f.linux is not None and f.linux.cgroup is not None
    assert f.linux.cgroup.v1 is False and f.linux.cgroup.v2 is None
    assert json.loads(f.to_json())["linux"] == {"cgroup": {"v1": False}, "selinux": {}}


# --- pointer-to-scalar fields: absent vs explicit zero ----------------------------


def memory_doc(memory: dict[str, Any]) -> dict[str, Any]:
    doc = load("config.json")
    doc["linux"]["resources"]["memory"] = memory
    return doc


def test_memory_limit_absent_is_none() -> None:
    spec = parse("config.json", memory_doc({}))
    assert spec.linux.resources.memory == LinuxMemory()
    assert spec.linux.resources.memory.limit is None
    assert json.loads(spec.to_json())["linux"]["resources"]["memory"] == {}


def test_memory_limit_explicit_zero_round_trips() -> None:
    spec = parse("config.json", memory_doc({"limit": 0, "swap": -1}))
    mem = spec.linux.resources.memory
    assert mem.limit == 0 and mem.limit is not None and mem.swap == -1
    assert json.loads(spec.to_json())["linux"]["resources"]["memory"] == {
        "limit": 0,
        "swap": -1,
    }


def test_memory_limit_zero_built_in_python_is_written() -> None:
    spec = parse("config.json", load("config.json"))
    spec.linux.resources.memory = LinuxMemory(limit=0, disable_oom_killer=False)
    spec.validate()
    assert json.loads(spec.to_json())["linux"]["resources"]["memory"] == {
        "limit": 0,
        "disableOOMKiller": False,
    }


def test_oom_score_adj_zero_kept() -> None:
    doc = load("config.json")
    doc["process"]["oomScoreAdj"] = 0
    spec = parse("config.json", doc)
    assert spec.process.oom_score_adj == 0
    assert json.loads(spec.to_json())["process"]["oomScoreAdj"] == 0
    del doc["process"]["oomScoreAdj"]
    assert "oomScoreAdj" not in json.loads(parse("config.json", doc).to_json())["process"]


def test_umask_zero_kept_and_uid_zero_written() -> None:
    doc = load("config.json")
    doc["process"]["user"] = {"umask": 0}
    spec = parse("config.json", doc)
    assert spec.process.user.umask == 0
    assert json.loads(spec.to_json())["process"]["user"] == {"uid": 0, "gid": 0, "umask": 0}


# --- integer bounds ---------------------------------------------------------------


def rlimit_doc(hard: Any) -> dict[str, Any]:
    doc = load("config.json")
    doc["process"]["rlimits"][0]["hard"] = hard
    return doc


def test_uint64_full_range_accepted() -> None:
    spec = parse("config.json", rlimit_doc(2**64 - 1))
    assert spec.process.rlimits[0].hard == 18446744073709551615
    assert b'"hard":18446744073709551615' in spec.to_json()


def test_uint64_overflow_rejected() -> None:
    with pytest.raises(ValidationError) as ei:
        parse("config.json", rlimit_doc(2**64))
    assert ei.value.path == "process.rlimits[0].hard"


def test_uint64_negative_rejected() -> None:
    with pytest.raises(ValidationError) as ei:
        parse("config.json", rlimit_doc(-1))
    assert ei.value.path == "process.rlimits[0].hard"


def scheduler_doc(nice: int) -> dict[str, Any]:
    doc = load("config.json")
    doc["process"]["scheduler"] = {"policy": "SCHED_OTHER", "nice": nice}
    return doc


@pytest.mark.parametrize("nice", [-(2**31), 2**31 - 1])
def test_int32_bounds_accepted(nice: int) -> None:
    spec = parse("config.json", scheduler_doc(nice))
    assert spec.process.scheduler.nice == nice
    assert json.loads(spec.to_json())["process"]["scheduler"]["nice"] == nice


@pytest.mark.parametrize("nice", [-(2**31) - 1, 2**31])
def test_int32_bounds_rejected(nice: int) -> None:
    with pytest.raises(ValidationError) as ei:
        parse("config.json", scheduler_doc(nice))
    assert ei.value.path == "process.scheduler.nice"


def test_validate_checks_values_built_in_python() -> None:
    spec = parse("config.json", load("config.json"))
    spec.process.user.uid = 2**32
    with pytest.raises(ValidationError) as ei:
        spec.validate()
    assert ei.value.path == "process.user.uid"
    spec.process.user.uid = 2**32 - 1
    spec.validate()


# --- invalid variants -------------------------------------------------------------

_DEL = object()


def mutate(name: str, path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    doc = load(name)
    parent: Any = doc
    for seg in path[:-1]:
        parent = parent[seg]
    if value is _DEL:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


# (id, fixture, path to change, new value (or _DEL), expected ValidationError.path)
INVALID: list[tuple[str, str, tuple[str | int, ...], Any, str]] = [
    ("credentialSpec-not-object", "config-windows.json", ("windows", "credentialSpec"), "gmsa-spec", "windows.credentialSpec"),
    ("bad-namespace-type", "config.json", ("linux", "namespaces", 0, "type"), "pidx", "linux.namespaces[0].type"),
    ("zos-namespace-in-linux", "config-zos.json", ("zos", "namespaces", 1, "type"), "network", "zos.namespaces[1].type"),
    ("negative-uid", "config.json", ("process", "user", "uid"), -1, "process.user.uid"),
    ("uid-uint32-overflow", "config.json", ("process", "user", "uid"), 2**32, "process.user.uid"),
    ("gid-uint32-overflow", "config-seccomp.json", ("process", "user", "additionalGids", 1), 2**32, "process.user.additionalGids[1]"),
    ("errnoRet-uint32-overflow", "config-seccomp.json", ("linux", "seccomp", "syscalls", 4, "errnoRet"), 4294967296, "linux.seccomp.syscalls[4].errnoRet"),
    ("unknown-seccomp-action", "config-seccomp.json", ("linux", "seccomp", "syscalls", 1, "action"), "SCMP_ACT_BOGUS", "linux.seccomp.syscalls[1].action"),
    ("unknown-default-action", "config-seccomp.json", ("linux", "seccomp", "defaultAction"), "SCMP_ACT_ALLOW_ALL", "linux.seccomp.defaultAction"),
    ("missing-default-action", "config-seccomp.json", ("linux", "seccomp", "defaultAction"), _DEL, "linux.seccomp.defaultAction"),
    ("unknown-seccomp-operator", "config-seccomp.json", ("linux", "seccomp", "syscalls", 4, "args", 1, "op"), "SCMP_CMP_LIKE", "linux.seccomp.syscalls[4].args[1].op"),
    ("unknown-seccomp-arch", "config-seccomp.json", ("linux", "seccomp", "architectures", 2), "SCMP_ARCH_Z80", "linux.seccomp.architectures[2]"),
    ("unknown-seccomp-flag", "config-seccomp.json", ("linux", "seccomp", "flags", 0), "SECCOMP_FILTER_FLAG_FAST", "linux.seccomp.flags[0]"),
    ("empty-syscall-names", "config-seccomp.json", ("linux", "seccomp", "syscalls", 5, "names"), [], "linux.seccomp.syscalls[5].names"),
    ("seccomp-arg-value-string", "config-seccomp.json", ("linux", "seccomp", "syscalls", 1, "args", 0, "value"), "0", "linux.seccomp.syscalls[1].args[0].value"),
    ("missing-ociVersion", "config.json", ("ociVersion",), _DEL, "ociVersion"),
    ("ociVersion-number", "config.json", ("ociVersion",), 1.2, "ociVersion"),
    ("string-for-int", "config.json", ("process", "rlimits", 0, "hard"), "1024", "process.rlimits[0].hard"),
    ("float-for-int", "config.json", ("process", "rlimits", 0, "soft"), 1024.5, "process.rlimits[0].soft"),
    ("integral-float-for-int", "config.json", ("process", "rlimits", 0, "soft"), 1024.0, "process.rlimits[0].soft"),
    ("bool-for-int", "config.json", ("process", "user", "gid"), True, "process.user.gid"),
    ("capabilities-not-a-list", "config.json", ("process", "capabilities", "bounding"), "CAP_KILL", "process.capabilities.bounding"),
    ("capabilities-object", "config.json", ("process", "capabilities"), ["CAP_KILL"], "process.capabilities"),
    ("capability-not-a-string", "config.json", ("process", "capabilities", "permitted", 2), 12, "process.capabilities.permitted[2]"),
    ("null-args", "config.json", ("process", "args"), None, "process.args"),
    ("null-hostname", "config.json", ("hostname",), None, "hostname"),
    ("null-process", "config.json", ("process",), None, "process"),
    ("null-namespace-item", "config.json", ("linux", "namespaces", 3), None, "linux.namespaces[3]"),
    ("null-memory-limit", "config-seccomp.json", ("linux", "resources", "memory", "limit"), None, "linux.resources.memory.limit"),
    ("null-oomScoreAdj", "config-seccomp.json", ("process", "oomScoreAdj"), None, "process.oomScoreAdj"),
    ("null-annotation-value", "config-seccomp.json", ("annotations", "com.example.key1"), None, 'annotations["com.example.key1"]'),
    ("missing-cwd", "config.json", ("process", "cwd"), _DEL, "process.cwd"),
    ("missing-root-path", "config.json", ("root", "path"), _DEL, "root.path"),
    ("missing-mount-destination", "config.json", ("mounts", 2, "destination"), _DEL, "mounts[2].destination"),
    ("bad-rlimit-type", "config.json", ("process", "rlimits", 0, "type"), "NOFILE", "process.rlimits[0].type"),
    ("bad-device-access-allow", "config.json", ("linux", "resources", "devices", 0, "allow"), "false", "linux.resources.devices[0].allow"),
    ("bad-rootfsPropagation", "config-seccomp.json", ("linux", "rootfsPropagation"), "rshared", "linux.rootfsPropagation"),
    ("bad-hugepage-size", "config-seccomp.json", ("linux", "resources", "hugepageLimits", 0, "pageSize"), "2M", "linux.resources.hugepageLimits[0].pageSize"),
    ("blkio-weight-uint16-overflow", "config-seccomp.json", ("linux", "resources", "blockIO", "weightDevice", 0, "weight"), 65536, "linux.resources.blockIO.weightDevice[0].weight"),
    ("device-filemode-above-schema", "config-seccomp.json", ("linux", "devices", 0, "fileMode"), 513, "linux.devices[0].fileMode"),
    ("device-bad-type", "config-seccomp.json", ("linux", "devices", 0, "type"), "x", "linux.devices[0].type"),
    ("hook-timeout-zero", "config-seccomp.json", ("hooks", "prestart", 0, "timeout"), 0, "hooks.prestart[0].timeout"),
    ("bad-personality-domain", "config-seccomp.json", ("linux", "personality", "domain"), "LINUX64", "linux.personality.domain"),
    ("bad-memBwSchema", "config-seccomp.json", ("linux", "intelRdt", "memBwSchema"), "L3:0=1", "linux.intelRdt.memBwSchema"),
    ("bad-ioPriority-class", "config-seccomp.json", ("process", "ioPriority", "class"), "IOPRIO_CLASS_NONE", "process.ioPriority.class"),
    ("bad-scheduler-flag", "config-seccomp.json", ("process", "scheduler", "flags", 0), "SCHED_FLAG_TURBO", "process.scheduler.flags[0]"),
    ("bad-cpu-affinity", "config-seccomp.json", ("process", "execCPUAffinity", "final"), "all", "process.execCPUAffinity.final"),
    ("timeoffset-nanosecs-negative", "config-seccomp.json", ("linux", "timeOffsets", "monotonic", "nanosecs"), -1, "linux.timeOffsets.monotonic.nanosecs"),
    ("rdma-not-object", "config-seccomp.json", ("linux", "resources", "rdma", "mlx5_1"), 3, 'linux.resources.rdma.mlx5_1'),
    ("windows-no-layers", "config-windows.json", ("windows", "layerFolders"), [], "windows.layerFolders"),
    ("windows-missing-layers", "config-windows.json", ("windows", "layerFolders"), _DEL, "windows.layerFolders"),
    ("windows-bad-idType", "config-windows.json", ("windows", "devices", 0, "idType"), "vpci", "windows.devices[0].idType"),
    ("windows-cpu-shares-uint16", "config-windows.json", ("windows", "resources", "cpu", "shares"), 70000, "windows.resources.cpu.shares"),
    ("vm-missing-kernel", "config-vm.json", ("vm", "kernel"), _DEL, "vm.kernel"),
    ("vm-bad-image-format", "config-vm.json", ("vm", "image", "format"), "iso", "vm.image.format"),
    ("vm-hypervisor-missing-path", "config-vm.json", ("vm", "hypervisor", "path"), _DEL, "vm.hypervisor.path"),
    ("solaris-anet-not-list", "config-solaris.json", ("solaris", "anet"), {"linkname": "net0"}, "solaris.anet"),
    ("solaris-ncpus-int", "config-solaris.json", ("solaris", "cappedCPU", "ncpus"), 8, "solaris.cappedCPU.ncpus"),
    ("state-bad-status", "state.json", ("status",), "paused", "status"),
    ("state-negative-pid", "state.json", ("pid",), -1, "pid"),
    ("state-missing-bundle", "state.json", ("bundle",), _DEL, "bundle"),
    ("state-missing-id", "state.json", ("id",), _DEL, "id"),
    ("features-missing-max", "features.json", ("ociVersionMax",), _DEL, "ociVersionMax"),
    ("features-bad-namespace", "features.json", ("linux", "namespaces", 2), "mnt", "linux.namespaces[2]"),
    ("features-bad-capability", "features.json", ("linux", "capabilities", 0), "chown", "linux.capabilities[0]"),
    ("features-bad-action", "features.json", ("linux", "seccomp", "actions", 0), "ALLOW", "linux.seccomp.actions[0]"),
    ("features-enabled-string", "features.json", ("linux", "apparmor", "enabled"), "yes", "linux.apparmor.enabled"),
]


@pytest.mark.parametrize(
    ("name", "path", "value", "where"),
    [pytest.param(n, p, v, w, id=i) for i, n, p, v, w in INVALID],
)
def test_invalid_variant_rejected_with_path(
    name: str, path: tuple[str | int, ...], value: Any, where: str
) -> None:
    doc = mutate(name, path, value)
    with pytest.raises(ValidationError) as ei:
        parse(name, doc)
    assert ei.value.path == where, str(ei.value)
    assert isinstance(ei.value, ValueError)
    assert str(ei.value).startswith(where)
    # from_dict reports the same place
    with pytest.raises(ValidationError) as ei2:
        DOCS[name][0].from_dict(doc)
    assert ei2.value.path == where


@pytest.mark.parametrize("text", ["[]", '"config"', "null", "{", "{} {}"])
def test_not_an_object_or_not_json(text: str) -> None:
    with pytest.raises(ValidationError) as ei:
        Spec.from_json(text)
    assert ei.value.path == "$"


# --- platform metadata --------------------------------------------------------------


def test_platform_metadata() -> None:
    assert Process.PLATFORMS["capabilities"] == ("linux",)
    assert Process.PLATFORMS["apparmor_profile"] == ("linux",)
    assert "args" not in Process.PLATFORMS
    assert Spec.PLATFORMS["hooks"] == ("linux", "solaris", "zos")
    assert Spec.PLATFORMS["linux"] == ("linux",)
    assert Spec.PLATFORMS["windows"] == ("windows",)
    assert Spec.PLATFORMS["vm"] == ("vm",)
    assert "process" not in Spec.PLATFORMS and "oci_version" not in Spec.PLATFORMS
    assert User.PLATFORMS["username"] == ("windows",)
    assert User.PLATFORMS["additional_gids"] == ("linux", "solaris")
    assert Root.PLATFORMS == {}
    # every PLATFORMS key is a field with a JSON name
    for cls in (Spec, Process, User, LinuxCapabilities, Linux):
        assert set(cls.PLATFORMS) <= set(cls.JSON_NAMES)


def test_platform_docstrings() -> None:
    src = Spec.__doc__ or ""
    assert "Spec is the base configuration" in src
    import inspect

    text = inspect.getsource(Spec)
    assert "Platforms: linux, solaris, zos." in text
    proc = inspect.getsource(Process)
    assert "Platforms: linux." in proc


def test_json_names() -> None:
    assert Spec.JSON_NAMES["oci_version"] == "ociVersion"
    assert Process.JSON_NAMES["no_new_privileges"] == "noNewPrivileges"
    assert Linux.JSON_NAMES["masked_paths"] == "maskedPaths"
    assert LinuxMemory.JSON_NAMES["disable_oom_killer"] == "disableOOMKiller"


# --- enums ------------------------------------------------------------------------------


def test_enums_are_plain_strings_on_the_wire() -> None:
    assert LinuxNamespaceType.PID_NAMESPACE == "pid"
    assert isinstance(LinuxNamespaceType.PID_NAMESPACE, str)
    assert str(LinuxNamespaceType.NETWORK_NAMESPACE) == "network"
    assert f"{LinuxSeccompAction.ACT_ERRNO}" == "SCMP_ACT_ERRNO"
    assert LinuxNamespaceType("user") is LinuxNamespaceType.USER_NAMESPACE
    assert ContainerState("running") is ContainerState.STATE_RUNNING
    ns = LinuxNamespace(type=LinuxNamespaceType.PID_NAMESPACE)
    assert ns.to_json() == b'{"type":"pid"}'
    assert json.dumps(ns.to_dict()) == '{"type": "pid"}'
    spec = Spec(
        oci_version=VERSION,
        linux=Linux(
            namespaces=[ns, LinuxNamespace(type=LinuxNamespaceType.MOUNT_NAMESPACE)],
            seccomp=LinuxSeccomp(
                default_action=LinuxSeccompAction.ACT_ERRNO,
                architectures=[Arch.X86_64],
                syscalls=[
                    LinuxSyscall(names=["read"], action=LinuxSeccompAction.ACT_ALLOW)
                ],
            ),
        ),
    )
    spec.validate()
    assert json.loads(spec.to_json())["linux"] == {
        "namespaces": [{"type": "pid"}, {"type": "mount"}],
        "seccomp": {
            "defaultAction": "SCMP_ACT_ERRNO",
            "architectures": ["SCMP_ARCH_X86_64"],
            "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}],
        },
    }


def test_plain_string_in_place_of_enum_member_is_written() -> None:
    ns = LinuxNamespace(type="uts")  # type: ignore[arg-type]
    ns.validate()
    assert ns.to_json() == b'{"type":"uts"}'
    bad = LinuxNamespace(type="utsx")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as ei:
        bad.validate()
    assert ei.value.path == "type"


# --- State ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["creating", "created", "running", "stopped"])
def test_state_status_values(status: str, runtime_schema: Callable[[str], Any]) -> None:
    doc = load("state.json")
    doc["status"] = status
    runtime_schema("state-schema.json").validate(doc)
    st = State.from_json(json.dumps(doc))
    assert st.status == status
    assert st.status is ContainerState(status)
    assert json.loads(st.to_json()) == doc


def test_state_typed_access_and_pid_zero() -> None:
    st = State.from_json((FIXTURES / "state.json").read_bytes())
    assert (st.oci_version, st.id, st.pid, st.bundle) == (
        "1.2.1",
        "oci-container-1234",
        4422,
        "/containers/redis",
    )
    assert st.status is ContainerState.STATE_RUNNING
    assert st.annotations == {
        "myKey": "myValue",
        "org.opencontainers.image.ref.name": "redis:7",
    }
    stopped = State(
        oci_version="1.2.1", id="c1", status=ContainerState.STATE_STOPPED, bundle="/b"
    )
    stopped.validate()
    # Pid int `json:"pid,omitempty"`: a stopped container's pid 0 is not written
    assert json.loads(stopped.to_json()) == {
        "ociVersion": "1.2.1",
        "id": "c1",
        "status": "stopped",
        "bundle": "/b",
    }


# --- unknown fields ----------------------------------------------------------------------


def test_unknown_fields_survive_at_several_levels() -> None:
    doc = load("config-seccomp.json")
    doc["x-top"] = {"nested": [1, 2, {"a": None}]}
    doc["process"]["x-process"] = True
    doc["process"]["user"]["x-user"] = "u"
    doc["linux"]["resources"]["memory"]["x-memory"] = 1.5
    doc["linux"]["seccomp"]["syscalls"][3]["args"][0]["x-arg"] = None
    doc["linux"]["namespaces"][0]["x-ns"] = ["a"]
    doc["mounts"][1]["uidMappings"][0]["x-map"] = 7
    spec = Spec.from_json(json.dumps(doc))
    assert spec.unknown_fields == {"x-top": {"nested": [1, 2, {"a": None}]}}
    assert spec.process.unknown_fields == {"x-process": True}
    assert spec.process.user.unknown_fields == {"x-user": "u"}
    assert spec.linux.resources.memory.unknown_fields == {"x-memory": 1.5}
    assert spec.linux.seccomp.syscalls[3].args[0].unknown_fields == {"x-arg": None}
    assert spec.linux.namespaces[0].unknown_fields == {"x-ns": ["a"]}
    assert spec.linux.resources.unknown_fields is None
    spec.validate()
    out = json.loads(spec.to_json())
    expected = copy.deepcopy(doc)
    for path, _ in GO_DROPS["config-seccomp.json"]:
        parent: Any = expected
        for seg in path[:-1]:
            parent = parent[seg]
        del parent[path[-1]]
    assert out == expected
    assert Spec.from_json(spec.to_json()).to_json() == spec.to_json()


def test_unknown_fields_in_state_and_features() -> None:
    doc = load("state.json")
    doc["x-runtime"] = {"created": "2024-01-01T00:00:00Z"}
    st = State.from_json(json.dumps(doc))
    assert st.unknown_fields == {"x-runtime": {"created": "2024-01-01T00:00:00Z"}}
    assert json.loads(st.to_json()) == doc
    fdoc = load("features.json")
    fdoc["linux"]["seccomp"]["x-libseccomp"] = "2.5.4"
    fdoc["linux"]["mountExtensions"]["idmap"]["x"] = 0
    f = Features.from_json(json.dumps(fdoc))
    assert f.linux.seccomp.unknown_fields == {"x-libseccomp": "2.5.4"}
    assert json.loads(f.to_json()) == fdoc


def test_unknown_field_never_shadows_a_known_one() -> None:
    root = Root(path="rootfs", unknown_fields={"path": "evil", "extra": 1})
    assert json.loads(root.to_json()) == {"path": "rootfs", "extra": 1}


# --- schema agreement ---------------------------------------------------------------------

# Valid edge documents beyond the fixtures: (id, fixture, path, value).
EDGE_VALID: list[tuple[str, str, tuple[str | int, ...], Any]] = [
    ("uint64-max", "config.json", ("process", "rlimits", 0, "hard"), 2**64 - 1),
    ("uint32-max-uid", "config.json", ("process", "user", "uid"), 2**32 - 1),
    ("int64-min-quota", "config-seccomp.json", ("linux", "resources", "cpu", "quota"), -(2**63)),
    ("int32-min-nice", "config-seccomp.json", ("process", "scheduler", "nice"), -(2**31)),
    ("filemode-512", "config-seccomp.json", ("linux", "devices", 0, "fileMode"), 512),
    ("tsync-flag", "config-seccomp.json", ("linux", "seccomp", "flags", 0), "SECCOMP_FILTER_FLAG_TSYNC"),
    ("empty-capabilities", "config.json", ("process", "capabilities"), {}),
    ("no-process", "config.json", ("process",), _DEL),
    ("pid-zero", "state.json", ("pid",), 0),
    ("no-annotations", "state.json", ("annotations",), _DEL),
    ("rlimit-zero", "config.json", ("process", "rlimits", 0, "soft"), 0),
]

# Documents where our verdict deliberately differs from python-jsonschema on the
# vendored schema: (id, fixture, path, value, we_accept, reason).
DELIBERATE: list[tuple[str, str, tuple[str | int, ...], Any, bool, str]] = [
    (
        "oomScoreAdj-beyond-int64",
        "config.json",
        ("process", "oomScoreAdj"),
        2**63,
        False,
        "Go OOMScoreAdj is *int (int64); the schema's plain \"integer\" is unbounded",
    ),
    (
        "windows-cpu-affinity-list",
        "config-windows.json",
        ("windows", "resources", "cpu", "affinity"),
        [{"mask": 3, "group": 0}],
        True,
        "Go Affinity is []WindowsCPUGroupAffinity; the 1.2.1 schema says object",
    ),
    (
        "windows-cpu-affinity-object",
        "config-windows.json",
        ("windows", "resources", "cpu", "affinity"),
        {"mask": 3, "group": 0},
        False,
        "same schema/Go mismatch: Go cannot decode an object into a slice",
    ),
    (
        "annotation-empty-key-non-string",
        "state.json",
        ("annotations", ""),
        5,
        False,
        "map[string]string: every value must be a string; the schema's"
        " patternProperties \".{1,}\" leaves the empty key unconstrained",
    ),
]

# --- Go byte-level fidelity ------------------------------------------------------------


def test_runc_spec_output_is_reproduced_byte_for_byte() -> None:
    # `runc spec` writes json.MarshalIndent of the Go struct, so its members are
    # already in Go declaration order with nothing omitempty would drop: our
    # to_json must equal its compact form exactly.
    raw = (FIXTURES / "config.json").read_bytes()
    compact = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert Spec.from_json(raw).to_json() == compact


def test_go_html_escaping_in_output() -> None:
    out = Spec.from_json((FIXTURES / "config-windows.json").read_bytes()).to_json()
    assert b"echo hello \\u0026 dir" in out and b"&" not in out


def test_map_keys_written_sorted() -> None:
    doc = load("state.json")
    doc["annotations"] = {"b": "2", "a": "1", "C": "0"}
    out = State.from_json(json.dumps(doc)).to_json()
    assert out.endswith(b'"annotations":{"C":"0","a":"1","b":"2"}}')


def test_type_error_message_for_float() -> None:
    doc = load("config.json")
    doc["process"]["user"]["uid"] = 1.5
    with pytest.raises(ValidationError) as ei:
        parse("config.json", doc)
    assert ei.value.path == "process.user.uid"
    assert "number number" not in str(ei.value)
    assert "expected integer, found number 1.5" in str(ei.value)


def test_to_dict_returns_numbers_not_go_spellings() -> None:
    # interface{} numbers are float64 in Go; to_json spells them as Go does
    # (-0, 1e+21, 1e-7) and to_dict returns the numbers themselves.
    spec = Spec.from_json(
        '{"ociVersion":"1.3.0","windows":{"layerFolders":["a"],'
        '"credentialSpec":{"n":-0.0,"m":1e21,"k":[1e-7],"s":"x"}}}'
    )
    assert spec.windows is not None
    cred = spec.to_dict()["windows"]["credentialSpec"]
    assert cred == {"k": [1e-07], "m": 1e21, "n": -0.0, "s": "x"}
    assert str(cred["n"]) == "-0.0" and all(type(v) is float for v in (cred["m"], cred["n"]))
    assert b'"credentialSpec":{"k":[1e-7],"m":1e+21,"n":-0,"s":"x"}' in spec.to_json()
