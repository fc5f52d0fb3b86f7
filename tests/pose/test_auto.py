"""model="auto": every model and normalisation fitted, the best on validation kept and recorded."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.dataset import Dataset
from purepose.errors import PureposeError
from purepose.pose.auto import fit_auto
from purepose.pose.model import PoseRegressor

SMALL = dict(
    features=("logpow",),
    n_lags=1,
    hidden_layer_sizes=(4,),
    max_epochs=2,
    neighbors=(3, 6),
    rff_components=20,
    max_train_windows=300,
)


@pytest.fixture(scope="module")
def splits(synth_dataset: Path) -> dict:
    ds = Dataset(synth_dataset)
    return {s: ds.select(split=s) for s in ("train", "val", "test")}


@pytest.fixture(scope="module")
def auto_model(splits) -> PoseRegressor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small searches end at their limits
        return PoseRegressor(model="auto", **SMALL).fit(
            splits["train"], val_sessions=splits["val"]
        )


def test_auto_keeps_the_candidate_with_the_smallest_validation_score(auto_model):
    table = auto_model.model_selection_
    assert [(c["model"], c["normalize"]) for c in table] == [
        (m, n) for n in ("global", "session") for m in ("ridge", "rff", "mlp", "knn")
    ]
    (chosen,) = [c for c in table if c["chosen"]]
    assert chosen["val_score"] == min(c["val_score"] for c in table)
    assert (auto_model.model, auto_model.normalize) == (chosen["model"], chosen["normalize"])
    assert min(auto_model.val_scores_.values()) == chosen["val_score"]


def test_the_chosen_model_is_the_model_fitted_directly_with_those_choices(auto_model, splits):
    direct = PoseRegressor(
        **{**SMALL, "model": auto_model.model, "normalize": auto_model.normalize}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        direct.fit(splits["train"], val_sessions=splits["val"])
    test = splits["test"][0]
    assert auto_model.predict(test).values == direct.predict(test).values


def test_the_choice_survives_saving_and_loading(auto_model, splits, tmp_path):
    path = tmp_path / "auto.json"
    auto_model.save(path)
    data = json.loads(path.read_text())
    assert data["params"]["model"] == auto_model.model  # the choice, never "auto"
    loaded = PoseRegressor.load(path)
    assert loaded.model_selection_ == auto_model.model_selection_
    test = splits["test"][0]
    assert loaded.predict(test).values == auto_model.predict(test).values


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["params"].update(model="auto"), "a fitted model names the model it chose"),
        (lambda d: d.update(model_selection=[{"model": 1}]), r"model_selection\[0\] must hold"),
        (lambda d: d.update(model_selection="ridge"), "'model_selection' must be a list"),
        (
            lambda d: d["model_selection"][0].update(val_score=float("nan")),
            r"model_selection\[0\].val_score must be a finite number",
        ),
    ],
)
def test_a_model_file_with_a_bad_selection_is_refused(auto_model, tmp_path, edit, message):
    data = auto_model.to_dict()
    edit(data)
    with pytest.raises(PureposeError, match=message):
        PoseRegressor.from_dict(data)


def test_auto_needs_validation_data(splits):
    with pytest.raises(PureposeError, match="chooses on validation data"):
        PoseRegressor(model="auto").fit(splits["train"])


def test_fit_auto_searches_the_given_candidates_only(splits):
    given = PoseRegressor(**SMALL)
    model = fit_auto(
        given, splits["train"], splits["val"], models=("ridge",), normalizations=("global",)
    )
    assert not hasattr(given, "coef_")  # the estimator given is a template, left unfitted
    assert model.model == "ridge" and model.model_selection_[0]["chosen"]
    assert PoseRegressor(**SMALL).fit(splits["train"], val_sessions=splits["val"]).coef_ == (
        model.coef_
    )


def test_cli_fit_model_auto_reports_every_candidate(synth_dataset, tmp_path, capsys):
    out = tmp_path / "m.json"
    argv = ["fit", str(synth_dataset), "--val", "val", "--model", "auto", "--out", str(out)]
    argv += ["--features", "logpow", "--lags", "1", "--hidden", "4", "--epochs", "2"]
    argv += ["--neighbors", "3,6", "--rff-components", "20", "--quiet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert main(argv) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "auto:" in ln]
    assert len(lines) == 8 and sum("<- chosen" in ln for ln in lines) == 1
    assert PoseRegressor.load(out).model_selection_ is not None
