"""The paper's table: evaluate per value of metadata.csv's generalization column (API and CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.emg2pose import Dataset
from purepose.data.synth import Variability, make_dataset
from purepose.errors import PureposeError
from purepose.pose.evaluation import GENERALIZATION, evaluate, evaluate_groups, metadata_groups
from purepose.pose.model import PoseRegressor


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """3 users x 4 recordings, one user and one stage held out, and a ridge model."""
    root = tmp_path_factory.mktemp("held_out")
    make_dataset(
        root,
        n_sessions=12,
        n_users=3,
        seconds=1.5,
        seed=4,
        held_out_users=1,
        held_out_stages=1,
        variability=Variability(session_shift=0.3, session_gain=0.2),
        quiet=True,
    )
    ds = Dataset(root)
    model = PoseRegressor(n_lags=0).fit(
        ds.select(split="train"), val_sessions=ds.select(split="val")
    )
    path = root / "model.json"
    model.save(path)
    return root, ds, model, path


def test_each_group_is_evaluate_on_that_group_alone(held_out):
    root, ds, model, _ = held_out
    test = ds.select(split="test")
    groups = metadata_groups(root)
    result = evaluate_groups(model, test, groups)
    assert result.column == "generalization"
    assert list(result.groups) == list(GENERALIZATION)  # the paper's order
    assert result.overall.to_dict() == evaluate(model, test).to_dict()
    for value, ev in result.groups.items():
        alone = evaluate(model, ds.select(split="test", generalization=value))
        assert ev.to_dict() == alone.to_dict(), value
    assert sum(ev.n_sessions for ev in result.groups.values()) == len(test)


def test_metadata_groups_reads_the_column(held_out):
    root, ds, _, _ = held_out
    groups = metadata_groups(root)
    assert set(groups) == {p.resolve() for p in ds.select()}
    assert set(groups.values()) == set(GENERALIZATION)
    assert {groups[p.resolve()] for p in ds.select(split="train")} == {"none"}


def test_a_file_outside_the_mapping_is_named(held_out):
    _, ds, model, _ = held_out
    test = ds.select(split="test")
    with pytest.raises(PureposeError, match=r"--by generalization: .*has no generalization value"):
        evaluate_groups(model, test, {test[0]: "none"})


def test_cli_prints_one_row_per_value_beside_the_baselines(held_out, capsys):
    root, ds, model, path = held_out
    assert main(["evaluate", str(path), str(root), "--split", "test", "--by", "generalization",
                 "-q"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "8 recording(s), valid windows"
    assert out[1] == "MAE (deg) by generalization"
    assert out[2].split() == ["generalization", "recordings", "n", "frames", "model", "mean",
                              "pose", "zero", "pose"]  # fmt: skip
    rows = {line.split()[0]: line.split()[1:] for line in out[4:]}
    assert list(rows) == [*GENERALIZATION, "all"]
    want = evaluate_groups(model, ds.select(split="test"), metadata_groups(root))
    for value, ev in [*want.groups.items(), ("all", want.overall)]:
        recordings, frames, *maes = rows[value]
        assert int(recordings) == ev.n_sessions
        assert int(frames) == ev.reports["model"].n_frames
        assert [float(m) for m in maes] == [
            round(ev.reports[k].mae_deg, 2) for k in ("model", "mean pose", "zero pose")
        ]


def test_cli_json_carries_the_groups(held_out, capsys):
    root, ds, model, path = held_out
    args = ["evaluate", str(path), str(root), "--split", "test", "--by", "generalization"]
    assert main([*args, "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == "generalization"
    assert list(data["groups"]) == list(GENERALIZATION)
    want = evaluate_groups(model, ds.select(split="test"), metadata_groups(root)).to_dict()
    assert data == json.loads(json.dumps(want))


@pytest.mark.parametrize("where", ["file", "two"])
def test_cli_by_generalization_needs_one_dataset_directory(held_out, capsys, where):
    root, ds, _, path = held_out
    data = [str(ds.select()[0])] if where == "file" else [str(root), str(root)]
    assert main(["evaluate", str(path), *data, "--by", "generalization", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--by generalization:" in err
    assert ("is not a dataset directory" in err) if where == "file" else ("got 2 DATA" in err)


def test_grouped_table_for_any_targets_uses_nmae(tmp_path):
    """Recordings without joint angles: the table shows nMAE (csv targets, groups by hand)."""
    from purepose.pose.evaluation import GroupedEvaluation
    from purepose.pose.target_metrics import target_report

    y = [[1.0, 0.0], [3.0, 2.0], [2.0, 5.0]]
    reports = {
        "model": target_report(y, y, ["a", "b"]),
        "mean pose": target_report(y, [[2.0, 2.0]] * 3, ["a", "b"]),
    }
    from purepose.pose.evaluation import Evaluation

    ev = Evaluation({}, reports, 1, "all", {})
    table = GroupedEvaluation("session", {"s1": ev}, ev).table()
    assert table.splitlines()[0] == "nMAE by session"
    want = f"{reports['mean pose'].nmae:.3f}"
    assert table.splitlines()[3].split() == ["s1", "1", "3", "0.000", want]


def test_path_types_are_accepted(held_out):
    root, ds, model, _ = held_out
    test = ds.select(split="test")
    groups = {str(p): v for p, v in metadata_groups(Path(str(root))).items()}
    assert evaluate_groups(model, test[:2], groups).overall.n_sessions == 2
