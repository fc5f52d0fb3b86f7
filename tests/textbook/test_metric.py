"""Fast == textbook for the emg2pose metric (purepose.pose.metrics vs purepose.textbook.metric).

Per joint both layers compute ``degrees(fsum(|e|) / |V|)`` over the same
valid frames: the same float. For a group (finger, segment, all joints) the
fast path adds the joints' correctly rounded sums with ``fsum``, the
textbook adds every |e| at once: two roundings against one, so the relative
difference is at most 2u (the sums are of non-negative terms), plus one
rounding each in the division and the degrees.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose import joints
from purepose.pose import metrics
from purepose.textbook import metric as tb

U = 2.0**-53
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

angle = st.one_of(st.floats(-3.2, 3.2, allow_nan=False, width=64), st.just(0.0))
frame = st.one_of(st.lists(angle, min_size=20, max_size=20), st.just([0.0] * 20))


@SETTINGS
@given(st.lists(st.tuples(frame, st.lists(angle, min_size=20, max_size=20)), min_size=1))
def test_metric_per_joint_exact_groups_within_two_roundings(frames):
    y_true = [t for t, _ in frames]
    y_pred = [p for _, p in frames]
    if not any(tb.valid_frames(y_true)):
        with pytest.raises(ValueError, match="IK failures"):
            metrics.evaluate(y_true, y_pred)
        return
    fast = metrics.evaluate(y_true, y_pred)
    textbook = tb.angular_mae(y_true, y_pred)
    assert list(fast.per_joint_mae_deg.values()) == textbook["per_joint"]
    groups = [(fast.mae_deg, textbook["mae"])]
    groups += [(fast.per_finger_mae_deg[k], v) for k, v in textbook["per_finger"].items()]
    groups += [(fast.per_segment_mae_deg[k], v) for k, v in textbook["per_segment"].items()]
    for f, t in groups:
        assert abs(f - t) <= 5 * U * t
    assert metrics.angular_mae(y_true, y_pred) == fast.mae_deg


def test_masks_and_groups_have_one_meaning():
    rows = [[0.0] * 20, [1e-9] * 20, [0.0] * 19 + [0.5]]
    assert tb.valid_frames(rows) == joints.valid_mask(rows) == [False, False, True]
    # one home for the vocabulary: both layers group the joints by joints.py's tables
    assert tb.FINGERS is metrics.FINGERS is joints.FINGERS
    assert tb.SEGMENTS is metrics.SEGMENTS is joints.SEGMENTS
