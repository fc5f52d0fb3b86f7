"""Exercises ``kmeans_plusplus`` and ``lloyd``: k-means seeding and Lloyd's iterations.

k-means++ is random, so it is graded by what every correct D^2 sampler
does, whatever its random draws: k distinct valid indices; one seed per
blob when the blobs are far apart; every distinct point once when k equals
their number (copies of a chosen point have D = 0); and a statistical test
that the next center is drawn with probability proportional to D^2, not D
(1,000 draws; a correct answer fails it with probability below 1e-8). The
greedy variant (the best of a few D^2 draws, purepose's and scikit-learn's)
passes it too.

Lloyd's algorithm from given centers is deterministic, so it is graded
against purepose's textbook ``lloyd``, which follows scikit-learn's rules
(ties to the lowest index, an empty cluster takes the sample farthest from
its center, stop when the labels repeat): labels exactly, each center
coordinate within (n + 2) u max |x| (a mean of at most n samples, summed in
any order), the inertia within 2 gamma(n + d + 2) of it plus the second-order
effect of the centers' own error.
"""

from __future__ import annotations

import math
import random
from typing import Any

from purepose.textbook import kmeans as textbook_kmeans

from .clustering_starters import LLOYD_STARTER, PLUSPLUS_STARTER
from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    U,
    Verdict,
    finite_problem,
    gamma,
    is_number,
    source_of,
    structure_problem,
)

D2_THRESHOLD = 0.84
"""Share of draws that must pick the far point (D^2 sampling: 0.9, D sampling: 0.75)."""


def blobs(
    rng: random.Random,
    k: int,
    size: int,
    gap: float,
    spread: float = 1.0,
    offset: float = 0.0,
    d: int = 2,
) -> tuple[list[list[float]], list[int]]:
    """k Gaussian blobs of ``size`` points, ``gap`` apart; returns (X, blob of each point)."""
    centers = [[offset + gap * rng.uniform(-1, 1) * k for _ in range(d)] for _ in range(k)]
    while any(math.dist(a, b) < gap for i, a in enumerate(centers) for b in centers[:i]):
        centers = [[offset + gap * rng.uniform(-1, 1) * k for _ in range(d)] for _ in range(k)]
    X, which = [], []
    for j, c in enumerate(centers):
        for _ in range(size):
            X.append([v + rng.gauss(0, spread) for v in c])
            which.append(j)
    return X, which


def _plusplus(
    tier: str,
    label: str,
    X: list,
    k: int,
    runs: int,
    rng: random.Random,
    kind: str,
    data: Any = None,
    **kw: Any,
) -> Case:
    payload = {
        "f": "kmeans_plusplus",
        "args": {"X": X, "k": k},
        "seeds": [rng.randrange(2**31) for _ in range(runs)],
    }
    kw.setdefault(
        "show",
        f"X: {len(X)} points of {len(X[0]) if X else 0} coordinates, "
        f"k = {k}, {runs} runs with different seeds",
    )
    return Case(tier, label, payload, expected=(kind, data), raises=tier == BAD_INPUT, **kw)


class KmeansPlusPlusExercise(Exercise):
    name = "kmeans_plusplus"
    level = "core"
    summary = "k-means++ seeding: D^2 sampling with cumulative sums and bisection"
    functions = ("kmeans_plusplus",)
    tolerance = (
        "exact properties of D^2 sampling on every run (k distinct indices, one seed per "
        "distant blob, no copy of a chosen point), and a statistical test of P ~ D^2 over "
        f"1,000 draws (at least {D2_THRESHOLD} where D^2 gives 0.9 and D 0.75; a correct "
        "answer fails it with probability below 1e-8)"
    )
    starter_text = PLUSPLUS_STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise kmeans_plusplus: purepose.textbook.kmeans (greedy).",
            textbook_kmeans.kmeans_plusplus,
            prelude="import math\nimport random",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(kmeans_plusplus=_fast_plusplus)

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        X, k = payload["args"]["X"], payload["args"]["k"]
        return [functions.kmeans_plusplus(X, k, random.Random(s)) for s in payload["seeds"]]

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for n, d, k in sorted(
            (rng.randint(5, 30), rng.randint(1, 3), rng.randint(1, 4)) for _ in range(3)
        ):
            X = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(n)]
            cases.append(
                _plusplus(
                    ORDINARY, f"{n} points, k = {k}: k distinct indices", X, k, 5, rng, "valid"
                )
            )
        X, which = blobs(rng, 4, 10, gap=1e4)
        cases.append(
            _plusplus(
                ORDINARY,
                "4 blobs 10,000 spreads apart: one seed in each",
                X,
                4,
                20,
                rng,
                "blobs",
                which,
                hint="draw each next center with probability D(x)^2 / sum D^2",
            )
        )
        distinct = [[rng.gauss(0, 5), rng.gauss(0, 5)] for _ in range(3)]
        copies = [list(p) for p in distinct for _ in range(12)]
        rng.shuffle(copies)
        cases.append(
            _plusplus(
                CAREFUL,
                "12 copies of each of 3 points, k = 3: a chosen point's copies have D = 0, "
                "so each point is chosen once",
                copies,
                3,
                20,
                rng,
                "distinct",
                hint="a sample with D(x) = 0 must have probability 0: the first i with "
                "cumulative[i] > r (bisect_right), never >= r",
            )
        )
        six = [[float(i * i)] for i in range(6)]
        cases.append(_plusplus(CAREFUL, "k = n = 6: every sample once", six, 6, 10, rng, "all"))
        line = [[0.0]] * 50 + [[1.0], [3.0]]
        cases.append(
            _plusplus(
                CAREFUL,
                "50 points at 0, one at 1, one at 3: after a first center at 0 the next "
                "is the point at 3 with probability 9/10 under D^2 (3/4 under D)",
                line,
                2,
                1000,
                rng,
                "d2",
                show="X = [[0]] * 50 + [[1], [3]], k = 2, 1,000 runs with different seeds",
                hint="weights D(x)^2, the squared distance to the nearest chosen center",
            )
        )
        cases += [
            _plusplus(BAD_INPUT, "k = 4 for 3 samples", [[0.0], [1.0], [2.0]], 4, 1, rng, ""),
            _plusplus(BAD_INPUT, "k = 0", [[0.0], [1.0]], 0, 1, rng, ""),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        X, _ = blobs(rng, 5, 400, gap=3.0, d=3)
        return _plusplus(ORDINARY, "k = 5 of 2000 points in 3-D", X, 5, 1, rng, "valid")

    def check(self, case: Case, got: Any) -> Verdict:
        kind, data = case.expected
        X, k = case.payload["args"]["X"], case.payload["args"]["k"]
        if not isinstance(got, list):
            return Verdict.fail("kmeans_plusplus must return a list of k indices")
        for run, (seed, indices) in enumerate(zip(case.payload["seeds"], got)):
            where = f"run {run} (random.Random({seed}))"
            problem = _index_problem(indices, k, len(X))
            if problem:
                return Verdict.fail(f"{where}: {problem}")
            if kind == "blobs" and sorted(data[i] for i in indices) != list(range(k)):
                hit = sorted(data[i] for i in indices)
                return Verdict.fail(
                    f"{where}: seeds in blobs {hit}: two seeds share a blob and another has none"
                )
            points = [tuple(X[i]) for i in indices]
            if kind == "distinct" and len(set(points)) < k:
                return Verdict.fail(f"{where}: indices {indices} include two copies of one point")
            if kind == "all" and sorted(indices) != list(range(k)):
                return Verdict.fail(
                    f"{where}: indices {indices}: with k = n every sample is chosen once"
                )
        if kind == "d2":
            return _d2_test(got, X)
        return Verdict.ok()


def _index_problem(indices: Any, k: int, n: int) -> str | None:
    if not isinstance(indices, list) or len(indices) != k:
        return f"returned {indices!r}, expected a list of k = {k} indices"
    for i in indices:
        if not (isinstance(i, int) and not isinstance(i, bool)) or not 0 <= i < n:
            return f"{i!r} is not an index into X (0 .. {n - 1})"
    if len(set(indices)) < k:
        return f"indices {indices}: a sample chosen twice"
    return None


def _d2_test(runs: list, X: list) -> Verdict:
    after_zero = [r for r in runs if X[r[0]] == [0.0]]
    far = sum(1 for r in after_zero if X[r[1]] == [3.0])
    share = far / len(after_zero) if after_zero else 0.0
    if share >= D2_THRESHOLD:
        return Verdict.ok()
    return Verdict.fail(
        f"after a first center at 0, the point at 3 came next in {far} of {len(after_zero)} "
        f"runs ({share:.3f}); D^2 sampling gives 0.9, D sampling 0.75, the test needs "
        f"{D2_THRESHOLD}"
    )


def _fast_plusplus(X: list, k: int, rng: random.Random) -> list[int]:
    from purepose.fast.kmeans import kmeans_plusplus

    return kmeans_plusplus(X, k, random_state=rng.randrange(2**31))[1]


# ---------------------------------------------------------------------------


def _lloyd(tier: str, label: str, X: list, centers: list, max_iter: int = 100, **kw: Any) -> Case:
    payload = {
        "f": "lloyd",
        "args": {"X": X, "centers": centers, "max_iter": max_iter, "tol": 0.0},
    }
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


EMPTY_HINT = (
    "a center that wins no sample has no mean: move it to the sample farthest from "
    "its own center (that sample leaves its old cluster), as scikit-learn does"
)


class LloydExercise(Exercise):
    name = "lloyd"
    level = "core"
    summary = "Lloyd's k-means iterations from given centers, empty clusters and ties included"
    functions = ("lloyd",)
    tolerance = (
        "labels exactly those of scikit-learn's rules (purepose.textbook.kmeans.lloyd); each "
        "center coordinate within (n + 2) u max|x| of it; the inertia within "
        "2 gamma(n + d + 2) of it, plus n d ((n + 2) u max|x|)^2"
    )
    starter_text = LLOYD_STARTER

    def answer(self) -> str:
        k = textbook_kmeans
        return source_of(
            "The model answer of exercise lloyd: purepose.textbook.kmeans, as written.",
            k.nearest_centers,
            k.update_centers,
            k.lloyd,
            prelude="import math",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(lloyd=_fast_lloyd)

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        return list(functions.lloyd(*payload["args"].values()))[:3]

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for k, size in sorted((rng.randint(2, 4), rng.randint(5, 15)) for _ in range(4)):
            X, _ = blobs(rng, k, size, gap=6.0)
            init = [list(X[i]) for i in rng.sample(range(len(X)), k)]
            cases.append(
                _lloyd(ORDINARY, f"{k} blobs of {size} points, started from {k} samples", X, init)
            )
        line = [[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]]
        cases += [
            _lloyd(
                CAREFUL,
                "ties: sample 1 is exactly halfway between the centers (the lower index wins)",
                [[0.0], [1.0], [2.0]],
                [[0.0], [2.0]],
            ),
            _lloyd(
                CAREFUL,
                "an empty cluster: the center at 100 wins no sample",
                line,
                [[0.0], [100.0], [11.0]],
                hint=EMPTY_HINT,
            ),
            _lloyd(
                CAREFUL,
                "max_iter = 1: one step, then the labels of the returned centers",
                *_started(rng, 3, 8, 1),
            ),
        ]
        X, _ = blobs(rng, 3, 10, gap=6.0)
        far = [[1000.0, 1000.0]] + [list(X[i]) for i in rng.sample(range(len(X)), 2)]
        cases.append(
            _lloyd(
                CAREFUL,
                "an empty cluster in 2-D: one center far from every sample",
                X,
                far,
                hint=EMPTY_HINT,
            )
        )
        X, _ = blobs(rng, 3, 15, gap=2.5, offset=1e8)
        init = [list(X[i]) for i in rng.sample(range(len(X)), 3)]
        cases.append(
            _lloyd(
                CAREFUL,
                "overlapping blobs at an offset of 1e8: ||x||^2 - 2 x.c + ||c||^2 cancels",
                X,
                init,
                hint="compute distances from the differences x - c (math.dist)",
            )
        )
        cases += [
            _lloyd(
                BAD_INPUT,
                "centers of 3 coordinates for samples of 2",
                [[0.0, 1.0], [1.0, 0.0]],
                [[0.0, 0.0, 0.0]],
            ),
            _lloyd(BAD_INPUT, "no samples", [], [[0.0]]),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        X, _ = blobs(rng, 5, 400, gap=3.0, d=3)
        init = [list(X[i]) for i in rng.sample(range(len(X)), 5)]
        return _lloyd(ORDINARY, "k = 5, 2000 points in 3-D", X, init)

    def check(self, case: Case, got: Any) -> Verdict:
        X, centers, max_iter, tol = case.payload["args"].values()
        labels, inertia, want = textbook_kmeans.lloyd(X, centers, max_iter, tol)[:3]
        n, k, d = len(X), len(centers), len(X[0])
        if not isinstance(got, list) or len(got) < 3:
            return Verdict.fail("return (labels, inertia, centers)")
        g_labels, g_inertia, g_centers = got[:3]
        problem = (
            structure_problem(g_labels, labels)
            or structure_problem(g_centers, want)
            or finite_problem(g_centers, "center")
        )
        if problem:
            return Verdict.fail(problem.replace("the result", "labels or centers"))
        if not is_number(g_inertia) or not math.isfinite(g_inertia):
            return Verdict.fail(f"the inertia is {g_inertia!r}, not a finite number")
        if g_labels != labels:
            i = next(i for i, (a, b) in enumerate(zip(g_labels, labels)) if a != b)
            return Verdict.fail(
                f"label of sample {i} ({X[i]}): expected {labels[i]}, got {g_labels[i]}",
                f"expected labels {labels}"
                if n <= 12
                else f"{sum(a != b for a, b in zip(g_labels, labels))} labels differ",
            )
        scale = max(abs(v) for x in X for v in x)
        allowed = (n + 2) * U * scale
        for j in range(k):
            for f in range(d):
                if abs(g_centers[j][f] - want[j][f]) > allowed + U * abs(want[j][f]):
                    return Verdict.fail(
                        f"center {j}: expected {want[j]}, got {g_centers[j]}; "
                        f"allowed error {allowed:.2g} per coordinate"
                    )
        allowed_j = 2 * gamma(n + d + 2) * inertia + n * d * allowed**2
        if abs(g_inertia - inertia) > allowed_j:
            return Verdict.fail(
                f"inertia: expected {inertia!r}, got {g_inertia!r}; allowed "
                f"error {allowed_j:.2g} (the sum of squared distances to the "
                "returned centers)"
            )
        return Verdict.ok()


def _started(rng: random.Random, k: int, size: int, max_iter: int) -> tuple:
    X, _ = blobs(rng, k, size, gap=4.0)
    return X, [list(X[i]) for i in rng.sample(range(len(X)), k)], max_iter


def _fast_lloyd(X: list, centers: list, max_iter: int, tol: float) -> tuple:
    from purepose.fast.kmeans import KMeans

    km = KMeans(len(centers), init=centers, n_init=1, max_iter=max_iter, tol=tol).fit(X)
    return km.labels_, km.inertia_, km.cluster_centers_
