"""Timing, the CPython floor, accuracy measures and the machine description.

Timing: ``time.perf_counter`` around ``number`` calls (chosen so that one run
lasts at least ``min_run`` seconds, like ``timeit.Timer.autorange``); the run
is repeated and the minimum per-call time is kept, the least disturbed one.
A time budget caps the repeats of very slow functions (the textbook loops),
so every result also records how many runs it is the minimum of. The garbage
collector stays on by default, as users run with it; ``gc_enabled=False``
turns it off around the timed calls.

The CPython floor of a case is the time of the one C kernel purepose builds
on, ``math.sumprod`` (3.12+) or ``sum(map(operator.mul, a, b))`` (3.11),
doing the case's multiply-adds laid out as dots of the case's natural inner
length. The dots are driven by ``map`` and drained by a zero-length ``deque``,
so no interpreter loop is counted: only the C kernel, once per inner product,
on two contiguous freshly built float lists (cache-friendly, hence a floor).
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import math
import operator
import os
import platform
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import repeat
from typing import Any

Segments = list[tuple[int, int]]
"""A floor layout: ``(count, length)`` pairs, meaning ``count`` dots of ``length``."""

if sys.version_info >= (3, 12):
    FLOOR_KERNEL = "math.sumprod"

    def drain_dots(a: Sequence[float], b: Sequence[float], count: int) -> None:
        """Run ``count`` dots of a and b in C (math.sumprod), discarding the results."""
        deque(map(math.sumprod, repeat(a, count), repeat(b, count)), maxlen=0)

else:
    FLOOR_KERNEL = "sum(map(operator.mul, a, b))"

    def drain_dots(a: Sequence[float], b: Sequence[float], count: int) -> None:
        """Run ``count`` dots ``sum(map(mul, a, b))`` in C, discarding the results."""
        pairs = map(map, repeat(operator.mul), repeat(a, count), repeat(b, count))
        deque(map(sum, pairs), maxlen=0)


# ---------------------------------------------------------------------------
# Timing


@dataclass
class Timing:
    """Best time of one call (seconds), the number of runs and calls per run behind it."""

    best: float
    runs: int
    number: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TimingConfig:
    """How to time: repeats, minimum run length, budget per measurement, gc on or off."""

    repeat: int = 5
    min_run: float = 0.05
    budget: float = 20.0
    gc_enabled: bool = True


def _run(fn: Callable[[], Any], number: int, gc_enabled: bool) -> float:
    was_enabled = gc.isenabled()
    if not gc_enabled:
        gc.collect()
        gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()


def measure(fn: Callable[[], Any], config: TimingConfig) -> Timing:
    """Minimum per-call time of ``fn()`` over up to ``config.repeat`` runs.

    The first run (one call) also decides ``number``, the calls per run that
    make a run last ``min_run`` seconds; it counts as a sample when number is 1.
    Runs stop early once ``budget`` seconds have been spent (at least one run).
    """
    spent = first = _run(fn, 1, config.gc_enabled)
    number = 1 if first >= config.min_run else max(1, math.ceil(config.min_run / max(first, 1e-9)))
    samples = [first] if number == 1 else []
    while len(samples) < config.repeat and (not samples or spent < config.budget):
        elapsed = _run(fn, number, config.gc_enabled)
        spent += elapsed
        samples.append(elapsed / number)
    return Timing(min(samples), len(samples), number)


# ---------------------------------------------------------------------------
# The CPython floor


def floor_vectors(length: int) -> tuple[list[float], list[float]]:
    """Two contiguous lists of ``length`` floats (fresh objects, allocated in order)."""
    a = [1.0 + ((i * 7919) % 1000) / 997.0 for i in range(length)]
    b = [0.5 - ((i * 104729) % 1000) / 1009.0 for i in range(length)]
    return a, b


def floor_function(segments: Iterable[tuple[int, int]]) -> Callable[[], None]:
    """A function doing ``count`` dots of ``length`` for every (count, length) segment."""
    work = []
    longest = max((length for count, length in segments if count > 0), default=0)
    a, b = floor_vectors(longest)
    for count, length in segments:
        if count > 0:
            work.append((a[:length], b[:length], count))

    def run() -> None:
        for x, y, count in work:
            drain_dots(x, y, count)

    return run


def segment_madds(segments: Iterable[tuple[int, int]]) -> int:
    """Total multiply-adds of a floor layout."""
    return sum(count * length for count, length in segments)


def dots_of(madds: int, length: int) -> Segments:
    """``madds`` multiply-adds laid out as dots of ``length`` (rounded up to whole dots)."""
    return [(max(1, math.ceil(madds / length)), length)] if madds > 0 else []


# ---------------------------------------------------------------------------
# Accuracy


def differences(actual: Any, expected: Any) -> tuple[float, float]:
    """``(max |a - e|, max |a - e| / max |e|)``: absolute and normwise-relative (inf-norm).

    A normwise relative difference stays meaningful when some entries of the
    reference are zero or tiny, unlike an entrywise one.
    """
    import numpy as np

    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise ValueError(f"differences: shapes differ {a.shape} != {e.shape}")
    if a.size == 0:
        return 0.0, 0.0
    abs_diff = float(np.max(np.abs(a - e)))
    scale = float(np.max(np.abs(e)))
    return abs_diff, (abs_diff / scale if scale > 0 else abs_diff)


# ---------------------------------------------------------------------------
# One row of the results


@dataclass
class Result:
    """One case at one size: the three timings, the floor and the accuracy vs numpy."""

    case: str
    size: str
    purepose: Timing
    numpy: Timing | None = None
    textbook: Timing | None = None
    floor: Timing | None = None
    madds: int = 0
    inner: str = ""
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def ratio(self, other: Timing | None, inverse: bool = False) -> float | None:
        if other is None or other.best <= 0 or self.purepose.best <= 0:
            return None
        return other.best / self.purepose.best if inverse else self.purepose.best / other.best

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "case": self.case,
            "size": self.size,
            "python": platform.python_version(),
            "purepose_s": self.purepose.best,
            "numpy_s": self.numpy.best if self.numpy else None,
            "textbook_s": self.textbook.best if self.textbook else None,
            "floor_s": self.floor.best if self.floor else None,
            "purepose_over_numpy": self.ratio(self.numpy),
            "purepose_over_floor": self.ratio(self.floor),
            "textbook_over_purepose": self.ratio(self.textbook, inverse=True),
            "madds": self.madds,
            "floor_layout": self.inner,
            "max_abs_diff": self.max_abs_diff,
            "max_rel_diff": self.max_rel_diff,
            "notes": self.notes,
            "timings": {
                name: t.to_dict()
                for name, t in (
                    ("purepose", self.purepose),
                    ("numpy", self.numpy),
                    ("textbook", self.textbook),
                    ("floor", self.floor),
                )
                if t is not None
            },
        }
        out.update(self.extra)
        return out


# ---------------------------------------------------------------------------
# The machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info() -> list[dict[str, Any]] | str:
    """What threadpoolctl says numpy/scikit-learn loaded, or why it cannot say."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    import numpy  # noqa: F401 - load the libraries before asking about them
    import sklearn.cluster  # noqa: F401

    keys = ("user_api", "internal_api", "version", "architecture", "num_threads", "filepath")
    return [{k: pool.get(k) for k in keys} for pool in threadpool_info()]


def environment(timing: TimingConfig, argv: Sequence[str]) -> dict[str, Any]:
    """Everything a reader needs to reproduce or judge the numbers."""
    import numpy
    import sklearn

    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "python": sys.version.replace("\n", " "),
        "python_version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": numpy.__version__,
        "scikit_learn": sklearn.__version__,
        "blas": blas_info(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "floor_kernel": FLOOR_KERNEL,
        "timer": "time.perf_counter, minimum over runs",
        "repeat": timing.repeat,
        "min_run_s": timing.min_run,
        "budget_s": timing.budget,
        "gc_during_timing": "enabled" if timing.gc_enabled else "disabled",
        "command": "python -m benchmarks " + " ".join(argv),
    }


def to_json(data: Any) -> str:
    """JSON with NaN/inf turned into null (strict JSON)."""

    def clean(x: Any) -> Any:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(data), indent=2, allow_nan=False) + "\n"
