"""Exercise ``pose``: the whole task. Predict hand pose from EMG, scored like emg2pose.

The learner's ``solution.py`` defines ``fit(train_sessions, val_sessions) ->
state`` and ``predict(state, session) -> [(time, targets), ...]``. The
grader runs both in a worker process within a time budget, on freshly
synthesized emg2pose sessions (seeded; the report prints the seed) or on
given data (``--data``: a dataset directory split by its metadata.csv, or
recordings split by repetition, such as a NinaPro file), then scores the
predictions the way ``evaluate --predictions`` does (:mod:`purepose.pose.predictions`):

* each prediction's time must be a sample time of the session (within half a
  sample period), at most one per sample, at least one per 100 ms of session;
* the emg2pose metric (joint angles) or nMAE, r and R² (any targets) over the
  predicted frames whose truth is valid, beside the mean pose (every valid
  training sample's mean: ``fsum / n``, so a solution that predicts
  ``statistics.fmean`` of the training targets scores exactly the baseline)
  and the zero pose on the same frames, and beside purepose's own ridge
  model (``PoseRegressor``, alpha chosen on the validation sessions) on its
  own windows.

It passes when it runs within the budget, its predictions are well formed,
and it beats the mean pose.
"""

from __future__ import annotations

import inspect
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from purepose.errors import PureposeError

from .core import Exercise, Verdict
from .pose_files import POSE_STARTER

MIN_RATE_HZ = 10.0
"""Predictions needed per second of a test session (at least one every 100 ms)."""

DEFAULT_BUDGET = 300.0
"""Seconds for fit and every predict together."""


class Recordings:
    """Open recordings by path, each opened once (a MAT file is parsed whole when opened)."""

    def __init__(self, options: Any) -> None:
        self.options = options
        self.open: dict[str, Any] = {}

    def __call__(self, path: str) -> Any:
        if path not in self.open:
            from purepose.data.sources import open_recording

            self.open[path] = open_recording(path, self.options)
        return self.open[path]

    def close(self) -> None:
        for rec in self.open.values():
            rec.close()
        self.open.clear()


class PoseSession:
    """A session as the solution sees it: metadata now, the lists on first use (then kept).

    ``time`` (n floats, seconds), ``emg`` (n rows of ``n_channels``), and for
    training and validation sessions ``targets`` (n rows, ``target_names``
    in ``target_unit``) and ``valid`` (n bools: False where the targets are
    an inverse-kinematics failure); both are None in the sessions given to
    ``predict``.
    """

    def __init__(self, piece: dict[str, Any], recordings: Recordings, with_targets: bool) -> None:
        self._piece, self._recordings, self._with_targets = piece, recordings, with_targets
        self.name = piece["name"]
        self.sample_rate = piece["sample_rate"]
        self.n_channels = piece["n_channels"]
        self.target_names = tuple(piece["target_names"])
        self.target_unit = piece["target_unit"]
        self._data: dict[str, Any] | None = None

    def __len__(self) -> int:
        return self._piece["stop"] - self._piece["start"]

    def __repr__(self) -> str:
        return f"PoseSession({self.name!r}, {len(self)} samples at {self.sample_rate:g} Hz)"

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            start, stop = self._piece["start"], self._piece["stop"]
            rec = self._recordings(self._piece["path"])
            data = {
                "time": rec.read_field("time", start, stop),
                "emg": rec.read_field("emg", start, stop),
                "targets": None,
                "valid": None,
            }
            if self._with_targets:
                data["targets"] = rec.read_field("targets", start, stop)
                data["valid"] = rec.valid_mask(data["targets"])
            self._data = data
        return self._data

    @property
    def time(self) -> list[float]:
        return self._load()["time"]

    @property
    def emg(self) -> list[list[float]]:
        return self._load()["emg"]

    @property
    def targets(self) -> list[list[float]] | None:
        return self._load()["targets"]

    @property
    def valid(self) -> list[bool] | None:
        return self._load()["valid"]


def _options(payload: dict[str, Any]) -> Any:
    from purepose.data.csvfile import CsvFormat
    from purepose.data.sources import RecordingOptions

    o = payload["options"]
    return RecordingOptions(sample_rate=o["sample_rate"], csv=CsvFormat(**o["csv"]))


class PoseExercise(Exercise):
    name = "pose"
    level = "hard"
    summary = "the whole task: fit(train, val) and predict(state, session), scored like emg2pose"
    functions = ("fit", "predict")
    tolerance = "none: the score is the emg2pose metric (or nMAE for other targets)"
    starter_text = POSE_STARTER

    @property
    def file_name(self) -> str:
        return "solution.py"

    def answer(self) -> str:
        """purepose.textbook.pipeline written out: its fit and predict are the exercise's."""
        from purepose.textbook import pipeline

        source = inspect.getsource(pipeline)
        title = "The model answer of exercise pose: purepose.textbook.pipeline, as written."
        return '"""' + title + source[source.index("\n") :]

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        """In the worker: fit on the training pieces, predict every test piece, time both."""
        recordings = Recordings(_options(payload))
        train = [PoseSession(p, recordings, True) for p in payload["train"]]
        val = [PoseSession(p, recordings, True) for p in payload["val"]]
        test = [PoseSession(p, recordings, False) for p in payload["test"]]
        try:
            start = time.perf_counter()
            state = functions.fit(train, val)
            fitted = time.perf_counter()
            predictions = [functions.predict(state, s) for s in test]
        finally:
            recordings.close()
        return {
            "predictions": predictions,
            "fit_seconds": fitted - start,
            "predict_seconds": time.perf_counter() - fitted,
        }

    def check(self, case: Any, got: Any) -> Verdict:  # graded by grade_pose, not by cases
        raise NotImplementedError("pose is graded by purepose.exercises.pose.grade_pose")


# ---------------------------------------------------------------------------
# The grader's side


@dataclass
class PoseData:
    """The sources of each split, and what the report says about them."""

    train: list
    val: list
    test: list
    description: str
    options: Any
    tmp: Any = None  # a TemporaryDirectory holding synthetic data


def synthetic_data(seed: int, n_sessions: int, seconds: float, quiet: bool) -> PoseData:
    import tempfile

    from purepose.data.emg2pose import Dataset
    from purepose.data.sources import RecordingOptions, Source
    from purepose.data.synth import make_dataset

    if n_sessions < 3:
        raise PureposeError(f"--sessions {n_sessions}: at least 3 (train, val and test)")
    tmp = tempfile.TemporaryDirectory(prefix="purepose-pose-")
    make_dataset(tmp.name, n_sessions=n_sessions, seconds=seconds, seed=seed, quiet=quiet)
    ds = Dataset(tmp.name)
    splits = {s: [Source(p) for p in ds.select(split=s)] for s in ("train", "val", "test")}
    counts = " / ".join(f"{len(splits[s])} {s}" for s in ("train", "val", "test"))
    return PoseData(
        splits["train"],
        splits["val"],
        splits["test"],
        f"synthetic emg2pose (seed {seed}), {counts} sessions of {seconds:g} s",
        RecordingOptions(),
        tmp,
    )


def given_data(paths: list[str], options: Any) -> PoseData:
    """A dataset directory (split by metadata.csv), or recordings split by repetition."""
    from purepose.data.sources import resolve

    splits = {s: resolve(paths, split=s, options=options) for s in ("train", "val", "test")}
    dataset = len(paths) == 1 and (Path(paths[0]) / "metadata.csv").is_file()
    how = (
        "split by metadata.csv"
        if dataset
        else "split by repetition (train 1,3,4,6,8,9; val 10; test 2,5,7)"
    )
    for split, sources in splits.items():
        if not sources:
            raise PureposeError(f"--data {' '.join(paths)}: no {split} recordings")
    return PoseData(
        splits["train"], splits["val"], splits["test"], f"{' '.join(paths)}, {how}", options
    )


def pieces(sources: list, recordings: Recordings) -> list[dict[str, Any]]:
    """Each source's contiguous runs of samples (a whole file, or runs of its repetitions)."""
    out = []
    for src in sources:
        rec = recordings(str(src.path))
        if not rec.n_targets:
            raise PureposeError(f"{rec.name}: has no targets to learn or score")
        info = {
            "path": str(src.path),
            "sample_rate": rec.check_rate(),
            "n_channels": rec.n_channels,
            "target_names": list(rec.target_names),
            "target_unit": rec.target_unit,
        }
        for start, stop in _runs(src, rec):
            name = (
                rec.name
                if (start, stop) == (0, len(rec))
                else (f"{rec.name} (samples {start}..{stop - 1})")
            )
            out.append({**info, "name": name, "start": start, "stop": stop})
    return out


def _runs(src: Any, rec: Any) -> list[tuple[int, int]]:
    """[start, stop) of each run of consecutive samples in the source's repetitions."""
    from purepose.data.recording import REPETITION, repetition_groups

    groups = (
        repetition_groups(rec.read_field(REPETITION)) if REPETITION in rec.label_names else None
    )
    wanted = src.repetitions(None if groups is None else set(groups))
    if wanted is None or groups is None:
        return [(0, len(rec))]
    runs, start = [], None
    for i, g in enumerate([*groups, None]):
        if g in wanted and start is None:
            start = i
        elif g not in wanted and start is not None:
            runs.append((start, i))
            start = None
    return runs


@dataclass
class PoseGrade:
    path: Path
    seed: int
    data: str
    budget: float
    passed: bool = False
    problem: str | None = None
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    table: str = ""
    notes: list[str] = field(default_factory=list)
    evaluation: Any = None
    reference: Any = None
    seconds: float = 0.0

    def report(self) -> str:
        lines = [
            f"exercise pose (hard): {PoseExercise.summary}",
            f"solution: {self.path}; seed {self.seed} (replay: --seed {self.seed})",
            f"data: {self.data}",
            f"time budget {self.budget:g} s for fit and predict: fit {self.fit_seconds:.2f} s, "
            f"predict {self.predict_seconds:.2f} s",
        ]
        if self.problem:
            lines += ["", f"FAILED: {self.problem}"]
        if self.table:
            lines += ["", self.table]
        lines += self.notes
        lines.append(f"result: {'PASS' if self.passed else 'FAIL'} in {self.seconds:.1f} s")
        return "\n".join(lines)


def grade_pose(
    path: str | Path,
    *,
    data: list[str] | None = None,
    options: Any = None,
    seed: int | None = None,
    budget: float = DEFAULT_BUDGET,
    n_sessions: int = 6,
    seconds: float = 20.0,
    reference: bool = True,
    quiet: bool = True,
) -> PoseGrade:
    """Run the solution's ``fit`` and ``predict`` in a worker and score them (module docstring)."""
    from .grader import AnswerFileError, WorkerProcess

    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise AnswerFileError(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}")
    if not budget > 0:
        raise PureposeError(f"--time-budget {budget!r} must be a positive number of seconds")
    seed = random.SystemRandom().randrange(10**9) if seed is None else seed
    if options is None:
        from purepose.data.sources import RecordingOptions

        options = RecordingOptions()
    split_data = (
        given_data(data, options) if data else synthetic_data(seed, n_sessions, seconds, quiet)
    )
    grade = PoseGrade(path, seed, split_data.description, budget)
    recordings = Recordings(split_data.options)
    try:
        test = pieces(split_data.test, recordings)
        payload = {
            "train": pieces(split_data.train, recordings),
            "val": pieces(split_data.val, recordings),
            "test": test,
            "options": _options_dict(split_data.options),
        }
        with WorkerProcess(PoseExercise(), path, memory_mb=None) as worker:
            outcome = worker.run(payload, budget)
        if outcome.kind == "value" and isinstance(outcome.value, dict):
            grade.fit_seconds = outcome.value.get("fit_seconds", 0.0)
            grade.predict_seconds = outcome.value.get("predict_seconds", 0.0)
            _score(grade, split_data, test, outcome.value.get("predictions"), recordings)
        else:
            grade.problem = _outcome_problem(outcome, budget)
        if reference and grade.evaluation is not None:
            _reference(grade, split_data)
        _table(grade)
    finally:
        recordings.close()
        if split_data.tmp is not None:
            split_data.tmp.cleanup()
    grade.seconds = time.perf_counter() - started
    return grade


def _options_dict(options: Any) -> dict[str, Any]:
    return {"sample_rate": options.sample_rate, "csv": asdict(options.csv)}


def _outcome_problem(outcome: Any, budget: float) -> str:
    if outcome.kind == "timeout":
        return f"fit and predict did not finish within the time budget of {budget:g} s"
    if outcome.kind == "crash":
        return f"the worker process died ({outcome.message})"
    where = f" at {outcome.where}" if outcome.where else ""
    return f"raised {outcome.raised}: {outcome.message}{where}"


def _score(
    grade: PoseGrade, data: PoseData, test: list[dict], predictions: Any, recordings: Recordings
) -> None:
    from purepose.pose.predictions import score, training_mean

    if not isinstance(predictions, list) or len(predictions) != len(test):
        grade.problem = "predict must return a list of (time, targets) pairs for each session"
        return
    matched = []
    names = test[0]["target_names"]
    for piece, rows in zip(test, predictions):
        try:
            matched.append(_match(piece, rows, recordings(piece["path"])))
        except PureposeError as exc:
            grade.problem = str(exc)
            return
    rec = recordings(test[0]["path"])
    unit, zero_is_rest = rec.target_unit, rec.zero_is_rest
    mean_pose = training_mean(data.train, names)
    n_rows, scored = sum(m.n_rows for m in matched), sum(len(m.truth) for m in matched)
    grade.notes.append(
        f"scored: {scored} of your {n_rows} predictions in {len(test)} test session(s) "
        f"(valid truth; times matched to samples within +-{0.5 / rec.sample_rate:.3g} s)"
    )
    grade.evaluation = score(
        matched,
        names,
        unit,
        mean_pose=mean_pose,
        zero_is_rest=zero_is_rest,
        name="yours",
        landmarks=False,
    )


def _match(piece: dict, rows: Any, rec: Any) -> Any:
    from purepose.pose.predictions import Matched, match_samples, rows_at

    where = f"predict({piece['name']})"
    width = len(piece["target_names"])
    if not isinstance(rows, list) or not rows:
        raise PureposeError(f"{where} returned {type(rows).__name__}, not a list of pairs")
    times, values = [], []
    for k, row in enumerate(rows):
        ok = (
            isinstance(row, list)
            and len(row) == 2
            and isinstance(row[0], int | float)
            and isinstance(row[1], list)
            and len(row[1]) == width
            and all(isinstance(v, int | float) for v in row[1])
        )
        if not ok:
            raise PureposeError(
                f"{where}[{k}] is not a pair (time, {width} numbers): {str(row)[:80]}"
            )
        times.append(float(row[0]))
        values.append([float(v) for v in row[1]])
    start, stop = piece["start"], piece["stop"]
    duration = (stop - start) / rec.sample_rate
    needed = int(duration * MIN_RATE_HZ)
    if len(rows) < needed:
        raise PureposeError(
            f"{where}: {len(rows)} predictions for {duration:.1f} s; at least one per "
            f"100 ms ({needed}) are scored"
        )
    sample_times = rec.read_field("time", start, stop)
    labels = [f"prediction {k}" for k in range(len(times))]
    indices = match_samples(times, sample_times, rec.sample_rate, where, labels)
    order = sorted(range(len(indices)), key=indices.__getitem__)
    indices = [indices[k] + start for k in order]
    values = [values[k] for k in order]
    truth = rows_at(rec, indices)
    keep = rec.valid_mask(truth)
    return Matched(
        piece["name"],
        [y for y, k in zip(truth, keep) if k],
        [p for p, k in zip(values, keep) if k],
        len(rows),
        len(rows) - sum(keep),
    )


def _reference(grade: PoseGrade, data: PoseData) -> None:
    """purepose's ridge model on the same split, scored on its own windows."""
    from purepose.pose.evaluation import evaluate
    from purepose.pose.model import PoseRegressor

    model = PoseRegressor().fit(data.train, val_sessions=data.val, quiet=True)
    grade.reference = evaluate(model, data.test, landmarks=False)


def _table(grade: PoseGrade) -> None:
    from purepose.pose.metrics import format_table
    from purepose.pose.target_metrics import format_target_table

    ev, ref = grade.evaluation, grade.reference
    if ev is None:
        return
    angular = bool(ev.reports)
    reports = dict(ev.reports if angular else ev.target_reports)
    if ref is not None:
        reports["purepose ridge"] = (ref.reports if angular else ref.target_reports)["model"]
    grade.table = format_table(reports) if angular else format_target_table(reports)
    baselines = "the mean pose (every valid training sample's mean)"
    if "zero pose" in reports:
        baselines += " and the zero pose"
    note = f"{baselines} are scored on your predicted frames"
    if ref is not None:
        note += "; purepose ridge (PoseRegressor, alpha chosen on val) on its own windows"
    grade.notes.append(note)
    yours, mean = reports["yours"], reports["mean pose"]
    if angular:
        better, ours, base, unit = yours.mae_deg < mean.mae_deg, yours.mae_deg, mean.mae_deg, "deg"
    else:
        ours, base, unit = yours.nmae, mean.nmae, "nMAE"
        better = ours is not None and base is not None and ours < base
    if better:
        grade.passed = grade.problem is None
        grade.notes.append(f"yours: {ours:.4g} {unit}, below the mean pose's {base:.4g}")
    else:
        grade.notes.append(
            f"yours: {ours} {unit}, not below the mean pose's {base}: "
            "a solution must beat the mean pose"
        )
