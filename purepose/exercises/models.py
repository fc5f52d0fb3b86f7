"""Exercises ``backprop`` and ``knn``: an MLP's gradient, and k nearest neighbours.

Backpropagation is graded against the exact gradient for relu and identity
networks (piecewise linear: the chain rule in Fractions) and against
purepose's textbook gradient for tanh and logistic ones. The allowance is
the forward-error bound of the chain of products (Higham 2002, section
3.5): with the passes run on absolute values, m_0 = |X|, m_l = m_(l-1) |W_l|
+ |b_l|, mu_L = m_L + |Y|, mu_(l-1) = mu_l |W_l|^T (every |g'| <= 1), and K the
widest layer plus one,

    |grad W_l - exact| <= c (L + 1) gamma(n + K) (m_(l-1)^T mu_l + alpha |W_l|) / n

(c = 4, and 8 where the reference is itself rounded); the bias gradients
likewise, with sum_i mu_l[i]. A missing term of the chain rule is wrong by
the size of the gradient itself, far outside that.

kNN is graded against the exact neighbours and means (Fractions; the
distance weights to 40 digits). Rows tied at the k-th distance, or within
rounding of it, may be chosen either way: the answer must equal the
prediction of some valid neighbour set, within (2 k + 4) u of the mean of
|y| (uniform) or 2 (k + d + 6) u of the weighted mean of |y| (distance).
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction
from typing import Any

from purepose.textbook import knn as textbook_knn
from purepose.textbook import mlp as textbook_mlp

from .core import (
    BAD_INPUT,
    CAREFUL,
    ORDINARY,
    Case,
    Exercise,
    U,
    Verdict,
    compare,
    finite_problem,
    gamma,
    source_of,
    structure_problem,
)
from .exact import sqrt_fraction
from .models_starters import BACKPROP_STARTER, KNN_STARTER

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")


def _network(rng: random.Random, sizes: list[int]) -> tuple[list, list]:
    weights = [
        [[rng.gauss(0, 1) for _ in range(b)] for _ in range(a)]
        for a, b in itertools.pairwise(sizes)
    ]
    biases = [[rng.gauss(0, 0.5) for _ in range(b)] for b in sizes[1:]]
    return weights, biases


def _backprop(
    tier: str,
    label: str,
    sizes: list[int],
    n: int,
    activation: str,
    alpha: float,
    rng: random.Random,
    **kw: Any,
) -> Case:
    weights, biases = _network(rng, sizes)
    X = [[rng.gauss(0, 1) for _ in range(sizes[0])] for _ in range(n)]
    Y = [[rng.gauss(0, 1) for _ in range(sizes[-1])] for _ in range(n)]
    return _case(tier, label, weights, biases, X, Y, alpha, activation, **kw)


def _case(
    tier: str,
    label: str,
    weights: list,
    biases: list,
    X: list,
    Y: list,
    alpha: float,
    activation: str,
    **kw: Any,
) -> Case:
    args = {
        "weights": weights,
        "biases": biases,
        "X": X,
        "Y": Y,
        "alpha": alpha,
        "activation": activation,
    }
    sizes = [len(weights[0])] + [len(b) for b in biases]
    kw.setdefault(
        "show", f"layers {sizes}, {len(X)} rows, activation {activation!r}, alpha {alpha:g}"
    )
    return Case(tier, label, {"f": "gradients", "args": args}, raises=tier == BAD_INPUT, **kw)


def reference_gradients(
    args: dict[str, Any],
    *,
    exact: bool,
    penalty: bool = True,
    chain: bool = True,
    per_output: bool = False,
) -> tuple[list, list]:
    """The gradient of J by the chain rule, exactly (Fractions) or in floats, with switches.

    ``penalty=False`` drops alpha W / n, ``chain=False`` drops g', ``per_output``
    divides by the number of outputs: the usual mistakes, for the diagnosis.
    """
    num = Fraction if exact else float
    activation = args["activation"]
    W = [[[num(v) for v in row] for row in M] for M in args["weights"]]
    b = [[num(v) for v in v_] for v_ in args["biases"]]
    acts = [[[num(v) for v in row] for row in args["X"]]]
    for l, (M, c) in enumerate(zip(W, b)):
        Z = [
            [sum((a[p] * M[p][j] for p in range(len(M))), num(0)) + c[j] for j in range(len(c))]
            for a in acts[-1]
        ]
        last = l == len(W) - 1
        acts.append(Z if last else [[_g(activation, z) for z in row] for row in Z])
    n, k = len(args["X"]), len(args["Y"][0])
    delta = [[p - num(y) for p, y in zip(pr, yr)] for pr, yr in zip(acts[-1], args["Y"])]
    if per_output:
        delta = [[d / k for d in row] for row in delta]
    alpha = num(args["alpha"]) if penalty else num(0)
    gw, gb = [None] * len(W), [None] * len(W)
    for l in range(len(W) - 1, -1, -1):
        A, M = acts[l], W[l]
        gw[l] = [
            [
                (sum((A[i][p] * delta[i][j] for i in range(n)), num(0)) + alpha * M[p][j]) / n
                for j in range(len(M[0]))
            ]
            for p in range(len(M))
        ]
        gb[l] = [sum((delta[i][j] for i in range(n)), num(0)) / n for j in range(len(M[0]))]
        if l:
            delta = [
                [
                    sum((delta[i][j] * M[p][j] for j in range(len(M[0]))), num(0))
                    * (_derivative(activation, A[i][p]) if chain else 1)
                    for p in range(len(M))
                ]
                for i in range(n)
            ]
    return gw, gb


def _g(activation: str, z: Any) -> Any:
    if activation == "relu":
        return z if z > 0 else z * 0
    if activation == "identity":
        return z
    return textbook_mlp.activate(activation, float(z))


def _derivative(activation: str, a: Any) -> Any:
    if activation == "relu":
        return 1 if a > 0 else 0
    return textbook_mlp.derivative(activation, a)


def allowance(args: dict[str, Any], c: float) -> tuple[list, list]:
    """The allowed error of every gradient entry (module docstring)."""
    weights, biases, X, Y = args["weights"], args["biases"], args["X"], args["Y"]
    n, L = len(X), len(weights)
    K = max(len(weights[0]), *(len(v) for v in biases)) + 1
    m = [[[abs(v) for v in row] for row in X]]
    for M, v in zip(weights, biases):
        m.append(
            [
                [
                    math.fsum(a[p] * abs(M[p][j]) for p in range(len(M))) + abs(v[j])
                    for j in range(len(v))
                ]
                for a in m[-1]
            ]
        )
    mu = [[a + abs(y) for a, y in zip(ar, yr)] for ar, yr in zip(m[-1], Y)]
    factor = c * (L + 1) * gamma(n + K) / n
    aw, ab = [None] * L, [None] * L
    for l in range(L - 1, -1, -1):
        M = weights[l]
        aw[l] = [
            [
                factor
                * (
                    math.fsum(m[l][i][p] * mu[i][j] for i in range(n))
                    + args["alpha"] * abs(M[p][j])
                )
                for j in range(len(M[0]))
            ]
            for p in range(len(M))
        ]
        ab[l] = [factor * math.fsum(mu[i][j] for i in range(n)) for j in range(len(M[0]))]
        mu = [
            [math.fsum(mu[i][j] * abs(M[p][j]) for j in range(len(M[0]))) for p in range(len(M))]
            for i in range(n)
        ]
    return aw, ab


MISTAKES = (
    ({"penalty": False}, "that is the gradient without the penalty's alpha W / n"),
    (
        {"chain": False},
        "that is the gradient without g'(z) in the error signal: "
        "delta_(l-1) = (delta_l W_l^T) * g'(z_(l-1))",
    ),
    (
        {"per_output": True},
        "that is the gradient divided by the number of outputs: J sums "
        "the squared error over the outputs",
    ),
)


class BackpropExercise(Exercise):
    name = "backprop"
    level = "hard"
    summary = "backpropagation: the gradient of an MLP's squared error and L2 penalty"
    functions = ("gradients",)
    tolerance = (
        "each entry within c (L + 1) gamma(n + K) (m_(l-1)^T mu_l + alpha |W_l|) / n of the "
        "exact gradient (relu, identity) or purepose's textbook one (tanh, logistic; c = 8, "
        "else 4), m and mu the forward and backward passes on absolute values, K the widest "
        "layer + 1: the forward error of the chain of products"
    )
    starter_text = BACKPROP_STARTER

    def answer(self) -> str:
        t = textbook_mlp
        return source_of(
            "The model answer of exercise backprop: purepose.textbook.mlp, as written.",
            t.activate,
            t.logistic,
            t.derivative,
            t.forward,
            t.backward,
            prelude="import math",
            epilogue='''
def gradients(weights, biases, X, Y, alpha, activation):
    """The exercise's signature: forward, then backward."""
    return backward(weights, forward(weights, biases, X, activation), Y, alpha, activation)
''',
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(gradients=_fast_gradients)

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for i in range(5):
            sizes = [rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 3)]
            activation = ACTIVATIONS[i % 4]
            alpha = 0.0 if i % 2 else 10.0 ** rng.uniform(-3, 0)
            cases.append(
                _backprop(
                    ORDINARY,
                    f"layers {sizes}, {activation}",
                    sizes,
                    rng.randint(1, 6),
                    activation,
                    alpha,
                    rng,
                )
            )
        cases += [
            _backprop(CAREFUL, "n = 1", [2, 3, 1], 1, "tanh", 0.1, rng),
            _backprop(
                CAREFUL,
                "two hidden layers: the error signal passes through every W and every g'",
                [3, 4, 3, 2],
                5,
                "tanh",
                0.0,
                rng,
            ),
            _backprop(
                CAREFUL,
                "alpha = 0.5: alpha W / n joins the weights' gradient, never the biases'",
                [2, 3, 2],
                4,
                "relu",
                0.5,
                rng,
            ),
            _backprop(
                CAREFUL,
                "three outputs: J sums the squared error over them (no 1/k)",
                [2, 3, 3],
                4,
                "identity",
                0.0,
                rng,
            ),
            _case(
                CAREFUL,
                "relu units exactly at 0: g'(0) = 0",
                [[[1.0, -1.0]], [[1.0], [2.0]]],
                [[0.0, 0.0], [0.5]],
                [[0.0], [1.0], [-1.0]],
                [[1.0], [0.0], [2.0]],
                0.0,
                "relu",
            ),
            _backprop(
                CAREFUL,
                "saturated logistic units (|z| ~ 40): a (1 - a) is tiny, not NaN",
                [1, 2, 1],
                3,
                "logistic",
                0.0,
                rng,
            ),
            _backprop(BAD_INPUT, "activation 'softplus'", [1, 2, 1], 2, "softplus", 0.0, rng),
        ]
        saturated = cases[-2].payload["args"]
        saturated["X"] = [[40.0 * x[0] / (abs(x[0]) + 1e-9)] for x in saturated["X"]]
        saturated["weights"][0] = [[1.0, -1.0]]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        return _backprop(
            ORDINARY, "layers [16, 32, 20], 200 rows, tanh", [16, 32, 20], 200, "tanh", 1e-4, rng
        )

    def check(self, case: Case, got: Any) -> Verdict:
        args = case.payload["args"]
        exact = args["activation"] in ("relu", "identity")
        if exact:
            want = reference_gradients(args, exact=True)
        else:
            acts = textbook_mlp.forward(
                args["weights"], args["biases"], args["X"], args["activation"]
            )
            want = textbook_mlp.backward(
                args["weights"], acts, args["Y"], args["alpha"], args["activation"]
            )
        allowed = allowance(args, 4.0 if exact else 8.0)
        if not isinstance(got, list) or len(got) != 2:
            return Verdict.fail("return (grad_weights, grad_biases)")
        problem = structure_problem(got, [list(want[0]), list(want[1])]) or finite_problem(
            got, "gradient"
        )
        if problem:
            return Verdict.fail(problem.replace("the result", "(grad_weights, grad_biases)"))
        verdict = compare(
            got,
            [list(want[0]), list(want[1])],
            [list(allowed[0]), list(allowed[1])],
            what="(grad_weights, grad_biases)",
        )
        if verdict.passed:
            return verdict
        for switches, explanation in MISTAKES:
            variant = reference_gradients(args, exact=False, **switches)
            if compare(got, [variant[0], variant[1]], [allowed[0], allowed[1]]).passed:
                verdict.lines.append(f"  {explanation}")
                break
        return verdict


def _fast_gradients(
    weights: list, biases: list, X: list, Y: list, alpha: float, activation: str
) -> tuple:
    from purepose.fast.transposed_mlp import TransposedNetwork

    net = TransposedNetwork(weights, biases, activation=activation, alpha=alpha, solver="adam")
    _, gw, gb = net.loss_and_gradient(X, Y)
    return gw, gb


# ---------------------------------------------------------------------------


def _knn(
    tier: str,
    label: str,
    X: list,
    Y: list,
    queries: list,
    k: int,
    weights: str = "uniform",
    **kw: Any,
) -> Case:
    payload = {
        "f": "predict",
        "args": {"X": X, "Y": Y, "queries": queries, "k": k, "weights": weights},
    }
    return Case(tier, label, payload, raises=tier == BAD_INPUT, **kw)


def neighbour_sets(X: list, q: list, k: int) -> list[list[int]]:
    """Every valid set of k nearest rows: the closer ones, plus any choice among the tied."""
    D = [sum(((Fraction(a) - Fraction(b)) ** 2 for a, b in zip(q, x)), Fraction(0)) for x in X]
    kth = sorted(D)[k - 1]
    slack = Fraction(16 * (len(q) + 2)) * Fraction(U) * kth  # ties within rounding
    closer = [j for j, v in enumerate(D) if v < kth - slack]
    tied = [j for j, v in enumerate(D) if abs(v - kth) <= slack]
    chosen = itertools.combinations(tied, k - len(closer))
    return [closer + list(c) for c in itertools.islice(chosen, 200)]


def knn_prediction(
    X: list, Y: list, q: list, rows: list[int], weights: str
) -> tuple[list[Fraction], list[float]]:
    """The exact prediction from the neighbours ``rows`` and its allowance (module docstring)."""
    t, d, k = len(Y[0]), len(q), len(rows)
    if weights == "uniform":
        w = [Fraction(1)] * k
        factor = (2 * k + 4) * U
    else:
        dist = [
            sqrt_fraction(
                sum(((Fraction(a) - Fraction(b)) ** 2 for a, b in zip(q, X[j])), Fraction(0))
            )
            for j in rows
        ]
        w = (
            [Fraction(1) if v == 0 else Fraction(0) for v in dist]
            if 0 in dist
            else [1 / v for v in dist]
        )
        factor = 2 * (k + d + 6) * U
    total = sum(w, Fraction(0))
    want = [
        sum((wj * Fraction(Y[j][c]) for wj, j in zip(w, rows)), Fraction(0)) / total
        for c in range(t)
    ]
    scale = [
        float(sum((wj * abs(Fraction(Y[j][c])) for wj, j in zip(w, rows)), Fraction(0)) / total)
        for c in range(t)
    ]
    return want, [factor * s for s in scale]


class KnnExercise(Exercise):
    name = "knn"
    level = "core"
    summary = "k nearest neighbours regression by brute force: ties, zero distances, far points"
    functions = ("predict",)
    tolerance = (
        "the prediction of some valid set of k nearest rows (rows tied at the k-th distance, "
        "or within rounding of it, either way), within (2 k + 4) u of the mean |y| (uniform) "
        "or 2 (k + d + 6) u of the weighted mean |y| (distance) of the exact value"
    )
    starter_text = KNN_STARTER

    def answer(self) -> str:
        t = textbook_knn
        return source_of(
            "The model answer of exercise knn: purepose.textbook.knn (scikit-learn's tie rule).",
            t.squared_distance,
            t.heap_push,
            t.kneighbors,
            t.neighbour_weights,
            t.predict,
            prelude="import math",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(predict=_fast_knn)

    def cases(self, rng: random.Random) -> list[Case]:
        def rows(n: int, d: int, scale: float = 1.0, offset: float = 0.0) -> list:
            return [[offset + rng.gauss(0, scale) for _ in range(d)] for _ in range(n)]

        cases = []
        for i in range(5):
            n, d, t = rng.randint(5, 20), rng.randint(1, 3), rng.randint(1, 2)
            k = rng.randint(1, min(5, n))
            weights = ("uniform", "distance")[i % 2]
            cases.append(
                _knn(
                    ORDINARY,
                    f"{n} rows of {d}, k = {k}, {weights}",
                    rows(n, d),
                    rows(n, t, 5.0),
                    rows(rng.randint(1, 4), d),
                    k,
                    weights,
                )
            )
        ties_X = [[1.0], [-1.0], [1.0], [-1.0], [0.0], [0.0]]
        ties_Y = [[float(v)] for v in range(6)]
        cases += [
            _knn(
                CAREFUL,
                "ties at the k-th distance (any tied row may be chosen)",
                ties_X,
                ties_Y,
                [[0.0]],
                3,
            ),
            _knn(
                CAREFUL,
                "a query on a training row, distance weights: that row takes all the "
                "weight (no division by zero)",
                [[0.0], [1.0], [3.0]],
                [[1.0], [2.0], [4.0]],
                [[1.0]],
                2,
                "distance",
                hint="as scikit-learn: neighbours at distance 0 get weight 1, the others 0",
            ),
            _knn(
                CAREFUL,
                "two training rows at distance 0, distance weights: they share the weight",
                [[2.0], [2.0], [5.0]],
                [[1.0], [3.0], [9.0]],
                [[2.0]],
                3,
                "distance",
            ),
            _knn(
                CAREFUL, "k = n: every row is a neighbour", rows(4, 2), rows(4, 1), rows(2, 2), 4
            ),
            _knn(
                CAREFUL,
                "rows near 1e8: ||q||^2 - 2 q.x + ||x||^2 cancels and picks the wrong neighbour",
                [[1e8 + v] for v in (0.0, 0.6, 1.5, 3.0)],
                [[0.0], [1.0], [2.0], [3.0]],
                [[1e8 + 0.31]],
                1,
                hint="compute the distances from the differences q - x (math.dist)",
            ),
            _knn(BAD_INPUT, "k = 0", rows(3, 1), rows(3, 1), rows(1, 1), 0),
            _knn(BAD_INPUT, "k = 4 for 3 rows", rows(3, 1), rows(3, 1), rows(1, 1), 4),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        X = [[rng.gauss(0, 1) for _ in range(16)] for _ in range(2000)]
        Y = [[rng.gauss(0, 1) for _ in range(4)] for _ in range(2000)]
        Q = [[rng.gauss(0, 1) for _ in range(16)] for _ in range(20)]
        return _knn(ORDINARY, "20 queries, 2000 rows of 16, k = 5", X, Y, Q, 5)

    def check(self, case: Case, got: Any) -> Verdict:
        X, Y, queries, k, weights = case.payload["args"].values()
        problem = structure_problem(got, [[0.0] * len(Y[0]) for _ in queries]) or finite_problem(
            got
        )
        if problem:
            return Verdict.fail(problem)
        for i, (q, row) in enumerate(zip(queries, got)):
            options = [
                (rows, *knn_prediction(X, Y, q, rows, weights)) for rows in neighbour_sets(X, q, k)
            ]
            if any(compare(row, want, allowed).passed for _, want, allowed in options):
                continue
            rows, want, allowed = options[0]
            verdict = compare(row, want, allowed, what=f"query {i}: target")
            shown = f"rows {sorted(rows)}" + (
                f" (or another choice among the tied; {len(options)} valid sets)"
                if len(options) > 1
                else ""
            )
            return Verdict.fail(*verdict.lines, f"  the {k} nearest rows: {shown}")
        return Verdict.ok()


def _fast_knn(X: list, Y: list, queries: list, k: int, weights: str = "uniform") -> list:
    from purepose.fast.neighbors import KNeighborsRegressor

    return KNeighborsRegressor(k, weights=weights).fit(X, Y).predict(queries)
