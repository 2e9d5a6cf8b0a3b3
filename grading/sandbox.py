"""The sandboxed kernel that runs student code during autograding.

nbgrader starts the kernel named by `Execute.kernel_name` ("python3"); each throwaway course root gets its
own `jupyter/kernels/python3/kernel.json` (found first through JUPYTER_PATH) whose argv is

    env -i PATH=<venv>/bin:/usr/bin:/bin HOME=<tmp> SLM_PROFILE=local [SLM_QUICK=1] [SLM_OUTPUT_DIR=..]
        [unshare -m -n [-r] -- sh -c '<mounts>; exec setpriv --bounding-set=-all --no-new-privs "$@"' sh]
        prlimit --as=<bytes> --nproc=<n> --fsize=<bytes> --cpu=<s> -- <venv python> -m ipykernel_launcher -f {connection_file}

- `env -i`: no tokens, no TA secrets, HOME in a temp dir.
- `prlimit --as`: a too-large allocation raises MemoryError (or kills the kernel: a dead kernel, recorded).
  Measured here: `import torch, transformers` + a 1000x1000 matmul runs under --as=2 GB, so the 6 GB
  default (COURSE.md's per-notebook budget) leaves the notebooks room; torch reserves little address space.
- `unshare -n`: a network namespace with no interfaces (no network at all). The kernel then talks to nbgrader
  over Unix sockets (`KernelManager.transport = "ipc"`, see `kernel_config`).
- `unshare -m` + mounts: the kernel sees the grading work directory (`mask`) as empty except its own course
  root, so no other student's files or gradebook; its view of `hide` paths (solutions/, the gradebook, source/, the batch's
  output and submissions) is an empty read-only tmpfs or /dev/null, `readonly` paths (the repo) are
  read-only except `writable` ones; `setpriv --bounding-set=-all` drops every capability so student code
  cannot undo the mounts. Needs root or unprivileged user namespaces (`unshare -r`); `isolation()` probes
  which works and falls back to env + rlimits only.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

GB = 1024**3


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
    readonly: list[Path] = field(default_factory=list)
    writable: list[Path] = field(default_factory=list)
    network: bool = False
    mask: tuple[Path, Path] | None = None  # (directory shown empty, subdirectory of it kept visible and writable)
    python: str = sys.executable


@lru_cache(maxsize=None)
def isolation() -> list[str]:
    """The `unshare` prefix that works here ([] if none): mount+network namespaces for the kernel."""
    for prefix in (["unshare", "-m", "-n"], ["unshare", "-r", "-m", "-n"]):
        probe = prefix + ["--", "sh", "-c", "mount -t tmpfs tmpfs /mnt && setpriv --bounding-set=-all true"]
        try:
            if subprocess.run(probe, capture_output=True, timeout=20).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            pass
    return []


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
    if sb.hide:  # a tmpfs in this namespace only (the host's /mnt is untouched) holding an empty file
        lines += ["mount -t tmpfs -o size=4k tmpfs /mnt", ": > /mnt/.empty"]
    for p in sb.hide:  # checked here: a path may already be out of sight (under `mask`)
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
    prefix = [] if sb.network else isolation()
    if prefix:
        argv += prefix + ["--", "sh", "-c", _mount_script(sb), "sh"]
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
            "metadata": {"debugger": False}}
    path = spec_dir / "kernel.json"
    path.write_text(json.dumps(spec, indent=1))
    return path


def kernel_config(sb: Sandbox, runtime_dir: Path) -> str:
    """nbgrader config lines the kernel needs: Unix-socket transport when it has no network namespace peer."""
    if sb.network or not isolation():
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
