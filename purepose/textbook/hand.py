"""Forward kinematics of the hand, the textbook way: one chain of 3x3 rotations per digit.

The palm frame of a right hand: origin at the wrist (the middle of the distal
wrist crease), x distal along the third metacarpal, y radial (towards the
thumb), z dorsal (out of the back of the hand); the palm faces -z. The
elementary rotations by an angle t (right-hand rule, radians) are

    Rx(t) = [[1, 0, 0], [0, c, -s], [0, s, c]]
    Ry(t) = [[c, 0, s], [0, 1, 0], [-s, 0, c]]        c = cos t, s = sin t
    Rz(t) = [[c, -s, 0], [s, c, 0], [0, 0, 1]]

so Ry(t) e_x = (cos t, 0, -sin t) turns a bone towards the palm and
Rz(t) e_x = (cos t, sin t, 0) turns it towards the thumb.

A finger (index, middle, ring, pinky) with its MCP joint at M, segment lengths
l1, l2, l3 (proximal, middle, distal phalanx) and angles aa (MCP_AA), f1, f2, f3
(MCP_FE, PIP_FE, DIP_FE):

    R1 = Rz(aa) Ry(f1),   R2 = R1 Ry(f2),   R3 = R2 Ry(f3)
    PIP = M + l1 R1 e_x,  DIP = PIP + l2 R2 e_x,  TIP = DIP + l3 R3 e_x

(ab/adduction about the palm normal, then flexion about the finger's lateral
axis; every finger is straight along +x when all its angles are zero).

The thumb, with its CMC joint at C, rest frame T (a rotation whose columns are
the thumb's long axis, its flexion axis and its nail normal), lengths L0, L1,
L2 (metacarpal, proximal, distal phalanx) and angles fe, aa, m, i (CMC_FE,
CMC_AA, MCP_FE, IP_FE):

    R0 = Rx(-fe) T Rz(-aa),   R1 = R0 Ry(m),   R2 = R1 Ry(i)
    MCP = C + L0 R0 e_x,  IP = MCP + L1 R1 e_x,  TIP = IP + L2 R2 e_x

CMC flexion turns the thumb about the hand's long axis (-x: across the front of
the palm, towards the little finger); CMC ab/adduction turns it about its own
nail normal (positive brings it back towards the plane of the palm); MCP and
IP flexion bend it away from its nail. A left hand is the mirror image: y -> -y.

The 21 landmarks come out in the order of ``purepose.pose.hand.LANDMARK_NAMES``:
wrist, then thumb CMC, MCP, IP, tip, then MCP, PIP, DIP, tip of each finger.
The fast path (``purepose.pose.hand``) uses the closed form of the same products,
Rz(a) Ry(p) e_x = (cos a cos p, sin a cos p, -sin p); property tests hold the
two to rounding.

Cost: 4 matrix products and 3 matrix-vector products per digit, O(1) per frame.

>>> [round(v, 12) for v in matvec3(rot_y(math.pi / 2), [1.0, 0.0, 0.0])]
[0.0, 0.0, -1.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

Point = list[float]
Matrix3 = list[list[float]]

E_X: Point = [1.0, 0.0, 0.0]


def rot_x(t: float) -> Matrix3:
    """Rotation by ``t`` radians about the x axis.

    >>> [[round(v, 12) for v in row] for row in rot_x(math.pi / 2)]
    [[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
    """
    c, s = math.cos(t), math.sin(t)
    return [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]


def rot_y(t: float) -> Matrix3:
    """Rotation by ``t`` radians about the y axis.

    >>> [[round(v, 12) for v in row] for row in rot_y(math.pi / 2)]
    [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]]
    """
    c, s = math.cos(t), math.sin(t)
    return [[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]


def rot_z(t: float) -> Matrix3:
    """Rotation by ``t`` radians about the z axis.

    >>> [[round(v, 12) for v in row] for row in rot_z(math.pi / 2)]
    [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    c, s = math.cos(t), math.sin(t)
    return [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]


def matmul3(a: Matrix3, b: Matrix3) -> Matrix3:
    """The 3x3 product (a b)[i][j] = sum_k a[i][k] b[k][j].

    >>> matmul3(rot_z(0.0), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])[1]
    [4.0, 5.0, 6.0]
    """
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def matvec3(a: Matrix3, v: Sequence[float]) -> Point:
    """The product (a v)[i] = sum_k a[i][k] v[k].

    >>> matvec3([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]], [1.0, 2.0, 3.0])
    [2.0, 1.0, 6.0]
    """
    return [sum(a[i][k] * v[k] for k in range(3)) for i in range(3)]


def chain_points(base: Sequence[float], rotations: Sequence[Matrix3], lengths: Sequence[float]):
    """Joint positions p_0 = base, p_{k+1} = p_k + lengths[k] rotations[k] e_x.

    >>> chain_points([0.0, 0.0, 0.0], [rot_z(0.0), rot_y(math.pi / 2)], [2.0, 3.0])[2]
    [2.0, 0.0, -3.0]
    """
    points = [list(base)]
    for rotation, length in zip(rotations, lengths, strict=True):
        step = matvec3(rotation, E_X)
        points.append([p + length * d for p, d in zip(points[-1], step)])
    return points


def finger_points(mcp: Sequence[float], lengths: Sequence[float], angles: Sequence[float]):
    """MCP, PIP, DIP, tip of a finger; ``angles`` = (MCP_AA, MCP_FE, PIP_FE, DIP_FE).

    >>> [round(v, 9) for v in finger_points([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0] * 4)[3]]
    [3.0, 0.0, 0.0]
    """
    aa, f1, f2, f3 = angles
    r1 = matmul3(rot_z(aa), rot_y(f1))
    r2 = matmul3(r1, rot_y(f2))
    r3 = matmul3(r2, rot_y(f3))
    return chain_points(mcp, [r1, r2, r3], lengths)


def thumb_points(
    cmc: Sequence[float], rest: Matrix3, lengths: Sequence[float], angles: Sequence[float]
):
    """CMC, MCP, IP, tip of the thumb; ``angles`` = (CMC_FE, CMC_AA, MCP_FE, IP_FE).

    With the identity rest frame and no flexion the thumb lies along +x:

    >>> eye = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    >>> [round(v, 9) for v in thumb_points([0.0] * 3, eye, [2.0, 1.0, 1.0], [0.0] * 4)[3]]
    [4.0, 0.0, 0.0]
    """
    fe, aa, mcp, ip = angles
    r0 = matmul3(matmul3(rot_x(-fe), rest), rot_z(-aa))
    r1 = matmul3(r0, rot_y(mcp))
    r2 = matmul3(r1, rot_y(ip))
    return chain_points(cmc, [r0, r1, r2], lengths)


class HandGeometry(Protocol):
    """What forward kinematics needs to know about a hand (``purepose.pose.hand.GenericHand``)."""

    thumb_cmc: Point
    thumb_rest: Matrix3
    thumb_lengths: tuple[float, float, float]
    finger_mcps: list[Point]  # index, middle, ring, pinky
    finger_lengths: list[tuple[float, float, float]]
    side: str  # "right" or "left"


def forward_kinematics(angles: Sequence[float], hand: HandGeometry) -> list[Point]:
    """The 21 landmarks (mm) of one frame of 20 emg2pose joint angles (radians).

    Order: wrist, thumb CMC/MCP/IP/tip, then MCP/PIP/DIP/tip of index, middle,
    ring and pinky. Angles are not checked here (``purepose.pose.hand`` does that).

    >>> from purepose.pose.hand import default_hand
    >>> points = forward_kinematics([0.0] * 20, default_hand())   # the flat hand
    >>> len(points), points[0], points[12][1:] == points[9][1:]   # middle finger straight
    (21, [0.0, 0.0, 0.0], True)
    """
    points = [[0.0, 0.0, 0.0]]
    points += thumb_points(hand.thumb_cmc, hand.thumb_rest, hand.thumb_lengths, angles[0:4])
    for f in range(4):
        points += finger_points(
            hand.finger_mcps[f], hand.finger_lengths[f], angles[4 + 4 * f : 8 + 4 * f]
        )
    if hand.side == "left":  # the mirror image in the plane y = 0
        points = [[x, -y, z] for x, y, z in points]
    return points
