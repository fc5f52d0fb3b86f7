"""Exercises ``power_iteration`` and ``pca_signs``: PCA's eigenvectors, and their signs.

Power iteration is graded on matrices built with a known spectrum
(S = Q diag(lambda) Q^T, Q a random rotation), by what makes an answer
right whatever the algorithm: the vectors are orthonormal, each is an
eigenvector to the residual an iterative method reaches, and the values
are the top k of the spectrum:

    | v_i . v_j - delta_ij |   <= 1e-10
    || S v_i - lambda_i v_i || <= 1e-10 ||S||_F
    | lambda_i - true_i |      <= || S v_i - lambda_i v_i || + 8 d u ||S||_F

The residual bound is not rounding alone: power iteration stops on a
tolerance (purepose's textbook stops when v changes by 1e-12, and reaches
about 1e-12 ||S||_F). Any unit vector of a repeated eigenvalue's
eigenspace is right, and the test accepts it. Signs are compared exactly:
flipping a sign is exact.
"""

from __future__ import annotations

import math
import random
from typing import Any

from purepose.textbook import pca as textbook_pca

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
    source_of,
    structure_problem,
)

POWER_STARTER = '''\
"""Exercise power_iteration: the top eigenpairs of a covariance matrix, by power iteration.

Task
    Write power_iteration(S, n_components, rng): the n_components largest
    eigenvalues of a symmetric positive semi-definite d x d matrix S (a
    covariance) and their eigenvectors, by power iteration with deflation,
    standard library only. Then: what happens when lambda_2 is close to
    lambda_1, and how does your answer notice?

Math
    Power iteration repeats  v <- S v / ||S v||.  Writing v = sum_i c_i u_i in
    the eigenvectors of S, after t steps the weight of u_i relative to u_1 is
    (c_i / c_1) (lambda_i / lambda_1)^t: the error shrinks by lambda_2 / lambda_1
    a step. The Rayleigh quotient lambda = v . S v converges twice as fast as
    v, so stop on v (or on the residual ||S v - lambda v||), not on lambda.
    Deflation: for the next eigenvector iterate with (I - U U^T) S, U the
    vectors found so far (project every iterate off them, twice: one
    Gram-Schmidt pass loses orthogonality).

Conventions
    S is a list of d rows of d floats; rng is a random.Random for the start
    vectors (use it, not the global random module). Return (eigenvalues,
    eigenvectors): eigenvalues descending, eigenvectors a list of
    n_components rows of d floats, orthonormal. Any sign of a vector is
    accepted here (the exercise pca_signs fixes them). More items after those
    two (an iteration count) are ignored. n_components > d should raise
    ValueError (the optional "bad input" tier).

Example
    >>> import random
    >>> values, vectors = power_iteration([[4.0, 1.0], [1.0, 3.0]], 2, random.Random(0))[:2]
    >>> [round(x, 9) for x in values]              # (7 +- sqrt(5)) / 2
    [4.618033989, 2.381966011]
    >>> [[round(abs(x), 6) for x in v] for v in vectors]
    [[0.850651, 0.525731], [0.525731, 0.850651]]

Check it:  purepose exercise check power_iteration power_iteration.py
"""


def power_iteration(S, n_components, rng):
    """(eigenvalues, eigenvectors): the top n_components eigenpairs of S, values descending."""
    # TODO: your code here
    raise NotImplementedError("power_iteration")
'''

SIGNS_STARTER = '''\
"""Exercise pca_signs: deterministic signs for PCA components.

Task
    Write flip_signs(vectors): if v is an eigenvector, so is -v, and which
    one an algorithm returns depends on its random start. Make the result
    deterministic, the way scikit-learn does (svd_flip): flip every row so
    that its entry of largest absolute value is positive.

Math
    For each row v: j = the index of the largest |v_j| (the first such index
    on ties); the new row is sign(v_j) v, with sign(0) = +1.

Conventions
    vectors is a list of rows of floats; return a new list of rows, never
    change the input. A row of zeros stays as it is.

Example
    >>> flip_signs([[0.6, -0.8], [0.8, 0.6]])
    [[-0.6, 0.8], [0.8, 0.6]]
    >>> flip_signs([[-0.5, 0.5]])         # a tie: the first of the two decides
    [[0.5, -0.5]]

Check it:  purepose exercise check pca_signs pca_signs.py
"""


def flip_signs(vectors):
    """Every row flipped so that its largest-|value| entry is positive."""
    # TODO: your code here
    raise NotImplementedError("flip_signs")
'''


def rotation(rng: random.Random, d: int) -> list[list[float]]:
    from purepose.fast.linalg import qr

    Q, _ = qr([[rng.gauss(0, 1) for _ in range(d)] for _ in range(d)])
    return Q


def with_spectrum(rng: random.Random, spectrum: list[float]) -> tuple[list, list]:
    """(S, Q): S = Q diag(spectrum) Q^T, exactly symmetric; the columns of Q are the truth."""
    Q = rotation(rng, len(spectrum))
    S = [
        [
            math.fsum(Q[i][k] * spectrum[k] * Q[j][k] for k in range(len(spectrum)))
            for j in range(len(spectrum))
        ]
        for i in range(len(spectrum))
    ]
    S = [[(a + b) / 2 for a, b in zip(row, col)] for row, col in zip(S, zip(*S))]
    return S, Q


def _power(
    tier: str, label: str, spectrum: list[float], k: int, rng: random.Random, **kw: Any
) -> Case:
    S, Q = with_spectrum(rng, spectrum)
    payload = {
        "f": "power_iteration",
        "args": {"S": S, "n_components": k},
        "seed": rng.randrange(2**31),
    }
    kw.setdefault(
        "show",
        f"S: {len(S)} x {len(S)} with eigenvalues "
        f"{', '.join(f'{v:g}' for v in spectrum)}; n_components = {k}",
    )
    return Case(tier, label, payload, expected=(spectrum, Q), raises=tier == BAD_INPUT, **kw)


class PowerIterationExercise(Exercise):
    name = "power_iteration"
    level = "hard"
    summary = "PCA's top eigenpairs by power iteration with deflation; near-equal eigenvalues"
    functions = ("power_iteration",)
    tolerance = (
        "orthonormal to 1e-10; each residual ||S v - lambda v|| <= 1e-10 ||S||_F (an iterative "
        "method's stopping point, not rounding alone); eigenvalues within the residual plus "
        "8 d u ||S||_F of the true top k (S is built with a known spectrum)"
    )
    starter_text = POWER_STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise power_iteration: purepose.textbook.pca, as written.",
            textbook_pca.project_out,
            textbook_pca.flip_signs,
            textbook_pca.power_iteration,
            prelude="import math\nimport random\nimport sys\nimport warnings\n\n"
            "from purepose.errors import ConvergenceWarning\nfrom purepose.textbook.linalg "
            "import dot",
        )

    def fast(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(power_iteration=_fast_power)

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        args = payload["args"]
        rng = random.Random(payload["seed"])
        result = functions.power_iteration(args["S"], args["n_components"], rng)
        return list(result)[:2]

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for d in sorted(rng.randint(2, 8) for _ in range(5)):
            spectrum = sorted((10.0 ** rng.uniform(-2, 1) for _ in range(d)), reverse=True)
            spectrum = [v * (1.5**-i) for i, v in enumerate(spectrum)]  # well separated
            k = rng.randint(1, min(d, 3))
            cases.append(_power(ORDINARY, f"d = {d}, n_components = {k}", spectrum, k, rng))
        cases += [
            _power(CAREFUL, "d = 1", [2.5], 1, rng),
            _power(
                CAREFUL,
                "near-equal top eigenvalues, lambda_2 / lambda_1 = 0.97: lambda "
                "converges long before v",
                [1.0, 0.97, 0.5, 0.3, 0.2, 0.1],
                2,
                rng,
                hint="stop when v stops changing (sign-invariantly) or the residual "
                "||S v - lambda v|| is at rounding level, and allow enough iterations "
                "(0.97^t reaches 1e-12 at t = 900)",
            ),
            _power(
                CAREFUL,
                "a repeated eigenvalue (lambda_2 = lambda_3): any orthonormal "
                "basis of its eigenspace is right",
                [3.0, 1.0, 1.0, 0.5, 0.1],
                3,
                rng,
            ),
            _power(
                CAREFUL,
                "rank deficient: the 4th eigenvalue is 0 (S v = 0 there: do not divide by zero)",
                [5.0, 3.0, 1.0, 0.0, 0.0, 0.0],
                4,
                rng,
            ),
            _power(CAREFUL, "eigenvalues from 1e6 down to 1e-6", [1e6, 1.0, 1e-6, 0.0], 3, rng),
            _power(BAD_INPUT, "n_components = 4 for a 3 x 3 S", [3.0, 2.0, 1.0], 4, rng),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        spectrum = [2.0 * 0.7**i for i in range(16)]
        return _power(ORDINARY, "the top 3 of a 16 x 16 covariance", spectrum, 3, rng)

    def check(self, case: Case, got: Any) -> Verdict:
        spectrum, Q = case.expected
        S = case.payload["args"]["S"]
        k, d = case.payload["args"]["n_components"], len(S)
        if not isinstance(got, list) or len(got) < 2:
            return Verdict.fail("return (eigenvalues, eigenvectors)")
        values, vectors = got
        problem = (
            structure_problem(values, [0.0] * k)
            or structure_problem(vectors, [[0.0] * d for _ in range(k)])
            or finite_problem(values, "eigenvalues")
            or finite_problem(vectors, "eigenvectors")
        )
        if problem:
            return Verdict.fail(problem.replace("the result", "eigenvalues or eigenvectors"))
        fro = math.hypot(*(x for row in S for x in row))
        for i in range(k):
            for j in range(i + 1):
                overlap = math.fsum(a * b for a, b in zip(vectors[i], vectors[j]))
                if abs(overlap - (i == j)) > 1e-10:
                    what = f"||v_{i}||^2" if i == j else f"v_{i} . v_{j}"
                    return Verdict.fail(
                        f"{what} = {overlap!r}: the eigenvectors must be "
                        "orthonormal (re-orthogonalize against the found ones)"
                    )
        truth = sorted(spectrum, reverse=True)
        for i, (lam, v) in enumerate(zip(values, vectors)):
            Sv = [math.fsum(a * b for a, b in zip(row, v)) for row in S]
            residual = math.hypot(*(s - lam * x for s, x in zip(Sv, v)))
            if residual > 1e-10 * fro:
                return Verdict.fail(
                    f"component {i}: ||S v - lambda v|| = {residual:.3g}; allowed "
                    f"1e-10 ||S||_F = {1e-10 * fro:.3g}",
                    *_angle(i, v, spectrum, Q),
                )
            if abs(lam - truth[i]) > residual + 8 * d * U * fro:
                return Verdict.fail(
                    f"eigenvalue {i}: expected {truth[i]!r} (the spectrum is "
                    f"{', '.join(f'{t:g}' for t in truth)}), got {lam!r}",
                    "the eigenvalues must be the largest ones, in descending order",
                )
        return Verdict.ok()


def _angle(i: int, v: list[float], spectrum: list[float], Q: list[list[float]]) -> list[str]:
    """How far v is from the true eigenvector, when that eigenvalue is simple."""
    order = sorted(range(len(spectrum)), key=lambda j: -spectrum[j])
    j = order[i]
    if [s for s in spectrum if s == spectrum[j]] != [spectrum[j]]:
        return []
    cos = abs(math.fsum(Q[r][j] * v[r] for r in range(len(v)))) / max(math.hypot(*v), 1e-300)
    degrees = math.degrees(math.acos(min(1.0, cos)))
    return [f"v_{i} is {degrees:.2g} degrees from the true eigenvector"]


def _fast_power(S: list, n_components: int, rng: random.Random) -> tuple:
    from purepose.fast.eigensolvers import eigsh_subspace

    return eigsh_subspace(S, n_components, random_state=rng.randrange(2**31))


# ---------------------------------------------------------------------------


def _signs(tier: str, label: str, vectors: list[list[float]]) -> Case:
    return Case(tier, label, {"f": "flip_signs", "args": {"vectors": vectors}})


class PcaSignsExercise(Exercise):
    name = "pca_signs"
    level = "warm-up"
    summary = "deterministic PCA signs: the largest-|value| entry of each component positive"
    functions = ("flip_signs",)
    tolerance = "exact: flipping a sign is exact, so every entry must equal the expected one"
    starter_text = SIGNS_STARTER

    def answer(self) -> str:
        return source_of(
            "The model answer of exercise pca_signs: purepose.textbook.pca.flip_signs.",
            textbook_pca.flip_signs,
        )

    def cases(self, rng: random.Random) -> list[Case]:
        cases = []
        for k, d in sorted((rng.randint(1, 4), rng.randint(2, 6)) for _ in range(5)):
            vectors = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(k)]
            cases.append(_signs(ORDINARY, f"{k} vectors of {d} entries", vectors))
        cases += [
            _signs(CAREFUL, "already positive: nothing to flip", [[0.1, 0.9, -0.3]]),
            _signs(
                CAREFUL,
                "a tie between +0.6 and -0.6: the first of them decides",
                [[-0.6, 0.6, 0.2], [0.5, -0.5, 0.1]],
            ),
            _signs(CAREFUL, "the largest entry is not the first one", [[0.1, -0.2, -0.9, 0.3]]),
            _signs(CAREFUL, "a row of zeros stays as it is", [[0.0, 0.0, 0.0], [0.0, -1.0, 0.0]]),
            _signs(CAREFUL, "one entry per row", [[-2.0], [3.0]]),
        ]
        return cases

    def speed_case(self, rng: random.Random) -> Case:
        vectors = [[rng.gauss(0, 1) for _ in range(64)] for _ in range(200)]
        return _signs(ORDINARY, "200 vectors of 64 entries", vectors)

    def check(self, case: Case, got: Any) -> Verdict:
        vectors = case.payload["args"]["vectors"]
        expected = textbook_pca.flip_signs(vectors)
        zeros = [[0.0] * len(v) for v in vectors]
        verdict = compare(got, expected, zeros)
        if verdict.passed or structure_problem(got, expected):
            return verdict
        for i, (g, v) in enumerate(zip(got, vectors)):
            if g != expected[i]:
                j = max(range(len(v)), key=lambda c: abs(v[c]))
                if g == v:
                    verdict.lines.append(
                        f"  row {i} was not flipped: its largest |entry| is "
                        f"v[{j}] = {v[j]!r}, which must become positive"
                    )
                elif all(-a == b for a, b in zip(g, v)):
                    verdict.lines.append(
                        f"  row {i} was flipped, but its largest |entry| "
                        f"v[{j}] = {v[j]!r} is positive already"
                    )
                break
        return verdict
