"""Synthetic emg2pose sessions: files in the real format whose EMG encodes the pose.

purepose needs data that works offline, in tests and in demos, and that a
model can actually learn from. This module writes session files byte-for-byte
in the emg2pose layout (group ``emg2pose``, compound dataset ``timeseries``
with ``time`` <f8, ``joint_angles`` <f8 (20,), ``emg`` <f4 (16,), and the
usual attributes) and a ``metadata.csv``, from a small generative model:

1. Pose. Four hand synergies s_k(t) (grasp, thumb opposition, index point,
   finger spread), each a sum of three sinusoids of 0.2-2 Hz with random
   phases, plus "gesture" segments (fist, open hand, point, pinch, peace,
   thumbs-up) that rise and fall as sin^2 bumps of 0.8-2.5 s. Per joint j,
       z_j(t) = b_j + sum_k W[j][k] s_k(t) + sum_gestures bump(t) G[g][j]
       q_j(t) = sigmoid(z_j(t))                 (0..1, normalised position)
       angle_j(t) = lo_j + (hi_j - lo_j) q_j(t)  (radians, within joint limits)
   W, G and the limits (flexion about 0..1.5 rad, abduction about +-0.3 rad)
   are shared by everybody; the trajectories belong to the session seed.
2. Muscles. Eight activations computed from the pose and its velocity:
   one flexor per finger (mean flexion of that finger, plus its velocity),
   a common extensor, the interossei (finger spread) and a thumb abductor,
       a_m = softplus(4 (drive_m - bias_m) + 0.3 velocity_m).
3. Electrodes. The 16 channels sit on a ring around the wrist; each muscle
   sits at an angle and reaches channel c with a von Mises profile
   exp(3 (cos(angle_c - angle_m) - 1)). Per user the band is rotated (up to
   +-0.5 channel), 15% of each weight is user-specific and the channel gains
   differ by up to 15%; a left band is the mirror image of a right one. The amplitude envelope of
   channel c is
       env_c(t) = floor_c + gain_c softplus(2 sum_m Mix[c][m] a_m(t) - 1).
   So a user's EMG-to-pose map is personal but shares the anatomy of everyone's.
4. EMG. Each channel's carrier is white noise through a hand-written
   band-pass (a zero at DC and a resonant pole pair near 120 Hz, so it is
   zero-mean and mostly 20-450 Hz), scaled to unit variance and multiplied by
   the envelope; neighbouring channels then leak 15% into each other
   (crosstalk). The windowed RMS of a channel follows env_c, so RMS or
   log-power features plus ridge regression recover much of the pose.
5. Inverse-kinematics failures. About 7% of frames, in blocks of 50-500 ms,
   get all-zero joint angles (the EMG stays), like tracking dropouts.

Pose and envelopes are computed at a 100 Hz control rate and interpolated
linearly to 2 kHz; the EMG is generated and written in blocks of rows, so
memory stays bounded. Cost: O(T * (20 + 16)) for T rows, about 2 s of
CPython 3.11 per 70-second session (140,000 rows).

Same seed, same bytes: the generators are local ``random.Random`` objects and
HDF5 object timestamps are off.

Reference: the format is that of emg2pose (Salter et al., NeurIPS 2024
Datasets and Benchmarks); synergies after Santello, Flanders & Soechting,
"Postural hand synergies for tool use", J. Neurosci. 18 (1998).
"""

from __future__ import annotations

import csv
import io as _stringio
import math
import operator
import random
import time as _time
from collections.abc import Sequence
from pathlib import Path

import h5py

from ._util import Progress, atomic_path, atomic_write_text
from .dataset import METADATA_COLUMNS
from .errors import PureposeError
from .io import GROUP, N_CHANNELS, N_JOINTS, SAMPLE_RATE, TIMESERIES
from .types import PathLike


def row_dtype(n_channels: int = N_CHANNELS) -> list[tuple]:
    """The emg2pose compound row type, as h5py accepts it without numpy."""
    return [("time", "<f8"), ("joint_angles", "<f8", (N_JOINTS,)), ("emg", "<f4", (n_channels,))]


DTYPE = row_dtype()

STAGES = (
    "FingerFreeform_both",
    "HandOpenClose_both",
    "IndividualFingerPointing_both",
    "ThumbPinches_both",
    "GestureSequence_both",
)
"""Stage labels cycled over recordings (a label only; the model does not depend on it)."""

DEFAULT_USER = "5e0000000a"
DEFAULT_START_TIME = 1_670_313_600.0  # 2022-12-06 08:00 UTC, the era of the real recordings

CONTROL_RATE = 100.0  # Hz: pose and envelopes are computed at 100 Hz, then interpolated
BLOCK_FRAMES = 500  # control frames generated and written at a time (5 s)
MAX_SECONDS = 24 * 3600.0  # one synthetic session is at most a day long
IK_FAILURE_FRACTION = 0.07
CROSSTALK = 0.15

# ---- the shared hand model ---------------------------------------------------

# Column indices of the flexion joints of each finger and of the abduction joints.
_THUMB_FE = (0, 2, 3)
_FINGER_FE = ((5, 6, 7), (9, 10, 11), (13, 14, 15), (17, 18, 19))
_FE = (_THUMB_FE, *_FINGER_FE)  # thumb, index, middle, ring, pinky
_THUMB_AA = 1
_FINGER_AA = (4, 8, 12, 16)

# Joint limits in radians (lo, hi).
_LIMITS: tuple[tuple[float, float], ...] = (
    (-0.2, 0.9),
    (-0.3, 0.5),
    (-0.1, 1.0),
    (-0.2, 1.3),
    *[(-0.3, 0.3), (-0.3, 1.5), (0.0, 1.6), (0.0, 1.2)] * 4,
)

# Gestures as (flexion of thumb, index, middle, ring, pinky; spread), in logit units.
_GESTURES = (
    (2.0, 3.0, 3.0, 3.0, 3.0, 0.0),  # fist
    (-2.0, -2.5, -2.5, -2.5, -2.5, 1.5),  # open hand
    (2.0, -2.5, 3.0, 3.0, 3.0, 0.0),  # point
    (2.0, 1.5, -1.0, -1.0, -1.0, 0.5),  # pinch
    (2.0, -2.5, -2.5, 3.0, 3.0, 1.5),  # peace
    (-2.0, 3.0, 3.0, 3.0, 3.0, 0.0),  # thumbs-up
)
_SPREAD = (-1.0, -0.3, 0.5, 1.0)  # direction of each finger's MCP_AA when the hand spreads

# Muscle positions around the wrist (radians); channel c sits at 2 pi c / 16.
_MUSCLE_ANGLES = (0.6, 1.0, 1.4, 1.8, 2.2, 4.7, 3.5, 0.2)
N_MUSCLES = len(_MUSCLE_ANGLES)
N_SYNERGIES = 4


def _softplus(x: float) -> float:
    """log(1 + e^x), without overflow."""
    return x if x > 30.0 else math.log1p(math.exp(x))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -30.0 else math.exp(x)


def _finger_vector(flex: Sequence[float], spread: float) -> list[float]:
    """A 20-joint logit offset from per-finger flexion (thumb first) and a spread."""
    v = [0.0] * N_JOINTS
    for finger, joints in enumerate(_FE):
        for j in joints:
            v[j] = flex[finger]
    v[_THUMB_AA] = 0.5 * flex[0]
    for aa, direction in zip(_FINGER_AA, _SPREAD, strict=True):
        v[aa] = spread * direction
    return v


def _shared_model() -> tuple[list[list[float]], list[list[float]]]:
    """Synergy loadings W (20 x 4) and gesture offsets G (6 x 20), the same for everyone."""
    rng = random.Random("purepose.synth/anatomy")
    synergies = (
        _finger_vector((0.8, 1.5, 1.5, 1.5, 1.5), 0.0),  # grasp
        _finger_vector((1.5, 0.5, 0.0, 0.0, 0.0), 0.0),  # thumb opposition
        _finger_vector((0.5, -1.5, 1.0, 1.0, 1.0), 0.0),  # index point
        _finger_vector((0.0, -0.3, -0.3, -0.3, -0.3), 1.5),  # spread
    )
    synergies[1][_THUMB_AA] = 1.5
    w = [[s[j] + rng.uniform(-0.25, 0.25) for s in synergies] for j in range(N_JOINTS)]
    g = [_finger_vector(flex_spread[:5], flex_spread[5]) for flex_spread in _GESTURES]
    return w, g


_W, _G = _shared_model()


def _user_mixing(
    user: str, side: str, n_channels: int = N_CHANNELS
) -> tuple[list[list[float]], list[float], list[float]]:
    """Per-user electrode model: Mix (C x 8), gains (C,), noise floors (C,), C channels."""
    rng = random.Random(f"purepose.synth/user/{user}")
    rotation = rng.uniform(-0.5, 0.5) * 2.0 * math.pi / n_channels
    mirror = -1.0 if side == "left" else 1.0
    mix = []
    for c in range(n_channels):
        angle = mirror * (2.0 * math.pi * c / n_channels + rotation)
        mix.append(
            [
                0.85 * math.exp(3.0 * (math.cos(angle - m) - 1.0)) + 0.15 * rng.random()
                for m in _MUSCLE_ANGLES
            ]
        )
    gains = [8.0 * rng.uniform(0.85, 1.15) for _ in range(n_channels)]
    floors = [1.5 * rng.uniform(0.8, 1.2) for _ in range(n_channels)]
    return mix, gains, floors


# ---- control-rate pose, muscles and envelopes ----------------------------------


def _latent_synergies(rng: random.Random, t: Sequence[float]) -> list[list[float]]:
    """N_SYNERGIES smooth processes of unit variance, each three random sinusoids."""
    out = []
    for _ in range(N_SYNERGIES):
        waves = [
            (
                rng.uniform(0.5, 1.0),
                2.0 * math.pi * math.exp(rng.uniform(math.log(0.2), math.log(2.0))),
                rng.uniform(0.0, 2.0 * math.pi),
            )
            for _ in range(3)
        ]
        norm = 1.0 / math.sqrt(sum(a * a for a, _, _ in waves) / 2.0)
        out.append([norm * sum(a * math.sin(w * tt + p) for a, w, p in waves) for tt in t])
    return out


def _gesture_drive(rng: random.Random, t: Sequence[float]) -> list[list[float]]:
    """Per frame, the summed logit offsets (20,) of the gesture bumps active then."""
    drive = [[0.0] * N_JOINTS for _ in t]
    dt = t[1] - t[0] if len(t) > 1 else 1.0
    start = rng.uniform(0.3, 1.5)
    while start < t[-1]:
        duration = rng.uniform(0.8, 2.5)
        gesture = _G[rng.randrange(len(_G))]
        amplitude = rng.uniform(0.7, 1.2)
        first = int(start / dt)
        last = min(len(t), int((start + duration) / dt) + 1)
        for f in range(first, last):
            bump = math.sin(math.pi * (t[f] - start) / duration)
            if bump > 0.0:
                scale = amplitude * bump * bump
                drive[f] = [d + scale * g for d, g in zip(drive[f], gesture, strict=True)]
        start += duration + rng.uniform(0.2, 1.5)
    return drive


def _control_pose(rng: random.Random, n_frames: int) -> list[list[float]]:
    """Normalised joint positions q (n_frames x 20), each in (0, 1)."""
    t = [f / CONTROL_RATE for f in range(n_frames)]
    s = _latent_synergies(rng, t)
    drive = _gesture_drive(rng, t)
    rest = [rng.uniform(-0.5, 0.0) for _ in range(N_JOINTS)]
    q = []
    for f in range(n_frames):
        sk = [s[k][f] for k in range(N_SYNERGIES)]
        q.append(
            [
                _sigmoid(b + sum(map(operator.mul, wj, sk)) + d)
                for b, wj, d in zip(rest, _W, drive[f], strict=True)
            ]
        )
    return q


def _muscles(q: list[list[float]]) -> list[list[float]]:
    """Muscle activations (n_frames x 8) from positions q and their velocities."""
    n = len(q)
    rate = CONTROL_RATE
    out = []
    for f in range(n):
        now, before, after = q[f], q[max(f - 1, 0)], q[min(f + 1, n - 1)]
        span = (min(f + 1, n - 1) - max(f - 1, 0)) or 1
        vel = [(a - b) * rate / span for a, b in zip(after, before, strict=True)]
        acts = []
        for joints in _FE:  # one flexor per finger
            drive = sum(now[j] for j in joints) / len(joints)
            speed = sum(vel[j] for j in joints) / len(joints)
            acts.append(_softplus(4.0 * (drive - 0.35) + 0.3 * speed))
        fingers = [j for joints in _FINGER_FE for j in joints]
        extension = 1.0 - sum(now[j] for j in fingers) / len(fingers)
        speed = sum(vel[j] for j in fingers) / len(fingers)
        acts.append(_softplus(4.0 * (extension - 0.45) - 0.3 * speed))  # extensor
        spread = now[_FINGER_AA[3]] - now[_FINGER_AA[0]]
        acts.append(_softplus(4.0 * spread))  # interossei
        acts.append(_softplus(4.0 * (now[_THUMB_AA] - 0.4) + 0.3 * vel[_THUMB_AA]))
        out.append(acts)
    return out


def _envelopes(
    acts: list[list[float]], mix: list[list[float]], gains: list[float], floors: list[float]
) -> list[list[float]]:
    """EMG amplitude per channel (16 x n_frames): floor + gain * softplus(2 Mix a - 1)."""
    return [
        [fl + g * _softplus(2.0 * sum(map(operator.mul, row, a)) - 1.0) for a in acts]
        for row, g, fl in zip(mix, gains, floors, strict=True)
    ]


# ---- 2 kHz signals -----------------------------------------------------------------


def _upsample(frames: Sequence[float], first: int, n_rows: int, step: int) -> list[float]:
    """Linear interpolation of control frames ``first, first+1, ...`` to ``n_rows`` rows.

    Row first*step + step*f + k gets frames[f] + (frames[f+1] - frames[f]) * k / step;
    filling one phase k at a time keeps the loop count at step, not at n_rows / step.
    """
    count = (n_rows + step - 1) // step
    a = frames[first : first + count]
    d = list(map(operator.sub, frames[first + 1 : first + count + 1], a))
    out = [0.0] * (count * step)
    for k in range(step):
        w = k / step
        out[k::step] = [x + y * w for x, y in zip(a, d, strict=True)]
    del out[n_rows:]
    return out


# Band-pass carrier: y[n] = x[n] - x[n-1] + C1 y[n-1] - C2 y[n-2]
# (zero at DC; poles at radius 0.7, angle 2 pi 120 Hz / fs).
_R = 0.7


def _carrier_coefficients(sample_rate: float) -> tuple[float, float]:
    return 2.0 * _R * math.cos(2.0 * math.pi * 120.0 / sample_rate), _R * _R


def _bandpass(
    x: Sequence[float], state: list[float], coefficients: tuple[float, float]
) -> list[float]:
    """Filter ``x`` through the carrier band-pass, continuing from and updating ``state``."""
    xp, y1, y2 = state
    c1, c2 = coefficients
    out = []
    append = out.append
    for xn in x:
        y = xn - xp + c1 * y1 - c2 * y2
        append(y)
        xp, y2, y1 = xn, y1, y
    state[:] = [xp, y1, y2]
    return out


def _carrier_gain(coefficients: tuple[float, float]) -> float:
    """Scale that gives the band-passed uniform(-1/2, 1/2) noise unit variance."""
    impulse = _bandpass([1.0] + [0.0] * 499, [0.0, 0.0, 0.0], coefficients)
    return 1.0 / math.sqrt(math.fsum(v * v for v in impulse) / 12.0)


def _ik_failures(rng: random.Random, n_rows: int, sample_rate: float) -> list[tuple[int, int]]:
    """Sorted, merged row ranges [a, b) covering about 7% of rows, blocks of 50-500 ms."""
    shortest, longest_block = round(0.05 * sample_rate), round(0.5 * sample_rate)
    if n_rows < shortest or shortest < 1:  # shorter than 50 ms: too short for a dropout block
        return []
    target = IK_FAILURE_FRACTION * n_rows
    covered = [False] * n_rows
    count = 0
    longest = max(1, n_rows // 10)
    while count < target:
        # the last block is cut short (not below 50 ms) so the share stays near 7%
        length = min(
            rng.randint(shortest, longest_block),
            longest,
            max(shortest, math.ceil(target - count)),
        )
        a = rng.randrange(n_rows - length + 1)
        for i in range(a, a + length):
            if not covered[i]:
                covered[i] = True
                count += 1
    ranges = []
    i = 0
    while i < n_rows:
        if covered[i]:
            j = i
            while j < n_rows and covered[j]:
                j += 1
            ranges.append((i, j))
            i = j
        else:
            i += 1
    return ranges


def _write_rows(
    ds: h5py.Dataset,
    rng: random.Random,
    n_rows: int,
    start_time: float,
    q: list[list[float]],
    env: list[list[float]],
    failures: list[tuple[int, int]],
    sample_rate: float,
) -> None:
    """Generate the rows block by block and write them into ``ds``."""
    lo = [a for a, _ in _LIMITS]
    width = [b - a for a, b in _LIMITS]
    angles = [[lo[j] + width[j] * frame[j] for frame in q] for j in range(N_JOINTS)]
    n_channels = len(env)
    step = round(sample_rate / CONTROL_RATE)
    coefficients = _carrier_coefficients(sample_rate)
    states = [[0.0, 0.0, 0.0] for _ in range(n_channels)]
    uniform = rng.random
    for state in states:  # let the filters settle before the first row
        _bandpass([uniform() - 0.5 for _ in range(200)], state, coefficients)
    zero_pose = (0.0,) * N_JOINTS
    # Fold the carrier's unit-variance gain into the envelopes (cheap at 100 Hz).
    gain = _carrier_gain(coefficients)
    env = [[gain * e for e in channel] for channel in env]
    keep, leak = 1.0 - 2.0 * CROSSTALK, CROSSTALK
    block_rows = BLOCK_FRAMES * step
    for start in range(0, n_rows, block_rows):
        m = min(block_rows, n_rows - start)
        frame = start // step
        times = [start_time + (start + i) / sample_rate for i in range(m)]
        pose = list(zip(*[_upsample(col, frame, m, step) for col in angles], strict=True))
        for a, b in failures:
            a, b = max(a, start), min(b, start + m)
            if a < b:
                pose[a - start : b - start] = [zero_pose] * (b - a)
        sources = []
        for c in range(n_channels):
            noise = _bandpass([uniform() - 0.5 for _ in range(m)], states[c], coefficients)
            envelope = _upsample(env[c], frame, m, step)
            sources.append(list(map(operator.mul, noise, envelope)))
        emg_cols = [
            [
                keep * s + leak * (p + n)
                for p, s, n in zip(
                    sources[c - 1], sources[c], sources[(c + 1) % n_channels], strict=True
                )
            ]
            for c in range(n_channels)
        ]
        ds[start : start + m] = list(zip(times, pose, zip(*emg_cols), strict=True))


# ---- public API -------------------------------------------------------------------


def _session_name(stem: str) -> str:
    for suffix in ("_left", "_right"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def make_session(
    path: PathLike,
    *,
    seconds: float = 20.0,
    seed: int = 0,
    user: str = DEFAULT_USER,
    side: str = "right",
    stage: str = STAGES[0],
    recording: int = 1,
    start_time: float | None = None,
    sample_rate: float = SAMPLE_RATE,
    n_channels: int = N_CHANNELS,
) -> Path:
    """Write one synthetic session file in the emg2pose format and return its path.

    Rows: T = round(seconds * fs); time[i] = start_time + i / fs, fs =
    ``sample_rate`` (2000 Hz, emg2pose's rate, by default; any multiple of
    100 Hz up to 20 kHz), with ``n_channels`` electrodes on the ring (16). The
    pose trajectories, gestures, IK-failure blocks and EMG noise come from
    ``seed``; the EMG-to-pose map from ``user`` and ``side`` (see the module
    docstring). The file is written to a temporary name and renamed, and
    ``session`` is the file name without ``_left``/``_right``. Default
    ``start_time``: 2022-12-06 08:00 UTC plus two minutes per recording.

    >>> import tempfile, pathlib
    >>> from purepose.io import Session
    >>> p = make_session(pathlib.Path(tempfile.mkdtemp()) / "rec-1_right.hdf5", seconds=0.01)
    >>> with Session(p) as s:
    ...     s.session_name, len(s), s.metadata["num_channels"], round(s.time[1] - s.time[0], 6)
    ('rec-1', 20, 16, 0.0005)
    >>> make_session("x.hdf5", seconds=0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: make_session: seconds=0 gives 0 rows at 2000 Hz, need >= 1
    """
    target = Path(path)
    n_rows = _check_session_args(seconds, seed, side, recording, sample_rate, n_channels)
    if start_time is None:
        start_time = DEFAULT_START_TIME + 120.0 * (recording - 1)
    if not math.isfinite(start_time):
        raise PureposeError(f"make_session: start_time={start_time!r} must be finite")
    rng = random.Random(seed)
    step = round(sample_rate / CONTROL_RATE)
    n_frames = (n_rows + step - 1) // step + 1
    q = _control_pose(rng, n_frames)
    mix, gains, floors = _user_mixing(user, side, n_channels)
    env = _envelopes(_muscles(q), mix, gains, floors)
    failures = _ik_failures(rng, n_rows, sample_rate)
    attrs = {
        "filename": target.stem,
        "session": _session_name(target.stem),
        "stage": stage,
        "user": user,
        "side": side,
        "start": float(start_time),
        "end": start_time + (n_rows - 1) / sample_rate,
        "sample_rate": float(sample_rate),
        "num_channels": n_channels,
    }
    dtype = row_dtype(n_channels)
    with atomic_path(target, suffix=".hdf5") as tmp, h5py.File(tmp, "w") as f:
        group = f.create_group(GROUP)
        ds = group.create_dataset(TIMESERIES, shape=(n_rows,), dtype=dtype, track_times=False)
        _write_rows(ds, rng, n_rows, float(start_time), q, env, failures, sample_rate)
        for key, value in attrs.items():
            group.attrs[key] = value
    return target


def _check_session_args(
    seconds: float,
    seed: int,
    side: str,
    recording: int,
    sample_rate: float = SAMPLE_RATE,
    n_channels: int = N_CHANNELS,
) -> int:
    if (
        isinstance(sample_rate, bool)
        or not isinstance(sample_rate, int | float)
        or not 100 <= sample_rate <= 20_000
        or sample_rate % CONTROL_RATE
    ):
        raise PureposeError(
            f"make_session: sample_rate={sample_rate!r} must be a multiple of 100 Hz "
            "from 100 to 20000"
        )
    if (
        isinstance(n_channels, bool)
        or not isinstance(n_channels, int)
        or not 3 <= n_channels <= 256
    ):
        raise PureposeError(f"make_session: n_channels={n_channels!r} must be an int in [3, 256]")
    if not (isinstance(seconds, int | float) and math.isfinite(seconds)):
        raise PureposeError(f"make_session: seconds={seconds!r} must be a finite number")
    if seconds > MAX_SECONDS:
        raise PureposeError(
            f"make_session: seconds={seconds!r} is longer than the {MAX_SECONDS:g} s limit"
        )
    n_rows = round(seconds * sample_rate)
    if n_rows < 1:
        raise PureposeError(
            f"make_session: seconds={seconds!r} gives {n_rows} rows at {sample_rate:g} Hz, "
            "need >= 1"
        )
    if not isinstance(seed, int):
        raise PureposeError(f"make_session: seed={seed!r} must be an int")
    if side not in ("left", "right"):
        raise PureposeError(f"make_session: side={side!r} must be 'left' or 'right'")
    if not isinstance(recording, int) or recording < 1:
        raise PureposeError(f"make_session: recording={recording!r} must be an int >= 1")
    return n_rows


def _assign_splits(n_recordings: int) -> list[str]:
    """Per user, by recording order: the last is test, the one before val, the rest train."""
    if n_recordings == 1:
        return ["train"]
    if n_recordings == 2:
        return ["train", "test"]
    return ["train"] * (n_recordings - 2) + ["val", "test"]


def _stage_for(recording: int, split: str, n_train: int) -> str:
    """Train recordings cycle through STAGES; val/test reuse a stage of their user's train set."""
    cycle = len(STAGES) if split == "train" else min(n_train, len(STAGES))
    return STAGES[(recording - 1) % cycle]


def make_dataset(
    out_dir: PathLike,
    *,
    n_sessions: int = 6,
    seconds: float = 20.0,
    seed: int = 0,
    n_users: int = 1,
    sample_rate: float = SAMPLE_RATE,
    n_channels: int = N_CHANNELS,
    quiet: bool = False,
) -> list[Path]:
    """Write ``n_sessions`` synthetic session files and a ``metadata.csv``; return the paths.

    Files go to users in turn (file i to user i % n_users, as that user's
    recording i // n_users + 1), named like the real data, at ``sample_rate``
    with ``n_channels`` (see :func:`make_session`):
    ``{date}-{unix}-{hash5}-cv-emg-pose-train@2-recording-{k}_{side}.hdf5``.
    All files are right-hand recordings, so users can be compared and pooled
    directly (``make_session(side="left")`` writes a mirrored left band).
    Splits, per user in recording order: the last recording is ``test``, the
    one before ``val``, the rest ``train`` (with several users each needs at
    least three recordings), so with n_sessions >= 3 all three splits are
    non-empty. Train recordings cycle through ``STAGES``; val and test
    recordings repeat stages their user trained on. The held-out flags and
    ``generalization`` (none, user, stage, user_stage) are computed from what
    train contains, so here they are False and ``none``: cross-user tests
    select by ``user`` instead. Every file, and metadata.csv, is written
    atomically; ``quiet=False`` shows a progress line on stderr.

    >>> import tempfile
    >>> paths = make_dataset(tempfile.mkdtemp(), n_sessions=3, seconds=0.01, quiet=True)
    >>> [p.name.split("-recording-")[1] for p in paths]
    ['1_right.hdf5', '2_right.hdf5', '3_right.hdf5']
    >>> make_dataset(tempfile.mkdtemp(), n_sessions=4, n_users=2)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: make_dataset: n_users=2 needs n_sessions >= 6 (3 per user), ...
    """
    if not isinstance(n_sessions, int) or n_sessions < 1:
        raise PureposeError(f"make_dataset: n_sessions={n_sessions!r} must be an int >= 1")
    if not isinstance(n_users, int) or n_users < 1:
        raise PureposeError(f"make_dataset: n_users={n_users!r} must be an int >= 1")
    if n_users > 1 and n_sessions < 3 * n_users:
        raise PureposeError(
            f"make_dataset: n_users={n_users} needs n_sessions >= {3 * n_users} "
            f"(3 per user), got {n_sessions}"
        )
    _check_session_args(seconds, seed, "right", 1, sample_rate, n_channels)
    root = Path(out_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PureposeError(f"make_dataset: cannot create {root}: {exc.strerror or exc}") from None

    rng = random.Random(seed)
    users = []
    for _ in range(n_users):
        day, minute = rng.randrange(0, 120), rng.randrange(0, 600)
        unix = int(DEFAULT_START_TIME) + 86_400 * day + 60 * minute
        date = _time.strftime("%Y-%m-%d", _time.gmtime(unix))
        users.append(
            {
                "user": f"{rng.getrandbits(40):010x}",
                "prefix": f"{date}-{unix}-{rng.getrandbits(20):05x}-cv-emg-pose-train@2",
                "unix": unix,
                "side": "right",
            }
        )
    plan = []
    for i in range(n_sessions):
        u, k = i % n_users, i // n_users + 1
        plan.append((users[u], k, rng.getrandbits(32)))
    n_recordings = [len(range(u, n_sessions, n_users)) for u in range(n_users)]
    splits = {u: _assign_splits(n) for u, n in enumerate(n_recordings)}

    rows = []
    paths = []
    with Progress(n_sessions, "synth", quiet=quiet) as progress:
        for i, (info, k, file_seed) in enumerate(plan):
            stem = f"{info['prefix']}-recording-{k}_{info['side']}"
            split = splits[i % n_users][k - 1]
            stage = _stage_for(k, split, splits[i % n_users].count("train"))
            start = info["unix"] + 60.0 + (k - 1) * (math.ceil(seconds) + 30.0)
            path = make_session(
                root / f"{stem}.hdf5",
                seconds=seconds,
                seed=file_seed,
                user=info["user"],
                side=info["side"],
                stage=stage,
                recording=k,
                start_time=start,
                sample_rate=sample_rate,
                n_channels=n_channels,
            )
            paths.append(path)
            rows.append(
                {
                    "session": _session_name(stem),
                    "user": info["user"],
                    "stage": stage,
                    "start": repr(start),
                    "end": repr(start + (round(seconds * sample_rate) - 1) / sample_rate),
                    "side": info["side"],
                    "filename": stem,
                    "moving_hand": info["side"],
                    "split": split,
                }
            )
            progress.update()
    _mark_generalization(rows)
    atomic_write_text(root / "metadata.csv", _metadata_csv(rows))
    return paths


def _mark_generalization(rows: list[dict[str, str]]) -> None:
    """Fill held_out_user, held_out_stage and generalization from what train contains."""
    train_users = {r["user"] for r in rows if r["split"] == "train"}
    train_stages = {r["stage"] for r in rows if r["split"] == "train"}
    names = {(False, False): "none", (True, False): "user", (False, True): "stage"}
    for r in rows:
        held_user = r["split"] != "train" and r["user"] not in train_users
        held_stage = r["split"] != "train" and r["stage"] not in train_stages
        r["held_out_user"] = str(held_user)
        r["held_out_stage"] = str(held_stage)
        r["generalization"] = names.get((held_user, held_stage), "user_stage")


def _metadata_csv(rows: list[dict[str, str]]) -> str:
    buffer = _stringio.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(METADATA_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
