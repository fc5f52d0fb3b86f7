"""Formatting: the console table and the Markdown report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .harness import Result

COLUMNS = (
    "case",
    "size",
    "python",
    "purepose",
    "numpy",
    "pp/np",
    "floor",
    "pp/floor",
    "textbook",
    "tb/pp",
    "max abs diff",
    "max rel diff",
)


def fmt_time(seconds: float | None) -> str:
    """A time with a unit that keeps 3 significant digits: ns, µs, ms or s."""
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}x" if value < 100 else f"{value:,.0f}x"


def fmt_diff(value: float | None) -> str:
    return "—" if value is None else f"{value:.1e}"


def row_cells(result: Result, python: str) -> list[str]:
    t = result.purepose
    return [
        result.case,
        result.size,
        python,
        fmt_time(t.best),
        fmt_time(result.numpy.best if result.numpy else None),
        fmt_ratio(result.ratio(result.numpy)),
        fmt_time(result.floor.best if result.floor else None),
        fmt_ratio(result.ratio(result.floor)),
        fmt_time(result.textbook.best if result.textbook else None),
        fmt_ratio(result.ratio(result.textbook, inverse=True)),
        fmt_diff(result.max_abs_diff),
        fmt_diff(result.max_rel_diff),
    ]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table (first two columns left-aligned, the rest right-aligned)."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i < 2 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    align = ["---" if i < 2 else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _blas_line(blas: Any) -> str:
    if isinstance(blas, str):
        return blas
    parts = []
    for pool in blas:
        name = pool.get("internal_api") or pool.get("user_api")
        arch = f", {pool['architecture']}" if pool.get("architecture") else ""
        version = f" {pool['version']}" if pool.get("version") else ""
        parts.append(
            f"{name}{version} ({pool.get('user_api')}{arch}, {pool.get('num_threads')} threads)"
        )
    return "; ".join(parts) or "none reported"


def header_lines(env: dict[str, Any]) -> list[str]:
    openblas = ", ".join(
        f"{k}={env[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if env.get(k)
    )
    return [
        f"Python {env['python']} ({env['implementation']})",
        f"Platform {env['platform']}; CPU {env['cpu']}; {env['cpu_count']} CPUs",
        f"Date {env['date']}",
        f"numpy {env['numpy']}, scikit-learn {env['scikit_learn']}",
        f"BLAS/OpenMP (threadpoolctl): {_blas_line(env['blas'])}",
        f"OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: {openblas or 'not set'}",
        f"Floor kernel: {env['floor_kernel']}",
        f"Timing: {env['timer']}, up to {env['repeat']} runs of >= {env['min_run_s']} s "
        f"(budget {env['budget_s']} s per measurement; textbook covariance/PCA/k-means: "
        "1 run); "
        f"gc {env['gc_during_timing']} during timing",
        f"Command: {env['command']}",
    ]


def _scaling_rows(scaling: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            s["kernel"],
            s["variable"],
            ", ".join(f"{v:,}" for v in s["values"]),
            ", ".join(fmt_time(t) for t in s["seconds"]),
            f"{s['slope']:.2f}",
            str(s["big_o_exponent"]),
            f"{s['madds_slope']:.2f}",
        ]
        for s in scaling
    ]


SCALING_HEADER = (
    "kernel",
    "grows with",
    "sizes",
    "purepose times",
    "fitted slope",
    "O() exponent",
    "madds slope",
)
MEMORY_HEADER = (
    "sessions",
    "s each",
    "train windows",
    "peak RSS after imports",
    "peak RSS after fit",
    "growth in fit",
    "fit time",
)


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def _memory_rows(memory: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [
        [
            str(m["n_sessions"]),
            f"{m['seconds_per_session']:g}",
            f"{m['n_windows']:,}",
            _mib(m["peak_rss_before_fit_bytes"]),
            _mib(m["peak_rss_bytes"]),
            _mib(m["peak_rss_bytes"] - m["peak_rss_before_fit_bytes"]),
            fmt_time(m["fit_s"]),
        ]
        for m in memory
    ]


def _floor_rows(results: Sequence[Result]) -> list[list[str]]:
    return [[r.case, r.size, f"{r.madds:,}", r.inner] for r in results if r.floor is not None]


def console(report: dict[str, Any], results: Sequence[Result]) -> str:
    """What ``python -m benchmarks`` prints."""
    env = report["environment"]
    python = env["python_version"]
    parts = ["\n".join(header_lines(env)), ""]
    parts.append(text_table(COLUMNS, [row_cells(r, python) for r in results]))
    for err in report.get("errors", []):
        parts.append(f"ERROR in {err['case']}: {err['error']}")
    if report.get("scaling"):
        parts += ["", "Scaling (log-log slope of time vs size)", ""]
        parts.append(text_table(SCALING_HEADER, _scaling_rows(report["scaling"])))
    if report.get("memory"):
        parts += ["", "Peak memory of PoseRegressor().fit vs number of sessions", ""]
        parts.append(text_table(MEMORY_HEADER, _memory_rows(report["memory"])))
    return "\n".join(parts) + "\n"


def markdown(report: dict[str, Any], results: Sequence[Result]) -> str:
    """The Markdown report written to ``results.md``."""
    env = report["environment"]
    python = env["python_version"]
    out = ["# purepose benchmarks", ""]
    out += [f"- {line}" for line in header_lines(env)]
    out += [
        "",
        "pp/np = purepose time / numpy time; pp/floor = purepose time / CPython floor "
        "(the case's multiply-adds as C-level dots, see below); tb/pp = textbook time / "
        "purepose time. Differences are purepose vs numpy/scikit-learn: max |a - b| and "
        "max |a - b| / max |b|. numpy times exclude list-to-array conversion.",
        "",
        md_table(COLUMNS, [row_cells(r, python) for r in results]),
        "",
    ]
    if report.get("errors"):
        out += ["## Errors", ""]
        out += [f"- {e['case']}: {e['error']}" for e in report["errors"]]
        out.append("")
    noted = [r for r in results if r.notes]
    if noted:
        out += ["## Notes", ""]
        out += [f"- **{r.case}** ({r.size}): " + "; ".join(r.notes) for r in noted]
        out.append("")
    floors = _floor_rows(results)
    if floors:
        out += ["## Floor layouts", ""]
        out.append(md_table(("case", "size", "multiply-adds", "dots (count x length)"), floors))
        out.append("")
    if report.get("scaling"):
        out += ["## Scaling", ""]
        out.append(
            "Fitted slope of log(time) vs log(size); the O() exponent of the leading term; "
            "and the slope of the multiply-add count over the same sizes (lower-order terms "
            "included)."
        )
        out += ["", md_table(SCALING_HEADER, _scaling_rows(report["scaling"])), ""]
    if report.get("memory"):
        out += ["## Memory of a multi-session fit", ""]
        out.append(
            "`PoseRegressor().fit(paths)` in a fresh subprocess per row "
            "(`python -m benchmarks.memprobe`): the process's peak resident set size "
            "(VmHWM) after importing purepose and after the fit. Sessions of "
            f"{report['memory'][0]['seconds_per_session']:g} s "
            "(the reader streams chunks of 32,768 rows)."
        )
        out += ["", md_table(MEMORY_HEADER, _memory_rows(report["memory"])), ""]
    return "\n".join(out)
