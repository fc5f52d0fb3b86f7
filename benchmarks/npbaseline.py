"""The numpy / scikit-learn side of the feature and end-to-end cases.

The same model as ``purepose.pose.model.PoseRegressor`` with its defaults, written
the way a numpy user would: h5py reads the session into arrays, window sums
come from ``numpy.cumsum`` (one prefix sum per quantity, differences of it per
window), lags by array slicing, then ``StandardScaler`` + ``Ridge`` with the
ridge penalty chosen on the validation sessions from the same grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import h5py
import numpy as np

IK_FAILURE_ATOL = 1e-8


def window_starts(n_samples: int, window: int, hop: int) -> np.ndarray:
    """First sample of every full window."""
    return np.arange(0, n_samples - window + 1, hop)


def _window_sums(values: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """``values[s:s+length].sum(axis=0)`` for every start s, from one cumulative sum."""
    prefix = np.concatenate([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    return prefix[starts + length] - prefix[starts]


def extract_features(
    emg: np.ndarray,
    *,
    window: int = 200,
    hop: int = 40,
    features: Sequence[str] = ("rms", "mav", "wl", "logpow"),
    eps: float = 1e-12,
) -> np.ndarray:
    """Per-channel RMS / MAV / WL / LOGPOW of sliding windows (feature-major columns)."""
    x = np.asarray(emg, dtype=np.float64)
    starts = window_starts(len(x), window, hop)
    out = []
    power = _window_sums(x * x, starts, window) / window
    absdiff = np.abs(np.diff(x, axis=0))
    for name in features:
        if name == "rms":
            out.append(np.sqrt(power))
        elif name == "logpow":
            out.append(np.log(power + eps))
        elif name == "mav":
            out.append(_window_sums(np.abs(x), starts, window) / window)
        elif name == "wl":
            out.append(_window_sums(absdiff, starts, window - 1))
        else:
            raise ValueError(f"npbaseline.extract_features: feature {name!r} not implemented")
    return np.concatenate(out, axis=1)


def lag_stack(F: np.ndarray, n_lags: int, step: int) -> np.ndarray:
    """Row t = [F[t], F[t - step], ..., F[t - n_lags step]], repeating row 0 before the start."""
    blocks = [F]
    for k in range(1, n_lags + 1):
        shift = min(k * step, len(F))
        blocks.append(np.concatenate([np.repeat(F[:1], shift, axis=0), F[: len(F) - shift]]))
    return np.concatenate(blocks, axis=1)


@dataclass
class SessionArrays:
    X: np.ndarray
    Y: np.ndarray
    valid: np.ndarray


def featurize(
    path: str, *, window: int = 200, hop: int = 40, n_lags: int = 2, lag_step: int = 2
) -> SessionArrays:
    """Features (with lags), labels at each window's last sample, and the IK-failure mask."""
    with h5py.File(path, "r") as f:
        ts = f["emg2pose"]["timeseries"][...]
    emg = ts["emg"].astype(np.float64)
    angles = ts["joint_angles"].astype(np.float64)
    F = extract_features(emg, window=window, hop=hop)
    X = lag_stack(F, n_lags, lag_step) if n_lags else F
    starts = window_starts(len(emg), window, hop)
    Y = angles[starts + window - 1]
    valid = ~np.all(np.abs(Y) <= IK_FAILURE_ATOL, axis=1)
    return SessionArrays(X, Y, valid)


def _stack(parts: list[SessionArrays], valid_only: bool) -> tuple[np.ndarray, np.ndarray]:
    if valid_only:
        return np.concatenate([p.X[p.valid] for p in parts]), np.concatenate(
            [p.Y[p.valid] for p in parts]
        )
    return np.concatenate([p.X for p in parts]), np.concatenate([p.Y for p in parts])


def mae_deg(Y: np.ndarray, P: np.ndarray) -> float:
    """The emg2pose metric: mean |error| over joints and valid frames, in degrees."""
    return float(np.degrees(np.mean(np.abs(P - Y))))


@dataclass
class PipelineResult:
    alpha: float
    test_mae_deg: float
    test_predictions: np.ndarray
    val_mae_deg: dict[float, float]


def fit_evaluate(
    train: Sequence[str], val: Sequence[str], test: Sequence[str], alphas: Sequence[float]
) -> PipelineResult:
    """StandardScaler + Ridge on the train windows, alpha by validation MAE, test MAE."""
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    X, Y = _stack([featurize(p) for p in train], valid_only=True)
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    val_parts = [featurize(p) for p in val]
    Xv, Yv = _stack(val_parts, valid_only=True)
    Zv = scaler.transform(Xv)
    scores = {}
    models = {}
    for alpha in alphas:
        model = Ridge(alpha=alpha).fit(Z, Y)
        scores[alpha] = mae_deg(Yv, model.predict(Zv))
        models[alpha] = model
    best = min(alphas, key=lambda a: (scores[a], -a))
    test_parts = [featurize(p) for p in test]
    Xt, Yt = _stack(test_parts, valid_only=False)
    P = models[best].predict(scaler.transform(Xt))
    valid = np.concatenate([p.valid for p in test_parts])
    return PipelineResult(best, mae_deg(Yt[valid], P[valid]), P, scores)
