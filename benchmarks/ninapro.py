"""The real-data table: purepose's models on the NinaPro DB1 subjects in ../shared/realdata.

``python -m benchmarks.ninapro [--models ridge,...] [--subjects S1,S2] [--out DIR]``

For every subject file ``S*_A1_E1.mat`` it runs what these commands run,

    purepose fit S.mat --split train --val val --model M --out m.json
    purepose evaluate m.json S.mat --split test [--frames movement]

(train repetitions 1, 3, 4, 6, 8, 9; validation 10; test 2, 5, 7), through
the library so the features are computed once per subject, and prints one
markdown table: the mean pose and each model, normalised MAE and Pearson r
averaged over the subjects, on the test repetitions' movement frames (the
protocol of the issue's numpy replica) and on all their frames. The
per-subject numbers and the times go to ``DIR/ninapro.json``. The data are
read from ../shared/realdata and never copied.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
DB1 = REALDATA / "ninapro_db1_E1"
MODELS: dict[str, dict[str, Any]] = {"ridge": {}}
"""Model name -> extra PoseRegressor parameters (the CLI's --model)."""


def _subjects(spec: str | None) -> list[Path]:
    files = sorted(DB1.glob("S*_A1_E1.mat"), key=lambda p: int(p.stem.split("_")[0][1:]))
    if spec:
        wanted = {s.strip() for s in spec.split(",")}
        files = [f for f in files if f.stem.split("_")[0] in wanted]
    return files


def run_subject(path: Path, model_name: str, **params: Any) -> dict[str, Any]:
    """Fit on the train repetitions, choose on val, score the test repetitions."""
    from purepose.evaluation import evaluate
    from purepose.model import PoseRegressor
    from purepose.sources import resolve

    t0 = time.perf_counter()
    model = PoseRegressor(**{**MODELS[model_name], **params})
    model.fit(resolve([path], split="train"), val_sessions=resolve([path], split="val"))
    fitted = time.perf_counter()
    test = resolve([path], split="test")
    out: dict[str, Any] = {"fit_s": fitted - t0}
    for frames in ("movement", "all"):
        result = evaluate(model, test, movement_only=frames == "movement")
        reports = result.target_reports
        out[frames] = {
            name: {"nmae": r.nmae, "r": r.r, "n_frames": r.n_frames} for name, r in reports.items()
        }
    out["evaluate_s"] = time.perf_counter() - fitted
    out["chosen"] = {"alpha": model.alpha_}
    return out


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return math.fsum(kept) / len(kept) if kept else None


def table(results: dict[str, dict[str, Any]], models: list[str]) -> str:
    """Markdown: rows mean pose and each model; nMAE and r on movement and on all test frames."""

    def cell(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    lines = [
        "| model | nMAE, movement | r, movement | nMAE, all frames | r, all frames |",
        "|---|---|---|---|---|",
    ]
    first = models[0]
    rows = [("mean pose", first, "mean pose")] + [(m, m, "model") for m in models]
    for label, model, key in rows:
        per = [results[s][model] for s in results]
        cells = [
            cell(_mean([p[frames][key][metric] for p in per]))
            for frames in ("movement", "all")
            for metric in ("nmae", "r")
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.ninapro", description=__doc__.split("\n")[0]
    )
    p.add_argument("--models", default="ridge", help=f"comma-separated, from {','.join(MODELS)}")
    p.add_argument("--subjects", default=None, help="e.g. S1,S2 (default: every DB1 file found)")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    args = p.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        p.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    subjects = _subjects(args.subjects)
    if not subjects:
        print(f"benchmarks.ninapro: no NinaPro DB1 files in {DB1}", file=sys.stderr)
        return 2
    results: dict[str, dict[str, Any]] = {}
    for path in subjects:
        results[path.stem] = {}
        for m in models:
            r = run_subject(path, m)
            results[path.stem][m] = r
            nm = r["movement"]
            print(
                f"{path.stem} {m}: nMAE {nm['model']['nmae']:.3f} (mean pose "
                f"{nm['mean pose']['nmae']:.3f}), r {nm['model']['r']:.3f}; "
                f"fit {r['fit_s']:.0f} s, evaluate {r['evaluate_s']:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ninapro.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"NinaPro DB1 exercise 1, {len(subjects)} subjects, test repetitions 2, 5, 7:")
    print(table(results, models))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
