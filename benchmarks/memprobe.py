"""Peak memory of one ``PoseRegressor().fit`` over the sessions named on the command line.

Run in a fresh interpreter per measurement (``python -m benchmarks.memprobe
[--trace] PATH ...``) so that nothing allocated before counts. Prints one JSON
object: the process's peak resident set size after the imports and after the
fit, the fit time and the number of training windows.

Peak RSS is ``VmHWM`` from ``/proc/self/status`` on Linux: the high-water mark
of this process image only. (``getrusage(...).ru_maxrss``, the fallback
elsewhere, keeps the parent's figure across fork + exec on Linux, so a child
started by a big parent would report the parent's size.) ``--trace`` also
records the ``tracemalloc`` peak of the fit (Python allocations only); it
slows the fit about 8x, so the benchmark runner leaves it off.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc


def peak_rss_bytes() -> int:
    """High-water mark of this process's resident set size, in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # macOS: bytes; Linux: KiB


def probe(paths: list[str], trace: bool = False) -> dict[str, float | int | None]:
    """Fit on ``paths`` and return the memory and time figures."""
    from purepose.pose.model import PoseRegressor

    rss_before = peak_rss_bytes()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    model = PoseRegressor().fit(paths)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    tracemalloc.stop()
    return {
        "n_sessions": len(paths),
        "n_windows": model.n_samples_,
        "peak_rss_before_fit_bytes": rss_before,
        "peak_rss_bytes": peak_rss_bytes(),
        "tracemalloc_peak_bytes": peak,
        "fit_s": elapsed,
        "traced": trace,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    trace = "--trace" in args
    paths = [a for a in args if a != "--trace"]
    if not paths:
        print("usage: python -m benchmarks.memprobe [--trace] SESSION.hdf5 ...", file=sys.stderr)
        return 2
    print(json.dumps(probe(paths, trace)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
