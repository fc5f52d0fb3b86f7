"""Forward kinematics, two layers: purepose.pose.hand (closed forms) == textbook (3x3 matrices)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.pose import hand as H
from purepose.textbook import hand as T

angles = st.lists(st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False), min_size=20, max_size=20)
hands = st.builds(
    H.GenericHand,
    st.floats(60.0, 300.0),
    breadth_ratio=st.floats(0.3, 0.6),
    side=st.sampled_from(["right", "left"]),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(angles, hands)
def test_fast_equals_textbook_to_rounding(pose, hand):
    fast = H.forward_kinematics(pose, hand=hand)
    book = T.forward_kinematics(pose, hand)
    assert len(fast) == len(book) == 21
    for p, q in zip(fast, book):
        assert p == pytest.approx(q, rel=0, abs=1e-9 * hand.hand_length)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(angles, min_size=1, max_size=6), hands)
def test_batch_rows_equal_single_frames(poses, hand):
    rows = H.forward_kinematics_batch(poses, hand=hand)
    for pose, row in zip(poses, rows):
        flat = [v for p in H.forward_kinematics(pose, hand=hand) for v in p]
        assert row == flat  # the same kernel: bit for bit


def test_rotations_are_orthonormal_and_compose():
    for t in (0.3, -1.2, 2.5):
        for rot in (T.rot_x, T.rot_y, T.rot_z):
            r = rot(t)
            rt = [list(col) for col in zip(*r)]
            eye = T.matmul3(r, rt)
            for i in range(3):
                for j in range(3):
                    assert eye[i][j] == pytest.approx(float(i == j), abs=1e-15)
            two, one = T.matmul3(rot(t), rot(0.4)), rot(t + 0.4)
            for ra, rb in zip(two, one):
                assert ra == pytest.approx(rb, abs=1e-15)
