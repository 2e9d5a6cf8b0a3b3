"""Generate the student release (notebooks/) from the nbgrader sources (solutions/) and check it.

    slm-course release            # regenerate every notebook in notebooks/
    slm-course release --check    # exit 1 if notebooks/ is stale or leaks a solution/hidden test
    slm-course release 01_parameter_counting
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat

from grading.course import REPO, api, make_root

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
VOLATILE_METADATA = ("execution", "collapsed", "scrolled", "jupyter", "ExecuteTime", "trusted")


def _sources(solutions_dir: Path, only: list[str] | None) -> list[Path]:
    paths = sorted(p for p in Path(solutions_dir).glob("*.ipynb") if not p.name.startswith("."))
    if only:
        wanted = {Path(n).stem for n in only}
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise FileNotFoundError(f"no such source notebook(s) in {solutions_dir}: {sorted(missing)}")
        paths = [p for p in paths if p.stem in wanted]
    return paths


def _generate_one(source: Path, out_dir: Path) -> Path:
    """Run nbgrader generate_assignment for one source notebook in a throwaway root."""
    with tempfile.TemporaryDirectory(prefix="slm-release-") as tmp:
        root = make_root(Path(tmp), source)
        result = api(root).generate_assignment(source.stem, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment failed for {source.name}:\n{result['log']}\n{result.get('error', '')}")
        released = root / "release" / source.stem / f"{source.stem}.ipynb"
        out_dir.mkdir(parents=True, exist_ok=True)
        dest = out_dir / released.name
        shutil.copyfile(released, dest)
        return dest


def generate_release(solutions_dir: Path = REPO / "solutions", out_dir: Path = REPO / "notebooks",
                     only: list[str] | None = None) -> list[Path]:
    """Write the student release of every (or `only` the named) source notebook into `out_dir`."""
    return [_generate_one(src, Path(out_dir)) for src in _sources(Path(solutions_dir), only)]


def _normalised(path: Path) -> list[tuple]:
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        meta = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_METADATA}
        cells.append((cell.cell_type, cell.source.strip(), repr(sorted(meta.items()))))
    cells.append(("kernelspec", repr(nb.metadata.get("kernelspec", {}).get("name")), ""))
    return cells


def stale_notebooks(solutions_dir: Path = REPO / "solutions", notebooks_dir: Path = REPO / "notebooks") -> list[str]:
    """Names whose committed release differs from a fresh one (cell sources + metadata), or is missing."""
    stale = []
    with tempfile.TemporaryDirectory(prefix="slm-release-check-") as tmp:
        for fresh in generate_release(solutions_dir, Path(tmp)):
            committed = Path(notebooks_dir) / fresh.name
            if not committed.exists():
                stale.append(f"{fresh.stem} (missing from {notebooks_dir})")
            elif _normalised(fresh) != _normalised(committed):
                stale.append(fresh.stem)
    return stale


def _inject_canaries(nb: nbformat.NotebookNode, canary: str) -> int:
    """Put `canary` inside every solution and hidden-test region of `nb`; return how many were placed."""
    placed = 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        lines, out = cell.source.splitlines(), []
        for line in lines:
            out.append(line)
            if re.search(r"BEGIN (SOLUTION|HIDDEN TESTS)", line):
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}# {canary}")
                placed += 1
        if meta.get("solution") and not any("BEGIN SOLUTION" in ln for ln in lines):
            out.append(f"# {canary}")  # a solution cell without markers is replaced whole
            placed += 1
        cell.source = "\n".join(out)
    return placed


def leaks(notebooks_dir: Path = REPO / "notebooks", solutions_dir: Path = REPO / "solutions") -> list[str]:
    """Problems in a release: markers, outputs, and canaries from solution/hidden regions that survive release."""
    problems = []
    released = sorted(Path(notebooks_dir).glob("*.ipynb"))
    for path in released:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for marker in MARKERS:
                if marker in cell.source:
                    problems.append(f"{path.name} cell {i}: marker '{marker}'")
            if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
                problems.append(f"{path.name} cell {i}: has outputs or an execution count")
    canary = f"CANARY-{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="slm-canary-") as tmp:
        src_dir, out_dir = Path(tmp, "src"), Path(tmp, "out")
        src_dir.mkdir()
        for path in released:
            source = Path(solutions_dir) / path.name
            if not source.exists():
                problems.append(f"{path.name}: no source in {solutions_dir}")
                continue
            nb = nbformat.read(source, as_version=4)
            if _inject_canaries(nb, canary) == 0:
                problems.append(f"{path.name}: source has no solution or hidden-test region")
            nbformat.write(nb, src_dir / path.name)
        for fresh in generate_release(src_dir, out_dir):
            text = fresh.read_text()
            if canary in text:
                problems.append(f"{fresh.name}: a canary from a solution/hidden region survives the release")
        for extra in out_dir.rglob("*"):
            if extra.is_file() and extra.suffix != ".ipynb":
                problems.append(f"release would ship a non-notebook file: {extra.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """CLI: `slm-course release [--check] [NAME...]`."""
    parser = argparse.ArgumentParser(prog="slm-course release", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook stems (default: all in solutions/)")
    parser.add_argument("--check", action="store_true", help="only check: stale or leaking release -> exit 1")
    parser.add_argument("--solutions", type=Path, default=REPO / "solutions")
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    args = parser.parse_args(argv)
    if args.solutions == REPO / "solutions":
        from grading.course import source_notebook   # the one resolver: names, stems, paths; typos listed

        try:
            args.names = [source_notebook(n).stem for n in args.names]
        except ValueError as exc:
            print(f"slm-course release: {exc}", file=sys.stderr)
            return 2
    if args.check:
        stale = [s for s in stale_notebooks(args.solutions, args.notebooks)
                 if not args.names or s.split()[0] in args.names]
        problems = leaks(args.notebooks, args.solutions)
        for s in stale:
            print(f"stale: {s} (run `slm-course release`)")
        for p in problems:
            print(f"leak: {p}")
        print("release OK" if not (stale or problems) else "release check FAILED")
        return 1 if stale or problems else 0
    for path in generate_release(args.solutions, args.notebooks, args.names or None):
        print(f"released {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
