"""The generative model behind purepose.data.synth: hand, muscles, electrodes, EMG, dropouts.

purepose.data.synth's module docstring gives the model step by step (pose from
synergies and gestures, muscle activations, a ring of electrodes with a von
Mises reach, band-passed noise carriers times the envelopes, crosstalk,
inverse-kinematics failures); this module is its code, and purepose.data.synth
writes the files. Everything is plain Python with local ``random.Random``
generators, so the same seed gives the same numbers.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type hint: this module computes, synth.py writes the file
    import h5py

from purepose.joints import N_CHANNELS, N_JOINTS

CONTROL_RATE = 100.0  # Hz: pose and envelopes are computed at 100 Hz, then interpolated
BLOCK_FRAMES = 500  # control frames generated and written at a time (5 s)
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
# Direction of each finger's MCP_AA (index, middle, ring, pinky) when the hand spreads, in
# emg2pose's convention: a positive MCP_AA turns a finger towards the thumb, so spreading turns
# the index towards the thumb (+) and the ring and pinky away from it (-).
_SPREAD = (1.0, 0.3, -0.5, -1.0)

# With Variability(stage_poses=True): per stage, the amplitude of each synergy (grasp, thumb
# opposition, index point, spread) and the gestures (indices into _GESTURES) it uses.
_STAGE_POSES = {
    "FingerFreeform_both": ((1.0, 1.0, 1.0, 1.0), (0, 1, 2, 3, 4, 5)),
    "HandOpenClose_both": ((1.6, 0.4, 0.3, 0.8), (0, 1)),
    "IndividualFingerPointing_both": ((0.5, 0.5, 1.6, 0.5), (2, 4)),
    "ThumbPinches_both": ((0.4, 1.6, 0.5, 0.3), (3, 5)),
    "GestureSequence_both": ((0.5, 0.5, 0.5, 0.5), (0, 1, 2, 3, 4, 5)),
}

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


def user_mixing(
    user: str,
    side: str,
    n_channels: int = N_CHANNELS,
    *,
    anatomy: float = 0.0,
    shift: float = 0.0,
) -> tuple[list[list[float]], list[float], list[float]]:
    """Per-user electrode model: Mix (C x 8), gains (C,), noise floors (C,), C channels.

    ``anatomy`` moves the user's muscles (radians) and scales them (log size);
    ``shift`` rotates the band by that many channels (one session's placement).
    """
    rng = random.Random(f"purepose.synth/user/{user}")
    rotation = rng.uniform(-0.5, 0.5) * 2.0 * math.pi / n_channels
    mirror = -1.0 if side == "left" else 1.0
    muscles, sizes = _MUSCLE_ANGLES, (1.0,) * N_MUSCLES
    if anatomy:  # a separate stream: the draws above stay the same with the knob off
        body = random.Random(f"purepose.synth/user/{user}/anatomy")
        muscles = tuple(m + anatomy * body.gauss(0.0, 1.0) for m in _MUSCLE_ANGLES)
        sizes = tuple(math.exp(anatomy * body.gauss(0.0, 1.0)) for _ in _MUSCLE_ANGLES)
    turn = shift * 2.0 * math.pi / n_channels
    mix = []
    for c in range(n_channels):
        angle = mirror * (2.0 * math.pi * c / n_channels + rotation + turn)
        mix.append(
            [
                # size 1.0 (the knob off) multiplies exactly: the same bits as before
                size * (0.85 * math.exp(3.0 * (math.cos(angle - m) - 1.0)) + 0.15 * rng.random())
                for m, size in zip(muscles, sizes, strict=True)
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


def _gesture_drive(
    rng: random.Random, t: Sequence[float], gestures: Sequence[int] | None = None
) -> list[list[float]]:
    """Per frame, the summed logit offsets (20,) of the gesture bumps active then.

    ``gestures``: the indices into ``_GESTURES`` to draw from (None: all of them).
    """
    drive = [[0.0] * N_JOINTS for _ in t]
    dt = t[1] - t[0] if len(t) > 1 else 1.0
    start = rng.uniform(0.3, 1.5)
    while start < t[-1]:
        duration = rng.uniform(0.8, 2.5)
        if gestures is None:
            gesture = _G[rng.randrange(len(_G))]
        else:
            gesture = _G[gestures[rng.randrange(len(gestures))]]
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


def control_pose(rng: random.Random, n_frames: int, stage: str | None = None) -> list[list[float]]:
    """Normalised joint positions q (n_frames x 20), each in (0, 1).

    ``stage``: move the hand the way that stage does (``_STAGE_POSES``); None: every way.
    """
    t = [f / CONTROL_RATE for f in range(n_frames)]
    s = _latent_synergies(rng, t)
    gestures = None
    if stage is not None:
        amplitudes, gestures = _STAGE_POSES.get(stage, _STAGE_POSES["FingerFreeform_both"])
        s = [[a * v for v in synergy] for a, synergy in zip(amplitudes, s, strict=True)]
    drive = _gesture_drive(rng, t, gestures)
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


def muscles(q: list[list[float]]) -> list[list[float]]:
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
        spread = (
            now[_FINGER_AA[0]] - now[_FINGER_AA[3]]
        )  # index towards, pinky away from the thumb
        acts.append(_softplus(4.0 * spread))  # interossei
        acts.append(_softplus(4.0 * (now[_THUMB_AA] - 0.4) + 0.3 * vel[_THUMB_AA]))
        out.append(acts)
    return out


def envelopes(
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


def ik_failures(rng: random.Random, n_rows: int, sample_rate: float) -> list[tuple[int, int]]:
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


def write_rows(
    ds: h5py.Dataset,
    rng: random.Random,
    n_rows: int,
    start_time: float,
    q: list[list[float]],
    env: list[list[float]],
    failures: list[tuple[int, int]],
    sample_rate: float,
    mains: tuple[float, list[tuple[float, float]]] | None = None,
) -> None:
    """Generate the rows block by block and write them into ``ds``.

    ``mains``: (frequency in Hz, per channel (amplitude, phase)) of powerline
    interference added to every channel, or None.
    """
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
        if mains is not None:
            hz, per_channel = mains
            w = 2.0 * math.pi * hz / sample_rate
            emg_cols = [
                [v + amp * math.sin(w * (start + i) + phase) for i, v in enumerate(col)]
                for col, (amp, phase) in zip(emg_cols, per_channel, strict=True)
            ]
        ds[start : start + m] = list(zip(times, pose, zip(*emg_cols), strict=True))
