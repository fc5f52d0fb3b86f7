"""The emg2pose vocabulary: channels, joints, fingers, segments, IK failures.

Everything that names a part of the emg2pose hand lives here, with no h5py:
the metric, the hand, the plots and the synthetic generator import it without
opening a file. A session holds ``N_CHANNELS`` EMG electrodes sampled at
``SAMPLE_RATE`` and ``N_JOINTS`` joint angles in radians, in the order of
``JOINT_NAMES`` (FE = flexion/extension, AA = abduction/adduction):

    0-3    THUMB  CMC_FE CMC_AA MCP_FE IP_FE
    4-7    INDEX  MCP_AA MCP_FE PIP_FE DIP_FE
    8-19   MIDDLE, RING, PINKY, in the index finger's order

A frame where inverse kinematics failed is stored as all-zero angles:

    failure  <=>  |angle_j| <= IK_FAILURE_ATOL  for all j

and every metric skips it (``valid_mask``).

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation" (NeurIPS 2024 Datasets and
Benchmarks), and its reference repository (facebookresearch/emg2pose).

>>> JOINT_NAMES[4], FINGERS["index"], valid_mask([[0.0, 0.0], [0.0, 0.5]])
('INDEX_MCP_AA', (4, 5, 6, 7), [False, True])
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import PureposeError
from .types import Matrix

SAMPLE_RATE = 2000.0
"""Samples per second of every emg2pose session (Hz): the default wherever a rate is optional."""

N_CHANNELS = 16
"""EMG electrodes on one wristband."""

N_JOINTS = 20
"""Joint angles per frame."""

IK_FAILURE_ATOL = 1e-8
"""A joint angle with ``abs(angle) <= IK_FAILURE_ATOL`` counts as zero.

An inverse-kinematics failure is a frame whose 20 angles are all zero. The
tolerance is the default absolute tolerance of an ``isclose(angle, 0)`` test
(1e-8, as in numpy and torch); real angles are never that close to zero on all
joints at once.
"""

JOINT_NAMES: tuple[str, ...] = (
    "THUMB_CMC_FE",
    "THUMB_CMC_AA",
    "THUMB_MCP_FE",
    "THUMB_IP_FE",
    *(
        f"{finger}_{joint}"
        for finger in ("INDEX", "MIDDLE", "RING", "PINKY")
        for joint in ("MCP_AA", "MCP_FE", "PIP_FE", "DIP_FE")
    ),
)
"""The 20 joint names in column order (FE = flexion/extension, AA = abduction/adduction)."""

FINGERS: dict[str, tuple[int, ...]] = {
    "thumb": (0, 1, 2, 3),
    "index": (4, 5, 6, 7),
    "middle": (8, 9, 10, 11),
    "ring": (12, 13, 14, 15),
    "pinky": (16, 17, 18, 19),
}
"""Joint indices of each finger, in ``JOINT_NAMES`` order."""

SEGMENTS: dict[str, tuple[int, ...]] = {
    "proximal": (0, 1, 4, 5, 8, 9, 12, 13, 16, 17),  # thumb CMC FE/AA, fingers' MCP AA/FE
    "mid": (2, 6, 10, 14, 18),  # thumb MCP, fingers' PIP
    "distal": (3, 7, 11, 15, 19),  # thumb IP, fingers' DIP
}
"""Joint indices by position along the finger: proximal (CMC/MCP), mid, distal."""


def is_ik_failure(row: Sequence[float], atol: float = IK_FAILURE_ATOL) -> bool:
    """True if every joint angle in ``row`` is zero within ``atol`` (an IK failure).

    failure  <=>  |angle_j| <= atol  for all j.   A NaN angle is never "zero".

    >>> is_ik_failure([0.0] * 20)
    True
    >>> is_ik_failure([0.0] * 19 + [0.3])
    False
    >>> is_ik_failure([])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: is_ik_failure: empty row (expected 20 joint angles)
    """
    if not row:
        raise PureposeError(f"is_ik_failure: empty row (expected {N_JOINTS} joint angles)")
    if not atol >= 0.0:
        raise PureposeError(f"is_ik_failure: atol={atol!r} must be >= 0")
    return all(map(float(atol).__ge__, map(abs, row)))


def valid_mask(joint_angles: Matrix, atol: float = IK_FAILURE_ATOL) -> list[bool]:
    """One bool per frame: True where the pose is valid (NOT an IK failure).

    Shape: (n_samples, 20) -> (n_samples,). Metrics skip the False frames.

    >>> valid_mask([[0.0, 0.0], [0.0, 0.5], [1e-12, -1e-12]])
    [False, True, False]
    >>> valid_mask([[0.0], []])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: valid_mask: row 1 is empty (expected 20 joint angles)
    """
    if not atol >= 0.0:
        raise PureposeError(f"valid_mask: atol={atol!r} must be >= 0")
    zero = float(atol).__ge__  # zero(x) is atol >= x; map() keeps the row loop in C
    mask = []
    for i, row in enumerate(joint_angles):
        if not row:
            raise PureposeError(f"valid_mask: row {i} is empty (expected {N_JOINTS} joint angles)")
        mask.append(not all(map(zero, map(abs, row))))
    return mask


__all__ = [
    "FINGERS",
    "IK_FAILURE_ATOL",
    "JOINT_NAMES",
    "N_CHANNELS",
    "N_JOINTS",
    "SAMPLE_RATE",
    "SEGMENTS",
    "is_ik_failure",
    "valid_mask",
]
