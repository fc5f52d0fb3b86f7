"""MLPRegressor audits: gradients, scikit-learn parity, optimizer steps, the guard, persistence.

numpy and scikit-learn are the oracles (each test that needs one skips on
its own when it is missing). The network's numbers are checked three ways:
the gradient against central finite differences of the objective it claims
to differentiate, one Adam / SGD step against the update written out with
numpy, and whole training runs against scikit-learn's from the same
initial weights and batch order.
"""

from __future__ import annotations

import json
import math
import random
import re
import warnings

import pytest

from purepose._util import check_random_state
from purepose.errors import ConvergenceWarning, NotFittedError, PureposeError
from purepose.fast.mlp import MAX_HALVINGS, MLPRegressor
from purepose.fast.standardize import mean_and_scale
from purepose.fast.transposed_mlp import TransposedNetwork
from purepose.textbook import mlp as textbook
from purepose.textbook.stats import mean_r2_score as r2_score

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")


def _data(seed: int, n: int, d: int, k: int) -> tuple[list[list[float]], list[list[float]]]:
    rng = random.Random(seed)
    X = [[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]
    Y = [[math.sin(x[0]) + x[j % d] * x[(j + 1) % d] + 0.1 * j for j in range(k)] for x in X]
    return X, Y


def _quiet_fit(model: MLPRegressor, *args, **kwargs) -> MLPRegressor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # purepose's and scikit-learn's
        warnings.simplefilter("ignore", UserWarning)
        return model.fit(*args, **kwargs)


# ---------------------------------------------------------------------------
# Gradients


def _central_differences(W, b, X, Y, alpha, activation, h=1e-6):
    """d objective / d theta by (J(theta + h e_i) - J(theta - h e_i)) / 2h for every entry."""
    sizes = [len(W[0])] + [len(v) for v in b]
    theta = textbook.flatten(W, b)
    grad = []
    for i in range(len(theta)):
        values = []
        for sign in (1.0, -1.0):
            moved = list(theta)
            moved[i] += sign * h
            values.append(
                textbook.objective(*textbook.unflatten(moved, sizes), X, Y, alpha, activation)
            )
        grad.append((values[0] - values[1]) / (2 * h))
    return grad


def _pre_activations(W, b, X, activation):
    """Every hidden z = a W + b of the batch (to keep relu's finite differences off its kink)."""
    acts = textbook.forward(W, b, X, "identity" if activation == "identity" else activation)
    zs = []
    for l in range(len(W) - 1):
        for a in acts[l]:
            zs += [
                sum(a[p] * W[l][p][j] for p in range(len(a))) + b[l][j] for j in range(len(b[l]))
            ]
    return zs


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 5, 3, 1], [4, 1]])
def test_gradients_match_central_differences(activation, sizes):
    X, Y = _data(sizes[0] * 7 + len(sizes), 6, sizes[0], sizes[-1])
    rng = random.Random(len(sizes) * 11 + sizes[1])
    W, b = textbook.glorot_init(sizes, activation, rng)
    if activation == "relu":  # finite differences are wrong within h of the kink
        assert min(abs(z) for z in _pre_activations(W, b, X, activation) or [1.0]) > 1e-4
    alpha = 0.3
    numeric = _central_differences(W, b, X, Y, alpha, activation)
    acts = textbook.forward(W, b, X, activation)
    gw, gb = textbook.backward(W, acts, Y, alpha, activation)
    net = TransposedNetwork(W, b, activation=activation, alpha=alpha, solver="adam")
    _, fw, fb = net.loss_and_gradient(X, Y)
    for analytic in (textbook.flatten(gw, gb), textbook.flatten(fw, fb)):
        for g, fd in zip(analytic, numeric, strict=True):
            assert abs(g - fd) <= 1e-7 * max(1.0, abs(fd)), (g, fd)


def test_reported_loss_is_sklearns_and_objective_sums_the_outputs():
    W, b = textbook.glorot_init([2, 3, 2], "tanh", random.Random(0))
    X, Y = _data(1, 5, 2, 2)
    acts = textbook.forward(W, b, X, "tanh")
    P = acts[-1]
    squares = sum((y - p) ** 2 for yr, pr in zip(Y, P) for y, p in zip(yr, pr))
    penalty = sum(w * w for M in W for row in M for w in row)
    assert math.isclose(textbook.loss(Y, P, W, 0.2), squares / 20 + 0.1 * penalty / 5)
    assert math.isclose(
        textbook.objective(W, b, X, Y, 0.2, "tanh"), squares / 10 + 0.1 * penalty / 5
    )
    net = TransposedNetwork(W, b, activation="tanh", alpha=0.2, solver="adam")
    assert math.isclose(net.loss_and_gradient(X, Y)[0], textbook.loss(Y, P, W, 0.2), rel_tol=1e-14)


# ---------------------------------------------------------------------------
# Against scikit-learn


@pytest.mark.parametrize("algorithm", ["fast", "textbook"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_predict_with_sklearns_weights_agrees_to_rounding(algorithm, n_outputs):
    np = pytest.importorskip("numpy")
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    X, Y = _data(2, 80, 4, n_outputs)
    y = [row[0] for row in Y] if n_outputs == 1 else Y
    sk = _quiet_fit(
        sklearn_nn.MLPRegressor(
            hidden_layer_sizes=(7, 5), activation="tanh", max_iter=30, random_state=0
        ),
        np.array(X),
        np.array(y),
    )
    ours = _quiet_fit(
        MLPRegressor(
            (7, 5), activation="tanh", standardize=False, max_iter=1, algorithm=algorithm
        ),
        X,
        y,
    )
    ours.coefs_ = [w.tolist() for w in sk.coefs_]
    ours.intercepts_ = [v.tolist() for v in sk.intercepts_]
    Xq, _ = _data(3, 25, 4, 1)
    got, want = np.array(ours.predict(Xq)), sk.predict(np.array(Xq))
    assert got.shape == want.shape
    assert np.max(np.abs(got - want)) <= 1e-13 * max(1.0, np.max(np.abs(want)))


def _sklearn_from(W, b, params, X, Y):
    """scikit-learn's MLPRegressor trained from the given initial weights (warm_start).

    A first one-epoch fit creates its private attributes; the weights and the
    per-fit counters are then replaced, and the second fit starts from W, b
    with a fresh optimizer (scikit-learn builds one per fit call).
    """
    np = pytest.importorskip("numpy")
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    sk = sklearn_nn.MLPRegressor(**params, warm_start=True)
    Xn, Yn = np.array(X), np.array(Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk.set_params(max_iter=1).fit(Xn, Yn)
        sk.coefs_ = [np.array(w) for w in W]
        sk.intercepts_ = [np.array(v) for v in b]
        sk.loss_curve_, sk.t_, sk.best_loss_, sk._no_improvement_count = [], 0, np.inf, 0
        sk.set_params(max_iter=params["max_iter"]).fit(Xn, Yn)
    return sk


@pytest.mark.parametrize("algorithm", ["fast", "textbook"])
@pytest.mark.parametrize(
    "solver",
    [
        {"solver": "adam"},
        {"solver": "sgd", "learning_rate_init": 0.01},
        {
            "solver": "sgd",
            "nesterovs_momentum": False,
            "learning_rate": "invscaling",
            "learning_rate_init": 0.05,
        },
        {"solver": "sgd", "momentum": 0.0, "learning_rate_init": 0.02},
        {
            "solver": "sgd",
            "learning_rate": "adaptive",
            "learning_rate_init": 0.02,
            "n_iter_no_change": 1,
            "tol": 0.1,  # the loss stalls at epoch 5: the rate is divided by 5
        },
    ],
    ids=["adam", "sgd-nesterov", "sgd-invscaling", "sgd-plain", "sgd-adaptive"],
)
def test_training_trajectory_matches_sklearn(algorithm, solver):
    """Same initial weights, same batches (shuffle=False): the same losses and weights."""
    np = pytest.importorskip("numpy")
    X, Y = _data(4, 150, 5, 2)
    params = dict(
        hidden_layer_sizes=(9, 6),
        activation="tanh",
        alpha=0.01,
        max_iter=6,
        shuffle=False,
        batch_size=40,
        **solver,
    )
    ours = _quiet_fit(
        MLPRegressor(**params, standardize=False, random_state=3, algorithm=algorithm), X, Y
    )
    W, b = textbook.glorot_init([5, 9, 6, 2], "tanh", check_random_state(3, "test"))
    sk = _sklearn_from(W, b, params, X, Y)
    assert len(ours.loss_curve_) == len(sk.loss_curve_) == 6
    assert np.allclose(ours.loss_curve_, sk.loss_curve_, rtol=1e-12, atol=0)
    for mine, theirs in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_):
        assert np.max(np.abs(np.array(mine) - theirs)) < 1e-12
    assert ours.t_ == sk.t_ == 6 * 150


def _numpy_step(W, b, X, Y, alpha, solver, lr, steps, nesterov=True, momentum=0.9):
    """``steps`` training steps on one batch, written out with numpy (tanh network)."""
    np = pytest.importorskip("numpy")
    W = [np.array(w) for w in W]
    b = [np.array(v) for v in b]
    X, Y = np.array(X), np.array(Y)
    n = len(X)
    params = W + b
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        A = [X]
        for l in range(len(W)):
            z = A[-1] @ W[l] + b[l]
            A.append(z if l == len(W) - 1 else np.tanh(z))
        delta = A[-1] - Y
        gW, gb = [None] * len(W), [None] * len(W)
        for l in range(len(W) - 1, -1, -1):
            gW[l] = (A[l].T @ delta + alpha * W[l]) / n
            gb[l] = delta.sum(axis=0) / n
            delta = (delta @ W[l].T) * (1 - A[l] ** 2)
        grads = gW + gb
        if solver == "adam":
            m = [0.9 * mi + 0.1 * g for mi, g in zip(m, grads)]
            v = [0.999 * vi + 0.001 * g**2 for vi, g in zip(v, grads)]
            lr_t = lr * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            updates = [-lr_t * mi / (np.sqrt(vi) + 1e-8) for mi, vi in zip(m, v)]
        else:
            m = [momentum * u - lr * g for u, g in zip(m, grads)]
            updates = [momentum * u - lr * g for u, g in zip(m, grads)] if nesterov else m
        params = [p + u for p, u in zip(params, updates)]
        W, b = params[: len(W)], params[len(W) :]
    return W, b


@pytest.mark.parametrize(
    "solver,nesterov",
    [("adam", True), ("sgd", True), ("sgd", False)],
    ids=["adam", "nesterov", "momentum"],
)
@pytest.mark.parametrize("algorithm", ["fast", "textbook"])
def test_optimizer_steps_equal_the_update_written_with_numpy(solver, nesterov, algorithm):
    np = pytest.importorskip("numpy")
    X, Y = _data(5, 12, 3, 2)
    W, b = textbook.glorot_init([3, 4, 2], "tanh", random.Random(8))
    lr, alpha = 0.05, 0.1
    if algorithm == "fast":
        net = TransposedNetwork(
            W, b, activation="tanh", alpha=alpha, solver=solver, nesterov=nesterov
        )
        for _ in range(3):
            net.train_batch(X, Y, lr)
        got_W, got_b = net.parameters()
    else:
        theta = textbook.flatten(W, b)
        state = (0, [0.0] * len(theta), [0.0] * len(theta))
        velocity = [0.0] * len(theta)
        weights, biases = W, b
        for _ in range(3):
            acts = textbook.forward(weights, biases, X, "tanh")
            grad = textbook.flatten(*textbook.backward(weights, acts, Y, alpha, "tanh"))
            if solver == "adam":
                theta, state = textbook.adam_step(theta, grad, state, lr)
            else:
                theta, velocity = textbook.sgd_step(theta, grad, velocity, lr, 0.9, nesterov)
            weights, biases = textbook.unflatten(theta, [3, 4, 2])
        got_W, got_b = weights, biases
    want_W, want_b = _numpy_step(W, b, X, Y, alpha, solver, lr, 3, nesterov)
    for got, want in zip(got_W + got_b, want_W + want_b):
        assert np.max(np.abs(np.array(got) - want)) < 1e-15


# ---------------------------------------------------------------------------
# The non-finite guard, determinism, early stopping


def test_non_finite_loss_restores_weights_and_halves_the_learning_rate(capsys):
    X, Y = _data(6, 100, 4, 1)
    model = _quiet_fit(
        MLPRegressor(
            (8,),
            solver="sgd",
            batch_size=1,
            learning_rate_init=2.0,
            max_iter=3,
            random_state=0,
            verbose=True,
        ),
        X,
        Y,
    )
    assert model.learning_rate_halvings_
    assert all(1 <= epoch <= 3 for epoch, _ in model.learning_rate_halvings_)
    rates = [rate for _, rate in model.learning_rate_halvings_]
    assert rates == [2.0 / 2**i for i in range(1, len(rates) + 1)]
    assert all(math.isfinite(v) for v in model.loss_curve_)
    assert all(math.isfinite(w) for W in model.coefs_ for row in W for w in row)
    err = capsys.readouterr().err
    assert f"learning rate halved to {rates[-1]:.3g}" in err


@pytest.mark.parametrize("solver,rate", [("sgd", 100.0), ("adam", 1e100)])
def test_non_finite_loss_raises_after_the_stated_number_of_halvings(solver, rate):
    X, Y = _data(6, 100, 4, 1)
    model = MLPRegressor(
        (8,),
        solver=solver,
        batch_size=1 if solver == "sgd" else "auto",
        learning_rate_init=rate,
        max_iter=3,
        random_state=0,
    )
    with pytest.raises(PureposeError, match=f"after {MAX_HALVINGS} halvings") as info:
        model.fit(X, Y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("algorithm", ["fast", "textbook"])
def test_same_random_state_gives_the_same_model_to_the_bit(algorithm):
    X, Y = _data(7, 120, 3, 2)
    fit = lambda seed: _quiet_fit(  # noqa: E731
        MLPRegressor(
            (6,), max_iter=4, random_state=seed, algorithm=algorithm, early_stopping=True
        ),
        X,
        Y,
    ).to_dict()
    assert json.dumps(fit(1)) == json.dumps(fit(1))
    assert fit(1)["coefs"] != fit(2)["coefs"]
    assert fit(1)["validation_scores"] != fit(2)["validation_scores"]


def test_validation_set_restores_the_best_epochs_weights():
    X, Y = _data(8, 40, 3, 2)
    noise = random.Random(0)
    Y = [[y + noise.gauss(0.0, 1.0) for y in row] for row in Y]  # to overfit
    Xv, Yv = _data(9, 200, 3, 2)
    model = _quiet_fit(
        MLPRegressor(
            (64,), learning_rate_init=0.02, max_iter=120, n_iter_no_change=200, random_state=0
        ),
        X,
        Y,
        X_val=Xv,
        Y_val=Yv,
    )
    scores = model.validation_scores_
    best = max(scores)
    assert model.best_validation_score_ == best
    assert scores[-1] < best - 1e-3, "the run should overfit, so the restore matters"
    assert math.isclose(model.score(Xv, Yv), best, rel_tol=0, abs_tol=1e-12)


def test_early_stopping_holds_out_a_fraction_and_stops():
    X, Y = _data(10, 300, 3, 1)
    model = _quiet_fit(
        MLPRegressor(
            (32,),
            learning_rate_init=0.02,
            early_stopping=True,
            n_iter_no_change=3,
            max_iter=300,
            random_state=0,
        ),
        X,
        Y,
    )
    assert model.n_iter_ < 300
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    no_val = _quiet_fit(MLPRegressor((4,), max_iter=3, random_state=0), X, Y)
    assert no_val.validation_scores_ is None and no_val.best_loss_ == min(no_val.loss_curve_)


def test_standardize_predicts_in_the_original_units():
    X, Y = _data(11, 100, 3, 2)
    big = [[1000.0 * y + 5.0 for y in row] for row in Y]
    small = _quiet_fit(MLPRegressor((5,), max_iter=5, random_state=0), X, Y)
    large = _quiet_fit(MLPRegressor((5,), max_iter=5, random_state=0), X, big)
    for p, q in zip(small.predict(X), large.predict(X)):
        for a, b in zip(p, q):
            assert math.isclose(1000.0 * a + 5.0, b, rel_tol=1e-9, abs_tol=1e-9)
    means, scales = mean_and_scale(big)
    assert all(math.isclose(m, s, rel_tol=1e-12) for m, s in zip(large.y_mean_, means))
    assert large.y_scale_ == scales


def test_sklearn_standard_scaler_and_r2_agree():
    np = pytest.importorskip("numpy")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    metrics = pytest.importorskip("sklearn.metrics")
    X, Y = _data(12, 50, 3, 3)
    X = [[*row, 7.0] for row in X]  # a constant column gets scale 1
    sc = preprocessing.StandardScaler().fit(np.array(X))
    means, scales = mean_and_scale(X)
    assert np.allclose(means, sc.mean_, rtol=1e-14) and np.allclose(scales, sc.scale_, rtol=1e-14)
    P = [[y + 0.3 * math.cos(i + j) for j, y in enumerate(row)] for i, row in enumerate(Y)]
    assert math.isclose(r2_score(Y, P), metrics.r2_score(np.array(Y), np.array(P)), rel_tol=1e-13)


def test_progress_line_per_epoch_only_when_verbose(capsys):
    X, Y = _data(13, 60, 2, 1)
    _quiet_fit(MLPRegressor((3,), max_iter=3, verbose=True), X, Y, X_val=X, Y_val=Y)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and lines[0].startswith("MLPRegressor: epoch 1/3  loss ")
    assert "val R^2" in lines[0] and lines[0].endswith(" s")
    _quiet_fit(MLPRegressor((3,), max_iter=3), X, Y)
    assert capsys.readouterr().err == ""


def test_single_output_vector_in_vector_out():
    X, Y = _data(14, 60, 2, 1)
    y = [row[0] for row in Y]
    model = _quiet_fit(MLPRegressor((3,), max_iter=2), X, y)
    pred = model.predict(X[:5])
    assert isinstance(pred[0], float) and len(pred) == 5
    assert MLPRegressor.from_dict(json.loads(json.dumps(model.to_dict()))).predict(X[:5]) == pred


# ---------------------------------------------------------------------------
# Persistence and bad input


@pytest.mark.parametrize("algorithm", ["fast", "textbook"])
def test_json_round_trip_gives_the_same_predictions(tmp_path, algorithm):
    X, Y = _data(15, 80, 3, 2)
    model = _quiet_fit(
        MLPRegressor((5, 4), max_iter=3, algorithm=algorithm, early_stopping=True), X, Y
    )
    path = model.save(tmp_path / "mlp.json")
    loaded = MLPRegressor.load(path)
    assert loaded.predict(X) == model.predict(X)
    assert loaded.to_dict() == model.to_dict()


def _model_dict():
    X, Y = _data(16, 30, 2, 2)
    return _quiet_fit(MLPRegressor((3,), max_iter=2), X, Y).to_dict()


def _set(path, value):
    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return d

    return change


BAD_MODELS = {
    "format": (_set(["format"], "purepose.Ridge"), "not a purepose.MLPRegressor model"),
    "version": (_set(["version"], 9), "version 9 is not supported"),
    "coef row too short": (_set(["coefs", 0, 1], [0.5, 0.5]), "'coefs' layer 0 row 1 must be"),
    "coef rows missing": (_set(["coefs", 1], [[1.0, 2.0]]), "'coefs' layer 1 must have 3 rows"),
    "layer sizes disagree": (_set(["layer_sizes"], [2, 4, 2]), "'layer_sizes' must be"),
    "huge sizes": (
        lambda d: _set(["params", "hidden_layer_sizes"], [90000])(
            _set(["layer_sizes"], [90000, 90000, 2])(d)
        ),
        "more than the limit",
    ),
    "nan": (_set(["intercepts", 0, 0], float("nan")), "found NaN or infinity"),
    "infinity": (_set(["coefs", 0, 0, 0], float("inf")), "found NaN or infinity"),
    "string number": (_set(["x_mean", 0], "0.5"), "found a str"),
    "bool number": (_set(["y_scale"], True), "must be a list of 2 numbers"),
    "zero scale": (_set(["x_scale", 1], 0.0), "must be > 0"),
    "bad param": (_set(["params", "activation"], "softsign"), "bad hyper-parameter"),
    "extra param": (_set(["params", "warm_start"], True), "'params' must hold exactly"),
    "loss curve too long": (_set(["loss_curve"], [1.0] * 3), "at most 2 numbers"),
    "not an object": (lambda d: [d], "must be a JSON object"),
}


@pytest.mark.parametrize("case", list(BAD_MODELS))
def test_bad_json_models_give_one_line_errors(case):
    change, message = BAD_MODELS[case]
    data = change(json.loads(json.dumps(_model_dict())))
    with pytest.raises(PureposeError) as info:
        MLPRegressor.from_dict(data)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_load_rejects_missing_and_malformed_files(tmp_path):
    with pytest.raises(PureposeError, match="model file not found"):
        MLPRegressor.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(PureposeError, match="not a JSON model file"):
        MLPRegressor.load(tmp_path / "bad.json")


BAD_PARAMS = {
    "hidden_layer_sizes": ((0,), "hidden_layer_sizes"),
    "activation": ("softsign", "activation='softsign' must be"),
    "solver": ("lbfgs", "solver='lbfgs' must be 'adam' or 'sgd'"),
    "alpha": (-1.0, "alpha=-1.0 must be a number in [0, inf)"),
    "learning_rate_init": (0.0, "learning_rate_init=0.0 must be"),
    "batch_size": (0, "batch_size=0 must be"),
    "max_iter": (0, "max_iter=0 must be an int >= 1"),
    "momentum": (1.5, "momentum=1.5 must be a number in [0, 1]"),
    "beta_2": (1.0, "beta_2=1.0 must be"),
    "validation_fraction": (1.0, "validation_fraction=1.0"),
    "shuffle": (1, "shuffle=1 must be a bool"),
    "algorithm": ("gpu", "algorithm='gpu' must be 'fast' or 'textbook'"),
    "random_state": (1.5, "random_state must be an int or None"),
}


@pytest.mark.parametrize("name", list(BAD_PARAMS))
def test_bad_parameters_give_one_line_errors(name):
    value, message = BAD_PARAMS[name]
    X, Y = _data(17, 10, 2, 1)
    with pytest.raises(PureposeError, match=re.escape(message)):
        MLPRegressor(**{name: value}).fit(X, Y)


def test_bad_data_and_use_before_fit():
    X, Y = _data(18, 10, 2, 2)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        MLPRegressor().predict(X)
    with pytest.raises(PureposeError, match="X has 10 samples but Y has 9"):
        MLPRegressor().fit(X, Y[:9])
    with pytest.raises(PureposeError, match="NaN or inf"):
        MLPRegressor().fit([[float("nan"), 1.0], *X[1:]], Y)
    with pytest.raises(PureposeError, match="give both X_val and Y_val"):
        MLPRegressor().fit(X, Y, X_val=X)
    with pytest.raises(PureposeError, match="X_val/Y_val have 1/2 columns"):
        MLPRegressor().fit(X, Y, X_val=[[1.0]], Y_val=[[1.0, 2.0]])
    with pytest.raises(PureposeError, match="leaves 1 validation rows"):
        MLPRegressor(early_stopping=True).fit(X, Y)
    model = _quiet_fit(MLPRegressor((2,), max_iter=1), X, Y)
    with pytest.raises(PureposeError, match="X has 3 features, but the model was fitted with 2"):
        model.predict([[1.0, 2.0, 3.0]])
