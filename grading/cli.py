"""The course command: ``slm-course`` or ``python -m grading`` inside the environment, ``python3 -m helpers``
anywhere (its bootstrap creates ``.venv`` first, then runs this).

    slm-course course [--profile local] [--only 01 02] [--quick] [--jobs N]   execute notebooks, print the table
                                                  and every claim's verdict, write build/course/report.{md,json,html}
    slm-course test                               everything CI runs: the course at full size (claims enforced),
                                                  then the test suite on two workers, then the CI summary
    slm-course test [pytest args]                 only pytest, with these arguments (two workers unless -n given)
    slm-course report [DIR]                       rebuild the HTML report from report.json
    slm-course release [--check] [NAME ...]       regenerate notebooks/ from solutions/ (nbgrader)
    slm-course grade ASSIGNMENT SUBMISSIONS [...] autograde a class (see grading/README.md)

``course`` exits non-zero when a notebook fails, or when one of its claims does not hold in the local profile at
full size; with ``--quick`` (CI's smaller workloads) or in the hub profile claims are printed, not enforced.
This module imports only the standard library at start-up, so ``--help`` is instant.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_OUT = REPO / "build" / "course"


def _course_parser(prog: str = "slm-course course") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="execute every notebook with papermill, print a table and "
                                "every claim's verdict; exit 1 when a notebook fails or a local full-size claim fails")
    p.add_argument("--profile", default="local", choices=["local", "hub", "auto"])
    p.add_argument("--only", nargs="*", help="notebook numbers or names, e.g. 01 04")
    p.add_argument("--quick", action="store_true",
                   help="CI size knob (SLM_QUICK=1): smaller demo workloads; claims are reported, not enforced")
    p.add_argument("--jobs", type=int, default=1, help="notebooks executed at a time (default 1: honest timings)")
    p.add_argument("--out", default=str(COURSE_OUT))
    p.add_argument("--timeout", type=float, default=900, help="seconds per notebook")
    p.add_argument("--solutions", default=None, help=argparse.SUPPRESS)   # another folder of notebooks (tests)
    return p


def course(argv: list[str]) -> int:
    from grading.runner import SOLUTIONS, exit_code, run_course

    args = _course_parser().parse_args(argv)
    results = run_course(profile=args.profile, only=args.only, quick=args.quick, out=args.out,
                         timeout=args.timeout, jobs=args.jobs, solutions=Path(args.solutions or SOLUTIONS))
    return exit_code(results)


def pytest_command(extra: list[str]) -> list[str]:
    """The pytest command line of ``slm-course test``: two workers unless told otherwise.

    ``--dist loadgroup``: tests are spread one by one over the workers (the round trips of different notebooks
    run side by side), except those sharing a module-scoped fixture, which tests/conftest.py groups so that one
    worker starts it once (the answer tests' kernel). ``--no-loadscope-reorder`` keeps conftest's
    longest-first order. ``SLM_TEST_WORKERS=1`` runs one process.
    """
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra]
    workers = os.environ.get("SLM_TEST_WORKERS", "2")
    if workers not in ("0", "1") and not any(a.startswith(("-n", "--numprocesses")) for a in extra):
        cmd += ["-n", workers, "--dist", "loadgroup", "--no-loadscope-reorder"]
    if not extra:
        cmd += ["--durations=15"]
    return cmd


def test(extra: list[str]) -> int:
    """``slm-course test``: with no arguments the whole CI (course phase, test phase, summary); else pytest only."""
    from grading.ci import CI_DIR, phases_from_environment, summary

    if extra:
        return subprocess.call(pytest_command(extra), cwd=REPO)
    phases = phases_from_environment()
    shutil.rmtree(CI_DIR, ignore_errors=True)   # grading times and catch rates of this run only
    start = time.monotonic()
    jobs = os.environ.get("SLM_COURSE_JOBS", "2")
    print(f"[ci] phase 1: the course at full size, local profile, claims enforced ({jobs} notebooks at a time)",
          flush=True)
    course_code = course(["--profile", "local", "--jobs", jobs, "--out", str(COURSE_OUT)])
    phases.append(("course (full size, local, claims enforced)", time.monotonic() - start))
    start = time.monotonic()
    print("[ci] phase 2: the test suite (round trips, answer tests, units, release, grading corpus)", flush=True)
    test_code = subprocess.call(pytest_command([]), cwd=REPO)
    phases.append(("tests (pytest, 2 workers)", time.monotonic() - start))
    print("\n" + summary(phases))
    if course_code:
        print("\nCI FAILED: the course phase failed (see 'course FAILED' above)")
    return course_code or test_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slm-course", description="Small Language Models course")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("course", help="execute every notebook with papermill; table, claims, report", add_help=False)
    sub.add_parser("test", help="what CI runs: the course at full size, then the test suite; args go to pytest",
                   add_help=False)
    sub.add_parser("report", help="rebuild build/course/report.html from report.json", add_help=False)
    sub.add_parser("release", help="regenerate the student release in notebooks/ (nbgrader)", add_help=False)
    sub.add_parser("grade", help="autograde a class's submissions (see grading/README.md)", add_help=False)

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"course", "test", "report", "release", "grade"}:
        parser.parse_args(argv)   # --help, or an unknown command: argparse prints and exits
        return 2
    command, rest = argv[0], argv[1:]
    # nbgrader and jupyter call console scripts (alembic, jupyter) by name: this environment's bin goes first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    if command == "course":
        return course(rest)
    if command == "test":
        return test(rest)
    if command == "report":
        from grading.report import main as report_main
        return report_main(rest) or 0
    if command == "release":
        from grading.release import main as release_main
        return release_main(rest) or 0
    from grading.batch import main as grade_main
    return grade_main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
