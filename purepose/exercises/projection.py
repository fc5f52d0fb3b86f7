"""Exercise ``project3d``: rotate 3-D points into an orthographic view, as a 3-D scatter needs.

The view is the rotation of ``purepose.plot.view_matrix`` (matplotlib's
convention for elevation and azimuth). Each output coordinate is a dot
product of three terms with entries of sines and cosines, each within a
few roundings of the true value, so

    |got_j - exact_j| <= 10 u sum_k |R_jk p_k|

where exact_j = sum_k R_jk p_k is computed exactly from the float R.
"""

from __future__ import annotations

import random
from typing import Any

from purepose import plot

from . import exact
from .core import BAD_INPUT, CAREFUL, ORDINARY, Case, Exercise, U, Verdict, compare, source_of

STARTER = '''\
"""Exercise project3d: rotate 3-D points into an orthographic view (a 3-D scatter plot).

Task
    Write project3d(points, *, elev=30.0, azim=-60.0): the screen x, screen
    y (up) and depth (towards the viewer) of every 3-D point, seen from
    elevation elev and azimuth azim in degrees, with the standard library
    only. Then: how would you draw the points back to front?

Math
    With e = elev and a = azim in radians, the rows of the view rotation are
        u = (-sin a,          cos a,         0    )      screen x
        v = (-sin e cos a,   -sin e sin a,   cos e)      screen y
        w = ( cos e cos a,    cos e sin a,   sin e)      depth
    and a point p = (x, y, z) goes to (u . p, v . p, w . p). No perspective.

Conventions
    points is a list of n rows of 3 floats; return n new rows of 3 floats
    (an empty list for no points). A point without exactly 3 coordinates
    should raise ValueError (the optional "bad input" tier).

Example
    >>> [[round(c, 3) for c in p] for p in project3d([[1.0, 0.0, 0.0]])]
    [[0.866, -0.25, 0.433]]
    >>> [[round(c, 3) + 0.0 for c in p] for p in project3d([[0.0, 0.0, 1.0]], elev=90.0)]
    [[0.0, 0.0, 1.0]]

Check it:  purepose exercise check project3d project3d.py
"""


def project3d(points, *, elev=30.0, azim=-60.0):
    """(screen x, screen y, depth) of every point, in the view from elev and azim (degrees)."""
    # TODO: your code here
    raise NotImplementedError("project3d")
'''


def _project(
    tier: str, label: str, points: list, view: tuple[float, float] | None, **kw: Any
) -> Case:
    payload = {
        "f": "project3d",
        "args": {"points": points},
        "kwargs": {} if view is None else {"elev": view[0], "azim": view[1]},
    }
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


class Project3dExercise(Exercise):
    name = "project3d"
    level = "warm-up"
    summary = "a 3-D scatter without matplotlib: rotate points into an orthographic view"
    functions = ("project3d",)
    tolerance = (
        "each coordinate within 10 u sum_k |R_jk p_k| of the exact product of the view "
        "rotation R and the point: a three-term dot product of sines and cosines"
    )
    starter_text = STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise project3d: purepose.plot.view_matrix and project3d.",
            plot.view_matrix,
            plot.project3d,
            prelude="import math",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(project3d=plot.project3d)

    def cases(self, rng: random.Random) -> list[Case]:
        def cloud(n: int, scale: float = 10.0) -> list[list[float]]:
            return [[rng.gauss(0, scale) for _ in range(3)] for _ in range(n)]

        cases = []
        for n in sorted(rng.randint(1, 12) for _ in range(4)):
            view = (rng.uniform(-90, 90), rng.uniform(-180, 180))
            cases.append(
                _project(
                    ORDINARY, f"{n} points, elev {view[0]:.1f}, azim {view[1]:.1f}", cloud(n), view
                )
            )
        cases += [
            _project(CAREFUL, "no points: an empty list", [], (30.0, -60.0)),
            _project(
                CAREFUL, "the default view (elev 30, azim -60) when none is given", cloud(4), None
            ),
            _project(CAREFUL, "elev = 90: straight down", cloud(3), (90.0, -60.0)),
            _project(
                CAREFUL,
                "azim = 0 and the unit axes",
                [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                (30.0, 0.0),
            ),
            _project(CAREFUL, "azim = 180", cloud(3), (10.0, 180.0)),
            _project(
                CAREFUL,
                "angles in degrees beyond one turn: elev -30, azim 420",
                cloud(3),
                (-30.0, 420.0),
                hint="elev and azim are in degrees: math.radians",
            ),
            _project(CAREFUL, "points far from the origin (1e8)", cloud(3, 1e8), (25.0, 35.0)),
            _project(BAD_INPUT, "a point with 2 coordinates", [[1.0, 2.0]], (30.0, -60.0)),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        points = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(5000)]
        return _project(ORDINARY, "5,000 points", points, (30.0, -60.0))

    def check(self, case: Case, got: Any) -> Verdict:
        points = case.payload["args"]["points"]
        view = case.payload["kwargs"]
        R = plot.view_matrix(view.get("elev", 30.0), view.get("azim", -60.0))
        expected = [[exact.exact_dot(row, p) for row in R] for p in points]
        allowed = [[10 * U * sum(abs(r * c) for r, c in zip(row, p)) for row in R] for p in points]
        return compare(got, expected, allowed, what="point")
