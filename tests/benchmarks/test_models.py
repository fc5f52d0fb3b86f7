"""Smoke tests of the model benchmark cases: they run, compare like with like, count right."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def test_quick_model_cases_run_and_agree_with_sklearn(tmp_path):
    pytest.importorskip("numpy")
    pytest.importorskip("sklearn")
    from benchmarks.run import run

    report, _ = run(["--quick", "--cases", "mlp_epoch,knn_predict", "--out", str(tmp_path)])
    assert not report["errors"]
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert {c["case"] for c in cases} == {"mlp_epoch", "knn_predict"}
    for case in cases:
        assert case["purepose_s"] > 0 and case["textbook_s"] > 0 and case["floor_s"] > 0
        assert case["max_abs_diff"] < 1e-12, case  # same numbers as scikit-learn
        assert case["madds"] > 0


def test_mlp_floor_layout_counts_the_epochs_multiply_adds():
    from benchmarks.models import mlp_segments

    n, d, h, k, batch = 250, 3, 5, 2, 100  # batches of 100, 100, 50
    madds = sum(count * length for count, length in mlp_segments(n, d, h, k, batch))
    forward = n * (d * h + h * k)
    backward = n * h * k + n * h * k + n * d * h  # dW2, hidden delta, dW1
    assert madds == forward + backward
