"""The two layers of the MLP agree: ``algorithm="fast"`` trains the textbook's model.

On CPython 3.11 a dot is the same left-to-right sum as the textbook's loop,
and every other operation of the fast path is the textbook's in the same
order, so the models are bit-identical. On 3.12+ ``math.sumprod`` rounds
(more accurately) in its own way, and they agree to rounding.
"""

from __future__ import annotations

import random
import sys
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import ConvergenceWarning
from purepose.fast.mlp import MLPRegressor
from purepose.fast.transposed_mlp import TransposedNetwork
from purepose.textbook import mlp as textbook

EXACT = sys.version_info < (3, 12)
# Reproducible: tests/conftest.py's default "ci" profile derandomizes.
PROPERTIES = settings(max_examples=25, deadline=None)


def _close(a: float, b: float) -> bool:
    return a == b if EXACT else abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _flat(model: MLPRegressor) -> list[float]:
    return textbook.flatten(model.coefs_, model.intercepts_)


@PROPERTIES
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(2, 40),
    d=st.integers(1, 4),
    k=st.integers(1, 3),
    hidden=st.lists(st.integers(1, 6), min_size=0, max_size=2),
    activation=st.sampled_from(textbook.ACTIVATIONS),
    solver=st.sampled_from(["adam", "sgd"]),
    batch_size=st.sampled_from(["auto", 3, 7]),
    alpha=st.sampled_from([0.0, 1e-4, 0.5]),
)
def test_fast_and_textbook_train_the_same_model(
    seed, n, d, k, hidden, activation, solver, batch_size, alpha
):
    rng = random.Random(seed)
    X = [[rng.uniform(-2.0, 2.0) for _ in range(d)] for _ in range(n)]
    Y = [[rng.gauss(0.0, 1.0) + sum(x) * j for j in range(k)] for x in X]
    params = dict(
        hidden_layer_sizes=tuple(hidden),
        activation=activation,
        solver=solver,
        batch_size=batch_size,
        alpha=alpha,
        max_iter=3,
        random_state=seed,
        learning_rate_init=0.01,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fast = MLPRegressor(**params).fit(X, Y)
        slow = MLPRegressor(**params, algorithm="textbook").fit(X, Y)
    assert fast.loss_curve_ == slow.loss_curve_ if EXACT else len(fast.loss_curve_) == 3
    assert all(map(_close, fast.loss_curve_, slow.loss_curve_))
    assert all(map(_close, _flat(fast), _flat(slow)))
    for p, q in zip(fast.predict(X), slow.predict(X)):
        assert all(map(_close, p, q))


@PROPERTIES
@given(
    seed=st.integers(0, 10**6),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    n=st.integers(1, 9),
    activation=st.sampled_from(textbook.ACTIVATIONS),
)
def test_fast_gradient_is_the_textbook_gradient(seed, sizes, n, activation):
    rng = random.Random(seed)
    W, b = textbook.glorot_init(sizes, activation, rng)
    X = [[rng.gauss(0.0, 1.0) for _ in range(sizes[0])] for _ in range(n)]
    Y = [[rng.gauss(0.0, 1.0) for _ in range(sizes[-1])] for _ in range(n)]
    acts = textbook.forward(W, b, X, activation)
    loss = textbook.loss(Y, acts[-1], W, 0.1)
    gw, gb = textbook.backward(W, acts, Y, 0.1, activation)
    net = TransposedNetwork(W, b, activation=activation, alpha=0.1, solver="adam")
    fast_loss, fw, fb = net.loss_and_gradient(X, Y)
    assert _close(fast_loss, loss)
    assert all(map(_close, textbook.flatten(fw, fb), textbook.flatten(gw, gb)))
    for p, q in zip(net.predict(X), acts[-1]):
        assert all(map(_close, p, q))
