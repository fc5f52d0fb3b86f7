"""Exercise ``metric``: the emg2pose metric, angular MAE in degrees with IK failures masked.

Frames whose 20 angles are all within 1e-8 of zero are inverse-kinematics
failures and are not scored. Every number is a mean of N = |V| |G|
absolute differences (V the valid frames, G the joints of the group); each
difference rounds once (relative u: a subtraction's rounding is relative to
its result), a sum of N non-negative terms in any order is within gamma(N),
and the division and the conversion to degrees add a few roundings:

    each MAE within (N + 4) u of the exact value, relative.

The exact value is the mean of the exact differences (Fractions), times
180 / pi.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import metric as textbook_metric

from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    U,
    Verdict,
    is_number,
    source_of,
    ulps,
)

FINGERS = textbook_metric.FINGERS
SEGMENTS = textbook_metric.SEGMENTS

STARTER = '''\
"""Exercise metric: the emg2pose metric, with inverse-kinematics failures masked.

Task
    Write angular_mae(y_true, y_pred): the mean absolute joint-angle error
    in degrees that the emg2pose benchmark reports, overall, per joint and
    per finger (per segment too, if you like), skipping the frames where the
    motion capture's inverse kinematics failed.

Math
    A frame is an IK failure when all 20 of its true angles are ~0
    (|angle| <= 1e-8); V is the set of the other (valid) frames. With
    e[t][j] = y_pred[t][j] - y_true[t][j] in radians:
        MAE of joint j    = (180 / pi) sum_(t in V) |e[t][j]| / |V|
        MAE of a group G  = (180 / pi) sum_(t in V) sum_(j in G) |e[t][j]| / (|G| |V|)
        MAE               = the MAE of the group of all 20 joints
    Joints (emg2pose order): 0-3 thumb (CMC_FE, CMC_AA, MCP_FE, IP_FE), then
    for index (4-7), middle (8-11), ring (12-15), pinky (16-19): MCP_AA,
    MCP_FE, PIP_FE, DIP_FE. Fingers: thumb 0-3, index 4-7, middle 8-11,
    ring 12-15, pinky 16-19. Segments: proximal (0, 1, 4, 5, 8, 9, 12, 13,
    16, 17), mid (2, 6, 10, 14, 18), distal (3, 7, 11, 15, 19).

Conventions
    y_true and y_pred are lists of frames, each 20 floats (radians). Return
    a dict: {"mae": float, "per_joint": [20 floats], "per_finger": {"thumb":
    float, "index": ..., "middle": ..., "ring": ..., "pinky": ...}}, and
    optionally "per_segment": {"proximal": ..., "mid": ..., "distal": ...}.
    No valid frame at all, or frames of another length than 20, should
    raise ValueError (the optional "bad input" tier).

Example
    >>> y_true = [[0.1] * 20, [0.0] * 20, [0.2] * 20]       # frame 1 is an IK failure
    >>> r = angular_mae(y_true, [[0.0] * 20] * 3)
    >>> round(r["mae"], 4), round(r["per_finger"]["pinky"], 4)   # mean of 0.1 and 0.2 rad
    (8.5944, 8.5944)

Check it:  purepose exercise check metric metric.py
"""


def angular_mae(y_true, y_pred):
    """The emg2pose MAE in degrees over valid frames: overall, per joint, per finger."""
    # TODO: your code here
    raise NotImplementedError("angular_mae")
'''


def _frames(rng: random.Random, n: int, failures: float = 0.1) -> tuple[list, list]:
    y_true, y_pred = [], []
    for _ in range(n):
        if rng.random() < failures:
            y_true.append([0.0] * 20)
            y_pred.append([rng.gauss(0, 100) for _ in range(20)])  # huge: must not count
        else:
            row = [rng.gauss(0.4, 0.5) for _ in range(20)]
            y_true.append(row)
            y_pred.append([v + rng.gauss(0, 0.2) for v in row])
    return y_true, y_pred


def _metric(tier: str, label: str, y_true: list, y_pred: list, **kw: Any) -> Case:
    payload = {"f": "angular_mae", "args": {"y_true": y_true, "y_pred": y_pred}}
    kw.setdefault(
        "show",
        f"{len(y_true)} frames of 20 angles, "
        f"{sum(1 for r in y_true if all(abs(v) <= 1e-8 for v in r))} of them "
        "IK failures (all angles ~0)",
    )
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


MASK_HINT = (
    "a frame is skipped only when ALL 20 true angles are within 1e-8 of zero "
    "(not == 0, and not joint by joint)"
)


class MetricExercise(Exercise):
    name = "metric"
    level = "core"
    summary = "the emg2pose metric: angular MAE in degrees, per finger, IK failures masked"
    functions = ("angular_mae",)
    tolerance = (
        "each MAE within (N + 4) u of the exact value, relative, N = |V| |G| the number of "
        "absolute errors it averages: any order of summation, a division, degrees"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise metric: purepose.textbook.metric, as written.",
            textbook_metric.valid_frames,
            textbook_metric.angular_mae,
            prelude="import math\n\nfrom purepose.textbook.metric import FINGERS, "
            "IK_FAILURE_ATOL, SEGMENTS",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(angular_mae=_fast_metric)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = [
            _metric(ORDINARY, f"{n} frames, about 10% IK failures", *_frames(rng, n))
            for n in sorted(rng.randint(5, 40) for _ in range(4))
        ]
        y_true, y_pred = _frames(rng, 12, failures=0.0)
        y_true[3] = [1e-9] * 20  # a failure: within the tolerance of zero
        y_true[5] = [1e-7] * 20  # valid
        cases.append(
            _metric(
                CAREFUL,
                "frame 3 has angles of 1e-9 (an IK failure: |angle| <= "
                "1e-8), frame 5 of 1e-7 (valid)",
                y_true,
                y_pred,
                hint=MASK_HINT,
            )
        )
        y_true, y_pred = _frames(rng, 8, failures=0.0)
        for row in y_true:
            row[rng.randrange(20)] = 0.0
        cases.append(
            _metric(
                CAREFUL,
                "one joint exactly 0 in every frame: all frames are valid",
                y_true,
                y_pred,
                hint=MASK_HINT,
            )
        )
        y_true, y_pred = _frames(rng, 1, failures=0.0)
        cases.append(_metric(CAREFUL, "a single valid frame", y_true, y_pred))
        y_true = [
            [math.copysign(3.0, rng.gauss(0, 1)) + rng.gauss(0, 0.01) for _ in range(20)]
            for _ in range(10)
        ]
        y_pred = [[v + rng.gauss(0, 1e-6) for v in row] for row in y_true]
        cases.append(_metric(CAREFUL, "angles near +-3 rad, errors near 1e-6", y_true, y_pred))
        cases += [
            _metric(
                BAD_INPUT,
                "every frame is an IK failure: nothing to score",
                [[0.0] * 20] * 3,
                [[0.1] * 20] * 3,
            ),
            _metric(BAD_INPUT, "frames of 19 angles", [[0.1] * 19] * 2, [[0.2] * 19] * 2),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        return _metric(ORDINARY, "3,000 frames", *_frames(rng, 3000))

    def check(self, case: Case, got: Any) -> Verdict:
        y_true, y_pred = case.payload["args"].values()
        if not isinstance(got, dict):
            return Verdict.fail(
                f"return a dict with mae, per_joint and per_finger, not {got!r}"[:200]
            )
        frames = [t for t, row in enumerate(y_true) if not all(abs(v) <= 1e-8 for v in row)]
        errors = [
            [abs(Fraction(y_pred[t][j]) - Fraction(y_true[t][j])) for t in frames]
            for j in range(20)
        ]
        groups: dict[str, tuple[int, ...]] = {"mae": tuple(range(20))}
        groups |= {f"per_joint[{j}]": (j,) for j in range(20)}
        groups |= {f"per_finger[{name!r}]": joints for name, joints in FINGERS.items()}
        if "per_segment" in got:
            groups |= {f"per_segment[{name!r}]": joints for name, joints in SEGMENTS.items()}
        for where, joints in groups.items():
            value = _lookup(got, where)
            if not is_number(value) or not math.isfinite(value):
                return Verdict.fail(f"{where} is {value!r}, not a finite number")
            N = len(joints) * len(frames)
            exact_rad = sum((e for j in joints for e in errors[j]), Fraction(0)) / N
            want = float(exact_rad) * (180.0 / math.pi)
            allowed = (N + 4) * U * want + U * want
            if abs(value - want) > allowed:
                off = ulps(abs(value - want), want)
                lines = [
                    f"{where}: expected {want!r} degrees, got {value!r}",
                    f"  error {abs(value - want):.2g}"
                    + (f" ({off:.2g} ulps)" if off else "")
                    + f"; allowed {allowed:.2g}",
                ]
                lines += _diagnose(value, want, joints, y_true, y_pred, len(frames))
                return Verdict.fail(*lines)
        return Verdict.ok()


def _lookup(got: dict, where: str) -> Any:
    if where == "mae":
        return got.get("mae")
    key, _, rest = where.partition("[")
    index: Any = rest[:-1]
    index = int(index) if index.isdigit() else index.strip("'")
    container = got.get(key)
    try:
        return container[index]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return f"<missing: {key} has no {index!r}>"


def _diagnose(
    value: float, want: float, joints: tuple, y_true: list, y_pred: list, n_valid: int
) -> list[str]:
    """Name the two usual mistakes: no mask, or radians."""
    everything = math.degrees(
        math.fsum(abs(p[j] - t[j]) for t, p in zip(y_true, y_pred) for j in joints)
        / (len(joints) * len(y_true))
    )
    if n_valid < len(y_true) and abs(value - everything) <= 1e-9 * abs(everything):
        return [
            "  that is the MAE over every frame: the IK failures (true angles all ~0) "
            "must be left out"
        ]
    if abs(value - math.radians(want)) <= 1e-9 * abs(want):
        return ["  that is the MAE in radians: the metric is in degrees (times 180 / pi)"]
    return []


def _fast_metric(y_true: list, y_pred: list) -> dict:
    from purepose.pose.metrics import ErrorAccumulator

    r = ErrorAccumulator().update(y_true, y_pred).report()
    return {
        "mae": r.mae_deg,
        "per_joint": list(r.per_joint_mae_deg.values()),
        "per_finger": dict(r.per_finger_mae_deg),
        "per_segment": dict(r.per_segment_mae_deg),
    }
