"""exercise pose: the whole task, beside the mean pose, the zero pose and purepose's ridge."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.exercises.pose import grade_pose

REALDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata"
NINAPRO = REALDATA / "ninapro_db1_E1" / "S1_A1_E1.mat"

MEAN_SOLUTION = """
    import statistics

    def fit(train_sessions, val_sessions):
        rows = [y for s in train_sessions for y, ok in zip(s.targets, s.valid) if ok]
        return [statistics.fmean(column) for column in zip(*rows)]

    def predict(state, session):
        step = max(1, round(0.02 * session.sample_rate))
        return [(t, state) for t in session.time[::step]]
"""

SMALL = ["--sessions", "3", "--seconds", "2"]


def _solution(tmp_path: Path, source: str, name: str = "solution.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


def test_predicting_the_training_mean_scores_exactly_the_mean_pose_baseline(tmp_path):
    grade = grade_pose(
        _solution(tmp_path, MEAN_SOLUTION), seed=4, n_sessions=4, seconds=2.0, reference=False
    )
    reports = grade.evaluation.reports
    assert reports["yours"] == reports["mean pose"]  # every number, to the last bit
    assert grade.evaluation.target_reports["yours"] == grade.evaluation.target_reports["mean pose"]
    assert reports["yours"].mae_deg < reports["zero pose"].mae_deg
    assert not grade.passed and "a solution must beat the mean pose" in grade.report()


def test_the_model_answer_beats_the_baselines_and_is_shown_beside_purepose_ridge(tmp_path, capsys):
    assert main(["exercise", "start", "pose", str(tmp_path), "--answer", "-q"]) == 0
    capsys.readouterr()
    answer = tmp_path / "solution_answer.py"
    assert main(["exercise", "check", "pose", str(answer), "--seed", "5", "-q", *SMALL]) == 0
    report = capsys.readouterr().out
    header = next(line for line in report.splitlines() if line.startswith("MAE (deg)"))
    assert header.split()[2:] == ["yours", "mean", "pose", "zero", "pose", "purepose", "ridge"]
    assert "result: PASS" in report and "seed 5" in report
    assert "time budget 300 s for fit and predict" in report


@pytest.mark.parametrize(
    ("predict", "words"),
    [
        ("return [(session.time[-1] + 1.0, [0.0] * 20)] * 200", "is outside the recording"),
        ("return [(session.time[0], [0.0] * 20)] * 200", "both match sample 0"),
        ("return [(session.time[0], [0.0] * 20)]", "at least one per 100 ms"),
        ("return [(t, [0.0] * 19) for t in session.time[::40]]", "is not a pair (time, 20"),
        ("return None", "returned NoneType, not a list of pairs"),
    ],
    ids=["outside", "duplicate", "too-few", "width", "none"],
)
def test_malformed_predictions_fail_with_the_reason(predict, words, tmp_path, capsys):
    source = f"""
        def fit(train_sessions, val_sessions):
            return None

        def predict(state, session):
            {predict}
    """
    path = _solution(tmp_path, source)
    assert main(["exercise", "check", "pose", str(path), "--no-reference", "-q", *SMALL]) == 1
    assert words in capsys.readouterr().out


def test_a_solution_over_the_time_budget_is_stopped(tmp_path, capsys):
    source = """
        import time

        def fit(train_sessions, val_sessions):
            time.sleep(60)

        def predict(state, session):
            return []
    """
    path = _solution(tmp_path, source)
    argv = ["exercise", "check", "pose", str(path), "--time-budget", "2", "-q", *SMALL]
    assert main(argv) == 1
    assert "did not finish within the time budget of 2 s" in capsys.readouterr().out


def test_the_test_sessions_have_no_targets(tmp_path, capsys):
    source = """
        def fit(train_sessions, val_sessions):
            assert train_sessions[0].targets is not None and val_sessions[0].valid is not None
            return None

        def predict(state, session):
            if session.targets is not None or session.valid is not None:
                raise RuntimeError("the truth leaked")
            return [(t, [0.0] * len(session.target_names)) for t in session.time[::40]]
    """
    path = _solution(tmp_path, source)
    main(["exercise", "check", "pose", str(path), "--no-reference", "-q", *SMALL])
    report = capsys.readouterr().out
    assert "FAILED" not in report and "the truth leaked" not in report
    assert "MAE (deg)  yours  mean pose  zero pose" in report  # it ran and was scored


@pytest.mark.skipif(not NINAPRO.is_file(), reason="NinaPro DB1 files are not in ../shared")
def test_ninapro_repetitions_are_split_into_sessions_and_scored_by_nmae(tmp_path):
    grade = grade_pose(
        _solution(tmp_path, MEAN_SOLUTION), data=[str(NINAPRO)], seed=1, reference=False
    )
    reports = grade.evaluation.target_reports
    assert not grade.evaluation.reports  # raw glove sensors: no angular metric
    assert reports["yours"] == reports["mean pose"]
    assert "zero pose" not in reports  # zero is not a resting glove
    assert "split by repetition" in grade.report() and "test session(s)" in grade.report()
