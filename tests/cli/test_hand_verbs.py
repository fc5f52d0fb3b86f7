"""`purepose plot hand`: the SVG picture at --at, the HTML player --from/--to, one-line errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.dataset import Dataset
from purepose.joints import is_ik_failure
from purepose.pose.model import PoseRegressor

SVG = "{http://www.w3.org/2000/svg}"
FAST = ["--features", "logpow,wl", "--lags", "1"]


@pytest.fixture(scope="module")
def fitted(synth_dataset: Path, tmp_path_factory: pytest.TempPathFactory):
    """(model file, a test session, the time of a valid window and of an IK failure)."""
    out = tmp_path_factory.mktemp("hand-cli") / "model.json"
    argv = ["fit", str(synth_dataset), "--split", "train", "--out", str(out), "-q", *FAST]
    assert main(argv) == 0
    session = Dataset(synth_dataset).select(split="test")[0]
    feats = PoseRegressor.load(out).featurize(session)
    t0 = feats.time[0]
    valid = [t - t0 for t, y in zip(feats.time, feats.Y) if not is_ik_failure(y)]
    failed = [t - t0 for t, y in zip(feats.time, feats.Y) if is_ik_failure(y)]
    return out, session, valid[len(valid) // 2], (failed[0] if failed else None)


def hands_in(svg_path: Path) -> list[str]:
    root = ET.parse(svg_path).getroot()
    return [g.get("class") for g in root.iter(f"{SVG}g") if (g.get("class") or "")[:4] == "hand"]


def test_plot_hand_svg_at_a_time(fitted, tmp_path, capsys):
    model, session, at, _ = fitted
    out = tmp_path / "hand.svg"
    argv = ["plot", "hand", str(model), str(session), "--at", f"{at:.4f}", "--out", str(out)]
    assert main(argv) == 0
    assert hands_in(out) == ["hand true", "hand pred"] * 3
    text = capsys.readouterr().out
    assert text.startswith(f"wrote {out}: t = {at:.2f} s: angular MAE") and "mm" in text
    root = ET.parse(out).getroot()
    assert session.stem in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_plot_hand_svg_on_an_ik_failure_draws_the_prediction(fitted, tmp_path, capsys):
    model, session, _, failed = fitted
    if failed is None:
        pytest.skip("this synthetic session has no IK failure")
    out = tmp_path / "gap.svg"
    argv = ["plot", "hand", str(model), str(session), "--at", f"{failed:.4f}", "--out", str(out)]
    assert main([*argv, "--side", "left", "--hand-length", "170"]) == 0
    assert hands_in(out) == ["hand pred"] * 3
    assert "IK failure" in capsys.readouterr().out


def test_plot_hand_player_from_to(fitted, tmp_path, capsys):
    model, session, _, _ = fitted
    out = tmp_path / "clip.html"
    argv = ["plot", "hand", str(model), str(session), "--from", "0.5", "--to", "2.0"]
    assert main([*argv, "--out", str(out), "--title", "my clip"]) == 0
    page = out.read_text()
    data = json.loads(re.search(r'id="data">(.*?)</script>', page, re.S).group(1))
    assert data["title"] == "my clip" and data["t"][0] >= 0.5 and data["t"][-1] <= 2.0
    assert len(data["t"]) == len(data["pred"]) >= 30
    assert "<script src" not in page
    assert f"wrote {out}: {len(data['t'])} frames" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.html"]  # written atomically


def test_default_out_names(fitted, tmp_path, monkeypatch):
    model, session, at, _ = fitted
    monkeypatch.chdir(tmp_path)
    assert main(["plot", "hand", str(model), str(session), "--at", f"{at:.4f}", "-q"]) == 0
    assert main(["plot", "hand", str(model), str(session), "--from", "0", "--to", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand.html", "hand.svg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "-1"], "--at -1 must be a time >= 0"),
        (["--at", "nan"], "--at nan must be a time >= 0"),
        (["--at", "1", "--from", "0", "--to", "2"], "not both"),
        ([], "give --at SECONDS for an SVG picture or --from/--to"),
        (["--from", "1"], "needs both --from and --to"),
        (["--from", "2", "--to", "1"], "--to 1 must be after --from 2"),
        (["--from", "0", "--to", "75"], "spans 75 s; one page holds at most 60 s"),
        (["--from", "-1", "--to", "1"], "must be times >= 0"),
        (["--at", "1", "--out", "x.html"], "--at draws an SVG"),
        (["--from", "0", "--to", "1", "--out", "x.svg"], "write an HTML page"),
        (["--at", "1", "--out", "no/such/dir/x.svg"], "not a file in an existing directory"),
        (["--at", "1", "--hand-length", "10"], "hand_length=10.0 mm must be between 50 and 400"),
        (["--at", "999"], "--at 999 is beyond the"),
        (["--from", "999", "--to", "1000"], "--from 999 is beyond the"),
        (["--from", "0.005", "--to", "0.015"], "select 0 window(s); need 2"),
    ],
)
def test_plot_hand_bad_arguments_give_one_line(
    fitted, tmp_path, monkeypatch, capsys, args, message
):
    model, session, _, _ = fitted
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hand.svg").write_text("old")
    assert main(["plot", "hand", str(model), str(session), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("purepose plot hand: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (tmp_path / "hand.svg").read_text() == "old"  # an old output stays untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand.svg"]


def test_help_states_the_player_bounds(capsys):
    from purepose.plot import player

    with pytest.raises(SystemExit):
        main(["plot", "hand", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"at most {player.MAX_FPS:g} frames per second and {player.MAX_SECONDS:g} s" in text
    assert "default 182.5" in text


def test_readme_shows_the_hand_figure_and_the_command_that_made_it():
    import shlex

    from purepose.cli import _build_parser

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    assert "](docs/figures/hand.svg)" in readme
    assert hands_in(root / "docs" / "figures" / "hand.svg") == ["hand true", "hand pred"] * 3
    (command,) = [ln for ln in readme.splitlines() if ln.startswith("purepose plot hand ")]
    args = _build_parser().parse_args(shlex.split(command)[1:])
    assert args.at == 16.0 and args.out == "docs/figures/hand.svg"
    assert "| `purepose plot hand model.json FILE --from 10 --to 20 --out hand.html` |" in readme
