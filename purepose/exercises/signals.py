"""Exercises ``features`` and ``lfilter``: windowed EMG features and an IIR filter.

Features are graded against their exact values (Fractions; RMS to 40
digits). RMS, MAV and WL are sums of N non-negative terms, so any order of
summation is within gamma(N) of the exact sum; with the division and the
square root,

    rms within (N + 3) u,  mav and wl within (N + 2) u,  relative;  zc exactly.

A running sum over the whole signal (``P[s + N] - P[s]``) has an error of
about u times everything summed before the window, so a quiet window after
a loud stretch fails by orders of magnitude.

The filter is graded against its exact output (the difference equation in
Fractions). Each step rounds its K = max(len(a), len(b)) products and sums
(relative 2 K u of the step's terms), and the recursion passes each step's
error on with a total gain of at most G = sum_j |g_j|, g the impulse
response of 1 / a(z). So

    |y[n] - exact[n]| <= 4 K u G max_(m <= n) (sum_k |b_k x[m-k]| + sum_(k>=1) |a_k y[m-k]|)
                         / |a_0|

which direct form I and direct form II transposed both meet, and which
grows, honestly, for a pole near the unit circle.
"""

from __future__ import annotations

import cmath
import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import features as textbook_features

from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    U,
    Verdict,
    compare,
    finite_problem,
    source_of,
    structure_problem,
    ulps,
)
from .exact import sqrt_fraction
from .signal_starters import FEATURES_STARTER, LFILTER_ANSWER, LFILTER_STARTER

NAMES = ("rms", "mav", "wl", "zc")


def _features(
    tier: str,
    label: str,
    emg: list,
    window: int,
    hop: int,
    features: list[str],
    threshold: float = 0.0,
    **kw: Any,
) -> Case:
    payload = {
        "f": "extract_features",
        "args": {"emg": emg},
        "kwargs": {"window": window, "hop": hop, "features": features, "threshold": threshold},
    }
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


def _sign(v: float) -> int:
    return (v > 0.0) - (v < 0.0)


def exact_feature(name: str, x: list[float], threshold: float) -> Fraction:
    """The exact value of one feature of one window (RMS to 40 digits)."""
    n = len(x)
    if name == "rms":
        return sqrt_fraction(sum((Fraction(v) ** 2 for v in x), Fraction(0)) / n)
    if name == "mav":
        return sum((abs(Fraction(v)) for v in x), Fraction(0)) / n
    if name == "wl":
        return sum((abs(Fraction(x[i]) - Fraction(x[i - 1])) for i in range(1, n)), Fraction(0))
    crossings = sum(
        1
        for i in range(n - 1)
        if _sign(x[i]) * _sign(x[i + 1]) < 0 and abs(x[i + 1] - x[i]) >= threshold
    )
    return Fraction(crossings)


RELATIVE = {"rms": 3, "mav": 2, "wl": 2}
"""The allowance of each feature is (N + RELATIVE[name]) u, relative (zc: exact)."""


class FeaturesExercise(Exercise):
    name = "features"
    level = "core"
    summary = (
        "windowed RMS, MAV, WL and zero crossings that survive a quiet window after a loud one"
    )
    functions = ("extract_features",)
    tolerance = (
        "relative to the exact value of each window: rms (N + 3) u, mav and wl (N + 2) u "
        "(N non-negative terms summed in any order, a division, a square root); zc exactly"
    )
    starter_text = FEATURES_STARTER

    def answer(self) -> str:
        f = textbook_features
        return source_of(
            "The model answer of exercise features: purepose.textbook.features, as written.",
            f._sign,
            f.window_feature,
            f.extract_features,
            prelude='import math\n\nDEFAULT_FEATURES = ("rms", "mav", "wl", "logpow")',
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        from purepose.signals.features import extract_features

        return SimpleNamespace(extract_features=extract_features)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for i in range(4):
            window = rng.randint(3, 16)
            hop = rng.randint(1, window)
            n = window + hop * rng.randint(2, 6) + (0 if i == 0 else rng.randint(0, hop - 1))
            channels = rng.randint(1, 3)
            emg = [
                [rng.gauss(0, 10.0 ** rng.uniform(-1, 1)) for _ in range(channels)]
                for _ in range(n)
            ]
            names = rng.sample(NAMES, rng.randint(1, 4))
            label = f"{n} samples of {channels} channel(s), window {window}, hop {hop}"
            cases.append(_features(ORDINARY, label, emg, window, hop, names))
        cases.sort(key=lambda c: len(c.payload["args"]["emg"]))
        signal = [[rng.gauss(0, 1)] for _ in range(23)]
        cases += [
            _features(
                CAREFUL,
                "the last window ends at the last sample ((n - window) // hop "
                "windows after the first)",
                signal[:21],
                5,
                4,
                list(NAMES),
                hint="window k covers k hop .. k hop + window - 1: range(0, n - window + 1, hop)",
            ),
            _features(
                CAREFUL, "hop > window: gaps between the windows", signal, 3, 5, ["rms", "wl"]
            ),
            _features(CAREFUL, "window = n: one window", signal, 23, 7, ["mav", "zc"]),
            _features(
                CAREFUL,
                "zero is neither side: 1, 0, -1 is no crossing of a pair",
                [[v] for v in (1.0, 0.0, -1.0, 2.0, -3.0, 0.0, 0.0, 4.0)],
                8,
                8,
                ["zc"],
            ),
            _features(
                CAREFUL,
                "tiny values (+-1e-200): x[i] * x[i+1] underflows to -0.0, so compare signs",
                [[(-1) ** i * 1e-200] for i in range(10)],
                10,
                10,
                ["zc"],
                hint="sign(x[i]) * sign(x[i+1]) < 0, with sign(v) = (v > 0) - (v < 0)",
            ),
            _features(
                CAREFUL,
                "a ZC threshold of 0.5: only steps of at least 0.5 count",
                [[v] for v in (0.1, -0.1, 0.3, -0.3, 1.0, -1.0)],
                6,
                6,
                ["zc"],
                0.5,
            ),
        ]
        loud = [[rng.gauss(0, 1e4)] for _ in range(20_000)]
        quiet = [[rng.gauss(0, 1e-2)] for _ in range(2_000)]
        cases.append(
            _features(
                CAREFUL,
                "quiet windows after a loud stretch: a running sum P[s + N] - P[s] over "
                "the whole signal loses them",
                loud + quiet,
                200,
                200,
                ["rms", "mav", "wl"],
                show="emg: 22,000 x 1: 20,000 loud samples (std 1e4), then 2,000 quiet ones (std "
                "1e-2); window 200, hop 200, features rms, mav, wl",
                hint="sum each window (or pieces of it) on its own: never subtract two sums "
                "that include the loud stretch",
            )
        )
        cases += [
            _features(BAD_INPUT, "window = 0", signal, 0, 1, ["rms"]),
            _features(BAD_INPUT, "hop = 0", signal, 4, 0, ["rms"]),
            _features(BAD_INPUT, "an unknown feature 'power'", signal, 4, 2, ["power"]),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        emg = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(4000)]
        return _features(
            ORDINARY,
            "4,000 samples of 4 channels, window 200, hop 40, all four features",
            emg,
            200,
            40,
            list(NAMES),
        )

    def check(self, case: Case, got: Any) -> Verdict:
        emg = case.payload["args"]["emg"]
        kw = case.payload["kwargs"]
        window, hop, names, threshold = kw["window"], kw["hop"], kw["features"], kw["threshold"]
        n, channels = len(emg), len(emg[0])
        n_windows = (n - window) // hop + 1
        if not isinstance(got, list) or len(got) != n_windows:
            count = len(got) if isinstance(got, list) else "no list of"
            return Verdict.fail(
                f"got {count} windows, expected (n - window) // hop + 1 = {n_windows}",
                f"window k covers samples k hop .. k hop + window - 1 (n = {n}, window "
                f"{window}, hop {hop}): range(0, n - window + 1, hop)",
            )
        width = len(names) * channels
        problem = structure_problem(got, [[0.0] * width] * n_windows) or finite_problem(got)
        if problem:
            return Verdict.fail(
                problem,
                f"each row holds len(features) * n_channels = {width} values, feature-major",
            )
        for w in range(n_windows):
            start = w * hop
            for c in range(width):
                name, ch = names[c // channels], c % channels
                x = [row[ch] for row in emg[start : start + window]]
                want = exact_feature(name, x, threshold)
                allowed = (window + RELATIVE[name]) * U * abs(float(want)) if name != "zc" else 0
                error = abs(Fraction(got[w][c]) - want)
                if error > allowed:
                    off = ulps(float(error), want)
                    why = _running_sum(name, [row[ch] for row in emg], start, window, got[w][c])
                    return Verdict.fail(
                        f"window {w} (samples {start} .. {start + window - 1}), {name} of "
                        f"channel {ch} (column {c}): expected {float(want)!r}, got {got[w][c]!r}",
                        f"  error {float(error):.2g}"
                        + (f" ({off:.2g} ulps)" if off else "")
                        + f"; allowed {allowed:.2g}",
                        *(f"  {line}" for line in why),
                    )
        return Verdict.ok()


def _running_sum(name: str, x: list[float], start: int, window: int, got: float) -> list[str]:
    """A line naming the running-sum mistake, when ``got`` is exactly what P[e] - P[s] gives."""
    if name not in ("rms", "mav"):
        return []
    total, prefix = 0.0, [0.0]
    for v in x:
        total += v * v if name == "rms" else abs(v)
        prefix.append(total)
    value = (prefix[start + window] - prefix[start]) / window
    value = math.sqrt(max(value, 0.0)) if name == "rms" else value
    if abs(got - value) > math.ulp(value):
        return []
    return [
        "that is P[s + N] - P[s], a difference of running sums over the whole signal: its "
        "error is u times everything summed before the window, not u times the window's sum"
    ]


# ---------------------------------------------------------------------------


def stable_denominator(rng: random.Random, order: int, radius: float = 0.8) -> list[float]:
    """a(z) with random poles inside ``radius``: real ones and complex-conjugate pairs."""
    poles: list[complex] = []
    while len(poles) < order:
        if order - len(poles) >= 2 and rng.random() < 0.5:
            p = cmath.rect(rng.uniform(0.1, radius), rng.uniform(0.2, 3.0))
            poles += [p, p.conjugate()]
        else:
            poles.append(complex(rng.uniform(-radius, radius)))
    a = [complex(1.0)]
    for p in poles:
        a = [x - p * y for x, y in zip([*a, 0], [0, *a])]
    return [v.real for v in a]


def _lfilter(tier: str, label: str, b: list, a: list, x: list, **kw: Any) -> Case:
    payload = {"f": "lfilter", "args": {"b": b, "a": a, "x": x}}
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


def exact_filter(b: list[float], a: list[float], x: list[float]) -> list[Fraction]:
    bq, aq = [Fraction(v) for v in b], [Fraction(v) for v in a]
    xq = [Fraction(v) for v in x]
    y: list[Fraction] = []
    for n in range(len(x)):
        total = sum((bq[k] * xq[n - k] for k in range(min(len(b), n + 1))), Fraction(0))
        total -= sum((aq[k] * y[n - k] for k in range(1, min(len(a), n + 1))), Fraction(0))
        y.append(total / aq[0])
    return y


def filter_allowance(b: list[float], a: list[float], x: list[float], y: list[float]) -> list:
    """The allowed error of each output sample (module docstring)."""
    K = max(len(a), len(b))
    a0 = abs(a[0])
    g, G, local, allowed = [], 0.0, 0.0, []
    for n in range(len(x)):  # the impulse response of 1 / a(z), normalised by a[0]
        value = (1.0 if n == 0 else 0.0) - sum(
            a[k] / a[0] * g[n - k] for k in range(1, min(len(a), n + 1))
        )
        g.append(value)
        G += abs(value)
        terms = sum(abs(b[k] * x[n - k]) for k in range(min(len(b), n + 1)))
        terms += sum(abs(a[k] * y[n - k]) for k in range(1, min(len(a), n + 1)))
        local = max(local, terms / a0)
        allowed.append(4 * K * U * G * local)
    return allowed


class LfilterExercise(Exercise):
    name = "lfilter"
    level = "core"
    summary = "an IIR filter from its difference equation (scipy.signal.lfilter's b, a, x)"
    functions = ("lfilter",)
    tolerance = (
        "y[n] within 4 K u G max_(m <= n) (sum |b_k x[m-k]| + sum |a_k y[m-k]|) / |a_0| of "
        "the exact output, K = max(len(a), len(b)), G = sum |impulse response of 1 / a(z)|: "
        "each step's rounding, passed on by the recursion"
    )
    starter_text = LFILTER_STARTER

    def answer(self) -> str:
        return LFILTER_ANSWER

    def fast(self) -> Any:
        from types import SimpleNamespace

        from purepose.signals.features import lfilter

        return SimpleNamespace(lfilter=lfilter)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for order, n in sorted((rng.randint(1, 3), rng.randint(20, 100)) for _ in range(4)):
            a = stable_denominator(rng, order)
            b = [rng.gauss(0, 1) for _ in range(rng.randint(1, order + 1))]
            x = [rng.gauss(0, 1) for _ in range(n)]
            cases.append(_lfilter(ORDINARY, f"order {order}, {n} samples", b, a, x))
        x = [rng.gauss(0, 1) for _ in range(60)]
        a = stable_denominator(rng, 2)
        cases += [
            _lfilter(CAREFUL, "length 1", [0.5, 0.25], [1.0, -0.5], [3.0]),
            _lfilter(
                CAREFUL,
                "a[0] = 2: divide every coefficient by a[0]",
                [1.0, 0.5],
                [2.0 * v for v in a],
                x,
                hint="a[0] y[n] = ...: normalise b and a by a[0]",
            ),
            _lfilter(
                CAREFUL,
                "len(b) = 4, len(a) = 2: the shorter is padded with zeros",
                [0.2, 0.3, -0.1, 0.4],
                [1.0, -0.6],
                x,
            ),
            _lfilter(CAREFUL, "len(b) = 1, len(a) = 3", [0.7], a, x),
            _lfilter(CAREFUL, "FIR: a = [1.0]", [0.25, 0.5, 0.25], [1.0], x),
            _lfilter(
                CAREFUL, "the impulse response of a biquad", [0.3, 0.2, 0.1], a, [1.0] + [0.0] * 49
            ),
            _lfilter(
                CAREFUL,
                "a pole at 0.999: the recursion amplifies errors up to 1000 "
                "times (and the allowance with them)",
                [0.001],
                [1.0, -0.999],
                [rng.gauss(1, 1) for _ in range(300)],
            ),
            _lfilter(BAD_INPUT, "a[0] = 0", [1.0], [0.0, 1.0], [1.0, 2.0]),
            _lfilter(BAD_INPUT, "b is empty", [], [1.0], [1.0, 2.0]),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        x = [rng.gauss(0, 1) for _ in range(20_000)]
        return _lfilter(
            ORDINARY, "a biquad on 20,000 samples", [0.2, 0.4, 0.2], stable_denominator(rng, 2), x
        )

    def check(self, case: Case, got: Any) -> Verdict:
        b, a, x = case.payload["args"].values()
        want = exact_filter(b, a, x)
        allowed = filter_allowance(b, a, x, [float(v) for v in want])
        verdict = compare(got, want, allowed, what="y")
        if not verdict.passed and not structure_problem(got, want) and len(got) > 1:
            shifted = exact_filter(b, a, [0.0, *x[:-1]])
            if compare(got, shifted, [v + math.ulp(1.0) for v in allowed]).passed:
                verdict.lines.append(
                    "  that is the output one sample late: y[n] uses "
                    "x[n], x[n-1], ..., not x[n-1], x[n-2], ..."
                )
        return verdict
