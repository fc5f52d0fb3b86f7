"""``model="auto"``: fit every model under every normalisation, keep the best on validation.

The selection is the plainest one there is, a grid over two discrete choices
with each candidate's own hyper-parameter searched inside it:

    for normalize in ("global", "session"):
        for model in ("ridge", "rff", "mlp", "knn"):
            fit on train, choosing alpha (or k) on val      (PoseRegressor.fit)
            score_m = the best validation score of that search
    keep argmin score_m   (ties: the earlier candidate, so the cheaper model)

The score is the model's own validation metric (angular MAE in degrees for
emg2pose joint angles, the normalised MAE otherwise), so every candidate is
measured the same way on the same windows. Every candidate's score is logged
(stderr, unless quiet) and kept in the chosen model as ``model_selection_``,
which its JSON file records. Per-session normalisation is a candidate and not
the default because it helps across sessions and users but can cost accuracy on
data that barely drifts: only validation data can tell.

Cost: the sum of the candidates' fits. Each normalisation featurizes every
recording once (purepose.pose.training caches the features between candidates), so
the price is dominated by the MLP's epochs.

>>> import tempfile
>>> from purepose.data.emg2pose import Dataset
>>> from purepose.data.synth import make_dataset
>>> root = tempfile.mkdtemp()
>>> _ = make_dataset(root, n_sessions=3, seconds=2.0, seed=1, quiet=True)
>>> ds = Dataset(root)
>>> from purepose.pose.model import PoseRegressor
>>> model = fit_auto(
...     PoseRegressor(max_epochs=3, hidden_layer_sizes=(8,)),
...     ds.select(split="train"), ds.select(split="val"), models=("ridge", "knn"),
... )
>>> [(c["model"], c["normalize"]) for c in model.model_selection_]
[('ridge', 'global'), ('knn', 'global'), ('ridge', 'session'), ('knn', 'session')]
>>> model.model in ("ridge", "knn") and sum(c["chosen"] for c in model.model_selection_)
1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from purepose._util import log
from purepose.errors import PureposeError

CANDIDATE_MODELS = ("ridge", "rff", "mlp", "knn")
"""In order of cost: on a tie the cheaper model wins."""
NORMALIZATIONS = ("global", "session")


def fit_auto(
    estimator: Any,
    train: Iterable[Any],
    val: Iterable[Any],
    *,
    models: Sequence[str] = CANDIDATE_MODELS,
    normalizations: Sequence[str] = NORMALIZATIONS,
    n_jobs: int = 1,
    quiet: bool = True,
) -> Any:
    """The fitted candidate with the best validation score (module docstring).

    ``estimator`` (a PoseRegressor) gives every hyper-parameter but ``model``
    and ``normalize``, which the search sets; it is not changed. Each candidate
    is ``type(estimator)(**params)``, as scikit-learn's searches clone theirs.
    """
    train, val = list(train), list(val)
    if not val:
        raise PureposeError(
            "model='auto' chooses on validation data: give validation sources (--val)"
        )
    fixed = {k: v for k, v in estimator.get_params().items() if k not in ("model", "normalize")}
    best, best_score, table = None, float("inf"), []
    for normalize in normalizations:
        for name in models:
            model = type(estimator)(**fixed, model=name, normalize=normalize)
            model.fit(train, val_sessions=val, n_jobs=n_jobs, quiet=quiet)
            score = min(model.val_scores_.values())
            value = {"n_neighbors": model.n_neighbors_} if name == "knn" else {}
            value = value or {"alpha": model.alpha_}
            table.append({"model": name, "normalize": normalize, "val_score": score, **value})
            log(
                f"auto: {name:5s} normalize={normalize:7s} val {model.val_metric_} {score:.4g} "
                f"({', '.join(f'{k}={v:g}' for k, v in value.items())})",
                quiet=quiet,
            )
            if score < best_score:
                best, best_score = model, score
    assert best is not None
    for row in table:
        row["chosen"] = (row["model"], row["normalize"]) == (best.model, best.normalize)
    best.model_selection_ = table
    log(f"auto: chose {best.model}, normalize={best.normalize}", quiet=quiet)
    return best
