"""The course command: ``slm-course`` (inside the environment) or ``python3 -m helpers`` (anywhere).

    slm-course course [--profile local] [--only 01 02] [--quick]   execute notebooks, print a table, write a report
    slm-course test [pytest args]                                 the whole test suite (2 workers; SLM_TEST_WORKERS=1
                                                                  for one), then per-notebook times
    slm-course report [DIR]                                       rebuild the HTML report from report.json
    slm-course release [--check] [NAME ...]                       regenerate notebooks/ from solutions/ (nbgrader)
    slm-course grade ASSIGNMENT SUBMISSIONS [...]                 autograde a class (see grading/README.md)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from helpers.runner import REPO, run_course


def _course(args: argparse.Namespace) -> int:
    results = run_course(profile=args.profile, only=args.only, quick=args.quick, out=args.out,
                         timeout=args.timeout)
    return 0 if all(r["status"] == "ok" for r in results) else 1


def _test(args: argparse.Namespace, extra: list[str]) -> int:
    from helpers.runner import print_ci_times

    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra]
    workers = os.environ.get("SLM_TEST_WORKERS", "2")
    if workers not in ("0", "1") and not any(a.startswith("-n") for a in extra):
        # Two processes: the notebooks run torch on one thread, so two test files at a time use both cores of
        # a 2-core machine. --dist loadfile keeps each file (and its module-scoped kernel session) on one worker.
        cmd += ["-n", workers, "--dist", "loadfile"]
    code = subprocess.call(cmd, cwd=REPO)
    print_ci_times()
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slm-course", description="Small Language Models course")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("course", help="execute every notebook with papermill and print a table")
    p.add_argument("--profile", default="local", choices=["local", "hub", "auto"])
    p.add_argument("--only", nargs="*", help="notebook numbers or names, e.g. 01 04")
    p.add_argument("--quick", action="store_true", help="CI size knob (SLM_QUICK=1): smaller demo workloads")
    p.add_argument("--out", default=str(REPO / "build" / "course"))
    p.add_argument("--timeout", type=float, default=900, help="seconds per notebook")
    sub.add_parser("report", help="rebuild build/course/report.html from report.json", add_help=False)
    sub.add_parser("test", help="run the whole test suite (what CI runs); extra args go to pytest")
    sub.add_parser("release", help="regenerate the student release in notebooks/ (nbgrader)", add_help=False)
    sub.add_parser("grade", help="autograde a class's submissions (see grading/README.md)", add_help=False)

    argv = list(sys.argv[1:] if argv is None else argv)
    # nbgrader and jupyter call console scripts (alembic, jupyter) by name: put this environment's bin first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    if argv and argv[0] in ("release", "grade"):
        if argv[0] == "release":
            from grading.release import main as release_main
            return release_main(argv[1:]) or 0
        from grading.batch import main as grade_main
        return grade_main(argv[1:]) or 0
    if argv and argv[0] == "report":
        from helpers.report import main as report_main
        return report_main(argv[1:]) or 0
    if argv and argv[0] == "test":
        return _test(argparse.Namespace(), argv[1:])
    args = parser.parse_args(argv)
    return _course(args)


if __name__ == "__main__":
    sys.exit(main())
