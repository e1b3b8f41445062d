"""Deterministic benchmark documents (no randomness beyond a fixed seed).

Each builder returns the JSON value in Go's wire order (struct fields in Go
declaration order, map keys sorted), so ``json.dumps`` of it is, up to Go's
HTML escapes, what Go's ``json.Marshal`` writes.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"


def digest(*parts: object) -> str:
    return "sha256:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _ts(rng: random.Random, day: int) -> str:
    # Go writes RFC 3339 with nanoseconds, trailing zeros trimmed.
    ns = rng.randrange(1, 1_000_000_000)
    frac = f"{ns:09d}".rstrip("0")
    return f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T{rng.randrange(24):02d}:" \
        f"{rng.randrange(60):02d}:{rng.randrange(60):02d}.{frac}Z"


def manifest(layers: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    return {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {
            "mediaType": CONFIG,
            "digest": digest("config", seed, layers),
            "size": 7023,
        },
        "layers": [
            {
                "mediaType": LAYER_GZIP,
                "digest": digest("layer", seed, i),
                "size": rng.randrange(32, 200_000_000),
            }
            for i in range(layers)
        ],
        "annotations": {
            "org.opencontainers.image.created": "2024-03-14T09:26:53Z",
            "org.opencontainers.image.revision": hashlib.sha1(b"rev").hexdigest(),
            "org.opencontainers.image.source": "https://github.com/example/app",
            "org.opencontainers.image.title": "example-app",
            "org.opencontainers.image.version": "1.24.3",
        },
    }


_PLATFORMS = [
    {"architecture": "amd64", "os": "linux"},
    {"architecture": "arm64", "os": "linux", "variant": "v8"},
    {"architecture": "arm", "os": "linux", "variant": "v7"},
    {"architecture": "arm", "os": "linux", "variant": "v6"},
    {"architecture": "386", "os": "linux"},
    {"architecture": "ppc64le", "os": "linux"},
    {"architecture": "s390x", "os": "linux"},
    {"architecture": "riscv64", "os": "linux"},
    {"architecture": "mips64le", "os": "linux"},
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2340"},
]


def index() -> dict[str, Any]:
    rng = random.Random(2)
    manifests = []
    for i, p in enumerate(_PLATFORMS):
        manifests.append(
            {
                "mediaType": MANIFEST,
                "digest": digest("index", i),
                "size": rng.randrange(400, 3000),
                "annotations": {
                    "org.opencontainers.image.ref.name": "1.24.3",
                },
                "platform": dict(p),
            }
        )
    return {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": manifests,
        "annotations": {"org.opencontainers.image.created": "2024-03-14T09:26:53Z"},
    }


def image_config(history: int = 30) -> dict[str, Any]:
    rng = random.Random(3)
    hist = []
    diff_ids = []
    for i in range(history):
        empty = i % 3 == 2
        entry: dict[str, Any] = {
            "created": _ts(rng, i),
            "created_by": (
                f"/bin/sh -c #(nop)  ENV STEP_{i}=value-{i}"
                if empty
                else f"RUN /bin/sh -c apt-get update && apt-get install -y pkg-{i}"
                " && rm -rf /var/lib/apt/lists/* # buildkit"
            ),
        }
        if i % 5 == 0:
            entry["comment"] = "buildkit.dockerfile.v0"
        if empty:
            entry["empty_layer"] = True
        else:
            diff_ids.append(digest("diff", i))
        hist.append(entry)
    return {
        "created": _ts(rng, history),
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": "1000:1000",
            "ExposedPorts": {"443/tcp": {}, "8080/tcp": {}},
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
                "APP_HOME=/srv/app",
                "GOSU_VERSION=1.17",
            ],
            "Entrypoint": ["/usr/local/bin/docker-entrypoint.sh"],
            "Cmd": ["app", "serve", "--port", "8080"],
            "Volumes": {"/data": {}},
            "WorkingDir": "/srv/app",
            "Labels": {
                "maintainer": "Example Maintainers",
                "org.opencontainers.image.source": "https://github.com/example/app",
            },
            "StopSignal": "SIGTERM",
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": hist,
    }


# Roughly the shape of a container engine's default profile: an allow-list of
# syscall groups, a few argument-filtered rules, errno by default.
_SYSCALL_GROUPS = [
    "accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown",
    "clock_adjtime clock_getres clock_gettime clock_nanosleep close close_range",
    "connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1",
    "epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2 execve execveat",
    "exit exit_group faccessat faccessat2 fadvise64 fallocate fanotify_mark",
    "fchdir fchmod fchmodat fchown fchownat fcntl fdatasync fgetxattr flistxattr",
    "flock fork fremovexattr fsetxattr fstat fstatfs fsync ftruncate futex",
    "getcwd getdents getdents64 getegid geteuid getgid getgroups getitimer",
    "getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid",
    "getresuid getrlimit get_robust_list getrusage getsid getsockname getsockopt",
    "gettid gettimeofday getuid getxattr inotify_add_watch inotify_init",
    "inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents",
    "ioprio_get ioprio_set io_setup io_submit kill lchown lgetxattr link linkat",
    "listen listxattr llistxattr lremovexattr lseek lsetxattr lstat madvise",
    "memfd_create mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap",
    "mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend",
    "mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap nanosleep",
    "newfstatat open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2",
    "poll ppoll prctl pread64 preadv preadv2 prlimit64 pselect6 pwrite64 pwritev",
    "read readahead readlink readlinkat readv recvfrom recvmmsg recvmsg",
    "remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir",
    "rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn",
    "rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo sched_getaffinity",
    "sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min",
    "sched_getscheduler sched_rr_get_interval sched_setaffinity sched_setattr",
    "sched_setparam sched_setscheduler sched_yield seccomp select semctl semget",
    "semop semtimedop sendfile sendmmsg sendmsg sendto setfsgid setfsuid setgid",
    "setgroups setitimer setpgid setpriority setregid setresgid setresuid",
    "setreuid setrlimit set_robust_list setsid setsockopt set_tid_address setuid",
    "setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4",
    "socketpair splice stat statfs statx symlink symlinkat sync sync_file_range",
    "syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun",
    "timer_gettime timer_settime timerfd_create timerfd_gettime timerfd_settime",
    "times tkill truncate umask uname unlink unlinkat utime utimensat utimes",
    "vfork vmsplice wait4 waitid waitpid write writev",
]


def runtime_config(rules: int = 50) -> dict[str, Any]:
    syscalls: list[dict[str, Any]] = []
    for names in _SYSCALL_GROUPS:
        syscalls.append({"names": names.split(), "action": "SCMP_ACT_ALLOW"})
    extra = [
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": v, "op": "SCMP_CMP_EQ"}]}
        for v in (0, 8, 131072, 131080, 4294967295)
    ] + [
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 2114060288,
                   "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]},
        {"names": ["arch_prctl", "modify_ldt"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["chroot"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["kcmp", "process_vm_readv", "process_vm_writev"],
         "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["bpf", "perf_event_open"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["unshare", "setns", "mount", "umount2", "pivot_root"],
         "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["reboot", "kexec_load", "init_module", "delete_module"],
         "action": "SCMP_ACT_KILL_PROCESS"},
        {"names": ["syslog", "acct"], "action": "SCMP_ACT_LOG"},
        {"names": ["keyctl", "add_key", "request_key"],
         "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        {"names": ["open_by_handle_at", "name_to_handle_at"],
         "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    ]
    syscalls.extend(extra)
    syscalls = syscalls[:rules]
    caps = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                     "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
        {"destination": "/etc/resolv.conf", "type": "bind",
         "source": "/var/lib/containers/abc/resolv.conf",
         "options": ["rbind", "ro", "nosuid", "nodev"]},
    ]
    return {
        "ociVersion": "1.2.1",
        "process": {
            "user": {"uid": 1000, "gid": 1000, "additionalGids": [5, 100]},
            "args": ["/usr/local/bin/app", "serve", "--port", "8080"],
            "env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
                "HOME=/home/app",
            ],
            "cwd": "/srv/app",
            "capabilities": {
                "bounding": caps,
                "effective": caps,
                "permitted": caps,
            },
            "rlimits": [
                {"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1048576},
                {"type": "RLIMIT_NPROC", "hard": 4096, "soft": 4096},
            ],
            "noNewPrivileges": True,
            "apparmorProfile": "container-default",
            "oomScoreAdj": 100,
        },
        "root": {"path": "rootfs", "readonly": True},
        "hostname": "app-7f9c",
        "mounts": mounts,
        "annotations": {"io.kubernetes.cri.sandbox-id": digest("sandbox")[7:]},
        "linux": {
            "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
            "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
            "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0"},
            "resources": {
                "devices": [
                    {"allow": False, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 1, "minor": 3,
                     "access": "rwm"},
                ],
                "memory": {"limit": 536870912, "reservation": 268435456},
                "cpu": {"shares": 1024, "quota": 100000, "period": 100000,
                        "cpus": "0-1"},
                "pids": {"limit": 1024},
            },
            "cgroupsPath": "/kubepods/burstable/pod1234/app",
            "namespaces": [
                {"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"},
                {"type": "user"},
            ],
            "seccomp": {
                "defaultAction": "SCMP_ACT_ERRNO",
                "defaultErrnoRet": 1,
                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": syscalls,
            },
            "rootfsPropagation": "private",
            "maskedPaths": [
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
            ],
            "readonlyPaths": [
                "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger",
            ],
        },
    }


_GO_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
               ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def encode(value: Any) -> bytes:
    """The bytes Go's json.Marshal writes for ``value`` (HTML-escaped strings)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in _GO_ESCAPES:
        text = text.replace(ch, esc)
    return text.encode()


def all_documents() -> dict[str, tuple[str, bytes]]:
    """name -> (kind, raw JSON bytes); kind selects the model."""
    return {
        "manifest-5": ("manifest", encode(manifest(5))),
        "manifest-200": ("manifest", encode(manifest(200))),
        "index-10": ("index", encode(index())),
        "config-30": ("config", encode(image_config(30))),
        "runtime": ("runtime", encode(runtime_config(50))),
    }
