"""Command line: ``python -m benchmarks [--quick] [--out DIR] [--cases a,b] [--repeat N]``."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from .cases import CASES, new_context
from .harness import Result, TimingConfig, environment, to_json
from .report import console, markdown
from .scaling import run_memory, run_scaling

EXTRA = ("scaling", "memory")
ALL = (*CASES, *EXTRA)
DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="purepose against numpy/scikit-learn, textbook loops and the CPython floor.",
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes, 1 repeat (a smoke run)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="directory for results.md/.json")
    p.add_argument("--cases", default=",".join(ALL), help=f"comma-separated, from {','.join(ALL)}")
    p.add_argument("--repeat", type=int, default=None, help="runs per timing (default 5; quick 1)")
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per timing before stopping repeats (default 20)",
    )
    p.add_argument(
        "--no-gc", action="store_true", help="disable the garbage collector while timing"
    )
    p.add_argument(
        "--workdir", default=None, help="keep synthetic data here (default: a temp dir)"
    )
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    return p


def _select(spec: str) -> list[str]:
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in ALL]
    if unknown:
        raise SystemExit(
            f"benchmarks: unknown case(s) {', '.join(unknown)}; choose from {', '.join(ALL)}"
        )
    return names


def _write(path: Path, text: str) -> None:
    """Write atomically: a temporary file beside ``path``, renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(argv: list[str] | None = None) -> tuple[dict[str, Any], list[Result]]:
    """Run the selected cases; return the report dict and the result rows."""
    args = _parser().parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    if args.list:
        print("\n".join(ALL))
        return {}, []
    names = _select(args.cases)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)
    if repeat < 1:
        raise SystemExit(f"benchmarks: --repeat={repeat} must be >= 1")
    budget = args.budget if args.budget is not None else (0.0 if args.quick else 20.0)
    timing = TimingConfig(
        repeat=repeat,
        min_run=0.01 if args.quick else 0.05,
        budget=budget,
        gc_enabled=not args.no_gc,
    )
    mode = "quick" if args.quick else "full"
    ctx = new_context(mode, timing, args.workdir)
    report: dict[str, Any] = {"environment": environment(timing, argv), "mode": mode}
    results: list[Result] = []
    errors = []
    started = time.perf_counter()
    try:
        for name in names:
            print(f"benchmarks: {name} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            try:
                if name == "scaling":
                    report["scaling"] = run_scaling(ctx)
                elif name == "memory":
                    report["memory"] = run_memory(ctx)
                else:
                    results += CASES[name](ctx)
            except Exception as exc:  # keep going: one broken kernel must not hide the rest
                traceback.print_exc()
                errors.append({"case": name, "error": f"{type(exc).__name__}: {exc}"})
            print(f"benchmarks: {name} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    finally:
        if args.workdir is None:
            shutil.rmtree(ctx.workdir, ignore_errors=True)
    report["total_s"] = time.perf_counter() - started
    report["errors"] = errors
    report["cases"] = [r.to_dict() for r in results]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "results.json", to_json(report))
    _write(out / "results.md", markdown(report, results))
    print(console(report, results))
    print(
        f"benchmarks: wrote {out / 'results.md'} and results.json ({report['total_s']:.0f} s)",
        file=sys.stderr,
    )
    return report, results


def main(argv: list[str] | None = None) -> int:
    report, _ = run(argv)
    return 1 if report.get("errors") else 0
