"""Smoke tests of the benchmark harness (benchmarks/): it runs, and its baselines are right.

The timings themselves are never asserted on; what is checked is that a tiny
run writes well-formed results, that the numpy baselines compute
the same thing as purepose (so the ratios compare like with like), and that
the floor layouts count the multiply-adds they claim.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `pytest` (unlike `python -m pytest`) may not put it there
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, npbaseline  # noqa: E402
from benchmarks.cases import _cholesky_segments, _pca_segments  # noqa: E402
from benchmarks.run import run  # noqa: E402


def _matrix(seed: int, n: int, d: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]


def test_quick_run_writes_results(tmp_path, capsys):
    report, _ = run(["--quick", "--cases", "dot,matmul,cholesky,solve", "--out", str(tmp_path)])
    assert not report["errors"]
    data = json.loads((tmp_path / "results.json").read_text())
    assert {c["case"] for c in data["cases"]} == {"dot", "matmul", "cholesky", "solve"}
    for case in data["cases"]:
        assert case["purepose_s"] > 0 and case["numpy_s"] > 0 and case["floor_s"] > 0
        assert case["max_rel_diff"] < 1e-12, case
        assert case["madds"] > 0
    assert data["environment"]["python_version"] in (tmp_path / "results.md").read_text()
    assert "pp/floor" in capsys.readouterr().out


def test_end_to_end_case_runs_the_public_pipeline(tmp_path, sklearn):
    """The case that imports the most of purepose: it must follow the package's moves."""
    report, _ = run(["--quick", "--cases", "end_to_end", "--out", str(tmp_path)])
    assert not report["errors"], report["errors"]
    (case,) = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert case["case"] == "end_to_end" and case["max_abs_diff"] < 1e-9


def test_unknown_case_is_rejected(tmp_path):
    with pytest.raises(SystemExit, match="unknown case"):
        run(["--quick", "--cases", "nope", "--out", str(tmp_path)])


def test_numpy_features_and_lags_match_purepose():
    from purepose.signals.features import extract_features, lag_stack

    X = _matrix(7, 700, 3)
    ours = np.array(extract_features(X, window=200, hop=40))
    theirs = npbaseline.extract_features(np.array(X), window=200, hop=40)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    F = np.arange(12.0).reshape(6, 2)
    assert npbaseline.lag_stack(F, 2, 2).tolist() == lag_stack(F.tolist(), 2, step=2)


def test_floor_layouts_count_the_multiply_adds():
    n = 10
    # Row i of a Cholesky needs dots of length 1..i: sum_j j (n - j) = (n^3 - n) / 6.
    assert harness.segment_madds(_cholesky_segments(n)) == (n**3 - n) // 6
    segments = _pca_segments(1000, 16, 3, n_iter=2)
    assert segments[0] == (16 * 17 // 2, 1000) and segments[-1] == (3000, 16)
    assert harness.dots_of(10, 4) == [(3, 4)]


def test_floor_kernel_and_measure():
    a, b = harness.floor_vectors(5)
    calls = []
    timing = harness.measure(
        lambda: calls.append(1), harness.TimingConfig(repeat=3, min_run=0.0, budget=10.0)
    )
    assert timing.runs == 3 and timing.number == 1 and len(calls) == 3
    assert timing.best >= 0.0
    harness.drain_dots(a, b, 3)  # runs without error on this Python
    run_floor = harness.floor_function([(2, 3), (1, 5), (0, 7)])
    assert run_floor() is None


def test_differences_are_normwise():
    abs_diff, rel_diff = harness.differences([[1.0, 2.0]], [[1.0, 4.0]])
    assert abs_diff == 2.0 and rel_diff == 0.5
    with pytest.raises(ValueError, match="shapes differ"):
        harness.differences([1.0], [1.0, 2.0])
    assert math.isclose(harness.differences([1e-20], [0.0])[1], 1e-20)
