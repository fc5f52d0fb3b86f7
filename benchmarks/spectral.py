"""What each window feature costs: microseconds per window and channel, measured in one run.

``python -m benchmarks.spectral [--seconds 20] [--channels 16] [--repeat 3]``

Times ``purepose.signals.features.extract_features`` (100 ms windows every 20 ms at
2 kHz) on Gaussian noise for the four default features together, then for
each feature alone, and, when numpy/scipy are installed, the same windows'
Hann periodograms through ``scipy.signal.periodogram`` (one vectorised call)
as the C-speed reference. Best of ``--repeat`` runs; the ratio column is
against the four default features of the same run, so the machine's load
cancels out of it.
"""

from __future__ import annotations

import argparse
import random
import time

from purepose.signals.features import DEFAULT_FEATURES, FEATURES, extract_features, window_bounds


def _best(func, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.spectral", description=__doc__.split("\n")[0]
    )
    p.add_argument("--seconds", type=float, default=20.0, help="signal length at 2 kHz (20)")
    p.add_argument("--channels", type=int, default=16, help="channels (16)")
    p.add_argument("--repeat", type=int, default=3, help="runs per timing, best kept (3)")
    args = p.parse_args(argv)
    rng = random.Random(0)
    n = round(args.seconds * 2000)
    emg = [[rng.gauss(0.0, 1.0) for _ in range(args.channels)] for _ in range(n)]
    n_windows = len(window_bounds(n, 200, 40))
    per = n_windows * args.channels
    base = _best(lambda: extract_features(emg, features=DEFAULT_FEATURES), args.repeat) / per
    print(f"{n_windows} windows x {args.channels} channels; microseconds per window and channel")
    print("| features | µs | / default four |")
    print("|---|---|---|")
    print(f"| {', '.join(DEFAULT_FEATURES)} | {base * 1e6:.1f} | 1.0 |")
    for name in FEATURES:
        t = _best(lambda name=name: extract_features(emg, features=(name,)), args.repeat) / per
        print(f"| {name} | {t * 1e6:.1f} | {t / base:.1f} |")
    try:
        import numpy as np
        from scipy.signal import periodogram
    except ImportError:
        return 0
    x = np.asarray(emg)
    starts = np.arange(0, n - 200 + 1, 40)
    windows = x[starts[:, None] + np.arange(200)]  # (n_windows, 200, channels)
    t = _best(lambda: periodogram(windows, 2000.0, window="hann", nfft=256, axis=1), args.repeat)
    print(f"| scipy.signal.periodogram (reference) | {t / per * 1e6:.2f} | {t / per / base:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
