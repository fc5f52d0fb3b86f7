"""From a recording to feature rows: file -> windows -> features, in one direction.

A model never looks at single samples. It looks at windows of ``window``
samples that slide by ``hop``; window k covers samples [k hop, k hop + window)
and is labelled by the target row at its last sample (``label="end"``, causal:
the model uses only EMG up to the moment it predicts) or at its centre. Its
features f_k are per-channel summaries (purepose.signals.features), optionally with the
features of the ``n_lags`` windows ``lag_step`` hops before it:

    x_k = [f_k, f_(k - s), ..., f_(k - L s)]        L = n_lags, s = lag_step

Window and hop are given in milliseconds and converted with each file's own
sample rate (``round(ms * rate / 1000)`` samples), so the same model sees 100 ms
windows in a 2 kHz emg2pose session and in a 100 Hz NinaPro file; or in
samples, which then mean the same count in every file.

``iter_windows`` reads the EMG in chunks of rows and yields the windows that
each chunk completes, carrying over the rows later windows still need, so
memory is bounded by the chunk, not by the recording. ``featurize`` turns
one source into a :class:`SessionFeatures`: label times, feature rows, target
rows, and three masks per window (target valid, in the chosen repetitions,
during a movement).

Cost: O(n_samples n_channels) per feature; targets are read at the label rows
only (a strided read of every hop-th row).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from purepose.data.recording import REPETITION, STIMULUS, Recording, repetition_groups
from purepose.data.sources import Source, as_source
from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

from .features import (
    DEFAULT_BANDS,
    DEFAULT_FEATURES,
    FEATURES,
    extract_features,
    feature_names,
    feature_widths,
    lag_stack,
)
from .spectral import band_bins, check_band_edges

NORMALIZE = ("global", "session", "causal")
"""How feature rows are standardized per recording before the model's own standardization."""

CHUNK_ROWS = 1 << 15
"""EMG rows read at a time: bounds the memory of featurizing one recording."""

MAX_LAGS = 64
MAX_WINDOW_SECONDS = 60.0
MAX_FEATURES = 4096
"""Limits on the feature layout (the normal equations hold MAX_FEATURES^2 numbers)."""


@dataclass(frozen=True)
class FeatureConfig:
    """How windows and features are made; part of a model's hyper-parameters.

    ``window_ms``/``hop_ms`` (default 100 ms every 20 ms) or, overriding them,
    ``window``/``hop`` in samples. ``normalize``: "global" (features as they
    are; the model standardizes with the training statistics), "session"
    (each recording's features standardized by that recording's own
    statistics, :func:`standardize_session`) or "causal" (by the running
    statistics up to each window, :func:`standardize_causal`). ``bands``:
    the (lo, hi) edges in Hz of the LOGBAND feature (purepose.signals.spectral),
    converted with each recording's sample rate.
    """

    window_ms: float | None = 100.0
    hop_ms: float | None = 20.0
    window: int | None = None
    hop: int | None = None
    features: tuple[str, ...] = DEFAULT_FEATURES
    threshold: float = 0.0
    n_lags: int = 0
    lag_step: int = 1
    label: str = "end"
    normalize: str = "global"
    bands: tuple[tuple[float, float], ...] = DEFAULT_BANDS

    def validate(self, where: str = "PoseRegressor") -> None:
        """Raise PureposeError naming the first bad field."""
        if self.normalize not in NORMALIZE:
            raise PureposeError(
                f"{where}: normalize={self.normalize!r} must be one of {', '.join(NORMALIZE)}"
            )
        for name in ("window", "hop"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise PureposeError(f"{where}: {name}={value!r} must be None or an integer >= 1")
        for name in ("window_ms", "hop_ms"):
            value = getattr(self, name)
            if value is not None and not (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and 0 < value <= 1000 * MAX_WINDOW_SECONDS
            ):
                raise PureposeError(
                    f"{where}: {name}={value!r} must be a number of milliseconds in (0, "
                    f"{1000 * MAX_WINDOW_SECONDS:g}]"
                )
        if self.window is None and self.window_ms is None:
            raise PureposeError(f"{where}: give window_ms or window (samples)")
        if self.hop is None and self.hop_ms is None:
            raise PureposeError(f"{where}: give hop_ms or hop (samples)")
        for name, limit in (("n_lags", MAX_LAGS), ("lag_step", 10_000)):
            value = getattr(self, name)
            low = 0 if name == "n_lags" else 1
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= limit:
                raise PureposeError(
                    f"{where}: {name}={value!r} must be an integer in [{low}, {limit}]"
                )
        unknown = [f for f in self.features if f not in FEATURES]
        if not self.features or unknown or len(set(self.features)) != len(self.features):
            raise PureposeError(
                f"{where}: features={list(self.features)!r} must be a non-empty subset "
                f"of {list(FEATURES)} without repeats"
            )
        check_band_edges(self.bands, f"{where}: bands")
        if self.label not in ("end", "center"):
            raise PureposeError(f"{where}: label={self.label!r} must be 'end' or 'center'")
        if not (
            isinstance(self.threshold, int | float)
            and math.isfinite(self.threshold)
            and self.threshold >= 0
        ):
            raise PureposeError(f"{where}: threshold={self.threshold!r} must be >= 0")

    def in_samples(self, sample_rate: float, where: str = "") -> tuple[int, int]:
        """(window, hop) in samples at ``sample_rate`` Hz.

        >>> FeatureConfig().in_samples(2000.0), FeatureConfig().in_samples(100.0)
        ((200, 40), (10, 2))
        >>> FeatureConfig(hop_ms=1.0).in_samples(100.0, "S1.mat")
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: S1.mat: hop of 1 ms is 0 samples at 100 Hz; need at least 1
        """
        out = []
        for name, samples, ms in (
            ("window", self.window, self.window_ms),
            ("hop", self.hop, self.hop_ms),
        ):
            if samples is None:
                samples = round(ms * sample_rate / 1000.0)  # type: ignore[operator]
                if samples < 1:
                    raise PureposeError(
                        f"{where}: {name} of {ms:g} ms is {samples} samples at "
                        f"{sample_rate:g} Hz; need at least 1"
                    )
            if samples > MAX_WINDOW_SECONDS * sample_rate:
                raise PureposeError(
                    f"{where}: {name} of {samples} samples is longer than "
                    f"{MAX_WINDOW_SECONDS:g} s at {sample_rate:g} Hz"
                )
            out.append(samples)
        return out[0], out[1]

    def label_offset(self, window: int) -> int:
        """Index of the label row inside a window: its last sample, or its centre."""
        return window - 1 if self.label == "end" else (window - 1) // 2

    def n_features(self, n_channels: int) -> int:
        """Channels x feature columns (LOGBAND has one per band) x (lags + 1)."""
        return n_channels * feature_widths(self.features, bands=self.bands) * (self.n_lags + 1)

    def feature_names(self, n_channels: int) -> list[str]:
        """Column names: rms_ch00 ..., then the lags as rms_ch00_lag2 ... (lag in hops)."""
        base = feature_names(self.features, n_channels, bands=self.bands)
        names = list(base)
        for lag in range(1, self.n_lags + 1):
            names += [f"{name}_lag{lag * self.lag_step}" for name in base]
        return names

    def check_width(self, n_channels: int, where: str) -> None:
        d = self.n_features(n_channels)
        if d > MAX_FEATURES:
            raise PureposeError(
                f"{where}: {n_channels} channels x "
                f"{feature_widths(self.features, bands=self.bands)} feature columns x "
                f"{self.n_lags + 1} lags = {d} features per window, more than {MAX_FEATURES}"
            )


def _column_scale(m2: float, n: int) -> float:
    """Population std from a centred sum of squares; 1 for a constant column, as StandardScaler."""
    return math.sqrt(m2 / n) or 1.0


def standardize_session(rows: Matrix) -> Matrix:
    """Each column standardized by the recording's own mean and population std.

        z[k][j] = (x[k][j] - mean_j) / std_j,   over the windows k of this recording

    Unsupervised adaptation: it uses the recording's features only (no
    targets), so it can be applied to a new session before it is scored. It
    looks at the whole session; :func:`standardize_causal` does not. Two
    passes (mean, then centred squares), O(n_windows d).

    >>> standardize_session([[1.0, 5.0], [3.0, 5.0]])
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    if not rows:
        return []
    n = len(rows)
    columns = list(zip(*rows))
    means = [math.fsum(c) / n for c in columns]
    scales = [
        _column_scale(math.fsum((v - m) * (v - m) for v in c), n) for c, m in zip(columns, means)
    ]
    return [[(v - m) / s for v, m, s in zip(row, means, scales)] for row in rows]


def standardize_causal(rows: Matrix, *, warmup: int = 10) -> Matrix:
    """Each window standardized by the running mean and std of the windows up to it.

        z[k][j] = (x[k][j] - mean_j(0..k)) / std_j(0..k)     (Welford's running update)

    What a live stream can do: no look-ahead, O(d) per window and O(d)
    memory. The first ``warmup`` windows use the statistics of the first
    ``warmup`` (a std from one window is 0), so the start of a session is
    not divided by nothing.

    >>> standardize_causal([[1.0], [3.0], [5.0]], warmup=2)
    [[-1.0], [1.0], [1.224744871391589]]
    """
    if not rows:
        return []
    d = len(rows[0])
    mean, m2 = [0.0] * d, [0.0] * d
    first = min(warmup, len(rows))
    out: Matrix = []
    for n, row in enumerate(rows, start=1):
        for j, v in enumerate(row):  # Welford's update of the mean and centred squares
            delta = v - mean[j]
            mean[j] += delta / n
            m2[j] += delta * (v - mean[j])
        if n >= first:
            scale = [_column_scale(q, n) for q in m2]
            todo = rows[:n] if n == first else [row]  # the warm-up windows wait until now
            out += [[(v - m) / s for v, m, s in zip(r, mean, scale)] for r in todo]
    return out


class WindowChunk(NamedTuple):
    """EMG rows holding windows ``first .. first + n_windows - 1`` of a recording (in order)."""

    emg: Matrix
    first: int
    n_windows: int


def iter_windows(
    recording: Recording, window: int, hop: int, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[WindowChunk]:
    """Yield the EMG of consecutive windows, reading ``chunk_rows`` rows at a time.

    Each chunk's ``emg`` starts at the first sample of window ``first`` and
    holds exactly the rows of its ``n_windows`` windows; the rows that later
    windows still need are carried into the next chunk.

    >>> from purepose.data.recording import ArrayRecording
    >>> rec = ArrayRecording("r", emg=[[float(i)] for i in range(10)], targets=[[0.0]] * 10,
    ...                      sample_rate=1.0)
    >>> [(c.first, c.n_windows, len(c.emg)) for c in iter_windows(rec, 4, 2, chunk_rows=5)]
    [(0, 1, 4), (1, 3, 8)]
    """
    n_samples = len(recording)
    chunk_rows = max(chunk_rows, window)
    carry: Matrix = []
    next_window = 0
    for chunk_start in range(0, n_samples, chunk_rows):
        chunk_stop = min(chunk_start + chunk_rows, n_samples)
        emg = carry + recording.read_field("emg", chunk_start, chunk_stop)
        offset = chunk_stop - len(emg)  # sample index of emg[0]
        local = next_window * hop - offset  # index of the next window's first row in emg
        n_new = (len(emg) - local - window) // hop + 1 if len(emg) - local >= window else 0
        if n_new > 0:
            yield WindowChunk(emg[local : local + (n_new - 1) * hop + window], next_window, n_new)
            next_window += n_new
        carry = emg[next_window * hop - offset :]


class SessionFeatures(NamedTuple):
    """One source's windows: label times, features, targets and masks (one entry per window).

    ``valid``: the target row can be used (not an IK failure); ``selected``:
    the window is in the source's repetitions (all True without --split/--reps);
    ``movement``: the label sample is during a movement (None without stimulus
    labels); ``repetition``: the repetition the label sample belongs to, rest
    included (None without repetition labels).
    """

    name: str
    time: Vector
    X: Matrix
    Y: Matrix
    valid: list[bool]
    selected: list[bool]
    movement: list[bool] | None
    repetition: list[int] | None
    label_rows: list[int]
    sample_rate: float

    def subset(self, keep: list[bool]) -> SessionFeatures:
        """The windows where ``keep`` is True (every per-window list cut alike)."""

        def cut(values: list | None) -> list | None:
            return None if values is None else [v for v, k in zip(values, keep) if k]

        return self._replace(**{name: cut(getattr(self, name)) for name in _PER_WINDOW})

    def select(self, source: Source) -> SessionFeatures:
        """The same windows with ``selected`` set by the source's repetitions (or all)."""
        available = None if self.repetition is None else set(self.repetition)
        wanted = source.repetitions(available)
        if wanted is None:
            return self._replace(selected=[True] * len(self.X))
        return self._replace(selected=[g in wanted for g in self.repetition])  # type: ignore[union-attr]

    def mask(self, *, movement_only: bool = False) -> list[bool]:
        """Windows to train on or score: valid and selected (and during a movement)."""
        keep = [v and s for v, s in zip(self.valid, self.selected)]
        if movement_only:
            if self.movement is None:
                raise PureposeError(
                    f"{self.name}: no stimulus labels, so movement frames are unknown"
                )
            keep = [k and m for k, m in zip(keep, self.movement)]
        return keep


_PER_WINDOW = ("time", "X", "Y", "valid", "selected", "movement", "repetition", "label_rows")


def featurize(
    source: Source | Recording | str,
    config: FeatureConfig,
    *,
    recording: Recording | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> SessionFeatures:
    """Windows, features (with lags), targets and masks of one source.

    ``source`` is a path, a :class:`~purepose.data.sources.Source` (a file and its
    repetitions) or an open Recording; pass ``recording`` to featurize a
    Source whose file is already open. Raises PureposeError if the recording
    is shorter than one window or its feature rows would be wider than
    ``MAX_FEATURES``.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_session
    >>> path = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.5)
    >>> f = featurize(path, FeatureConfig(window_ms=100, hop_ms=50, features=("rms", "wl")))
    >>> len(f.X), len(f.X[0]), len(f.Y[0])      # (1000 - 200) // 100 + 1 windows
    (9, 32, 20)
    >>> featurize(path, FeatureConfig(window_ms=1000))
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ...s.hdf5: 1000 samples is fewer than one window (2000 samples)
    """
    src = as_source(source)
    if recording is None and isinstance(source, Recording):
        recording = source
    if recording is not None:
        return _featurize_open(src, recording, config, chunk_rows)
    with src.open() as rec:
        return _featurize_open(src, rec, config, chunk_rows)


def _featurize_open(
    src: Source, rec: Recording, config: FeatureConfig, chunk_rows: int
) -> SessionFeatures:
    where = str(rec.path)
    config.check_width(rec.n_channels, where)
    window, hop = config.in_samples(rec.check_rate(), where)
    if "logband" in config.features:  # bands in Hz must fit this file's rate and window
        band_bins(config.bands, window, rec.sample_rate, where)
    n_samples = len(rec)
    if n_samples < window:
        raise PureposeError(
            f"{where}: {n_samples} samples is fewer than one window ({window} samples)"
        )
    rows: Matrix = []
    for chunk in iter_windows(rec, window, hop, chunk_rows=chunk_rows):
        rows += extract_features(
            chunk.emg,
            window=window,
            hop=hop,
            features=config.features,
            threshold=config.threshold,
            sample_rate=rec.sample_rate,
            bands=config.bands,
        )
    if config.n_lags:
        rows = lag_stack(rows, config.n_lags, step=config.lag_step)
    if config.normalize == "session":
        rows = standardize_session(rows)
    elif config.normalize == "causal":
        rows = standardize_causal(rows)
    first = config.label_offset(window)
    label_rows = list(range(first, first + len(rows) * hop, hop))
    last = label_rows[-1]
    # Targets are a regular stride of rows: read just those.
    targets = (
        rec.read_field("targets", first, last + 1, hop) if rec.n_targets else [[] for _ in rows]
    )
    times = rec.read_field("time", first, last + 1, hop)  # label times only: O(n_windows)
    repetition = movement = None
    if REPETITION in rec.label_names:
        groups = repetition_groups(rec.read_field(REPETITION))
        repetition = [groups[i] for i in label_rows]
    if STIMULUS in rec.label_names:
        stimulus = rec.read_field(STIMULUS)
        movement = [stimulus[i] != 0 for i in label_rows]
    valid = rec.valid_mask(targets) if rec.n_targets else [False] * len(rows)
    every = [True] * len(rows)
    feats = SessionFeatures(
        rec.name,
        times,
        rows,
        targets,
        valid,
        every,
        movement,
        repetition,
        label_rows,
        rec.sample_rate,
    )
    return feats.select(src)
