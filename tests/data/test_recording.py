"""Recordings in memory, repetition splits and the shared finiteness checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.checks import first_non_finite
from purepose.data.recording import (
    SPLIT_REPETITIONS,
    ArrayRecording,
    check_repetitions,
    check_sample_rate,
    parse_reps,
    repetition_groups,
    split_repetitions,
)
from purepose.errors import PureposeError


def _rec(n=6, **kw):
    defaults = dict(
        emg=[[float(i), -float(i)] for i in range(n)],
        targets=[[10.0 + i] for i in range(n)],
        sample_rate=50.0,
    )
    defaults.update(kw)
    return ArrayRecording("x.mat", **defaults)


def test_array_recording_reads_fields_and_default_time():
    rec = _rec(labels={"repetition": [0, 1, 1, 0, 2, 2]}, target_names=["a"], target_unit="deg")
    assert len(rec) == 6 and rec.n_channels == 2 and rec.n_targets == 1
    assert rec.read_field("time") == [i / 50.0 for i in range(6)]
    assert rec.read_field("emg", 4) == [[4.0, -4.0], [5.0, -5.0]]
    assert rec.read_field("targets", 0, 6, 2) == [[10.0], [12.0], [14.0]]
    assert rec.read_field("repetition", 3, 5) == [0, 2]
    assert rec.duration == pytest.approx(6 / 50.0)
    assert rec.zero_is_rest and rec.valid_mask([[1.0]] * 3) == [True] * 3
    assert not _rec().zero_is_rest  # raw units: zero means nothing


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (dict(emg=[[0.0], [1.0, 2.0]], targets=[[0.0], [0.0]]), "emg row 1 has 2 values"),
        (dict(emg=[[0.0], [math.nan]], targets=[[0.0], [0.0]]), "emg has non-finite value nan"),
        (dict(targets=[[0.0]] * 5 + [[math.inf]]), "targets has non-finite value inf at row 5"),
        (dict(targets=[[0.0]] * 5), "emg has 6 rows but targets has 5"),
        (dict(time=[0.0, 1.0, 0.5, 2.0, 3.0, 4.0]), "time decreases at row 2"),
        (dict(time=[0.0] * 5), "time has 5 values for 6 samples"),
        (dict(sample_rate=0.0), "sample rate 0.0 must be a positive number"),
        (dict(sample_rate=math.nan), "sample rate nan"),
        (dict(labels={"repetition": [1] * 5}), "label 'repetition' has 5 values"),
        (dict(labels={"repetition": [0.5] * 6}), "must hold integers"),
        (dict(target_names=["a", "b"]), "2 target names for 1 targets"),
    ],
)
def test_array_recording_rejects_bad_data(kw, message):
    with pytest.raises(PureposeError, match=message) as info:
        _rec(**kw)
    assert "x.mat" in str(info.value)


def test_read_field_bounds_and_unknown_fields():
    rec = _rec()
    with pytest.raises(PureposeError, match="unknown field 'glove'"):
        rec.read_field("glove")
    with pytest.raises(PureposeError, match="out of range"):
        rec.read_field("emg", 0, 7)
    with pytest.raises(PureposeError, match="out of range"):
        rec.read_field("emg", 0, 6, 0)


def test_no_targets_is_allowed_for_prediction_only_recordings():
    rec = _rec(targets=[[] for _ in range(6)])
    assert rec.n_targets == 0 and rec.read_field("targets", 0, 2) == [[], []]


def test_repetition_groups_give_rest_to_the_repetition_before():
    assert repetition_groups([0, 0, 1, 1, 0, 0, 2, 0, 3]) == [1, 1, 1, 1, 1, 1, 2, 2, 3]
    with pytest.raises(PureposeError, match="no repetition"):
        repetition_groups([0, 0, 0])


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60).filter(any))
def test_repetition_groups_property(labels):
    groups = repetition_groups(labels)
    assert len(groups) == len(labels)
    for g, r in zip(groups, labels):
        assert g != 0 and (r == 0 or g == r)
    # every rest sample after a repetition keeps that repetition
    for i in range(1, len(labels)):
        if labels[i] == 0 and any(labels[:i]):
            assert groups[i] == groups[i - 1]


def test_splits_partition_the_repetitions():
    for n in SPLIT_REPETITIONS:
        parts = [set(split_repetitions(s, range(n + 1), "f")) for s in ("train", "val", "test")]
        assert set().union(*parts) == set(range(1, n + 1))
        assert sum(map(len, parts)) == n
    assert sorted(split_repetitions("train", range(11), "f")) == [1, 3, 4, 6, 8, 9]
    assert sorted(split_repetitions("val", range(11), "f")) == [10]
    assert sorted(split_repetitions("test", range(11), "f")) == [2, 5, 7]
    with pytest.raises(PureposeError, match="unknown split 'dev'"):
        split_repetitions("dev", range(11), "f")
    with pytest.raises(PureposeError, match="has repetitions 1-4"):
        split_repetitions("train", range(5), "f")


def test_reps_parsing_and_checking():
    assert parse_reps("1,3-5,10") == {1, 3, 4, 5, 10}
    for bad in ("", "a", "3-1", "0", "1-100000"):
        with pytest.raises(PureposeError, match="--reps"):
            parse_reps(bad)
    assert check_repetitions({2, 5}, [0, 1, 2, 5], "S1.mat") == {2, 5}
    with pytest.raises(PureposeError, match=r"no repetitions 11, 12 \(the file has 1-10\)"):
        check_repetitions({1, 11, 12}, range(11), "S1.mat")


def test_shared_checks():
    assert first_non_finite([1.0, 2.0]) is None
    assert first_non_finite([1e308, 1e308]) is None  # an overflowing sum of finite values
    assert first_non_finite([0.0, -math.inf]) == 1
    assert check_sample_rate(100, "f") == 100.0
    for bad in (True, "100", -1, 0, math.inf, 2e6):
        with pytest.raises(PureposeError, match="sample rate"):
            check_sample_rate(bad, "f")
