"""Errors of a prediction for any targets: MAE, normalised MAE, Pearson r and R² per target.

For frames t in V (the scored frames) and target j, with e[t][j] = y_pred - y_true
and the means and centred sums over V (y_bar_j, p_bar_j):

    MAE_j   = sum_t |e[t][j]| / |V|                      (in the target's unit)
    RMSE_j  = sqrt( sum_t e[t][j]^2 / |V| )
    std_j   = sqrt( S_yy / |V| ),  S_yy = sum_t (y - y_bar)^2   (population std)
    nMAE_j  = MAE_j / std_j                              (unit-free; 1 ~ as far off as the spread)
    r_j     = S_yp / sqrt(S_yy S_pp)                     (Pearson; undefined if either is constant)
    R2_j    = 1 - sum_t e^2 / S_yy

and the averages: nMAE, r and R² over the targets with std_j > 0 (a sensor
that never moves has no scale), r also only where the prediction varies. A
constant prediction (the mean-pose baseline) therefore has no r.

Raw sensor values such as CyberGlove readings have no common unit, so nMAE
and r are the numbers to compare across targets and recordings; the emg2pose
angular MAE in degrees (``purepose.pose.metrics``) is the special case of joint angles.

Accumulation is streaming and mergeable: per target, |e| and e^2 are kept as
partial ``fsum`` sums and (y, p) as a count, two means and three centred
co-moments merged with the formula of Chan, Golub & LeVeque (1983), so a
report does not depend on how the frames were chunked beyond rounding.
Cost O(n_frames * n_targets) per update.

Reference: T. F. Chan, G. H. Golub, R. J. LeVeque, "Algorithms for computing
the sample variance", The American Statistician 37 (1983); the nMAE is the
normalisation used for NinaPro glove regression (e.g. Krasoulis et al. 2019).

>>> acc = TargetAccumulator(2).update([[0.0, 1.0], [2.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])
>>> r = acc.report(("a", "b"), "raw")
>>> r.mae, r.nmae, r.n_scaled
([1.0, 0.0], 1.0, 1)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from purepose.checks import first_non_finite
from purepose.errors import PureposeError
from purepose.types import Vector


def _columns(where: str, name: str, Y: Sequence[Sequence[float]], width: int) -> list[list[float]]:
    """The ``width`` columns of an n x width matrix of finite numbers (checked)."""
    for i, row in enumerate(Y):
        if len(row) != width:
            raise PureposeError(f"{where}: {name} row {i} has {len(row)} values, expected {width}")
    columns = [list(map(operator.itemgetter(j), Y)) for j in range(width)]
    for j, col in enumerate(columns):
        i = first_non_finite(col)
        if i is not None:
            raise PureposeError(
                f"{where}: {name} has non-finite value {col[i]} at row {i}, column {j}"
            )
    return columns


def chan_merge(
    n_a: int, mean_a: float, m2_a: float, n_b: int, mean_b: float, m2_b: float
) -> tuple[float, float]:
    """Mean and centred sum of squares of two merged groups (Chan, Golub, LeVeque 1983).

    mean = mean_a + d n_b / n,  M2 = M2_a + M2_b + d^2 n_a n_b / n,  d = mean_b - mean_a.

    >>> chan_merge(2, 1.0, 2.0, 2, 3.0, 2.0)   # [0, 2] and [2, 4]
    (2.0, 8.0)
    """
    n = n_a + n_b
    if n_a == 0 or n_b == 0:
        return (mean_b, m2_b) if n_a == 0 else (mean_a, m2_a)
    delta = mean_b - mean_a
    return mean_a + delta * (n_b / n), m2_a + m2_b + delta * delta * (n_a * n_b / n)


class _Moments:
    """Count, means and centred co-moments of one target's (y, p) pairs; mergeable."""

    __slots__ = ("c_yp", "m2_p", "m2_y", "mean_p", "mean_y", "n")

    def __init__(self) -> None:
        self.n = 0
        self.mean_y = self.mean_p = self.m2_y = self.m2_p = self.c_yp = 0.0

    @classmethod
    def of(cls, y: Sequence[float], p: Sequence[float]) -> _Moments:
        """Two-pass moments of one chunk: centre, then sum products (no cancellation)."""
        m = cls()
        m.n = n = len(y)
        # A constant column has exactly that mean and no spread (fsum(c, ..., c) / n can be
        # an ulp off c), so a constant prediction has exactly zero variance: no r.
        m.mean_y = y[0] if min(y) == max(y) else math.fsum(y) / n
        m.mean_p = p[0] if min(p) == max(p) else math.fsum(p) / n
        dy = [v - m.mean_y for v in y]
        dp = [v - m.mean_p for v in p]
        m.m2_y = math.fsum(map(operator.mul, dy, dy))
        m.m2_p = math.fsum(map(operator.mul, dp, dp))
        m.c_yp = math.fsum(map(operator.mul, dy, dp))
        return m

    def merged(self, other: _Moments) -> _Moments:
        out = _Moments()
        na, nb = self.n, other.n
        out.n = n = na + nb
        if na == 0 or nb == 0:
            src = other if na == 0 else self
            out.mean_y, out.mean_p = src.mean_y, src.mean_p
            out.m2_y, out.m2_p, out.c_yp = src.m2_y, src.m2_p, src.c_yp
            return out
        dy, dp = other.mean_y - self.mean_y, other.mean_p - self.mean_p
        w = na * nb / n
        out.mean_y = self.mean_y + dy * (nb / n)
        out.mean_p = self.mean_p + dp * (nb / n)
        out.m2_y = self.m2_y + other.m2_y + dy * dy * w
        out.m2_p = self.m2_p + other.m2_p + dp * dp * w
        out.c_yp = self.c_yp + other.c_yp + dy * dp * w
        return out


@dataclass(frozen=True)
class TargetReport:
    """Per-target errors and their averages (module docstring); JSON-ready via to_dict."""

    n_frames: int
    target_names: tuple[str, ...]
    unit: str
    mae: Vector
    rmse: Vector
    std: Vector
    nmae_per_target: list[float | None]
    r_per_target: list[float | None]
    r2_per_target: list[float | None]
    mae_mean: float
    nmae: float | None
    r: float | None
    r2: float | None
    n_scaled: int

    def to_dict(self) -> dict[str, Any]:
        names = list(self.target_names)
        return {
            "n_frames": self.n_frames,
            "unit": self.unit,
            "mae": self.mae_mean,
            "nmae": self.nmae,
            "pearson_r": self.r,
            "r2": self.r2,
            "n_targets_with_spread": self.n_scaled,
            "per_target": {
                name: {
                    "mae": self.mae[j],
                    "rmse": self.rmse[j],
                    "std": self.std[j],
                    "nmae": self.nmae_per_target[j],
                    "pearson_r": self.r_per_target[j],
                    "r2": self.r2_per_target[j],
                }
                for j, name in enumerate(names)
            },
        }


def _mean_of(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return math.fsum(kept) / len(kept) if kept else None


class TargetAccumulator:
    """Streaming, mergeable sums for :class:`TargetReport` over ``n_targets`` targets.

    ``update(y_true, y_pred, mask)`` adds the frames where ``mask`` is True
    (all by default); ``report(names, unit)`` computes the module docstring's numbers.

    >>> a = TargetAccumulator(1).update([[1.0], [3.0]], [[1.0], [2.0]])
    >>> b = TargetAccumulator(1).update([[5.0]], [[6.0]])
    >>> round(a.merge(b).report(("x",), "mm").r, 6)   # r of y = (1, 3, 5), p = (1, 2, 6)
    0.944911
    """

    def __init__(self, n_targets: int) -> None:
        if isinstance(n_targets, bool) or not isinstance(n_targets, int) or n_targets < 1:
            raise PureposeError(f"TargetAccumulator: n_targets={n_targets!r} must be an int >= 1")
        self.n_targets = n_targets
        self.n_frames = 0
        self.n_seen = 0
        self._abs: list[list[float]] = [[] for _ in range(n_targets)]
        self._sq: list[list[float]] = [[] for _ in range(n_targets)]
        self._moments = [_Moments() for _ in range(n_targets)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_targets={self.n_targets}, n_frames={self.n_frames})"

    def update(
        self,
        y_true: Sequence[Sequence[float]],
        y_pred: Sequence[Sequence[float]],
        mask: Sequence[bool] | None = None,
    ) -> TargetAccumulator:
        """Add a chunk of frames (n x n_targets each); returns self."""
        where = f"{type(self).__name__}.update"
        if len(y_true) != len(y_pred):
            raise PureposeError(
                f"{where}: y_true has {len(y_true)} rows but y_pred has {len(y_pred)}"
            )
        true_cols = _columns(where, "y_true", y_true, self.n_targets)
        pred_cols = _columns(where, "y_pred", y_pred, self.n_targets)
        if mask is not None:
            if len(mask) != len(y_true):
                raise PureposeError(
                    f"{where}: mask has {len(mask)} entries for {len(y_true)} frames"
                )
            keep = [bool(m) for m in mask]
            if not all(keep):
                true_cols = [list(compress(c, keep)) for c in true_cols]
                pred_cols = [list(compress(c, keep)) for c in pred_cols]
        self._add(true_cols, pred_cols, n_seen=len(y_true))
        return self

    def _add(
        self, true_cols: list[list[float]], pred_cols: list[list[float]], n_seen: int
    ) -> None:
        """Add checked, masked columns (one list per target)."""
        self.n_seen += n_seen
        n = len(true_cols[0])
        if n == 0:
            return
        self.n_frames += n
        for j in range(self.n_targets):
            t, p = true_cols[j], pred_cols[j]
            e = list(map(operator.sub, p, t))
            self._abs[j].append(math.fsum(map(abs, e)))
            self._sq[j].append(math.fsum(map(operator.mul, e, e)))
            self._moments[j] = self._moments[j].merged(_Moments.of(t, p))

    def merge(self, other: TargetAccumulator) -> TargetAccumulator:
        """A new accumulator holding the frames of both (neither input changes)."""
        if not isinstance(other, TargetAccumulator) or other.n_targets != self.n_targets:
            raise PureposeError(
                f"{type(self).__name__}.merge: need an accumulator of {self.n_targets} targets"
            )
        out = type(self).__new__(type(self))
        TargetAccumulator.__init__(out, self.n_targets)
        out.n_frames = self.n_frames + other.n_frames
        out.n_seen = self.n_seen + other.n_seen
        out._abs = [a + b for a, b in zip(self._abs, other._abs)]
        out._sq = [a + b for a, b in zip(self._sq, other._sq)]
        out._moments = [a.merged(b) for a, b in zip(self._moments, other._moments)]
        return out

    def _check_frames(self, where: str) -> None:
        if self.n_frames == 0:
            if self.n_seen == 0:
                raise PureposeError(f"{where}: no frames to score")
            raise PureposeError(f"{where}: all {self.n_seen} frames are masked out")

    def abs_sums(self) -> Vector:
        """sum_t |e[t][j]| per target (checked: there are frames)."""
        self._check_frames(f"{type(self).__name__}.report")
        return [math.fsum(p) for p in self._abs]

    def sq_sums(self) -> Vector:
        """sum_t e[t][j]^2 per target."""
        self._check_frames(f"{type(self).__name__}.report")
        return [math.fsum(p) for p in self._sq]

    def report(self, target_names: Sequence[str], unit: str) -> TargetReport:
        """The numbers of the module docstring for every frame added so far."""
        if len(target_names) != self.n_targets:
            raise PureposeError(
                f"TargetAccumulator.report: {len(target_names)} names for {self.n_targets} targets"
            )
        n = self.n_frames
        abs_sums, sq_sums = self.abs_sums(), self.sq_sums()
        mae = [s / n for s in abs_sums]
        std = [math.sqrt(m.m2_y / n) for m in self._moments]
        nmae = [a / s if s > 0 else None for a, s in zip(mae, std)]
        r = [
            m.c_yp / math.sqrt(m.m2_y * m.m2_p) if m.m2_y > 0 and m.m2_p > 0 else None
            for m in self._moments
        ]
        r2 = [1.0 - e / m.m2_y if m.m2_y > 0 else None for e, m in zip(sq_sums, self._moments)]
        return TargetReport(
            n_frames=n,
            target_names=tuple(target_names),
            unit=unit,
            mae=mae,
            rmse=[math.sqrt(s / n) for s in sq_sums],
            std=std,
            nmae_per_target=nmae,
            r_per_target=r,
            r2_per_target=r2,
            mae_mean=math.fsum(mae) / len(mae),
            nmae=_mean_of(nmae),
            r=_mean_of(r),
            r2=_mean_of(r2),
            n_scaled=sum(s > 0 for s in std),
        )


def target_report(
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    target_names: Sequence[str],
    unit: str = "raw",
    *,
    mask: Sequence[bool] | None = None,
) -> TargetReport:
    """One-shot :class:`TargetReport` of ``y_pred`` against ``y_true``.

    >>> r = target_report([[1.0], [2.0], [3.0]], [[1.5], [2.0], [2.5]], ["x"])
    >>> round(r.nmae, 6), round(r.r, 6), round(r.r2, 6)
    (0.408248, 1.0, 0.75)
    """
    width = len(target_names)
    return TargetAccumulator(width).update(y_true, y_pred, mask).report(target_names, unit)


def _cell(value: float | None, digits: int) -> str:
    """A fixed-point cell, or 4 significant digits when the number is large (readable always)."""
    if value is None:
        return "–"
    return f"{value:.4g}" if abs(value) >= 1000 else f"{value:.{digits}f}"


def format_target_table(
    reports: dict[str, TargetReport], *, by_target: bool = False, title: str = "targets"
) -> str:
    """A monospace table: one column per report (model, mean pose ...), one row per number.

    Rows: nMAE, Pearson r, R², MAE (in the unit), frames; with ``by_target``
    also each target's nMAE. A dash marks a number that is undefined (the r
    of a constant prediction).

    >>> y = [[1.0, 0.0], [3.0, 2.0]]
    >>> reps = {"model": target_report(y, y, ["a", "b"]),
    ...         "mean pose": target_report(y, [[2.0, 1.0]] * 2, ["a", "b"])}
    >>> print(format_target_table(reps))
    targets (raw)  model  mean pose
    -------------  -----  ---------
    nMAE           0.000      1.000
    Pearson r      1.000          –
    R²             1.000      0.000
    MAE (raw)      0.000      1.000
    n frames           2          2
    """
    if not reports:
        raise PureposeError("format_target_table: no reports to show")
    first = next(iter(reports.values()))
    unit = first.unit
    rows = [
        [f"{title} ({unit})", *reports],
        ["nMAE", *(_cell(r.nmae, 3) for r in reports.values())],
        ["Pearson r", *(_cell(r.r, 3) for r in reports.values())],
        ["R²", *(_cell(r.r2, 3) for r in reports.values())],
        [f"MAE ({unit})", *(_cell(r.mae_mean, 3) for r in reports.values())],
    ]
    if by_target:
        for j, name in enumerate(first.target_names):
            rows.append(
                [f"  nMAE {name}", *(_cell(r.nmae_per_target[j], 3) for r in reports.values())]
            )
    rows.append(["n frames", *(str(r.n_frames) for r in reports.values())])
    widths = [max(len(line[c]) for line in rows) for c in range(len(rows[0]))]
    rows.insert(1, ["-" * w for w in widths])
    return "\n".join(
        "  ".join([line[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(line[1:], widths[1:]))])
        for line in rows
    )
