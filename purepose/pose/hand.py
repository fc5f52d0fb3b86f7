"""purepose's generic hand: the 20 emg2pose joint angles as 3-D landmarks, and their error in mm.

Forward kinematics. The hand is five chains of rigid segments hung from a
fixed palm (the definition, with the rotation matrices written out, is
``purepose.textbook.hand``). In the palm frame of a right hand (origin at the
wrist, x distal along the third metacarpal, y radial towards the thumb, z
dorsal; the palm faces -z), with u(a, p) = (cos a cos p, sin a cos p, -sin p)
= Rz(a) Ry(p) e_x:

    finger (MCP at M; angles aa, f1, f2, f3; lengths l1, l2, l3):
        p_0 = M,  p_k = p_{k-1} + l_k u(aa, f1 + ... + fk)       k = 1, 2, 3
    thumb (CMC at C; angles fe, aa, m, i; lengths L0, L1, L2; rest frame T):
        p_0 = C,  p_k = p_{k-1} + L_{k-1} Rx(-fe) T u(-aa, q_k)   q = (0, m, m + i)

giving PIP, DIP, tip of each finger and MCP, IP, tip of the thumb. A left hand
is the mirror image (y -> -y). The fast path below evaluates these closed forms
with per-finger constants computed once; ``algorithm="textbook"`` multiplies
the 3x3 matrices instead, and tests hold the two equal to rounding.

Sign conventions. emg2pose's angles are those of its reference code's forward
kinematics (the UmeTrack hand: each joint turns by +angle about an axis of the
model, chained from the wrist; the left hand is the mirrored model with the
same angles). We read the directions of those axes to learn the signs and used
none of that CC BY-NC model's numbers. Positive FE is flexion (towards the
palm) at every finger joint and at the thumb's MCP and IP; positive MCP_AA
turns a finger towards the thumb, on every finger (abduction of the index,
adduction of the ring and pinky); positive THUMB_CMC_FE sweeps the thumb
across the front of the palm towards the little finger (opposition); positive
THUMB_CMC_AA brings it back towards the plane of the palm. All zeros is our
flat hand: fingers straight and together along x, the thumb in its rest
orientation in front of the palm.

The anthropometry (HL = hand length, wrist crease to middle fingertip; HB =
hand breadth at the metacarpal heads), every number with its source:

    HL, default          182.5 mm   mean of the 50th-percentile hand lengths of
                                    British men (190) and women (175), 19-65 y [P]
    HB                   0.44 HL    same tables: 85/190 = 0.447, 75/175 = 0.429 [P]
    segment / HL         metacarpal  proximal  middle  distal                 [B]
        thumb              0.251      0.196      -     0.158
        index              0.374      0.265    0.143   0.097
        middle             0.373      0.277    0.170   0.108
        ring               0.336      0.259    0.165   0.107
        pinky              0.295      0.206    0.117   0.093
    middle MCP, distal   0.446 HL   [B] as used in [S]; check: 1 - (0.277 + 0.170 +
                                    0.108) = 0.445, the straight middle finger ends at HL
    finger CMC line      0.073 HL   derived: 0.446 - 0.373 (middle MCP - metacarpal)
    MCP, distal          0.073 HL + metacarpal: index 0.447, ring 0.409, pinky 0.368
                                    (derived: metacarpals taken parallel to x)
    MCP, radial / HB     index +0.252, middle 0, ring -0.206, pinky -0.402       [S]
    thumb CMC            (0.073 HL, +0.196 HB, 0)                                [S]
    thumb rest frame     T = Rz(40 deg) Ry(30 deg) Rx(-80 deg): the metacarpal 40 deg
                         radial and 30 deg palmar of x, the nail turned 80 deg towards
                         the radial side (the thumb's ~90 deg rotation against the
                         fingers [K]); our round numbers, not a measurement

[B] B. Buchholz, T. J. Armstrong, S. A. Goldstein, "Anthropometric data for
describing the kinematics of the human hand", Ergonomics 35(3):261-273, 1992
(segment lengths as fractions of hand length, the table above as reproduced in
[S] and other hand models; MCP and thumb CMC locations, which we take as [S] uses them).
[S] Buchholz's radio-ulnar coefficients as used by the hand model of J. L.
Sancho-Bru et al., "A 3D biomechanical model of the hand for power grip",
J. Biomech. Eng. 125:78-83, 2003, in its public C++ implementation: CMC joints
at +0.126, 0, -0.129, -0.223 HB (thumb +0.196) and metacarpal heads a further
+0.126, 0, -0.077, -0.179 HB from their bases.
[P] S. Pheasant, C. M. Haslegrave, "Bodyspace", 3rd ed., CRC Press, 2006
(hand dimensions of British adults).
[K] I. A. Kapandji, "The Physiology of the Joints", vol. 1 (the thumb's column).

The landmark metric (as emg2pose's, on this hand). For valid frames V (not IK
failures) and landmark k, d[t][k] = ||p_k(pred_t) - p_k(true_t)|| in mm;
fingertip distance = mean of d over V and the 5 tips; landmark distance = mean
over V and the 15 landmarks that move (the wrist, the thumb CMC and the four
MCPs are fixed in the palm, so their distance is always 0; emg2pose likewise
leaves its non-moving landmarks out); per finger: its tip, and its 3 moving
landmarks. These are distances on purepose's generic hand, not on the UmeTrack
hand of the emg2pose paper: not comparable digit for digit.

Cost: O(1) per frame (about 35 sines and cosines and 150 multiply-adds), so
10^5 frames take about 1.5 s of CPython 3.11.

>>> tip = forward_kinematics([0.0] * 20)[12]          # the middle fingertip, flat hand
>>> [round(v, 1) for v in tip]
[182.7, 0.0, 0.0]
>>> forward_kinematics([0.0] * 19)
Traceback (most recent call last):
...
purepose.errors.PureposeError: forward_kinematics: 19 joint angles, expected 20 (emg2pose order)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES, N_JOINTS
from purepose.textbook import hand as textbook
from purepose.types import Matrix, Vector

DEFAULT_HAND_LENGTH_MM = 182.5
"""Default hand length (wrist crease to middle fingertip), mm: see the module docstring [P]."""

HAND_BREADTH_RATIO = 0.44
"""Hand breadth at the metacarpal heads as a fraction of hand length [P]."""

FINGERS: tuple[str, ...] = ("thumb", "index", "middle", "ring", "pinky")

#: Segment lengths / hand length [B]: thumb metacarpal, proximal, distal phalanx;
#: fingers proximal, middle, distal phalanx.
SEGMENT_FRACTIONS: dict[str, tuple[float, float, float]] = {
    "thumb": (0.251, 0.196, 0.158),
    "index": (0.265, 0.143, 0.097),
    "middle": (0.277, 0.170, 0.108),
    "ring": (0.259, 0.165, 0.107),
    "pinky": (0.206, 0.117, 0.093),
}
#: Finger metacarpal (CMC to MCP) lengths / hand length [B].
METACARPAL_FRACTIONS: dict[str, float] = {
    "index": 0.374,
    "middle": 0.373,
    "ring": 0.336,
    "pinky": 0.295,
}
CMC_LINE_FRACTION = 0.446 - 0.373
"""Distal distance of the finger CMC joints from the wrist / HL: middle MCP minus metacarpal."""
#: Radial distance of each finger's MCP from the third metacarpal's axis / hand breadth [S].
MCP_RADIAL_FRACTIONS: dict[str, float] = {
    "index": 0.126 + 0.126,
    "middle": 0.0,
    "ring": -0.129 - 0.077,
    "pinky": -0.223 - 0.179,
}
THUMB_CMC_RADIAL_FRACTION = 0.196
"""Radial distance of the thumb's CMC joint / hand breadth [S]."""
THUMB_REST_DEG: tuple[float, float, float] = (40.0, 30.0, 80.0)
"""The thumb's rest orientation: radial angle, palmar angle, nail rotation (degrees)."""

LANDMARK_NAMES: tuple[str, ...] = (
    "WRIST",
    "THUMB_CMC",
    "THUMB_MCP",
    "THUMB_IP",
    "THUMB_TIP",
    *(f"{f.upper()}_{j}" for f in FINGERS[1:] for j in ("MCP", "PIP", "DIP", "TIP")),
)
"""The 21 landmarks in output order (the order of MediaPipe Hands and OpenPose)."""

FINGERTIPS: tuple[int, ...] = (4, 8, 12, 16, 20)
FIXED_LANDMARKS: tuple[int, ...] = (0, 1, 5, 9, 13, 17)
MOVING_LANDMARKS: tuple[int, ...] = tuple(k for k in range(21) if k not in FIXED_LANDMARKS)
LANDMARKS_BY_FINGER: dict[str, tuple[int, ...]] = {
    f: (4 * i + 2, 4 * i + 3, 4 * i + 4) for i, f in enumerate(FINGERS)
}
"""Each finger's moving landmarks: thumb MCP, IP, tip; fingers PIP, DIP, tip."""
#: Bones to draw: the five rays from the wrist, the digits, the knuckle line.
BONES: tuple[tuple[int, int], ...] = (
    *((4 * f + k, 4 * f + k + 1) if k else (0, 4 * f + 1) for f in range(5) for k in range(4)),
    (5, 9),
    (9, 13),
    (13, 17),
)

HAND_LABEL = "purepose's generic hand"
NOT_COMPARABLE = (
    "purepose's generic hand (Buchholz et al. 1992 proportions), not the UmeTrack hand "
    "of the emg2pose paper: not comparable digit for digit"
)


class GenericHand:
    """A generic adult hand of ``hand_length`` mm built from published proportions.

    ``side`` "right" (default) or "left" (the mirror image). Attributes (mm):
    ``thumb_cmc``, ``finger_mcps`` (index..pinky), ``thumb_lengths``,
    ``finger_lengths``, ``thumb_rest`` (3x3 rotation), ``hand_breadth``.

    >>> hand = GenericHand(200.0)
    >>> [round(v, 1) for v in hand.finger_lengths[1]], [round(v, 1) for v in hand.finger_mcps[1]]
    ([55.4, 34.0, 21.6], [89.2, 0.0, 0.0])
    >>> GenericHand(-5.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: GenericHand: hand_length=-5.0 mm must be between 50 and 400
    """

    def __init__(
        self,
        hand_length: float = DEFAULT_HAND_LENGTH_MM,
        *,
        breadth_ratio: float = HAND_BREADTH_RATIO,
        side: str = "right",
    ) -> None:
        if not (isinstance(hand_length, int | float) and 50.0 <= hand_length <= 400.0):
            raise PureposeError(
                f"GenericHand: hand_length={hand_length!r} mm must be between 50 and 400"
            )
        if not (isinstance(breadth_ratio, int | float) and 0.2 <= breadth_ratio <= 0.8):
            raise PureposeError(
                f"GenericHand: breadth_ratio={breadth_ratio!r} must be between 0.2 and 0.8"
            )
        if side not in ("right", "left"):
            raise PureposeError(f"GenericHand: side={side!r} must be 'right' or 'left'")
        hl = float(hand_length)
        self.hand_length, self.side = hl, side
        self.hand_breadth = hb = float(breadth_ratio) * hl
        self.thumb_cmc = [CMC_LINE_FRACTION * hl, THUMB_CMC_RADIAL_FRACTION * hb, 0.0]
        self.finger_mcps = [
            [(CMC_LINE_FRACTION + METACARPAL_FRACTIONS[f]) * hl, MCP_RADIAL_FRACTIONS[f] * hb, 0.0]
            for f in FINGERS[1:]
        ]
        self.thumb_lengths = tuple(c * hl for c in SEGMENT_FRACTIONS["thumb"])
        self.finger_lengths = [tuple(c * hl for c in SEGMENT_FRACTIONS[f]) for f in FINGERS[1:]]
        radial, palmar, nail = (math.radians(a) for a in THUMB_REST_DEG)
        self.thumb_rest = textbook.matmul3(
            textbook.matmul3(textbook.rot_z(radial), textbook.rot_y(palmar)),
            textbook.rot_x(-nail),
        )
        self.flat_landmarks = _make_kernel(self)  # angles -> 63 coordinates, unchecked

    def __repr__(self) -> str:
        return f"GenericHand(hand_length={self.hand_length:g}, side={self.side!r})"

    @property
    def label(self) -> str:
        """How reports name this hand, e.g. "purepose's generic hand, 182.5 mm"."""
        return f"{HAND_LABEL}, {self.hand_length:g} mm"

    def bone_lengths(self) -> dict[tuple[int, int], float]:
        """The length (mm) of every bone in :data:`BONES`: fixed whatever the angles."""
        points = self.landmarks([0.0] * N_JOINTS)
        return {(a, b): math.dist(points[a], points[b]) for a, b in BONES}

    def landmarks(self, angles: Sequence[float], *, algorithm: str = "fast") -> Matrix:
        """The 21 landmarks (21 x 3, mm) of one frame of 20 angles (radians)."""
        return forward_kinematics(angles, hand=self, algorithm=algorithm)

    def landmarks_batch(self, poses: Sequence[Sequence[float]]) -> Matrix:
        """Landmarks of many frames: n x 63 rows (x, y, z of the 21 landmarks in turn)."""
        return forward_kinematics_batch(poses, hand=self)


_DEFAULT_HAND: GenericHand | None = None


def default_hand() -> GenericHand:
    """The right :class:`GenericHand` of :data:`DEFAULT_HAND_LENGTH_MM`, built once."""
    global _DEFAULT_HAND
    if _DEFAULT_HAND is None:
        _DEFAULT_HAND = GenericHand()
    return _DEFAULT_HAND


def _make_kernel(hand: GenericHand):
    """A function mapping one row of 20 angles to its 63 coordinates (the closed forms)."""
    cos, sin = math.cos, math.sin
    sy = -1.0 if hand.side == "left" else 1.0
    cx, cy, cz = hand.thumb_cmc
    (t00, t01, t02), (t10, t11, t12), (t20, t21, t22) = hand.thumb_rest
    thumb_l0, thumb_l1, thumb_l2 = hand.thumb_lengths
    fingers = [
        (4 + 4 * f, mx, my, mz, *hand.finger_lengths[f])
        for f, (mx, my, mz) in enumerate(hand.finger_mcps)
    ]
    head = [0.0, 0.0, 0.0, cx, sy * cy, cz]

    def kernel(row: Sequence[float]) -> Vector:
        c, s = cos(row[0]), sin(row[0])
        ca, sa = cos(row[1]), sin(row[1])
        out = head.copy()
        px, py, pz = cx, cy, cz
        # Thumb: u = (ca cq, -sa cq, -sq) for q = 0, MCP, MCP + IP; v = T u; step = Rx(-fe) v.
        for length, q in ((thumb_l0, None), (thumb_l1, row[2]), (thumb_l2, row[2] + row[3])):
            if q is None:  # the metacarpal: q = 0
                u0, u1, u2 = ca, -sa, 0.0
            else:
                cq = cos(q)
                u0, u1, u2 = ca * cq, -sa * cq, -sin(q)
            v1 = t10 * u0 + t11 * u1 + t12 * u2
            v2 = t20 * u0 + t21 * u1 + t22 * u2
            px += length * (t00 * u0 + t01 * u1 + t02 * u2)
            py += length * (c * v1 + s * v2)
            pz += length * (c * v2 - s * v1)
            out += (px, sy * py, pz)
        # Fingers: step k = l_k (ca cos q_k, sa cos q_k, -sin q_k), q_k = f1 + ... + fk.
        for j, mx, my, mz, l1, l2, l3 in fingers:
            ca, sa = cos(row[j]), sin(row[j])
            q1 = row[j + 1]
            q2 = q1 + row[j + 2]
            q3 = q2 + row[j + 3]
            r1, r2, r3 = l1 * cos(q1), l2 * cos(q2), l3 * cos(q3)
            x1, y1, z1 = mx + ca * r1, my + sa * r1, mz - l1 * sin(q1)
            x2, y2, z2 = x1 + ca * r2, y1 + sa * r2, z1 - l2 * sin(q2)
            x3, y3, z3 = x2 + ca * r3, y2 + sa * r3, z2 - l3 * sin(q3)
            out += (mx, sy * my, mz, x1, sy * y1, z1, x2, sy * y2, z2, x3, sy * y3, z3)
        return out

    return kernel


# ---- input checks ------------------------------------------------------------


def _check_angles(where: str, angles: Sequence[float]) -> None:
    if len(angles) != N_JOINTS:
        raise PureposeError(
            f"{where}: {len(angles)} joint angles, expected {N_JOINTS} (emg2pose order)"
        )
    for j, a in enumerate(angles):
        if isinstance(a, bool) or not isinstance(a, int | float) or not math.isfinite(a):
            raise PureposeError(
                f"{where}: angle {j} ({JOINT_NAMES[j]}) = {a!r} is not a finite number of radians"
            )


def check_poses(where: str, name: str, poses: Sequence[Sequence[float]]) -> None:
    """Refuse anything but rows of 20 finite joint angles."""
    """Every row has 20 finite numbers (one C-level sum per row settles the usual case)."""
    for i, row in enumerate(poses):
        try:
            ok = len(row) == N_JOINTS and math.isfinite(sum(row))
        except TypeError:
            ok = False
        if not ok:
            _check_angles(f"{where}: {name} row {i}", row)


def resolve_hand(hand: GenericHand | None, where: str) -> GenericHand:
    """``hand``, or the default hand when None; anything else is refused."""
    if hand is None:
        return default_hand()
    if not isinstance(hand, GenericHand):
        raise PureposeError(f"{where}: hand is {type(hand).__name__}, not GenericHand")
    return hand


# ---- forward kinematics ------------------------------------------------------


def forward_kinematics(
    angles: Sequence[float], *, hand: GenericHand | None = None, algorithm: str = "fast"
) -> Matrix:
    """The 21 landmarks (rows x, y, z in mm; order :data:`LANDMARK_NAMES`) of one frame.

    ``angles``: the 20 emg2pose joint angles in radians. ``hand`` defaults to
    the right :class:`GenericHand` of 182.5 mm. ``algorithm="textbook"`` runs
    the chain of 3x3 matrices of ``purepose.textbook.hand`` (same result to rounding).

    >>> fist = [0.0] * 20
    >>> fist[5:8] = [math.pi / 2] * 3                  # index MCP, PIP, DIP at 90 degrees
    >>> [round(v, 1) for v in forward_kinematics(fist)[8]]   # its tip, under the knuckle
    [55.5, 20.2, -30.7]
    """
    where = "forward_kinematics"
    hand = resolve_hand(hand, where)
    _check_angles(where, angles)
    if algorithm == "textbook":
        return textbook.forward_kinematics([float(a) for a in angles], hand)
    if algorithm != "fast":
        raise PureposeError(f"{where}: algorithm={algorithm!r} must be 'fast' or 'textbook'")
    flat = hand.flat_landmarks(angles)
    return [flat[k : k + 3] for k in range(0, 63, 3)]


def forward_kinematics_batch(
    poses: Sequence[Sequence[float]], *, hand: GenericHand | None = None
) -> Matrix:
    """Landmarks of n frames (n x 20 radians) as an n x 63 matrix: x, y, z of landmark 0, 1, ...

    >>> rows = forward_kinematics_batch([[0.0] * 20, [0.1] * 20])
    >>> len(rows), len(rows[0]), rows[0][36:39] == forward_kinematics([0.0] * 20)[12]
    (2, 63, True)
    >>> forward_kinematics_batch([[0.0] * 20, [float("nan")] * 20])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: forward_kinematics_batch: poses row 1: angle 0 ... radians
    """
    hand = resolve_hand(hand, "forward_kinematics_batch")
    check_poses("forward_kinematics_batch", "poses", poses)
    return list(map(hand.flat_landmarks, poses))


def fingertip_distances(true_landmarks: Matrix, pred_landmarks: Matrix) -> Vector:
    """Per frame, the mean distance (mm) of the 5 fingertips between two n x 63 landmark rows.

    >>> flat, bent = forward_kinematics_batch([[0.0] * 20, [0.0] * 9 + [math.pi / 2] + [0.0] * 10])
    >>> [round(d, 2) for d in fingertip_distances([flat], [bent])]  # middle MCP flexed 90 deg
    [28.65]
    """
    out = []
    for a, b in zip(true_landmarks, pred_landmarks, strict=True):
        total = 0.0
        for k in FINGERTIPS:
            total += math.hypot(
                a[3 * k] - b[3 * k], a[3 * k + 1] - b[3 * k + 1], a[3 * k + 2] - b[3 * k + 2]
            )
        out.append(total / len(FINGERTIPS))
    return out
