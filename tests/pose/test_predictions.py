"""evaluate --predictions: any program's CSV, scored like a model; a model's CSV reproduces it."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.sources import resolve
from purepose.data.synth import make_dataset
from purepose.joints import JOINT_NAMES
from purepose.pose.predictions import exact_parts, match_samples, training_mean

FAST = ["--features", "logpow,wl", "--lags", "1"]
REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
NINAPRO = REALDATA / "ninapro_db1_E1" / "S1_A1_E1.mat"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("predictions")
    data = root / "data"
    make_dataset(data, n_sessions=4, seconds=2.0, seed=3, quiet=True)
    model = root / "model.json"
    argv = ["fit", str(data), "--split", "train", "--val", "val", "--out", str(model), "-q"]
    assert main([*argv, *FAST]) == 0
    test = resolve([str(data)], split="test")[0].path
    assert main(["predict", str(model), str(test), "--out", str(root / "pred.csv"), "-q"]) == 0
    return root, data, model, test


def _json(argv, capsys) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json", "-q"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_models_own_csv_reproduces_its_evaluation(world, capsys):
    root, _, model, test = world
    by_model = _json(["evaluate", str(model), str(test)], capsys)
    by_csv = _json(
        [
            "evaluate",
            "--predictions",
            str(root / "pred.csv"),
            "--mean-pose-from",
            str(model),
            str(test),
        ],
        capsys,
    )
    for key in ("reports", "target_reports", "landmarks", "n_sessions", "frames"):
        assert by_csv[key] == by_model[key], key  # every number, to the last bit
    assert by_csv["predictions"]["mean_pose_from"] == f"model {model}"
    scored = by_csv["predictions"]["scored"]
    assert scored == by_model["reports"]["model"]["n_frames"] <= by_csv["predictions"]["rows"]


def test_without_a_training_mean_the_scored_truth_is_used_and_said(world, capsys):
    root, _, model, test = world
    by_model = _json(["evaluate", str(model), str(test)], capsys)
    by_csv = _json(["evaluate", "--predictions", str(root / "pred.csv"), str(test)], capsys)
    assert by_csv["reports"]["model"] == by_model["reports"]["model"]
    assert by_csv["predictions"]["mean_pose_from"] == "scored truth"
    # the best constant in hindsight (for squared error): its MAE is no larger here
    assert by_csv["reports"]["mean pose"]["mae_deg"] <= by_model["reports"]["mean pose"]["mae_deg"]
    capsys.readouterr()
    assert main(["evaluate", "--predictions", str(root / "pred.csv"), str(test), "-q"]) == 0
    table = capsys.readouterr().out
    assert "MAE (deg)  model  mean pose  zero pose" in table
    assert "the mean of the scored truth itself" in table and "flatters the baseline" in table


def test_the_mean_pose_of_training_recordings(world, capsys):
    root, data, _, test = world
    by_csv = _json(
        [
            "evaluate",
            "--predictions",
            str(root / "pred.csv"),
            "--mean-pose-from",
            str(data),
            str(test),
        ],
        capsys,
    )
    assert by_csv["predictions"]["mean_pose_from"] == f"training data {data}"
    train = resolve([str(data)], split="train")
    rows = []
    for src in train:
        with src.open() as rec:
            targets = rec.read_field("targets")
            rows += [y for y, ok in zip(targets, rec.valid_mask(targets)) if ok]
    # every valid training sample, the exactly rounded sum over the count
    assert training_mean(train, JOINT_NAMES) == [statistics.fmean(c) for c in zip(*rows)]


def test_degrees_round_trip(world, capsys):
    root, _, model, test = world
    degrees = root / "pred_deg.csv"
    assert main(["predict", str(model), str(test), "--degrees", "--out", str(degrees), "-q"]) == 0
    plain = _json(["evaluate", "--predictions", str(root / "pred.csv"), str(test)], capsys)
    converted = _json(["evaluate", "--predictions", str(degrees), "--degrees", str(test)], capsys)
    assert converted["reports"]["model"]["n_frames"] == plain["reports"]["model"]["n_frames"]
    assert math.isclose(
        converted["reports"]["model"]["mae_deg"],
        plain["reports"]["model"]["mae_deg"],
        rel_tol=1e-12,
    )


def test_rows_in_any_order_and_only_some_samples(world, capsys):
    root, _, _, test = world
    lines = (root / "pred.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    shuffled = root / "shuffled.csv"
    shuffled.write_text("\n".join([header, *reversed(rows[::2])]) + "\n")
    out = _json(["evaluate", "--predictions", str(shuffled), str(test)], capsys)
    assert out["predictions"]["rows"] == len(rows[::2])


def test_matching_is_within_half_a_sample_period():
    times = [0.0, 0.001, 0.002, 0.003]
    assert match_samples([0.0014, 0.0026], times, 1000.0, "p.csv") == [1, 3]
    with pytest.raises(ValueError, match="outside the recording"):
        match_samples([0.0036], times, 1000.0, "p.csv")
    with pytest.raises(ValueError, match="line 2 and line 3: both match sample 1"):
        match_samples([0.001, 0.0011], times, 1000.0, "p.csv")


def test_exact_parts_add_up_to_the_exactly_rounded_sum():
    values = [1e16, 1.0, -1e16, 0.1, 1e-20, 3.0]
    halves = exact_parts(values[:3]) + exact_parts(values[3:])
    assert math.fsum(halves) == math.fsum(values)


def test_training_mean_checks_the_targets(world):
    _, data, _, _ = world
    with pytest.raises(ValueError, match="differ from the scored recording"):
        training_mean(resolve([str(data)], split="train"), ["a", "b"])


@pytest.mark.skipif(not NINAPRO.is_file(), reason="NinaPro DB1 files are not in ../shared")
def test_ninapro_test_repetitions_reproduce_evaluate(tmp_path, capsys):
    model, pred = tmp_path / "m.json", tmp_path / "p.csv"
    argv = ["fit", str(NINAPRO), "--split", "train", "--out", str(model), "-q", *FAST]
    assert main(argv) == 0
    argv = ["predict", str(model), str(NINAPRO), "--split", "test", "--out", str(pred), "-q"]
    assert main(argv) == 0
    by_model = _json(["evaluate", str(model), str(NINAPRO), "--split", "test"], capsys)
    by_csv = _json(
        [
            "evaluate",
            "--predictions",
            str(pred),
            "--mean-pose-from",
            str(model),
            str(NINAPRO),
            "--split",
            "test",
        ],
        capsys,
    )
    assert by_csv["target_reports"] == by_model["target_reports"]
