"""Exercises ``ridge`` and ``normal_equations``: ridge regression, in one batch and streaming.

Both are graded against the exact ridge solution (Fractions: centre
exactly, solve ``(Xc^T Xc + alpha I) W^T = Xc^T Yc`` exactly, ``b = y_bar -
W x_bar``). The tolerance is the error of the normal equations solved by
Cholesky (Higham 2002, sections 10.1 and 10.3): with A = Xc^T Xc + alpha I,
kappa = cond_2(A), and for each target t,

    ||w_t - w_exact|| <= c ((n + d) u (kappa ||w_t|| + ||A^-1|| ||Xc||_F ||yc_t||)
                            + n ||dm_x|| (||dm_x|| ||w_t|| + dm_y) ||A^-1||)
    |b_t - b_exact|   <= ||x_bar|| (allowance of w_t)
                         + 2 gamma(n + d) (mean|y_t| + sum_j |w_tj| mean|x_j|)

c = 8 for ``ridge``. The first term is forming A and solving with it, the
second forming Xc^T Yc, the third the column means' own rounding (dm =
gamma(n) mean|x|, a plain sum's error), which shifts every centred value
alike and so enters A as n dm dm^T: far from zero it is the largest term. Centring
is what keeps ``kappa`` small: with an offset of 1e9, the raw X^T X has
kappa near 1e18 and nothing is left.

The streaming accumulator is held to c = 16, its rounding term multiplied
by the data's condition number kappa_z = max_j ||z_j|| / ||z_j - mean_j||
over the columns z of [X | Y]:
merging chunk means by Chan's formula loses that many digits (Chan, Golub
and LeVeque 1983), sums shifted by a data row lose none, and raw sums of
x x^T lose its square: with an offset of 1e9 they keep nothing.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import ridge as textbook_ridge

from . import exact
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
    source_of,
    structure_problem,
    ulps,
)
from .least_squares import eigenvalues
from .ridge_starters import NORMAL_EQUATIONS_ANSWER, NORMAL_EQUATIONS_STARTER, RIDGE_STARTER


def _data(
    rng: random.Random, n: int, d: int, t: int, offset: float = 0.0
) -> tuple[list[list[float]], list[list[float]]]:
    means = [offset + rng.uniform(-5, 5) for _ in range(d)]
    scales = [10.0 ** rng.uniform(-1, 1) for _ in range(d)]
    X = [[m + s * rng.gauss(0, 1) for m, s in zip(means, scales)] for _ in range(n)]
    W = [[rng.gauss(0, 2) for _ in range(d)] for _ in range(t)]
    b = [rng.uniform(-3, 3) for _ in range(t)]
    Y = [
        [
            b[k] + sum(w * (x - m) for w, x, m in zip(W[k], row, means)) + rng.gauss(0, 0.1)
            for k in range(t)
        ]
        for row in X
    ]
    return X, Y


def ridge_tolerance(
    X: list[list[float]], Y: list[list[float]], alpha: float, factor: float, updating: float = 1.0
) -> tuple[list[list[Fraction]], list[Fraction], list[float], list[float], float]:
    """The exact (coef, intercept), the allowance of each coef row and intercept, and kappa.

    ``updating``: the factor an updating algorithm's rounding may lose (the
    data's condition number, for the streaming exercise; 1 for a batch).
    """
    n, d = len(X), len(X[0])
    coef, intercept = exact.exact_ridge(X, Y, alpha)
    means, M = exact.exact_comoments([[*x, *y] for x, y in zip(X, Y)])
    A = [[float(M[i][j]) + (alpha if i == j else 0.0) for j in range(d)] for i in range(d)]
    values = eigenvalues(A)
    smallest = max(values[-1], U * values[0])  # a float matrix holds no condition above 1/u
    kappa = values[0] / smallest
    norm_xc = math.sqrt(math.fsum(float(M[i][i]) for i in range(d)))
    x_norm = math.hypot(*(float(m) for m in means[:d]))
    mean_abs_x = [math.fsum(abs(row[j]) for row in X) / n for j in range(d)]
    dm_x = math.hypot(*(gamma(n) * m for m in mean_abs_x))  # a plain sum's error in the means
    coef_allowed, intercept_allowed = [], []
    for k, w in enumerate(coef):
        norm_w = math.hypot(*(float(v) for v in w))
        norm_yc = math.sqrt(float(M[d + k][d + k]))
        mean_abs_y = math.fsum(abs(row[k]) for row in Y) / n
        dm_y = gamma(n) * mean_abs_y
        a = factor * (
            updating * (n + d) * U * (kappa * norm_w + norm_xc * norm_yc / smallest)
            + n * dm_x * (dm_x * norm_w + dm_y) / smallest
        )
        coef_allowed.append(a)
        spread = math.fsum(abs(float(v)) * m for v, m in zip(w, mean_abs_x))
        intercept_allowed.append(a * x_norm + 2 * gamma(n + d) * (mean_abs_y + spread))
    return coef, intercept, coef_allowed, intercept_allowed, kappa


def data_condition(X: list[list[float]], Y: list[list[float]]) -> float:
    """max_j ||z_j|| / ||z_j - mean_j|| over the columns of [X | Y]: the digits an update loses."""
    _, M = exact.exact_comoments([[*x, *y] for x, y in zip(X, Y)])
    ratios = [1.0]
    for j, row in enumerate(zip(*[[*x, *y] for x, y in zip(X, Y)])):
        if M[j][j] > 0:
            ratios.append(math.sqrt(math.fsum(v * v for v in row) / float(M[j][j])))
    return max(ratios)


def check_ridge_answer(got: Any, X: list, Y: list, alpha: float, factor: float) -> Verdict:
    """Judge ``got = (coef, intercept)`` against the exact ridge solution (module docstring).

    A negative ``factor`` means an updating algorithm: the rounding part of
    the allowance is multiplied by the data's condition number
    (:func:`data_condition`).
    """
    updating = data_condition(X, Y) if factor < 0 else 1.0
    factor = abs(factor)
    d, t = len(X[0]), len(Y[0])
    if not isinstance(got, list) or len(got) < 2:
        return Verdict.fail("the result must be a pair (coef, intercept)")
    coef, intercept = got[0], got[1]
    problem = (
        structure_problem(coef, [[0.0] * d for _ in range(t)])
        or structure_problem(intercept, [0.0] * t)
        or finite_problem(coef, "coef")
        or finite_problem(intercept, "intercept")
    )
    if problem:
        return Verdict.fail(problem.replace("the result", "coef or intercept"))
    want_coef, want_b, coef_allowed, b_allowed, kappa = ridge_tolerance(
        X, Y, alpha, factor, updating
    )
    for k in range(t):
        diff = [float(Fraction(g) - e) for g, e in zip(coef[k], want_coef[k])]
        error = math.hypot(*diff)
        if error > coef_allowed[k]:
            j = max(range(d), key=lambda i: abs(diff[i]))
            return Verdict.fail(
                f"coef row {k}: ||w - w_exact|| = {error:.3g}; allowed {coef_allowed[k]:.3g} "
                f"(cond(Xc^T Xc + alpha I) = {kappa:.3g})",
                f"worst entry coef[{k}][{j}]: expected {float(want_coef[k][j])!r}, "
                f"got {coef[k][j]!r}{_in_ulps(abs(diff[j]), want_coef[k][j])}",
            )
        error_b = float(abs(Fraction(intercept[k]) - want_b[k]))
        if error_b > b_allowed[k]:
            return Verdict.fail(
                f"intercept[{k}]: expected {float(want_b[k])!r}, got {intercept[k]!r}"
                f"{_in_ulps(error_b, want_b[k])}; allowed error {b_allowed[k]:.3g}",
                "the intercept is b = mean(y) - W mean(x), and it is not penalized",
            )
    return Verdict.ok()


def _in_ulps(error: float, reference: Fraction) -> str:
    n = ulps(error, reference)
    return "" if n is None else f" ({n:.2g} ulps)"


def _ridge(tier: str, label: str, X: list, Y: list, alpha: float, **kw: Any) -> Case:
    payload = {"f": "ridge", "args": {"X": X, "Y": Y, "alpha": alpha}}
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


TOLERANCE = (
    "each coef row within c ({k}(n + d) u (kappa ||w|| + ||A^-1|| ||Xc||_F ||yc||) + n ||dm_x|| "
    "(||dm_x|| ||w|| + dm_y) ||A^-1||) of the exact ridge solution, A = Xc^T Xc + alpha I, "
    "kappa = cond(A), dm = gamma(n) mean|x| (a summed mean's error), c = {c}; the intercept "
    "within "
    "||x_bar|| times that plus 2 gamma(n + d) (mean|y| + sum |w_j| mean|x_j|): the error of "
    "centred normal equations solved by Cholesky"
)


class RidgeExercise(Exercise):
    name = "ridge"
    level = "core"
    summary = "ridge regression with an unpenalized intercept, via centring and Cholesky"
    functions = ("ridge",)
    tolerance = TOLERANCE.format(c=8, k="")
    starter_text = RIDGE_STARTER

    def answer(self) -> str:
        t = textbook_ridge
        return source_of(
            "The model answer of exercise ridge: purepose.textbook.ridge, as written.",
            t.centre,
            t.normal_equations,
            t.solve,
            t.intercept,
            t.ridge,
            prelude="from purepose.textbook.linalg import cholesky, cholesky_solve, dot, "
            "matmul, mean, transpose",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(ridge=_fast_ridge)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for n, d, t in sorted(
            (rng.randint(5, 30), rng.randint(1, 4), rng.randint(1, 3)) for _ in range(5)
        ):
            X, Y = _data(rng, n, d, t)
            alpha = 10.0 ** rng.uniform(-2, 1)
            cases.append(_ridge(ORDINARY, f"{n} samples, {d} features, {t} targets", X, Y, alpha))
        X, Y = _data(rng, 12, 3, 2)
        cases.append(
            _ridge(CAREFUL, "alpha = 0: ordinary least squares with an intercept", X, Y, 0.0)
        )
        X, Y = _data(rng, 5, 8, 1)
        cases.append(
            _ridge(
                CAREFUL,
                "more features than samples (d = 8, n = 5): Xc^T Xc is "
                "singular, alpha = 0.5 makes it definite",
                X,
                Y,
                0.5,
            )
        )
        X, Y = _data(rng, 15, 2, 2)
        cases.append(
            _ridge(
                CAREFUL,
                "alpha = 1e4 shrinks the coefficients, never the intercept",
                X,
                Y,
                1e4,
                hint="penalize W only: centre X and Y, solve, then b = mean(y) - W mean(x)",
            )
        )
        X, Y = _data(rng, 20, 2, 1, offset=1e9)
        cases.append(
            _ridge(
                CAREFUL,
                "an offset of 1e9 in X: the raw X^T X (or a column of ones) has "
                "cond ~1e18 and keeps no digit; centred, it is well conditioned",
                X,
                Y,
                0.1,
                hint="subtract the column means of X and Y before forming X^T X and X^T Y",
            )
        )
        base = [rng.gauss(0, 1) for _ in range(20)]
        X = [[v, v + 1e-7 * rng.gauss(0, 1)] for v in base]
        Y = [[2 * v + rng.gauss(0, 0.1)] for v in base]
        cases.append(
            _ridge(
                CAREFUL,
                "two nearly equal columns (x and x + 1e-7 noise), alpha = 1e-6",
                X,
                Y,
                1e-6,
            )
        )
        constant = [[rng.gauss(0, 1), 3.0] for _ in range(6)]
        cases += [
            _ridge(
                BAD_INPUT,
                "alpha = 0 and a constant feature (Xc^T Xc is singular)",
                constant,
                [[rng.gauss(0, 1)] for _ in range(6)],
                0.0,
            ),
            _ridge(
                BAD_INPUT,
                "X has 4 rows, Y has 3",
                _data(rng, 4, 2, 1)[0],
                _data(rng, 3, 2, 1)[1],
                1.0,
            ),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        X, Y = _data(rng, 500, 20, 3)
        return _ridge(ORDINARY, "ridge on 500 samples, 20 features, 3 targets", X, Y, 1.0)

    def check(self, case: Case, got: Any) -> Verdict:
        X, Y, alpha = case.payload["args"].values()
        return check_ridge_answer(got, X, Y, alpha, 8.0)


def _fast_ridge(X: list, Y: list, alpha: float) -> tuple[list, list]:
    from purepose.fast.regression import Ridge

    model = Ridge(alpha=alpha, solver="cholesky").fit(X, Y)
    return model.coef_, model.intercept_


# ---------------------------------------------------------------------------
# Streaming


class FastNormalEquations:
    """purepose's NormalEquations (shifted sums) behind the exercise's three methods."""

    def __init__(self) -> None:
        from purepose.fast.normal_equations import NormalEquations

        self.acc = NormalEquations()

    def update(self, X: list, Y: list) -> FastNormalEquations:
        self.acc.update(X, Y)
        return self

    def merge(self, other: FastNormalEquations) -> FastNormalEquations:
        merged = FastNormalEquations()
        merged.acc = self.acc.merge(other.acc)
        return merged

    def solve(self, alpha: float) -> tuple[list, list]:
        from purepose.fast.regression import ridge_path

        return ridge_path(self.acc, [alpha])[0]


def _chunks(rng: random.Random, X: list, Y: list, sizes: list[int] | None = None) -> list:
    out, i = [], 0
    while i < len(X):
        size = sizes.pop(0) if sizes else rng.randint(1, 7)
        out.append([X[i : i + size], Y[i : i + size]])
        i += size
    return out


def _stream(tier: str, label: str, plan: str, groups: list, alpha: float, **kw: Any) -> Case:
    payload = {"plan": plan, "groups": groups, "alpha": alpha}
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


class NormalEquationsExercise(Exercise):
    name = "normal_equations"
    level = "hard"
    summary = "streaming, mergeable normal equations for ridge (data that never fit in memory)"
    functions = ("NormalEquations",)
    tolerance = TOLERANCE.format(c=16, k="kappa_z ") + (
        "; kappa_z = max ||z|| / ||z - mean(z)|| over the columns of [X | Y], the digits that "
        "merging chunk means loses (Chan, Golub and LeVeque 1983)"
    )
    starter_text = NORMAL_EQUATIONS_STARTER

    def answer(self) -> str:
        return NORMAL_EQUATIONS_ANSWER

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(NormalEquations=FastNormalEquations)

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        """Feed each group's chunks to its own accumulator, merge the groups, solve."""
        make, alpha = functions.NormalEquations, payload["alpha"]
        accs = []
        for group in payload["groups"]:
            acc = make()
            for X, Y in group:
                acc.update(X, Y)
            accs.append(acc)
        if payload["plan"] == "stream":
            return accs[0].solve(alpha)
        if payload["plan"] == "empty":
            return [accs[0].merge(make()).solve(alpha), make().merge(accs[0]).solve(alpha)]
        before = [acc.solve(alpha) for acc in accs]
        left = accs[0]
        for acc in accs[1:]:
            left = left.merge(acc)
        right = accs[-1]
        for acc in reversed(accs[:-1]):
            right = acc.merge(right)
        unchanged = [acc.solve(alpha) == b for acc, b in zip(accs, before)]
        return [left.solve(alpha), right.solve(alpha), unchanged]

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for n, d, t in sorted(
            (rng.randint(6, 30), rng.randint(1, 4), rng.randint(1, 2)) for _ in range(4)
        ):
            X, Y = _data(rng, n, d, t)
            label = f"{n} rows of {d} features and {t} target(s) in chunks of 1 to 7 rows"
            cases.append(_stream(ORDINARY, label, "stream", [_chunks(rng, X, Y)], 1.0))
        X, Y = _data(rng, 18, 3, 2)
        groups = [
            _chunks(rng, X[:5], Y[:5]),
            _chunks(rng, X[5:11], Y[5:11]),
            _chunks(rng, X[11:], Y[11:]),
        ]
        cases.append(
            _stream(
                ORDINARY,
                "three accumulators merged, (a + b) + c and a + (b + c)",
                "merge",
                groups,
                0.5,
            )
        )
        X, Y = _data(rng, 10, 2, 1)
        cases.append(
            _stream(CAREFUL, "one row per chunk", "stream", [_chunks(rng, X, Y, [1] * 10)], 0.1)
        )
        cases.append(
            _stream(
                CAREFUL,
                "merged with an empty accumulator, on either side",
                "empty",
                [_chunks(rng, X, Y)],
                0.1,
            )
        )
        X, Y = _data(rng, 24, 2, 1, offset=1e9)
        cases.append(
            _stream(
                CAREFUL,
                "an offset of 1e9: raw sums of x x^T cancel when centred at the end",
                "stream",
                [_chunks(rng, X, Y)],
                0.1,
                hint="keep centred co-moments (or sums shifted by a data row) and merge them "
                "with Chan's formula: M = M_a + M_b + (n_a n_b / n) d d^T",
            )
        )
        groups = [_chunks(rng, X[:12], Y[:12]), _chunks(rng, X[12:], Y[12:])]
        cases.append(
            _stream(CAREFUL, "an offset of 1e9, two accumulators merged", "merge", groups, 0.1)
        )
        X2, Y2 = _data(rng, 4, 3, 1)
        cases += [
            _stream(BAD_INPUT, "solve() before any update", "stream", [[]], 1.0),
            _stream(
                BAD_INPUT,
                "a chunk of 3 features after chunks of 2",
                "stream",
                [[*_chunks(rng, X, Y)[:2], [X2, Y2]]],
                1.0,
            ),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        X, Y = _data(rng, 2000, 16, 2)
        return _stream(
            ORDINARY,
            "2000 rows of 16 features, 2 targets, in chunks of 250",
            "stream",
            [_chunks(rng, X, Y, [250] * 8)],
            1.0,
        )

    def check(self, case: Case, got: Any) -> Verdict:
        X = [row for group in case.payload["groups"] for chunk in group for row in chunk[0]]
        Y = [row for group in case.payload["groups"] for chunk in group for row in chunk[1]]
        alpha = case.payload["alpha"]
        if case.payload["plan"] == "stream":
            return check_ridge_answer(got, X, Y, alpha, -16.0)
        if not isinstance(got, list) or len(got) < 2:
            return Verdict.fail("merge or solve returned something unexpected")
        names = (
            ("(a + b) + c", "a + (b + c)")
            if case.payload["plan"] == "merge"
            else ("a.merge(empty)", "empty.merge(a)")
        )
        for name, answer in zip(names, got):
            verdict = check_ridge_answer(answer, X, Y, alpha, -16.0)
            if not verdict.passed:
                return Verdict.fail(f"{name}:", *verdict.lines)
        if case.payload["plan"] == "merge" and not all(got[2]):
            return Verdict.fail("merge changed one of its inputs: return a new accumulator")
        return Verdict.ok()
