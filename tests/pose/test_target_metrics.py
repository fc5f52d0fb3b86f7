"""Metrics for any targets against numpy / scikit-learn, streaming == one shot."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.pose.target_metrics import (
    TargetAccumulator,
    chan_merge,
    format_target_table,
    target_report,
)


def _random(seed, n=200, k=5, offset=0.0):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, k)) * rng.uniform(0.5, 50, size=k) + offset
    p = y + rng.normal(size=(n, k)) * 3.0
    return y, p


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_report_matches_numpy_and_sklearn(offset):
    np = pytest.importorskip("numpy")
    sk = pytest.importorskip("sklearn.metrics")
    y, p = _random(0, offset=offset)
    names = [f"t{j}" for j in range(y.shape[1])]
    r = target_report(y.tolist(), p.tolist(), names, "raw")
    mae = np.abs(p - y).mean(axis=0)
    std = y.std(axis=0)
    assert np.allclose(r.mae, mae, rtol=1e-12)
    assert np.allclose(r.rmse, np.sqrt(((p - y) ** 2).mean(axis=0)), rtol=1e-12)
    assert np.allclose(r.std, std, rtol=1e-10)
    assert r.nmae == pytest.approx(float((mae / std).mean()), rel=1e-10)
    pearson = [np.corrcoef(y[:, j], p[:, j])[0, 1] for j in range(y.shape[1])]
    assert np.allclose(r.r_per_target, pearson, rtol=1e-9)
    r2 = sk.r2_score(y, p, multioutput="raw_values")
    assert np.allclose(r.r2_per_target, r2, rtol=1e-9)
    assert r.r2 == pytest.approx(float(r2.mean()), rel=1e-9)


def test_constant_targets_and_constant_predictions_are_left_out_of_the_averages():
    y = [[1.0, 5.0], [3.0, 5.0], [2.0, 5.0]]
    r = target_report(y, [[2.0, 4.0]] * 3, ["moves", "still"])
    assert r.n_scaled == 1 and r.nmae_per_target[1] is None and r.r2_per_target[1] is None
    assert r.r is None  # a constant prediction has no correlation
    assert r.nmae == pytest.approx(r.mae[0] / r.std[0])
    assert r.to_dict()["per_target"]["still"]["nmae"] is None


def test_mask_skips_frames():
    y = [[0.0], [10.0], [2.0]]
    p = [[1.0], [-99.0], [1.0]]
    r = TargetAccumulator(1).update(y, p, [True, False, True]).report(["x"], "raw")
    assert r.n_frames == 2 and r.mae == [1.0]


@settings(max_examples=40, derandomize=True, deadline=None)
@given(
    st.integers(2, 60).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=2),
                min_size=n,
                max_size=n,
            ),
            st.lists(
                st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=2),
                min_size=n,
                max_size=n,
            ),
            st.integers(1, n - 1),
        )
    )
)
def test_chunked_and_merged_equal_one_pass(data):
    y, p, cut = data
    whole = TargetAccumulator(2).update(y, p).report(["a", "b"], "raw")
    a = TargetAccumulator(2).update(y[:cut], p[:cut])
    b = TargetAccumulator(2).update(y[cut:], p[cut:])
    merged = a.merge(b).report(["a", "b"], "raw")
    chained = a.update(y[cut:], p[cut:]).report(["a", "b"], "raw")
    for other in (merged, chained):
        assert other.n_frames == whole.n_frames
        for u, v in zip(other.mae, whole.mae):
            assert math.isclose(u, v, rel_tol=1e-12, abs_tol=1e-12)
        for u, v in zip(other.std, whole.std):
            assert math.isclose(u, v, rel_tol=1e-7, abs_tol=1e-7)


def test_chan_merge_matches_two_pass():
    a, b = [1.0, 2.0, 4.0], [10.0, 11.0]
    mean, m2 = chan_merge(3, 7 / 3, sum((v - 7 / 3) ** 2 for v in a), 2, 10.5, 0.5)
    allv = a + b
    mu = sum(allv) / 5
    assert mean == pytest.approx(mu) and m2 == pytest.approx(sum((v - mu) ** 2 for v in allv))


def test_bad_input_and_table():
    acc = TargetAccumulator(2)
    with pytest.raises(PureposeError, match="y_true row 0 has 1 values, expected 2"):
        acc.update([[1.0]], [[1.0, 2.0]])
    with pytest.raises(PureposeError, match="y_pred has non-finite value nan"):
        acc.update([[1.0, 2.0]], [[1.0, math.nan]])
    with pytest.raises(PureposeError, match="mask has 2 entries for 1 frames"):
        acc.update([[1.0, 2.0]], [[1.0, 2.0]], [True, False])
    with pytest.raises(PureposeError, match="no frames to score"):
        acc.report(["a", "b"], "raw")
    with pytest.raises(PureposeError, match="n_targets=0"):
        TargetAccumulator(0)
    huge = target_report([[0.0], [1.0]], [[1e30], [-1e30]], ["x"])
    table = format_target_table({"model": huge}, by_target=True)
    assert "1e+30" in table and max(len(line) for line in table.splitlines()) < 60
