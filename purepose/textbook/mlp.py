"""The multilayer perceptron for regression, written in the order of the chain rule.

A network with layer sizes ``n_0`` (inputs), ``n_1 ... n_{L-1}`` (hidden) and
``n_L`` (outputs) has weights ``W_l`` (n_{l-1} x n_l lists of rows, the
orientation of scikit-learn's ``coefs_``) and biases ``b_l`` (n_l entries).
For a batch X of n rows and targets Y (n x k, k = n_L):

    forward     a_0 = X,   z_l = a_{l-1} W_l + b_l,   a_l = g(z_l)  (l < L),   P = z_L
    loss        loss = (1 / (2 n k)) sum_i sum_c (y_ic - p_ic)^2 + (alpha / (2 n)) sum_l ||W_l||^2
    backward    delta_L = P - Y
                grad W_l = (a_{l-1}^T delta_l + alpha W_l) / n,   grad b_l = (sum_i delta_l[i]) / n
                delta_{l-1} = (delta_l W_l^T) * g'(z_{l-1})       (elementwise)

g is the hidden activation (relu, tanh, logistic or identity); the output is
linear. g' is written through the activation itself, as scikit-learn does:
relu' = [a > 0], tanh' = 1 - a^2, logistic' = a (1 - a).

The loss and its gradient follow scikit-learn's ``MLPRegressor`` exactly, so
the numbers compare: the reported loss averages the squared error over the
k outputs too, but the gradient is that of the *sum* over outputs,

    J = (1 / (2 n)) sum_i ||y_i - p_i||^2 + (alpha / (2 n)) sum_l ||W_l||^2,

(``objective``), k times the data term of the reported loss. Biases are not
penalized. The 1/n is applied to each gradient at the end, as scikit-learn does.

Optimizers see all parameters as one vector theta (``flatten``): Adam
(Kingma and Ba, 2015) and SGD with (Nesterov) momentum, each one step.
Initialisation is Glorot's uniform(-r, r), r = sqrt(6 / (fan_in + fan_out))
(factor 2 instead of 6 for logistic units), as scikit-learn draws it.

Cost per batch of n rows: the forward pass n sum_l n_{l-1} n_l multiply-adds,
the backward pass twice that (minus the first layer's delta).

References: D. E. Rumelhart, G. E. Hinton, R. J. Williams, "Learning
representations by back-propagating errors", Nature 323 (1986); X. Glorot
and Y. Bengio, AISTATS 2010; D. P. Kingma and J. Ba, "Adam: a method for
stochastic optimization", ICLR 2015.

>>> W, b = [[[1.0], [2.0]]], [[0.5]]
>>> forward(W, b, [[1.0, 1.0]], "relu")[-1]
[[3.5]]
"""

from __future__ import annotations

import math
import random
from itertools import pairwise
from typing import Any

from purepose.types import Matrix, Vector

ACTIVATIONS = ("identity", "logistic", "relu", "tanh")


def activate(name: str, z: float) -> float:
    """The hidden activation g(z): ``relu``, ``tanh``, ``logistic`` or ``identity``.

    >>> activate("relu", -2.0), activate("tanh", 0.0), activate("logistic", 0.0)
    (0.0, 0.0, 0.5)
    >>> activate("softplus", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'softplus'
    """
    if name == "relu":
        return z if z > 0.0 else 0.0
    if name == "tanh":
        return math.tanh(z)
    if name == "logistic":
        return logistic(z)
    if name == "identity":
        return z
    raise ValueError(f"unknown activation {name!r}")


def logistic(z: float) -> float:
    """1 / (1 + exp(-z)), computed so that exp never overflows.

    >>> logistic(0.0), logistic(-1000.0), logistic(1000.0)
    (0.5, 0.0, 1.0)
    """
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # z < 0: exp(z) < 1 cannot overflow
    return e / (1.0 + e)


def derivative(name: str, a: float) -> float:
    """g'(z) written through the output a = g(z) (scikit-learn's convention).

    >>> derivative("relu", 0.0), derivative("relu", 2.0), derivative("tanh", 0.5)
    (0.0, 1.0, 0.75)
    """
    if name == "relu":
        return 1.0 if a > 0.0 else 0.0
    if name == "tanh":
        return 1.0 - a * a
    if name == "logistic":
        return a * (1.0 - a)
    return 1.0


def glorot_init(
    layer_sizes: list[int], activation: str, rng: random.Random
) -> tuple[list[Matrix], list[Vector]]:
    """Weights and biases drawn uniform(-r, r), r = sqrt(factor / (fan_in + fan_out)).

    factor = 6 (2 for logistic units). Draw order as scikit-learn: layer by
    layer, W_l row by row, then b_l.

    >>> W, b = glorot_init([2, 3, 1], "relu", random.Random(0))
    >>> [len(w) for w in W], [len(w[0]) for w in W], [len(v) for v in b]
    ([2, 3], [3, 1], [3, 1])
    """
    factor = 2.0 if activation == "logistic" else 6.0
    weights, biases = [], []
    for fan_in, fan_out in pairwise(layer_sizes):
        r = math.sqrt(factor / (fan_in + fan_out))
        weights.append([[rng.uniform(-r, r) for _ in range(fan_out)] for _ in range(fan_in)])
        biases.append([rng.uniform(-r, r) for _ in range(fan_out)])
    return weights, biases


def forward(
    weights: list[Matrix], biases: list[Vector], X: Matrix, activation: str
) -> list[Matrix]:
    """All activations ``[a_0 = X, a_1, ..., a_L = P]``: z_l = a_{l-1} W_l + b_l, a_l = g(z_l).

    The last layer is linear (P = z_L). Returns lists of rows, n rows each.

    >>> forward([[[1.0, -1.0]], [[1.0], [1.0]]], [[0.0, 0.0], [0.0]], [[2.0]], "relu")
    [[[2.0]], [[2.0, 0.0]], [[2.0]]]
    """
    activations = [X]
    for l, (W, b) in enumerate(zip(weights, biases)):
        last = l == len(weights) - 1
        A = []
        for a in activations[-1]:
            row = []
            for j in range(len(b)):
                z = 0.0
                for p in range(len(a)):
                    z += a[p] * W[p][j]
                z += b[j]
                row.append(z if last else activate(activation, z))
            A.append(row)
        activations.append(A)
    return activations


def loss(Y: Matrix, P: Matrix, weights: list[Matrix], alpha: float) -> float:
    """scikit-learn's reported loss: mean over rows and outputs of (y - p)^2 / 2 + L2 term.

    loss = sum_ic (y_ic - p_ic)^2 / (2 n k) + alpha sum_l ||W_l||^2 / (2 n),
    each sum exactly rounded (``math.fsum``).

    >>> loss([[1.0, 2.0]], [[0.0, 0.0]], [[[1.0]]], 0.5)
    1.5
    """
    n, k = len(Y), len(Y[0])
    squares = math.fsum((y - p) * (y - p) for yr, pr in zip(Y, P) for y, p in zip(yr, pr))
    penalty = math.fsum(w * w for W in weights for row in W for w in row)
    return squares / (2 * n * k) + (0.5 * alpha) * penalty / n


def objective(
    weights: list[Matrix],
    biases: list[Vector],
    X: Matrix,
    Y: Matrix,
    alpha: float,
    activation: str,
) -> float:
    """The function :func:`backward` differentiates: J = (|Y - P|^2 + alpha sum_l |W_l|^2) / (2 n).

    |.| is the Frobenius norm: J sums the squared error over the outputs.

    >>> objective([[[1.0]]], [[0.0]], [[1.0]], [[3.0]], 0.0, "relu")
    2.0
    """
    P = forward(weights, biases, X, activation)[-1]
    n = len(Y)
    squares = math.fsum((y - p) * (y - p) for yr, pr in zip(Y, P) for y, p in zip(yr, pr))
    penalty = math.fsum(w * w for W in weights for row in W for w in row)
    return squares / (2 * n) + (0.5 * alpha) * penalty / n


def backward(
    weights: list[Matrix], activations: list[Matrix], Y: Matrix, alpha: float, activation: str
) -> tuple[list[Matrix], list[Vector]]:
    """Gradients of :func:`objective` by the chain rule, from the output layer down.

    delta_L = P - Y; for l = L .. 1: grad W_l = (a_{l-1}^T delta_l + alpha W_l) / n,
    grad b_l = sum_i delta_l[i] / n, then delta_{l-1} = (delta_l W_l^T) * g'(a_{l-1}).
    Returns ``(grad_weights, grad_biases)`` shaped like the parameters.

    >>> acts = forward([[[2.0]]], [[0.0]], [[1.0]], "relu")
    >>> backward([[[2.0]]], acts, [[3.0]], 0.0, "relu")
    ([[[-1.0]]], [[-1.0]])
    """
    n = len(Y)
    delta = [[p - y for p, y in zip(pr, yr)] for pr, yr in zip(activations[-1], Y)]
    grad_weights: list[Matrix] = [[] for _ in weights]
    grad_biases: list[Vector] = [[] for _ in weights]
    for l in range(len(weights) - 1, -1, -1):
        W, A = weights[l], activations[l]  # A = a_{l-1} in the docstring's numbering
        n_in, n_out = len(W), len(W[0])
        grad_weights[l] = [
            [
                (sum(A[i][p] * delta[i][j] for i in range(n)) + alpha * W[p][j]) / n
                for j in range(n_out)
            ]
            for p in range(n_in)
        ]
        grad_biases[l] = [sum(delta[i][j] for i in range(n)) / n for j in range(n_out)]
        if l > 0:  # the error signal one layer down (not needed for the inputs)
            delta = [
                [
                    sum(delta[i][j] * W[p][j] for j in range(n_out))
                    * derivative(activation, A[i][p])
                    for p in range(n_in)
                ]
                for i in range(n)
            ]
    return grad_weights, grad_biases


def flatten(weights: list[Matrix], biases: list[Vector]) -> Vector:
    """theta: every weight (layer by layer, row by row), then every bias.

    >>> flatten([[[1.0, 2.0]]], [[3.0, 4.0]])
    [1.0, 2.0, 3.0, 4.0]
    """
    return [w for W in weights for row in W for w in row] + [v for b in biases for v in b]


def unflatten(theta: Vector, layer_sizes: list[int]) -> tuple[list[Matrix], list[Vector]]:
    """The inverse of :func:`flatten` for a network of ``layer_sizes``.

    >>> unflatten([1.0, 2.0, 3.0, 4.0], [1, 2])
    ([[[1.0, 2.0]]], [[3.0, 4.0]])
    """
    weights, biases, at = [], [], 0
    for n_in, n_out in pairwise(layer_sizes):
        weights.append([theta[at + p * n_out : at + (p + 1) * n_out] for p in range(n_in)])
        at += n_in * n_out
    for n_out in layer_sizes[1:]:
        biases.append(theta[at : at + n_out])
        at += n_out
    return weights, biases


def adam_step(
    theta: Vector,
    grad: Vector,
    state: tuple[int, Vector, Vector],
    learning_rate: float,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Vector, tuple[int, Vector, Vector]]:
    """One Adam step; ``state = (t, m, v)``, start from ``(0, zeros, zeros)``.

        t <- t + 1
        m <- beta_1 m + (1 - beta_1) g          (first moment)
        v <- beta_2 v + (1 - beta_2) g^2        (second moment)
        lr_t = learning_rate sqrt(1 - beta_2^t) / (1 - beta_1^t)     (bias correction)
        theta <- theta - lr_t m / (sqrt(v) + epsilon)

    Each step moves a parameter by at most about lr_t, whatever the gradient's
    size: Adam is hard to blow up, unlike plain SGD.

    >>> theta, state = adam_step([1.0], [4.0], (0, [0.0], [0.0]), 0.1)
    >>> round(theta[0], 6), state[0]
    (0.9, 1)
    """
    t, m, v = state
    t += 1
    m = [beta_1 * mi + (1 - beta_1) * g for mi, g in zip(m, grad)]
    v = [beta_2 * vi + (1 - beta_2) * (g * g) for vi, g in zip(v, grad)]
    lr_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    theta = [p + -lr_t * mi / (math.sqrt(vi) + epsilon) for p, mi, vi in zip(theta, m, v)]
    return theta, (t, m, v)


def sgd_step(
    theta: Vector,
    grad: Vector,
    velocity: Vector,
    learning_rate: float,
    momentum: float = 0.9,
    nesterov: bool = True,
) -> tuple[Vector, Vector]:
    """One SGD step with momentum; returns ``(theta, velocity)`` (start from zeros).

        velocity <- momentum velocity - learning_rate g
        theta    <- theta + velocity                                  (classical)
        theta    <- theta + momentum velocity - learning_rate g       (Nesterov)

    >>> sgd_step([1.0], [2.0], [0.0], 0.1, momentum=0.5, nesterov=False)
    ([0.8], [-0.2])
    """
    velocity = [momentum * u - learning_rate * g for u, g in zip(velocity, grad)]
    if nesterov:
        update = [momentum * u - learning_rate * g for u, g in zip(velocity, grad)]
    else:
        update = velocity
    return [p + u for p, u in zip(theta, update)], velocity


# ---------------------------------------------------------------------------
# Training one batch (the interface the estimator drives, shared with TransposedNetwork)


class TextbookNetwork:
    """A network being trained with this module's functions, one batch at a time.

    ``train_batch`` is forward, loss, backward, one optimizer step, in that
    order; it returns None (and changes nothing) if the loss or the gradient
    is not finite. ``options``: activation, alpha, solver ("adam" or "sgd"),
    momentum, nesterov, beta_1, beta_2, epsilon. MLPRegressor(algorithm=
    "textbook") trains with it.
    """

    def __init__(self, coefs: list[Matrix], intercepts: list[Vector], **options: Any) -> None:
        self.weights = [[list(r) for r in W] for W in coefs]
        self.biases = [list(b) for b in intercepts]
        self.sizes = [len(coefs[0])] + [len(b) for b in intercepts]
        self.options = options
        n_params = len(flatten(self.weights, self.biases))
        self.state: Any = (0, [0.0] * n_params, [0.0] * n_params)
        if options["solver"] == "sgd":
            self.state = [0.0] * n_params  # the velocity

    def train_batch(self, X: Matrix, Y: Matrix, learning_rate: float) -> float | None:
        o = self.options
        activations = forward(self.weights, self.biases, X, o["activation"])
        value = loss(Y, activations[-1], self.weights, o["alpha"])
        if not math.isfinite(value):
            return None
        gw, gb = backward(self.weights, activations, Y, o["alpha"], o["activation"])
        grad = flatten(gw, gb)
        if not all(map(math.isfinite, grad)):
            return None
        theta = flatten(self.weights, self.biases)
        if o["solver"] == "adam":
            step = (learning_rate, o["beta_1"], o["beta_2"], o["epsilon"])
            theta, self.state = adam_step(theta, grad, self.state, *step)
        else:
            step = (learning_rate, o["momentum"], o["nesterov"])
            theta, self.state = sgd_step(theta, grad, self.state, *step)
        self.weights, self.biases = unflatten(theta, self.sizes)
        return value

    def predict(self, X: Matrix) -> Matrix:
        return forward(self.weights, self.biases, X, self.options["activation"])[-1]

    def parameters(self) -> tuple[list[Matrix], list[Vector]]:
        return [[list(r) for r in W] for W in self.weights], [list(b) for b in self.biases]

    def snapshot(self) -> tuple[Any, Any, Any]:
        return self.weights, self.biases, self.state  # the textbook builds new lists

    def restore(self, state: tuple[Any, Any, Any]) -> None:
        self.weights, self.biases, self.state = state

    def finite(self) -> bool:
        return all(map(math.isfinite, flatten(self.weights, self.biases)))


__all__ = [
    "ACTIVATIONS",
    "TextbookNetwork",
    "activate",
    "adam_step",
    "backward",
    "derivative",
    "flatten",
    "forward",
    "glorot_init",
    "logistic",
    "loss",
    "objective",
    "sgd_step",
    "unflatten",
]
