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
   Abduction follows emg2pose's sign: a positive MCP_AA turns a finger
   towards the thumb, so spreading the hand turns the index towards the
   thumb (+) and the ring and pinky away from it (-).
2. Muscles. Eight activations computed from the pose and its velocity:
   one flexor per finger (mean flexion of that finger, plus its velocity),
   a common extensor, the interossei (finger spread) and a thumb abductor,
       a_m = softplus(4 (drive_m - bias_m) + 0.3 velocity_m).
3. Electrodes. The 16 channels sit on a ring around the wrist; each muscle
   sits at an angle and reaches channel c with a von Mises profile
   exp(3 (cos(angle_c - angle_m) - 1)). Per user the band is rotated (up to
   +-0.5 channel), 15% of each weight is user-specific and the channel gains
   differ by up to 15%; a left band is the mirror image of a right one. The
   amplitude envelope of channel c is
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

6. Variability (:class:`Variability`, every knob off by default): each
   user's own muscle positions and sizes; each session's band rotation and
   gains (the band is put on a little differently each time); fatigue (a
   slow rise of the amplitude over a session); powerline interference; and
   stages that move the hand in their own ways. ``REALISTIC`` turns them all
   on; with ``make_dataset(held_out_users=..., held_out_stages=...)`` the
   generalisation gap of the emg2pose paper (new sessions, new users, new
   stages) exists in purepose's own data.

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
from dataclasses import dataclass, fields
from pathlib import Path

import h5py

from purepose._util import Progress, atomic_path, atomic_write_text
from purepose.errors import PureposeError
from purepose.joints import N_CHANNELS, N_JOINTS, SAMPLE_RATE
from purepose.types import PathLike

from .dataset import METADATA_COLUMNS
from .emg2pose import GROUP, TIMESERIES
from .synth_model import (  # re-exported: the model's constants are part of the generator's API
    BLOCK_FRAMES,
    CONTROL_RATE,
    CROSSTALK,
    IK_FAILURE_FRACTION,
    control_pose,
    envelopes,
    ik_failures,
    muscles,
    user_mixing,
    write_rows,
)

__all__ = [
    "BLOCK_FRAMES",
    "CONTROL_RATE",
    "CROSSTALK",
    "DEFAULT_START_TIME",
    "DEFAULT_USER",
    "DTYPE",
    "IK_FAILURE_FRACTION",
    "MAX_SECONDS",
    "REALISTIC",
    "STAGES",
    "Variability",
    "make_dataset",
    "make_session",
    "row_dtype",
]


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

MAX_SECONDS = 24 * 3600.0  # one synthetic session is at most a day long


@dataclass(frozen=True)
class Variability:
    """How much recordings differ beyond the pose: the knobs of the generalisation gap.

    Every knob is off (0 / False) by default, and then the generator writes
    exactly the bytes it always wrote. Per user (fixed by the user's id):

    * ``user_anatomy``: the std of each muscle's position around the wrist
      (radians) and of the log of its size (how strongly it reaches the
      electrodes), on top of the user's band rotation (up to +-0.5 channel),
      15% user-specific mixing weights and +-15% channel gains that every
      user always has.

    Per session (the band is put on a little differently each time; fixed
    by the session seed):

    * ``session_shift``: the std, in channels, of a rotation of the band
      around the wrist added to the user's own;
    * ``session_gain``: the std of the log of a gain common to all channels
      (skin, pressure of the band);
    * ``channel_gain``: the std of the log of each channel's own gain
      (electrode contact);
    * ``fatigue``: the EMG amplitude grows linearly by this fraction over the
      session (0.2: 20% louder at the end than at the start);
    * ``powerline``: mains interference added to every channel, a sinusoid of
      ``powerline_hz`` whose amplitude is this multiple of the channel's noise
      floor (times 0.5-1.5 per channel), with a random phase.

    Per stage: ``stage_poses`` makes each stage move the hand its own way
    (HandOpenClose mostly the grasp synergy and fist/open gestures,
    IndividualFingerPointing the index, ThumbPinches the thumb, ...), so a
    held-out stage is a held-out distribution of poses; off, the stage is a
    label only.

    >>> Variability().is_off(), REALISTIC.is_off()
    (True, False)
    >>> Variability(fatigue=-1.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Variability: fatigue=-1.0 must be a finite number >= 0
    """

    user_anatomy: float = 0.0
    session_shift: float = 0.0
    session_gain: float = 0.0
    channel_gain: float = 0.0
    fatigue: float = 0.0
    powerline: float = 0.0
    powerline_hz: float = 50.0
    stage_poses: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "stage_poses":
                if not isinstance(value, bool):
                    raise PureposeError(
                        f"Variability: stage_poses={value!r} must be True or False"
                    )
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
                or (f.name == "powerline_hz" and value == 0)
            ):
                limit = "> 0" if f.name == "powerline_hz" else ">= 0"
                raise PureposeError(
                    f"Variability: {f.name}={value!r} must be a finite number {limit}"
                )

    def is_off(self) -> bool:
        """True if no knob is on (the generator's original data)."""
        return self == Variability(powerline_hz=self.powerline_hz)


REALISTIC = Variability(
    user_anatomy=0.25,
    session_shift=0.3,
    session_gain=0.25,
    channel_gain=0.15,
    fatigue=0.2,
    powerline=0.5,
    stage_poses=True,
)
"""The knobs ``purepose synth --realistic`` turns on (README, "Generalisation")."""


def _session_placement(
    seed: int, n_channels: int, v: Variability
) -> tuple[float, list[float], list[tuple[float, float]]]:
    """One session's band: rotation (channels), gain per channel, mains (amplitude, phase)."""
    rng = random.Random(f"purepose.synth/session/{seed}")
    shift = v.session_shift * rng.gauss(0.0, 1.0)
    common = math.exp(v.session_gain * rng.gauss(0.0, 1.0))
    gains = [common * math.exp(v.channel_gain * rng.gauss(0.0, 1.0)) for _ in range(n_channels)]
    mains = [
        (v.powerline * rng.uniform(0.5, 1.5), rng.uniform(0.0, 2.0 * math.pi))
        for _ in range(n_channels)
    ]
    return shift, gains, mains


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
    variability: Variability | None = None,
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
    ``variability`` (:class:`Variability`, default all off) adds the
    per-user, per-session and per-stage differences of real recordings.

    >>> import tempfile, pathlib
    >>> from purepose.data.emg2pose import Session
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
    v = variability or Variability()
    if not isinstance(v, Variability):
        raise PureposeError(f"make_session: variability={v!r} must be a Variability")
    rng = random.Random(seed)
    step = round(sample_rate / CONTROL_RATE)
    n_frames = (n_rows + step - 1) // step + 1
    q = control_pose(rng, n_frames, stage if v.stage_poses else None)
    shift, session_gains, mains = _session_placement(seed, n_channels, v)
    mix, gains, floors = user_mixing(user, side, n_channels, anatomy=v.user_anatomy, shift=shift)
    if v.session_gain or v.channel_gain:  # the electrode gain scales signal and noise floor
        gains = [g * k for g, k in zip(gains, session_gains, strict=True)]
        floors = [f * k for f, k in zip(floors, session_gains, strict=True)]
    env = envelopes(muscles(q), mix, gains, floors)
    if v.fatigue:
        ramp = [1.0 + v.fatigue * f / max(n_frames - 1, 1) for f in range(n_frames)]
        env = [list(map(operator.mul, channel, ramp)) for channel in env]
    failures = ik_failures(rng, n_rows, sample_rate)
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
        noise = None
        if v.powerline:  # amplitude in EMG units: a multiple of each channel's rest level
            per_channel = [(a * fl, ph) for (a, ph), fl in zip(mains, floors, strict=True)]
            noise = (float(v.powerline_hz), per_channel)
        write_rows(ds, rng, n_rows, float(start_time), q, env, failures, sample_rate, noise)
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


def _stage_for(recording: int, split: str, n_train: int, stages: Sequence[str] = STAGES) -> str:
    """Train recordings cycle through ``stages``; val/test reuse a stage their user trained on."""
    cycle = len(stages) if split == "train" else min(n_train, len(stages))
    return stages[(recording - 1) % cycle]


def _user_plan(
    n_recordings: int,
    held_out_stages: int,
    trained: Sequence[str] | None = None,
    user_index: int = 0,
) -> list[tuple[str, str]]:
    """(split, stage) of a user's recordings 1 .. n_recordings (see make_dataset).

    Without held-out users or stages: ``_assign_splits`` and ``_stage_for``.
    A held-out user (``trained``: the stages the other users train on) has
    every recording in test, cycling through those stages. With
    ``held_out_stages`` h, the last h of STAGES are never trained on: a
    training user's last recording becomes a second test recording on one of
    them (user i gets the (i mod h)-th), and so does a held-out user's last recording.
    """
    seen, held = STAGES[: len(STAGES) - held_out_stages], STAGES[len(STAGES) - held_out_stages :]
    if trained is not None:
        plan = [("test", trained[(k - 1) % len(trained)]) for k in range(1, n_recordings + 1)]
    elif not held:
        splits = _assign_splits(n_recordings)
        n_train = splits.count("train")
        return [(sp, _stage_for(k, sp, n_train)) for k, sp in enumerate(splits, start=1)]
    else:
        splits = [*_assign_splits(n_recordings - 1), "test"]
        n_train = splits.count("train")
        plan = [(sp, _stage_for(k, sp, n_train, seen)) for k, sp in enumerate(splits, start=1)]
    if held:
        plan[-1] = ("test", held[user_index % len(held)])
    return plan


def make_dataset(
    out_dir: PathLike,
    *,
    n_sessions: int = 6,
    seconds: float = 20.0,
    seed: int = 0,
    n_users: int = 1,
    sample_rate: float = SAMPLE_RATE,
    n_channels: int = N_CHANNELS,
    held_out_users: int = 0,
    held_out_stages: int = 0,
    variability: Variability | None = None,
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
    train contains, as in emg2pose's metadata: by default every val/test
    recording is a new session of a training user on a trained stage
    (``none``). To measure generalisation:

    * ``held_out_users=k``: the last k users never train; all their
      recordings are test (``generalization`` user). At least one user trains.
    * ``held_out_stages=h`` (0-4): the last h of ``STAGES`` are never trained
      on; each training user's last recording is a second test recording on
      one of them (stage) and so is each held-out user's last recording
      (user_stage). Training users then need at least four recordings.

    ``variability`` (:class:`Variability`; default all off) makes users,
    sessions and stages differ the way real recordings do. Every file, and
    metadata.csv, is written atomically; ``quiet=False`` shows a progress
    line on stderr.

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
    for name, value, top, why in (
        ("held_out_users", held_out_users, n_users - 1, f"of {n_users} user(s) one must train"),
        ("held_out_stages", held_out_stages, len(STAGES) - 1, "one stage must be trained on"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise PureposeError(
                f"make_dataset: {name}={value!r} must be an int in [0, {top}] ({why})"
            )
    if held_out_stages and n_sessions // n_users < 4:
        raise PureposeError(
            f"make_dataset: held_out_stages={held_out_stages} needs 4 recordings per user "
            f"(n_sessions >= {4 * n_users}), got {n_sessions} for {n_users} user(s)"
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
    first_held = n_users - held_out_users
    plans = {
        u: _user_plan(n_recordings[u], held_out_stages, user_index=u) for u in range(first_held)
    }
    trained = {stage for plan in plans.values() for split, stage in plan if split == "train"}
    trained_in_order = [stage for stage in STAGES if stage in trained]
    for u in range(first_held, n_users):
        plans[u] = _user_plan(n_recordings[u], held_out_stages, trained_in_order, u)

    rows = []
    paths = []
    with Progress(n_sessions, "synth", quiet=quiet) as progress:
        for i, (info, k, file_seed) in enumerate(plan):
            stem = f"{info['prefix']}-recording-{k}_{info['side']}"
            split, stage = plans[i % n_users][k - 1]
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
                variability=variability,
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
