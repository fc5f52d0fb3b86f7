"""The fast symmetric eigensolvers behind PCA: power iteration and subspace iteration.

Both find the top eigenpairs of a symmetric positive semi-definite d x d
matrix S (a covariance) and return ``(eigenvalues, eigenvectors, n_iter)``,
eigenvalues descending, eigenvectors as orthonormal rows with the
largest-|entry| positive (scikit-learn's ``svd_flip``).

* :func:`eigsh_power`: power iteration with deflation, ``v <- (I - U U^T) S v /
  ||.||``, one vector at a time; the textbook algorithm
  (:func:`purepose.textbook.pca.power_iteration`) on the C-level kernels of
  :mod:`purepose.fast.blas`. Vector i converges at rate ``|lambda_{i+1} / lambda_i|``.
* :func:`eigsh_subspace` (PCA's default) buys convergence with *subspace
  iteration*: a block of p > k orthonormal vectors moves at once and, each
  step, the small p x p matrix ``H = Q S Q^T`` is diagonalized by cyclic
  Jacobi rotations (Rayleigh-Ritz, :func:`jacobi_eigh`). Vector i then
  converges at rate ``|lambda_{p+1} / lambda_i|``, and near-equal eigenvalues
  inside the block are separated exactly by the small eigenproblem.

Stopping rule, for each eigenvector: the sign-invariant change
``min(||v_new - v_old||, ||v_new + v_old||) <= tol``, or the residual
``||S v - lambda v||`` at the rounding floor ``16 sqrt(d) eps ||S||_F`` (there v
is an eigenvector of a matrix within rounding of S, as good as any solver can
do). Otherwise ``max_iter`` stops it with a ConvergenceWarning.

Cost: power iteration O(d^2) per step per component; subspace iteration
O(p d^2 + p^2 d + p^3 sweeps) per step.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013, sections 7.3 (power method), 8.2 (subspace iteration,
Rayleigh-Ritz) and 8.5 (Jacobi).

>>> values, vectors, n_iter = eigsh_subspace([[2.0, 0.0], [0.0, 1.0]], 1)
>>> values, vectors
([2.0], [[1.0, 0.0]])

Tests: ``tests/textbook/test_pca.py`` holds it equal to the textbook;
``tests/fast/test_pca.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import random
import sys
import warnings
from collections.abc import Sequence
from itertools import repeat
from operator import mul, sub

from purepose._util import check_random_state
from purepose.checks import check_iteration_params, check_square, check_symmetric
from purepose.errors import ConvergenceWarning, PureposeError
from purepose.textbook.pca import flip_signs
from purepose.types import Matrix, Vector

from .blas import dot, frobenius_norm, matmul, matmul_transposed, matvec, norm

__all__ = ["check_n_components", "eigsh_power", "eigsh_subspace", "jacobi_eigh"]

_EPS = sys.float_info.epsilon


# ---------------------------------------------------------------------------
# Small vector helpers


def _gaussian_vector(rng: random.Random, d: int) -> Vector:
    """A random direction: d independent N(0, 1) draws (uniform on the sphere once normed)."""
    return [rng.gauss(0.0, 1.0) for _ in range(d)]


def _axpy(alpha: float, x: Vector, y: Vector) -> Vector:
    """``y + alpha x`` as a new list."""
    return list(map(sub, y, map(mul, x, repeat(-alpha))))


def _scaled(x: Vector, alpha: float) -> Vector:
    return list(map(mul, x, repeat(alpha)))


def _project_out(w: Vector, basis: Sequence[Vector]) -> Vector:
    """Return ``(I - U U^T) w`` for orthonormal rows U: Gram-Schmidt, applied twice.

    Each step removes the component along one u from the current w (modified
    Gram-Schmidt). One pass loses orthogonality when ``w`` is nearly in
    span(U); a second pass restores it to rounding level (Kahan-Parlett:
    "twice is enough").
    """
    for _ in range(2):
        for u in basis:
            w = _axpy(-dot(u, w), u, w)
    return w


def _sign_invariant_change(v_new: Vector, v_old: Vector) -> float:
    """``min(||v_new - v_old||, ||v_new + v_old||)``: eigenvectors have no sign."""
    if dot(v_new, v_old) >= 0.0:
        return norm(list(map(sub, v_new, v_old)))
    return norm([a + b for a, b in zip(v_new, v_old)])


def _residual_floor(S: Matrix) -> float:
    """Residual ``||S v - lambda v||`` that rounding alone produces: ~16 sqrt(d) eps ||S||_F."""
    return 16.0 * math.sqrt(len(S)) * _EPS * frobenius_norm(S)


def check_n_components(n_components: object, limit: int, func: str, what: str) -> int:
    """Return ``n_components`` after checking it is an int in ``1..limit`` (``what`` names limit).

    >>> check_n_components(3, 2, "PCA.fit", "n_features")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PCA.fit: n_components=3 exceeds n_features=2
    """
    if isinstance(n_components, bool) or not isinstance(n_components, int):
        raise PureposeError(f"{func}: n_components must be an int, got {n_components!r}")
    if n_components < 1:
        raise PureposeError(f"{func}: n_components={n_components} must be >= 1")
    if n_components > limit:
        raise PureposeError(f"{func}: n_components={n_components} exceeds {what}={limit}")
    return n_components


def _check_psd(eigenvalue: float, floor: float, func: str) -> None:
    # Rounding may leave a null direction at -floor; anything more negative means
    # S is not PSD, and power iteration would have chased the largest |lambda|.
    if eigenvalue < -floor:
        raise PureposeError(
            f"{func}: S is not positive semi-definite (found eigenvalue {eigenvalue:.6g} < 0)"
        )


def _sorted_descending(
    values: Vector, vectors: Matrix, n_iter: list[int]
) -> tuple[Vector, Matrix, list[int]]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    clipped = [max(values[i], 0.0) for i in order]  # -1e-17 from rounding is 0 variance
    return clipped, flip_signs([vectors[i] for i in order]), [n_iter[i] for i in order]


# ---------------------------------------------------------------------------
# The textbook method: power iteration with deflation


def _check_eigen_problem(
    S: Sequence[Sequence[float]],
    n_components: int,
    max_iter: int,
    tol: float,
    random_state: int | None,
    func: str,
) -> tuple[Matrix, int, int, random.Random, float]:
    """Checks shared by both eigensolvers; returns (S as floats, d, k, rng, residual floor)."""
    d = check_square(S, "S", func)
    check_symmetric(S, "S", func)
    k = check_n_components(n_components, d, func, "n_features")
    check_iteration_params(max_iter, tol, func)
    rng = check_random_state(random_state, func)
    S = [[float(x) for x in row] for row in S]
    return S, d, k, rng, _residual_floor(S)


def eigsh_power(
    S: Sequence[Sequence[float]],
    n_components: int,
    *,
    max_iter: int = 1000,
    tol: float = 1e-12,
    random_state: int | None = None,
) -> tuple[Vector, Matrix, list[int]]:
    """Top eigenpairs of a symmetric positive semi-definite matrix by power iteration.

    For i = 1..n_components: start from a random unit vector orthogonal to the
    eigenvectors already found, then repeat

        w = (I - U U^T) S v,   lambda = v . w,   v <- w / ||w||

    until v changes by at most ``tol`` (sign-invariant) or the residual
    ``||S v - lambda v||`` reaches the rounding floor. v approaches the
    eigenvector at rate ``|lambda_{i+1} / lambda_i|`` per step, so near-equal
    eigenvalues are slow: after ``max_iter`` steps a ConvergenceWarning names
    the component and the residual reached. A repeated eigenvalue is no
    problem: v settles on some unit vector of its eigenspace.

    Shapes: S is d x d. Returns ``(eigenvalues, eigenvectors, n_iter)``:
    ``n_components`` eigenvalues in descending order (clipped at 0), the
    eigenvectors as rows (orthonormal, largest-|entry| positive) and the number
    of iterations each one took. ``random_state=None`` uses a fixed seed.

    >>> values, vectors, n_iter = eigsh_power([[4.0, 1.0], [1.0, 3.0]], 2)
    >>> [round(x, 12) for x in values]
    [4.61803398875, 2.38196601125]
    >>> [[round(x, 6) for x in v] for v in vectors]
    [[0.850651, 0.525731], [-0.525731, 0.850651]]
    >>> eigsh_power([[1.0, 0.0], [0.0, 1.0]], 3)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: eigsh_power: n_components=3 exceeds n_features=2
    """
    func = "eigsh_power"
    S, d, k, rng, floor = _check_eigen_problem(S, n_components, max_iter, tol, random_state, func)

    values: Vector = []
    vectors: Matrix = []
    n_iter: list[int] = []
    for i in range(k):
        v = _random_unit_vector_orthogonal_to(vectors, rng, d)
        converged = False
        residual = change = math.inf
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 - `it` is reported below
            w = _project_out(matvec(S, v), vectors)
            lam = dot(v, w)
            residual = norm(_axpy(-lam, v, w))
            if residual <= floor:  # v is an eigenvector to working precision
                converged = True
                break
            v_new = _scaled(w, 1.0 / norm(w))  # w != 0 here, since residual > 0
            change = _sign_invariant_change(v_new, v)
            v = v_new
            if change <= tol:
                converged = True
                break
        lam = dot(v, matvec(S, v))  # Rayleigh quotient of the final vector
        _check_psd(lam, floor, func)
        if not converged:
            residual = norm(_axpy(-lam, v, _project_out(matvec(S, v), vectors)))
            warnings.warn(
                f"{func}: component {i} of {k} did not converge in max_iter={max_iter} "
                f"iterations: residual ||S v - lambda v||={residual:.3g} (lambda={lam:.6g}), "
                f"last change {change:.3g} > tol={tol:g}; near-equal eigenvalues converge "
                "slowly (try method='subspace' or a larger max_iter)",
                ConvergenceWarning,
                stacklevel=2,
            )
        values.append(lam)
        vectors.append(v)
        n_iter.append(it)
    return _sorted_descending(values, vectors, n_iter)


def _random_unit_vector_orthogonal_to(basis: Matrix, rng: random.Random, d: int) -> Vector:
    """A random unit vector orthogonal to the orthonormal rows of ``basis`` (len(basis) < d)."""
    for _ in range(100):
        v = _project_out(_gaussian_vector(rng, d), basis)
        length = norm(v)
        if length > 1e-3:  # a random draw is essentially never this close to span(U)
            return _scaled(v, 1.0 / length)
    raise PureposeError(f"eigsh: no direction left orthogonal to {len(basis)} vectors in {d}-D")


# ---------------------------------------------------------------------------
# The faster method: subspace (block) iteration with Rayleigh-Ritz


def _orthonormalize_rows(rows: Matrix, rng: random.Random) -> Matrix:
    """Orthonormal rows spanning ``rows`` (modified Gram-Schmidt, twice).

    A row that is (numerically) a combination of the earlier ones, e.g. ``S v``
    for v in the null space of S, is replaced by a fresh random direction so the
    block always stays full rank.
    """
    basis: Matrix = []
    d = len(rows[0])
    for row in rows:
        original = norm(row)
        w = _project_out(row, basis)
        length = norm(w)
        if length <= 1e-10 * original or length == 0.0:
            basis.append(_random_unit_vector_orthogonal_to(basis, rng, d))
        else:
            basis.append(_scaled(w, 1.0 / length))
    return basis


def jacobi_eigh(H: Matrix, max_sweeps: int = 60) -> tuple[Vector, Matrix]:
    """All eigenpairs of a small symmetric matrix by cyclic Jacobi rotations.

    Each rotation J in the (p, q) plane zeroes ``A[p][q]`` of ``A <- J^T A J``
    (Golub & Van Loan, Algorithm 8.5.2, with Rutishauser's update of the
    diagonal); the off-diagonal mass falls quadratically per sweep. Returns
    eigenvalues in descending order and the eigenvectors as rows.
    O(p^3) per sweep, a handful of sweeps.

    >>> values, vectors = jacobi_eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> [round(v, 12) for v in values], [[round(x, 6) for x in v] for v in vectors]
    ([3.0, 1.0], [[0.707107, 0.707107], [0.707107, -0.707107]])
    """
    p_size = len(H)
    A = [row[:] for row in H]
    Vt = [[1.0 if i == j else 0.0 for j in range(p_size)] for i in range(p_size)]
    scale = frobenius_norm(A)
    for _ in range(max_sweeps):
        off = math.hypot(*(A[i][j] for i in range(p_size) for j in range(i + 1, p_size)))
        if off <= _EPS * scale:
            break
        for p in range(p_size - 1):
            for q in range(p + 1, p_size):
                apq = A[p][q]
                if apq == 0.0:
                    continue
                theta = (A[q][q] - A[p][p]) / (2.0 * apq)
                t = math.copysign(1.0, theta) / (abs(theta) + math.hypot(1.0, theta))
                c = 1.0 / math.sqrt(1.0 + t * t)
                s = t * c
                A[p][p] -= t * apq
                A[q][q] += t * apq
                A[p][q] = A[q][p] = 0.0
                for r in range(p_size):
                    if r != p and r != q:
                        arp, arq = A[r][p], A[r][q]
                        A[r][p] = A[p][r] = c * arp - s * arq
                        A[r][q] = A[q][r] = s * arp + c * arq
                vp, vq = Vt[p], Vt[q]
                Vt[p] = [c * a - s * b for a, b in zip(vp, vq)]
                Vt[q] = [s * a + c * b for a, b in zip(vp, vq)]
    order = sorted(range(p_size), key=lambda i: -A[i][i])
    return [A[i][i] for i in order], [Vt[i] for i in order]


def _block_size(n_components: int, d: int) -> int:
    """Block of ``k + max(k, 5)`` vectors (capped at d): the extra ones speed convergence."""
    return min(d, n_components + max(n_components, 5))


def eigsh_subspace(
    S: Sequence[Sequence[float]],
    n_components: int,
    *,
    max_iter: int = 1000,
    tol: float = 1e-12,
    random_state: int | None = None,
) -> tuple[Vector, Matrix, list[int]]:
    """Top eigenpairs of a symmetric PSD matrix by subspace iteration with Rayleigh-Ritz.

    A block Q of p = min(d, k + max(k, 5)) orthonormal rows (random; the
    identity when p = d, which makes one step a full Jacobi diagonalization
    of S) is iterated:

        Z = Q S,   H = Q Z^T (p x p),   H = W diag(theta) W^T (Jacobi),
        V = W^T Q (Ritz vectors),   Q <- orthonormalize(W^T Z = V S)

    The Ritz values theta approximate the top eigenvalues; vector i converges
    at rate ``|lambda_{p+1} / lambda_i|``. The same stopping rule as
    :func:`eigsh_power` is applied to each of the first k Ritz vectors; all k
    are iterated together, so ``n_iter`` holds the same total for each.

    >>> values, vectors, n_iter = eigsh_subspace([[4.0, 1.0], [1.0, 3.0]], 1)
    >>> round(values[0], 12), [round(x, 6) for x in vectors[0]], n_iter
    (4.61803398875, [0.850651, 0.525731], [1])
    >>> eigsh_subspace([[1.0, 2.0]], 1)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: eigsh_subspace: S must be square, got 1x2
    """
    func = "eigsh_subspace"
    S, d, k, rng, floor = _check_eigen_problem(S, n_components, max_iter, tol, random_state, func)
    p = _block_size(k, d)

    if p == d:  # the block is the whole space: Rayleigh-Ritz is Jacobi on S itself
        Q = [[1.0 if i == j else 0.0 for j in range(d)] for i in range(d)]
    else:
        Q = _orthonormalize_rows([_gaussian_vector(rng, d) for _ in range(p)], rng)
    previous: Matrix | None = None
    done = [False] * k
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - `it` is reported below
        Z = [matvec(S, q) for q in Q]  # rows of Q S (S is symmetric)
        H = matmul_transposed(Q, Z)
        H = [[0.5 * (H[i][j] + H[j][i]) for j in range(p)] for i in range(p)]
        theta, W = jacobi_eigh(H)
        V = matmul(W, Q)  # Ritz vectors, orthonormal rows
        SV = matmul(W, Z)  # S applied to them, without another matvec
        residuals = [norm(_axpy(-t, v, sv)) for t, v, sv in zip(theta, V, SV)]
        for i in range(k):
            change = math.inf if previous is None else _sign_invariant_change(V[i], previous[i])
            done[i] = residuals[i] <= floor or change <= tol
        if all(done):
            break
        previous = V[:k]
        Q = _orthonormalize_rows(SV, rng)
    values = [dot(v, matvec(S, v)) for v in V[:k]]  # Rayleigh quotients, as in eigsh_power
    for value in values:
        _check_psd(value, floor, func)
    if not all(done):
        worst = max(range(k), key=lambda i: residuals[i])
        warnings.warn(
            f"{func}: {done.count(False)} of {k} components did not converge in "
            f"max_iter={max_iter} iterations: worst residual ||S v - lambda v||="
            f"{residuals[worst]:.3g} (component {worst}, lambda={theta[worst]:.6g}) "
            f"with tol={tol:g}",
            ConvergenceWarning,
            stacklevel=2,
        )
    return _sorted_descending(values, V[:k], [it] * k)


# ---------------------------------------------------------------------------
# The approximate method: a randomized range finder, for dimension reduction


def eigsh_randomized(
    S: Sequence[Sequence[float]],
    n_components: int,
    *,
    n_iter: int = 4,
    n_oversamples: int = 10,
    random_state: int | None = None,
) -> tuple[Vector, Matrix, list[int]]:
    """Top eigenpairs, approximately, by a randomized range finder with power steps.

    A Gaussian block of p = k + ``n_oversamples`` rows is multiplied by S
    ``n_iter`` + 1 times, orthonormalized after each product, and one
    Rayleigh-Ritz step (Jacobi on the p x p matrix) gives the Ritz pairs:

        Q_0 = orth(G),   Q_{i+1} = orth(Q_i S),   H = Q S Q^T = W diag(theta) W^T,
        V = W^T Q

    Halko, Martinsson & Tropp (SIAM Review 53, 2011), algorithms 4.3 and 5.3;
    what scikit-learn's ``PCA(svd_solver="randomized")`` does to the data.
    The subspace is exact when S has rank <= p; otherwise the error of
    component i falls like ``(lambda_{p+1} / lambda_i)^(2 n_iter + 1)``.
    It does not iterate to a tolerance: use it where an approximate top
    subspace is what is wanted (a projection that only reduces the
    dimension), :func:`eigsh_subspace` where the eigenvectors themselves
    matter. Cost (n_iter + 2) p d^2 + one Jacobi of p x p.

    >>> values, vectors, _ = eigsh_randomized([[4.0, 1.0], [1.0, 3.0]], 1, random_state=0)
    >>> round(values[0], 12), [round(x, 6) for x in vectors[0]]
    (4.61803398875, [0.850651, 0.525731])
    """
    func = "eigsh_randomized"
    S, d, k, rng, floor = _check_eigen_problem(S, n_components, 1, 0.0, random_state, func)
    for name, value in (("n_iter", n_iter), ("n_oversamples", n_oversamples)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PureposeError(f"{func}: {name}={value!r} must be an integer >= 0")
    p = min(d, k + n_oversamples)
    Q = _orthonormalize_rows([_gaussian_vector(rng, d) for _ in range(p)], rng)
    for _ in range(n_iter + 1):
        Q = _orthonormalize_rows([matvec(S, q) for q in Q], rng)
    Z = [matvec(S, q) for q in Q]
    H = matmul_transposed(Q, Z)
    _, W = jacobi_eigh([[0.5 * (H[i][j] + H[j][i]) for j in range(p)] for i in range(p)])
    V = matmul(W, Q)[:k]
    values = [dot(v, matvec(S, v)) for v in V]
    for value in values:
        _check_psd(value, floor, func)
    return _sorted_descending(values, V, [n_iter + 1] * k)
