"""The generalisation table: new sessions of known users and a held-out user, per model variant.

``python -m benchmarks.generalization [--quick] [--users 5] [--per-user 5] [--seconds 10]
[--seeds 0,1,2] [--variants 0,1] [--jobs 1] [--ninapro] [--loso-hop-ms 100] [--no-synthetic]
[--out DIR]``

For every seed (each draws new users, sessions and poses):

1. Writes a synthetic emg2pose dataset with every variability knob on
   (``purepose.data.synth.REALISTIC``: each user's own muscles, each session's own
   band placement and gains, fatigue, powerline, stage-specific poses) and
   the last user held out, what

       purepose synth DATA --users 5 --sessions 25 --seconds 10 --seed K \\
           --held-out-users 1 --realistic

   writes: per training user three train, one val and one test recording;
   the held-out user's five recordings are all test.
2. Fits every variant of ``VARIANTS`` on train, choosing its hyper-parameter on
   val (new sessions of the training users), and scores the test split per
   value of metadata.csv's ``generalization`` column, as

       purepose fit DATA --split train --val val [--normalize session] [--features ...]
       purepose evaluate m.json DATA --split test --by generalization

   do, through the library (each recording featurized once per variant).

Then it prints one markdown table: angular MAE in degrees on validation, on
new sessions of known users (``none``) and on the held-out user (``user``),
beside the mean pose, the mean over the seeds with the smallest and largest
in brackets. Every number, the chosen alphas and the times go to
``DIR/generalization.json``.

With ``--ninapro`` it also compares global and per-session normalisation on
the NinaPro DB1 subjects in ../shared/realdata (each subject one file: train,
val and test are repetitions of that file), nMAE on the test repetitions'
movement frames averaged over the subjects (read from ../shared/realdata,
never copied). Within one file the two are the same model: the file's own
standardization is one affine map per feature column, for its training and
its test windows alike, and ridge standardizes its inputs again with the
training statistics, which undoes it; the table shows the rounding that is
left. ``--loso-hop-ms MS`` measures the case where it can act: each subject
held out in turn, training on the other nine (every file its own session);
``--no-synthetic`` skips the synthetic table.
``--quick`` is a smoke-test size (3 users x 3 recordings of 2 s, one seed,
one NinaPro subject).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
DB1 = REALDATA / "ninapro_db1_E1"

TODAY = ("rms", "mav", "wl", "logpow")
SPATIAL = (*TODAY, "spatial")
RICH = (*SPATIAL, "logband", "mnf", "mdf", "mobility", "complexity")
"""Richer features: today's four, the spatial pattern, band powers, spectral moments, Hjorth."""

MLP_SIZE: dict[str, Any] = {"hidden_layer_sizes": (64,), "max_epochs": 40}
"""The MLP's size here (the CLI's default is 128 units, 100 epochs): half the time."""

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("ridge, global", {}),
    ("ridge, session", {"normalize": "session"}),
    ("ridge + spatial pattern, session", {"features": SPATIAL, "normalize": "session"}),
    ("ridge + richer features, session", {"features": RICH, "normalize": "session"}),
    ("MLP + richer features, session", {"features": RICH, "normalize": "session",
                                        "model": "mlp", **MLP_SIZE}),
    ("auto + richer features", {"features": RICH, "model": "auto", **MLP_SIZE}),
    ("auto", {"model": "auto", **MLP_SIZE}),
]  # fmt: skip
"""Table rows: label -> PoseRegressor parameters (on top of the CLI's defaults). "auto"
fits ridge, random features, the MLP and kNN under global and per-session normalisation
and keeps the best on val (``--model auto``)."""

CLI_DEFAULTS: dict[str, Any] = {"n_lags": 2, "lag_step": 2}
"""What ``purepose fit`` passes unless told otherwise (the README's commands)."""

COLUMNS = (("val", "val (known users)"), ("none", "new sessions, known users"),
           ("user", "held-out user"))  # fmt: skip


def make_data(root: Path, users: int, per_user: int, seconds: float, seed: int) -> None:
    from purepose.data.synth import REALISTIC, make_dataset

    make_dataset(
        root,
        n_sessions=users * per_user,
        n_users=users,
        seconds=seconds,
        seed=seed,
        held_out_users=1,
        variability=REALISTIC,
        quiet=True,
    )


def run_variant(root: Path, params: dict[str, Any], jobs: int) -> dict[str, Any]:
    """Fit on train (alpha on val), score test per generalization value: MAE in degrees."""
    import warnings

    from purepose.data.emg2pose import Dataset
    from purepose.pose.evaluation import evaluate_groups, metadata_groups
    from purepose.pose.model import PoseRegressor

    ds = Dataset(root)
    t0 = time.perf_counter()
    model = PoseRegressor(**{**CLI_DEFAULTS, **params})
    with warnings.catch_warnings(record=True) as caught:  # an alpha at the grid's limit
        warnings.simplefilter("always")
        model.fit(ds.select(split="train"), val_sessions=ds.select(split="val"), n_jobs=jobs)
    fitted = time.perf_counter()
    result = evaluate_groups(
        model, ds.select(split="test"), metadata_groups(root), landmarks=False, n_jobs=jobs
    )
    out: dict[str, Any] = {
        "model": model.model,
        "normalize": model.normalize,
        "alpha": model.alpha_,
        "n_neighbors": model.n_neighbors_,
        "n_features": model.n_features_in_,
        "val": {"model": min(model.val_scores_.values())},
        "model_selection": model.model_selection_,
        "warnings": [str(w.message) for w in caught],
        "fit_s": fitted - t0,
        "evaluate_s": time.perf_counter() - fitted,
    }
    for group, ev in result.groups.items():
        out[group] = {name: r.mae_deg for name, r in ev.reports.items()}
        out[group]["n_frames"] = ev.reports["model"].n_frames
    return out


def _chosen(r: dict[str, Any]) -> str:
    return f"k={r['n_neighbors']}" if r["n_neighbors"] else f"alpha={r['alpha']:g}"


def table(per_seed: dict[int, dict[str, dict[str, Any]]]) -> str:
    """Markdown: mean pose, then every variant; MAE (deg), mean over seeds (min-max)."""
    seeds = list(per_seed)
    labels = list(per_seed[seeds[0]])

    def cell(values: list[float]) -> str:
        mean = math.fsum(values) / len(values)
        if len(values) == 1:
            return f"{mean:.1f}°"
        return f"{mean:.1f}° ({min(values):.1f}-{max(values):.1f})"

    lines = ["| model | " + " | ".join(title for _, title in COLUMNS) + " |"]
    lines.append("|---" * (len(COLUMNS) + 1) + "|")
    first = labels[0]
    mean = [
        "–" if key == "val" else cell([per_seed[k][first][key]["mean pose"] for k in seeds])
        for key, _ in COLUMNS
    ]
    lines.append("| mean pose | " + " | ".join(mean) + " |")
    for label in labels:
        cells = [cell([per_seed[k][label][key]["model"] for k in seeds]) for key, _ in COLUMNS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# NinaPro DB1: global against per-session normalisation within a subject


def ninapro(subjects: list[Path], jobs: int) -> dict[str, Any]:
    """Per subject: ridge with global and with per-session normalisation, within the file."""
    out: dict[str, Any] = {}
    for path in subjects:
        out[path.stem] = {}
        for normalize in ("global", "session"):
            params = {**CLI_DEFAULTS, "normalize": normalize}
            out[path.stem][normalize] = _fit_score([path], path, params, jobs)
        print(
            f"{path.stem}: nMAE global {out[path.stem]['global']['model']:.4f}, session "
            f"{out[path.stem]['session']['model']:.4f}",
            file=sys.stderr,
            flush=True,
        )
    return out


def _fit_score(train: list[Path], test: Path, params: dict[str, Any], jobs: int) -> dict:
    """Fit on the train repetitions of ``train`` (alpha on their val), score ``test``'s test
    repetitions on movement frames: nMAE and r beside the mean pose."""
    from purepose.data.sources import resolve
    from purepose.pose.evaluation import evaluate
    from purepose.pose.model import PoseRegressor

    model = PoseRegressor(**params)
    model.fit(resolve(train, split="train"), val_sessions=resolve(train, split="val"), n_jobs=jobs)
    result = evaluate(model, resolve([test], split="test"), movement_only=True, landmarks=False)
    reports = result.target_reports
    return {
        "model": reports["model"].nmae,
        "mean pose": reports["mean pose"].nmae,
        "r": reports["model"].r,
        "alpha": model.alpha_,
    }


def ninapro_table(results: dict[str, Any], title: str = "within each subject") -> str:
    def mean(key: str, field: str) -> float:
        return math.fsum(r[key][field] for r in results.values()) / len(results)

    diff = max(abs(r["global"]["model"] - r["session"]["model"]) for r in results.values())
    return "\n".join(
        [
            f"| NinaPro DB1, {title} | nMAE, movement frames | Pearson r |",
            "|---|---|---|",
            f"| mean pose | {mean('global', 'mean pose'):.3f} | – |",
            f"| ridge, global | {mean('global', 'model'):.3f} | {mean('global', 'r'):.3f} |",
            f"| ridge, session | {mean('session', 'model'):.3f} | {mean('session', 'r'):.3f} |",
            "",
            f"largest per-subject difference between global and session: {diff:.1e} nMAE",
        ]
    )


def ninapro_loso(subjects: list[Path], jobs: int, hop_ms: float) -> dict[str, Any]:
    """Leave one subject out: train on the others' train repetitions (alpha on their rep 10).

    The held-out subject's test repetitions are scored (movement frames): a
    held-out user on real EMG, where each training file is a session of its
    own and per-session normalisation can act.
    """
    out: dict[str, Any] = {}
    for held in subjects:
        others = [s for s in subjects if s != held]
        out[held.stem] = {}
        for normalize in ("global", "session"):
            params = {**CLI_DEFAULTS, "hop_ms": hop_ms, "normalize": normalize}
            out[held.stem][normalize] = _fit_score(others, held, params, jobs)
        print(
            f"held out {held.stem}: nMAE global {out[held.stem]['global']['model']:.3f}, "
            f"session {out[held.stem]['session']['model']:.3f}, mean pose "
            f"{out[held.stem]['global']['mean pose']:.3f}",
            file=sys.stderr,
            flush=True,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.generalization", description=__doc__.split("\n")[0]
    )
    p.add_argument("--quick", action="store_true", help="smoke-test size: 3 users x 3 x 2 s")
    p.add_argument("--users", type=int, default=5, help="users, the last one held out (5)")
    p.add_argument("--per-user", type=int, default=5, help="recordings per user (5)")
    p.add_argument("--seconds", type=float, default=10.0, help="seconds per recording (10)")
    p.add_argument("--seeds", default="0,1,2", help="dataset seeds: fresh users each (0,1,2)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes for featurizing (1)")
    p.add_argument("--variants", default=None, help="comma-separated row numbers (default all)")
    p.add_argument("--ninapro", action="store_true", help="also the NinaPro DB1 comparison")
    p.add_argument(
        "--no-synthetic", action="store_true", help="skip the synthetic table (NinaPro only)"
    )
    p.add_argument(
        "--loso-hop-ms",
        type=float,
        default=None,
        metavar="MS",
        help="NinaPro DB1: leave each subject out in turn (windows every MS ms; 100 is quick)",
    )
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    args = p.parse_args(argv)
    if args.quick:
        args.users, args.per_user, args.seconds, args.seeds = 3, 3, 2.0, "0"
    seeds = [int(k) for k in args.seeds.split(",")]
    chosen = VARIANTS
    if args.variants:
        chosen = [VARIANTS[int(i)] for i in args.variants.split(",")]
    report: dict[str, Any] = {"args": vars(args), "variants": dict(chosen), "synthetic": {}}
    if args.no_synthetic:
        seeds = []
    with tempfile.TemporaryDirectory(prefix="purepose-generalization-") as tmp:
        for seed in seeds:
            root = Path(tmp) / f"seed{seed}"
            t0 = time.perf_counter()
            make_data(root, args.users, args.per_user, args.seconds, seed)
            print(f"seed {seed}: data in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            results = report["synthetic"][seed] = {}
            for label, params in chosen:
                results[label] = r = run_variant(root, params, args.jobs)
                print(
                    f"seed {seed}, {label}: val {r['val']['model']:.2f}, none "
                    f"{r['none']['model']:.2f}, user {r['user']['model']:.2f} deg ({r['model']}, "
                    f"{r['normalize']}, {_chosen(r)}, {r['n_features']} features; fit "
                    f"{r['fit_s']:.0f} s, "
                    f"evaluate {r['evaluate_s']:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    if seeds:
        print(
            f"Synthetic emg2pose data, every variability knob on: {args.users} users "
            f"({args.users - 1} training, 1 held out) x {args.per_user} recordings of "
            f"{args.seconds:g} s; angular MAE on the test split, mean over seeds {args.seeds} "
            "(min-max):"
        )
        print(table(report["synthetic"]))
    if args.ninapro or args.loso_hop_ms:
        subjects = sorted(DB1.glob("S*_A1_E1.mat"), key=lambda q: int(q.stem.split("_")[0][1:]))
        if args.quick:
            subjects = subjects[:1]
        if not subjects:
            print(f"benchmarks.generalization: no NinaPro DB1 files in {DB1}", file=sys.stderr)
        if subjects and args.ninapro:
            report["ninapro"] = nina = ninapro(subjects, args.jobs)
            print()
            print(ninapro_table(nina), flush=True)
        if len(subjects) > 1 and args.loso_hop_ms:
            report["ninapro_loso"] = loso = ninapro_loso(subjects, args.jobs, args.loso_hop_ms)
            print()
            print(ninapro_table(loso, f"one subject held out (hop {args.loso_hop_ms:g} ms)"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "generalization.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
