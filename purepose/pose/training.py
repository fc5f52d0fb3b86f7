"""From training sources to what a pose model learns from, one file at a time.

Each source (a file and the repetitions it uses, purepose.data.sources) is
featurized once (purepose.signals.windows); its training windows (target valid, in
the chosen repetitions) become a part of the model's statistics:

    NormalEquations of [x | y]    everything the ridge head needs, mergeable
    the rows (x, y) themselves    for the heads that need them (MLP, kNN, rff)
    each target's min and max     the range the plausibility check allows
    the file's Layout             channels, targets, rate, and its identity
                                  (name, SHA-256, repetitions: for the overlap check)

and validation parts of the same file are cut from the same features, so a
file used for training and validation is read once. ``map_ordered`` runs the
tasks in worker processes and yields their results in input order, so the
merged statistics are the same with any number of workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, NamedTuple

from purepose._util import Progress
from purepose.data.sources import Source
from purepose.errors import PureposeError
from purepose.fast.regression import NormalEquations
from purepose.signals.windows import FeatureConfig, SessionFeatures, featurize
from purepose.types import Matrix, PathLike, Vector


def map_ordered(func: Callable[[Any], Any], items: Sequence[Any], n_jobs: int, progress: Progress):
    """Yield ``func(item)`` in input order, in ``n_jobs`` worker processes if > 1."""
    if n_jobs <= 1 or len(items) <= 1:
        for item in items:
            yield func(item)
            progress.update()
        return
    # "spawn": a fresh interpreter per worker; fork() of a process that h5py or a
    # caller has made multi-threaded can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(items)), mp_context=context) as pool:
        for result in pool.map(func, items):
            yield result
            progress.update()


class Layout(NamedTuple):
    """What a recording feeds a model: channels, targets, rate, and the file's identity."""

    n_channels: int
    target_names: tuple[str, ...]
    target_unit: str
    zero_is_rest: bool
    sample_rate: float
    source: dict[str, Any]


def file_sha256(path: PathLike) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


MAX_CACHED_VALUES = 20_000_000
"""Feature values the cache of :func:`featurize_with_layout` may hold (~0.6 GB of floats)."""

_CACHE: OrderedDict[tuple, tuple[SessionFeatures, Layout]] = OrderedDict()


def _cache_key(src: Source, config: FeatureConfig) -> tuple:
    """A file's identity as the file system sees it, and how it is read and windowed."""
    st = src.path.stat()
    return (str(src.path.resolve()), st.st_size, st.st_mtime_ns, src.options, config)


def _cached_values() -> int:
    return sum(len(f.X) * (len(f.X[0]) if f.X else 0) for f, _ in _CACHE.values())


def featurize_with_layout(src: Source, config: FeatureConfig) -> tuple[SessionFeatures, Layout]:
    """A source's features, and what a model must know of its file: channels, targets, identity.

    A file's windows do not depend on which of its repetitions a source
    uses, so the whole file is featurized once and kept in a small cache
    (least recently used first out, at most ``MAX_CACHED_VALUES`` feature
    values): fitting several models, or training and validating on parts of
    one file, reads and featurizes it once. The key holds the file's size and
    modification time, so a changed file is read again.
    """
    key = _cache_key(src, config)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        whole, layout = _CACHE[key]
    else:
        whole_file = Source(src.path, options=src.options)
        with whole_file.open() as rec:
            whole = featurize(whole_file, config, recording=rec)
            layout = Layout(
                rec.n_channels,
                rec.target_names,
                rec.target_unit,
                rec.zero_is_rest,
                rec.sample_rate,
                {"name": src.path.name, "sha256": file_sha256(src.path), "part": "all"},
            )
        _CACHE[key] = (whole, layout)
        while len(_CACHE) > 1 and _cached_values() > MAX_CACHED_VALUES:
            _CACHE.popitem(last=False)
    feats = whole.select(src)
    return feats, _with_part(layout, src, feats)


def _with_part(layout: Layout, src: Source, feats: SessionFeatures) -> Layout:
    """The layout whose identity names the repetitions ``src`` uses of the file."""
    reps = src.repetitions(None if feats.repetition is None else set(feats.repetition))
    part = "all" if reps is None else sorted(reps)
    return layout._replace(source={**layout.source, "part": part})


def overlap(trained: dict[str, Any], scored: dict[str, Any]) -> bool:
    """True if two parts of files share samples: the same bytes and a common repetition."""
    if trained.get("sha256") != scored.get("sha256"):
        return False
    a, b = trained.get("part", "all"), scored.get("part", "all")
    return a == "all" or b == "all" or bool(set(a) & set(b))


def training_rows(src: Source, feats: SessionFeatures) -> tuple[Matrix, Matrix]:
    """The feature and target rows of the windows a model may train on (masked)."""
    keep = feats.mask()
    X = [x for x, k in zip(feats.X, keep) if k]
    Y = [y for y, k in zip(feats.Y, keep) if k]
    if not X:
        raise PureposeError(
            f"{src}: none of its {len(keep)} windows can be trained on (all targets invalid, "
            "such as inverse-kinematics failures, or outside the chosen repetitions)"
        )
    return X, Y


class TrainingPart(NamedTuple):
    """What one training source contributes (module docstring)."""

    statistics: NormalEquations
    layout: Layout
    same_file_val: list[SessionFeatures]
    target_range: tuple[Vector, Vector]
    rows: tuple[Matrix, Matrix] | None


def training_task(task: tuple[Source, FeatureConfig, list[Source], bool]) -> TrainingPart:
    """One training source's part; validation sources of the same file are cut from it too.

    The file is featurized once: its windows do not depend on which
    repetitions are used, only the selection does. ``keep_rows`` keeps the
    training rows for the heads that are not fitted from the statistics.
    """
    src, config, same_file_val, keep_rows = task
    feats, layout = featurize_with_layout(src, config)
    if not layout.target_names:
        raise PureposeError(f"{src.path}: has no targets to train on")
    X, Y = training_rows(src, feats)
    val = [feats.select(v) for v in same_file_val]
    columns = list(zip(*Y))
    target_range = ([min(c) for c in columns], [max(c) for c in columns])
    rows = (X, Y) if keep_rows else None
    return TrainingPart(_statistics(src, config, X, Y), layout, val, target_range, rows)


MAX_CACHED_STATISTICS = 64
"""Normal equations :func:`training_task` keeps (each (d + k)^2 floats: 0.4 MB at 212)."""

_STATISTICS: OrderedDict[tuple, NormalEquations] = OrderedDict()


def _statistics(src: Source, config: FeatureConfig, X: Matrix, Y: Matrix) -> NormalEquations:
    """The normal equations of a source's training rows, computed once per file and part.

    Every model fitted on the same sources and features (the demo's three, the
    eight candidates of ``model="auto"``) starts from these sums, the O(n d^2)
    step of fitting; NormalEquations.merge never changes its inputs, so a cached
    accumulator can be shared.
    """
    key = (_cache_key(src, config), src.split, src.reps)
    if key in _STATISTICS:
        _STATISTICS.move_to_end(key)
        return _STATISTICS[key]
    _STATISTICS[key] = statistics = NormalEquations().update(X, Y)
    if len(_STATISTICS) > MAX_CACHED_STATISTICS:
        _STATISTICS.popitem(last=False)
    return statistics


def features_task(task: tuple[Source, FeatureConfig]) -> tuple[SessionFeatures, Layout]:
    """A source's features and layout (validation and scored sources)."""
    return featurize_with_layout(*task)


class Training(NamedTuple):
    """Every training source's part, merged in order (``PoseRegressor.fit``, step 1)."""

    statistics: NormalEquations
    layouts: list[Layout]
    val_feats: list[SessionFeatures]
    target_min: Vector
    target_max: Vector
    rows: tuple[Matrix, Matrix] | None


def gather(
    train: list[Source],
    val: list[Source],
    config: FeatureConfig,
    keep_rows: bool,
    n_jobs: int,
    quiet: bool,
) -> Training:
    """Featurize the training sources (in ``n_jobs`` processes) and merge their parts in order.

    The merge order is the sources' order, so any ``n_jobs`` gives the same sums.
    """
    tasks = [(s, config, [v for v in val if v.path == s.path], keep_rows) for s in train]
    acc = NormalEquations()
    layouts, val_feats, lows, highs = [], [], [], []
    X: Matrix = []
    Y: Matrix = []
    with Progress(len(tasks), "featurize training data", quiet=quiet) as progress:
        for part in map_ordered(training_task, tasks, n_jobs, progress):
            acc = acc.merge(part.statistics)
            layouts.append(part.layout)
            val_feats += part.same_file_val
            lows.append(part.target_range[0])
            highs.append(part.target_range[1])
            if part.rows is not None:
                X += part.rows[0]
                Y += part.rows[1]
    target_min = [min(v) for v in zip(*lows)]
    target_max = [max(v) for v in zip(*highs)]
    return Training(acc, layouts, val_feats, target_min, target_max, (X, Y) if keep_rows else None)


def common_layout(layouts: list[Layout], short: Callable[[Sequence[str]], str]) -> Layout:
    """The first layout, after checking that every source has its channels and targets."""
    first = layouts[0]
    for lay in layouts[1:]:
        if (lay.n_channels, lay.target_names) != (first.n_channels, first.target_names):
            raise PureposeError(
                f"PoseRegressor.fit: {lay.source['name']} has {lay.n_channels} channels and "
                f"targets {short(lay.target_names)}; {first.source['name']} has "
                f"{first.n_channels} and {short(first.target_names)}"
            )
    return first
