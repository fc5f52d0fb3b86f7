"""PoseRegressor as JSON: what a saved model holds, and the strict check of a model file.

A model file is plain JSON (never pickle), readable by eye:

    format, version, purepose_version    what it is
    params                               the hyper-parameters (PoseRegressor.get_params)
    layout                               n_channels, target_names, target_unit,
                                         zero_is_rest, sample_rates
    feature_names, n_samples             the feature columns; training windows
    mean, scale                          the standardization
    components, explained_variance       the PCA (null without)
    coef, intercept, alpha               the ridge solution (model "ridge")
    head, alpha or n_neighbors           a nonlinear head's estimator and its chosen
                                         hyper-parameter (models "mlp", "knn", "rff")
    val_metric, val_scores               the validation search (alpha -> score)
    mean_pose                            each target's training mean (the baseline)
    trained_on                           name, SHA-256 and part of each training file
    model_selection                      model "auto": each candidate's validation score
                                         and which was chosen (null otherwise; optional)

Reading checks every field before it builds anything: types, finiteness, and
every shape against the sizes the file declares, which are themselves bounded
(a model cannot declare more features than ``windows.MAX_FEATURES``), so a
small hostile file cannot make the reader allocate gigabytes. Version 1 files
(purepose 0.1: emg2pose only, windows in samples) are read too.
"""

from __future__ import annotations

import math
from typing import Any

from purepose import __version__
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES
from purepose.signals.windows import MAX_FEATURES
from purepose.types import Matrix, Vector

FORMAT = "purepose.PoseRegressor"
FORMAT_VERSION = 2


def model_to_dict(model: Any) -> dict[str, Any]:
    """The JSON-ready dict of a fitted PoseRegressor (module docstring)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "purepose_version": __version__,
        "params": model.get_params(),
        "layout": {
            "n_channels": model.n_channels_,
            "target_names": list(model.target_names_),
            "target_unit": model.target_unit_,
            "zero_is_rest": model.zero_is_rest_,
            "sample_rates": list(model.sample_rates_),
        },
        "feature_names": model.feature_names_,
        "n_samples": model.n_samples_,
        "mean": model.mean_,
        "scale": model.scale_,
        "components": model.components_,
        "explained_variance": model.explained_variance_,
        "coef": model.coef_,
        "intercept": model.intercept_,
        "head": None if model.head_ is None else model.head_.to_dict(),
        "alpha": model.alpha_,
        "n_neighbors": model.n_neighbors_,
        "val_metric": model.val_metric_,
        "val_scores": model.val_scores_,
        "mean_pose": model.mean_pose_,
        "target_range": [model.target_min_, model.target_max_],
        "trained_on": model.trained_on_,
        "model_selection": model.model_selection_,
    }


class _Reader:
    """Field-by-field validation with one-line errors naming the file and the field."""

    def __init__(self, data: Any, source: str) -> None:
        self.data = data
        self.source = source

    def fail(self, message: str) -> PureposeError:
        return PureposeError(f"{self.source}: {message}")

    def get(self, key: str, where: dict[str, Any] | None = None) -> Any:
        where = self.data if where is None else where
        if key not in where:
            raise self.fail(f"missing field {key!r}")
        return where[key]

    def number(self, value: Any, what: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(f"{what} must be a finite number, got {str(value)[:40]}")
        return float(value)

    def integer(self, value: Any, what: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{what} must be an integer in [{low}, {high}], got {str(value)[:40]}")
        return value

    def vector(self, key: str, length: int) -> Vector:
        value = self.get(key)
        if not isinstance(value, list) or len(value) != length:
            got = len(value) if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must be a list of {length} numbers, got {got}")
        return [self.number(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def matrix(self, key: str, n_rows: int, n_cols: int) -> Matrix:
        value = self.get(key)
        if not isinstance(value, list) or len(value) != n_rows:
            got = len(value) if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must have {n_rows} rows, got {got}")
        out = []
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != n_cols:
                got = len(row) if isinstance(row, list) else type(row).__name__
                raise self.fail(f"{key!r} row {i} must have {n_cols} numbers, got {got}")
            out.append([self.number(v, f"{key}[{i}][{j}]") for j, v in enumerate(row)])
        return out

    def strings(self, value: Any, what: str, max_len: int) -> list[str]:
        if (
            not isinstance(value, list)
            or not 0 < len(value) <= max_len
            or not all(isinstance(v, str) for v in value)
        ):
            raise self.fail(f"{what} must be a list of 1 to {max_len} strings")
        return value


def _upgrade_v1(data: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    """A version-1 model (emg2pose only, windows in samples) as a version-2 dict."""
    params = dict(reader.get("params")) if isinstance(data.get("params"), dict) else {}
    params.setdefault("window_ms", None)
    params.setdefault("hop_ms", None)
    params.setdefault("normalize", "global")
    if reader.get("joint_names") != list(JOINT_NAMES):
        raise reader.fail("'joint_names' do not match the emg2pose joint order")
    out = dict(data)
    out["params"] = params
    out["layout"] = {
        "n_channels": reader.get("n_channels"),
        "target_names": list(JOINT_NAMES),
        "target_unit": "rad",
        "zero_is_rest": True,
        "sample_rates": [2000.0],
    }
    out["val_metric"] = "mae_deg"
    out["val_scores"] = reader.get("val_mae_deg")
    out["trained_on"] = []
    out["target_range"] = None  # 0.1 kept no range: the plausibility check uses +-pi only
    return out


def model_from_dict(cls: type, data: Any, source: str = "model") -> Any:
    """Rebuild a fitted PoseRegressor from a model dict, checking every field first."""
    reader = _Reader(data, source)
    if not isinstance(data, dict):
        raise reader.fail("model file must hold a JSON object")
    if data.get("format") != FORMAT:
        raise reader.fail(f"not a purepose model (format {str(data.get('format'))[:40]!r})")
    version = reader.get("version")
    if version == 1:
        data = _upgrade_v1(data, reader)
        reader = _Reader(data, source)
    elif version != FORMAT_VERSION:
        raise reader.fail(
            f"model format version {str(version)[:20]} is not supported (expected 2)"
        )
    params = reader.get("params")
    if isinstance(params, dict) and version == 1:  # 0.1's models had ridge only
        params = {**{name: cls().get_params()[name] for name in cls.PARAMS}, **params}
        params["model"] = "ridge"
    if not isinstance(params, dict) or set(params) != set(cls.PARAMS):
        raise reader.fail(f"'params' must hold exactly {list(cls.PARAMS)}")
    if params.get("model") == "auto":
        raise reader.fail("params.model is 'auto': a fitted model names the model it chose")
    model = cls(**params)
    try:
        config = model.check_params()
    except PureposeError as exc:
        raise reader.fail(f"bad hyper-parameter: {exc}") from None
    _read_layout(reader, model, config)
    _read_numbers(reader, model)
    return model


def _read_layout(reader: _Reader, model: Any, config: Any) -> None:
    layout = reader.get("layout")
    if not isinstance(layout, dict):
        raise reader.fail("'layout' must be an object")
    n_channels = reader.integer(reader.get("n_channels", layout), "'n_channels'", 1, MAX_FEATURES)
    n_features = config.n_features(n_channels)
    if n_features > MAX_FEATURES:
        raise reader.fail(
            f"{n_channels} channels x {len(config.features)} features x {config.n_lags + 1} "
            f"lags = {n_features} features, more than {MAX_FEATURES}"
        )
    names = reader.strings(reader.get("target_names", layout), "'target_names'", MAX_FEATURES)
    unit = reader.get("target_unit", layout)
    if not isinstance(unit, str):
        raise reader.fail("'target_unit' must be a string")
    zero_is_rest = reader.get("zero_is_rest", layout)
    if not isinstance(zero_is_rest, bool):
        raise reader.fail("'zero_is_rest' must be true or false")
    rates = reader.get("sample_rates", layout)
    if not isinstance(rates, list) or not 0 < len(rates) <= 100:
        raise reader.fail("'sample_rates' must be a list of 1 to 100 numbers")
    model.sample_rates_ = [reader.number(r, "sample_rates entry") for r in rates]
    if reader.get("feature_names") != config.feature_names(n_channels):
        raise reader.fail("'feature_names' do not match the features and lags in 'params'")
    model.n_channels_ = n_channels
    model.n_features_in_ = n_features
    model.feature_names_ = config.feature_names(n_channels)
    model.target_names_ = list(names)
    model.target_unit_ = unit
    model.zero_is_rest_ = zero_is_rest
    trained_on = reader.get("trained_on")
    if not isinstance(trained_on, list) or not all(
        isinstance(t, dict) and isinstance(t.get("name"), str) and isinstance(t.get("sha256"), str)
        for t in trained_on
    ):
        raise reader.fail("'trained_on' must be a list of {name, sha256, part} objects")
    model.trained_on_ = trained_on


def _target_range(reader: _Reader, n_targets: int) -> tuple[Vector, Vector]:
    """The training range of each target ([min list, max list]); a v1 model has none."""
    value = reader.get("target_range")
    if value is None:
        return [-math.inf] * n_targets, [math.inf] * n_targets
    if not isinstance(value, list) or len(value) != 2:
        raise reader.fail("'target_range' must be [minimums, maximums]")
    reader.data = {**reader.data, "target_min": value[0], "target_max": value[1]}
    low, high = reader.vector("target_min", n_targets), reader.vector("target_max", n_targets)
    if any(a > b for a, b in zip(low, high)):
        raise reader.fail("'target_range' has a minimum above its maximum")
    return low, high


def _read_estimator(reader: _Reader, model: Any, n_scores: int, n_targets: int) -> None:
    """The ridge solution, or a nonlinear head, and the hyper-parameter chosen for it."""
    from .heads import Head

    if model.model == "ridge":
        if reader.data.get("head") is not None:
            raise reader.fail("'head' must be null for a ridge model")
        model.coef_ = reader.matrix("coef", n_targets, n_scores)
        model.intercept_ = reader.vector("intercept", n_targets)
        model.head_, model.n_neighbors_ = None, None
        model.alpha_ = reader.number(reader.get("alpha"), "'alpha'")
        return
    if reader.data.get("coef") is not None or reader.data.get("intercept") is not None:
        raise reader.fail(f"'coef' and 'intercept' must be null for a {model.model} model")
    model.coef_ = model.intercept_ = None
    model.head_ = Head.from_dict(reader.get("head"), reader.source, n_scores, n_targets)
    if model.head_.kind != model.model:
        raise reader.fail(f"the head is {model.head_.kind}, the params say {model.model}")
    if model.model == "knn":
        model.alpha_ = None
        k = reader.integer(reader.get("n_neighbors"), "'n_neighbors'", 1, 10**9)
        model.n_neighbors_ = k
    else:
        model.n_neighbors_ = None
        model.alpha_ = reader.number(reader.get("alpha"), "'alpha'")


def _read_numbers(reader: _Reader, model: Any) -> None:
    n_features, n_targets = model.n_features_in_, len(model.target_names_)
    model.n_samples_ = reader.integer(reader.get("n_samples"), "'n_samples'", 2, 10**15)
    model.mean_ = reader.vector("mean", n_features)
    model.scale_ = reader.vector("scale", n_features)
    if any(s <= 0 for s in model.scale_):
        raise reader.fail("'scale' entries must be > 0")
    n_scores = model.n_scores(n_features)
    if n_scores is None:
        if reader.get("components") is not None:
            raise reader.fail("'components' must be null when the model has no PCA")
        model.components_ = model.explained_variance_ = None
        n_scores = n_features
    else:
        if n_scores > n_features:
            raise reader.fail(f"n_components={n_scores} exceeds the {n_features} features")
        model.components_ = reader.matrix("components", n_scores, n_features)
        model.explained_variance_ = reader.vector("explained_variance", n_scores)
    _read_estimator(reader, model, n_scores, n_targets)
    model.mean_pose_ = reader.vector("mean_pose", n_targets)
    model.target_min_, model.target_max_ = _target_range(reader, n_targets)
    metric = reader.get("val_metric")
    if metric not in ("mae_deg", "nmae"):
        raise reader.fail("'val_metric' must be 'mae_deg' or 'nmae'")
    scores = reader.get("val_scores")
    if not isinstance(scores, dict) or len(scores) > 1000:
        raise reader.fail("'val_scores' must be an object of at most 1000 entries")
    model.val_scores_ = {
        str(k)[:40]: reader.number(v, f"val_scores[{str(k)[:40]}]") for k, v in scores.items()
    }
    model.model_selection_ = _model_selection(reader)


def _model_selection(reader: _Reader) -> list[dict[str, Any]] | None:
    """Model "auto"'s candidates: [{model, normalize, val_score, chosen, alpha|n_neighbors}]."""
    table = reader.data.get("model_selection")
    if table is None:
        return None
    if not isinstance(table, list) or not 0 < len(table) <= 64:
        raise reader.fail("'model_selection' must be a list of 1 to 64 candidates")
    out = []
    for i, row in enumerate(table):
        what = f"model_selection[{i}]"
        if not (
            isinstance(row, dict)
            and isinstance(row.get("model"), str)
            and isinstance(row.get("normalize"), str)
            and isinstance(row.get("chosen"), bool)
        ):
            raise reader.fail(f"{what} must hold model, normalize, val_score and chosen")
        clean = {
            "model": row["model"][:20],
            "normalize": row["normalize"][:20],
            "val_score": reader.number(row.get("val_score"), f"{what}.val_score"),
            "chosen": row["chosen"],
        }
        for key in ("alpha", "n_neighbors"):
            if row.get(key) is not None:
                clean[key] = reader.number(row[key], f"{what}.{key}")
        out.append(clean)
    return out
