"""Bad inputs on the real command line: one table, every verb.

Each row runs ``python -m purepose ...`` in a fresh process against files
prepared once for the module, and expects exit status 2, exactly one line on
stderr containing the expected words, no traceback, nothing on stdout, and
every file that existed before byte-identical after (no temporary left
behind either). A closed stdout is the one documented exception: status 141
and nothing on stderr.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.synth import make_dataset

FAST = ["--features", "logpow", "--lags", "0"]
GROUPS = ("plot", "exercise")  # verbs with sub-verbs: `plot emg`, `exercise check` ...
LONG_NAME = "n" * 256 + ".csv"


def _metadata_variant(root: Path, name: str, data: Path, change) -> None:
    folder = root / name
    folder.mkdir()
    lines = (data / "metadata.csv").read_text().splitlines()
    (folder / "metadata.csv").write_text("\n".join(change(lines)) + "\n")


def _set_filename(line: str, value: str) -> str:
    cells = line.split(",")
    cells[6] = value  # the filename column
    return ",".join(cells)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad_inputs")
    data = root / "data"
    make_dataset(data, n_sessions=3, seconds=1.0, seed=1, quiet=True)
    argv = ["fit", str(data), "--split", "train", "--out", str(root / "model.json"), "-q", *FAST]
    assert main(argv) == 0
    (root / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (root / "bigint.json").write_text('{"format": ' + "7" * 5000 + "}")
    (root / "nan.json").write_text('{"format": NaN}')
    (root / "twice.json").write_text('{"format": 1, "format": 2}')
    (root / "file.txt").write_text("a regular file\n")
    (root / "existing.csv").write_text("must survive\n")
    (root / "existing.svg").write_text("<svg>must survive</svg>\n")
    (root / "a dir").mkdir()
    model = json.loads((root / "model.json").read_text())
    wide = {**model, "layout": {**model["layout"], "n_channels": 10**8}}
    (root / "wide.json").write_text(json.dumps(wide))  # case 6: declared sizes are bounded
    huge = {**model, "coef": [[1e308] * len(row) for row in model["coef"]]}
    (root / "huge.json").write_text(json.dumps(huge))  # case 11
    _declares_rows_it_does_not_store(root / "hollow.hdf5")  # case 7
    _metadata_variant(root, "dup", data, lambda lines: [*lines, lines[1]])
    _metadata_variant(
        root, "dotdot", data, lambda lines: [lines[0], _set_filename(lines[1], "../data/x")]
    )
    _metadata_variant(
        root, "absolute", data, lambda lines: [lines[0], _set_filename(lines[1], "/etc/passwd")]
    )
    _metadata_variant(
        root, "dupcol", data, lambda lines: [lines[0] + ",split", lines[1] + ",train"]
    )
    _exercise_files(root)
    return root


def _exercise_files(root: Path) -> None:
    """Answer files that cannot be graded, and predictions CSVs with one fault each."""
    (root / "syntax.py").write_text("def covariance(X) return X\n")
    (root / "nofun.py").write_text("def other(X):\n    return X\n")
    (root / "exdir").mkdir()
    (root / "exdir" / "covariance.py").write_text("my answer, not to be overwritten\n")
    pred = root / "pred.csv"
    with warnings.catch_warnings():  # a 1 s fit may predict beyond the training range
        warnings.simplefilter("ignore")
        status = main(["predict", str(root / "model.json"), _session(root), "--out", str(pred)])
    assert status == 0
    header, first = pred.read_text().splitlines()[:2]
    names = header.split(",")
    variants = {
        "pred-missing.csv": [",".join(names[:-1]), first.rsplit(",", 1)[0]],
        "pred-unknown.csv": [header + ",WRIST_FE", first + ",0.0"],
        "pred-notime.csv": [",".join(["t", *names[1:]]), first],
        "pred-outside.csv": [header, "1e12" + first[first.index(",") :]],
        "pred-dup.csv": [header, first, first],
        "pred-nan.csv": [header, first.rsplit(",", 1)[0] + ",nan"],
    }
    for name, lines in variants.items():
        (root / name).write_text("\n".join(lines) + "\n")


def _declares_rows_it_does_not_store(path: Path) -> None:
    np = pytest.importorskip("numpy")
    h5py = pytest.importorskip("h5py")
    dtype = np.dtype([("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (16,))])
    with h5py.File(path, "w") as f:
        f.create_group("emg2pose").create_dataset("timeseries", shape=(10**10,), dtype=dtype)


def _session(world: Path) -> str:
    return str(next((world / "data").glob("*recording-3_right.hdf5")))


# (id, argv, words expected in the single stderr line). Placeholders: {w} the
# prepared directory, {s} a session file, {m} a good model.
ROWS = [
    # fetch (16, 2): only http(s), a directory it can write, a sane size limit
    ("fetch-file-url", ["fetch", "--dir", "{w}/dl", "--url", "file:///etc/passwd"], "only http"),
    ("fetch-ftp-url", ["fetch", "--dir", "{w}/dl", "--url", "ftp://x/y.tar"], "only http"),
    ("fetch-garbage-url", ["fetch", "--dir", "{w}/dl", "--url", "not a url"], "only http"),
    ("fetch-dir-is-file", ["fetch", "--dir", "{w}/file.txt"], "not a directory"),
    ("fetch-max-extract", ["fetch", "--dir", "{w}/dl", "--max-extract-gb", "0"], "positive"),
    # info (12, 13): metadata.csv checks
    ("info-duplicate-rows", ["info", "{w}/dup"], "lines 2 and 5 both list filename"),
    ("info-dotdot-filename", ["info", "{w}/dotdot"], "contains a path separator"),
    ("info-absolute-filename", ["info", "{w}/absolute"], "is an absolute path"),
    ("info-duplicate-column", ["info", "{w}/dupcol"], "split appear more than once"),
    ("info-missing", ["info", "{w}/nothing-here"], "no such file or directory"),
    # synth (1, 2, 3): a directory of HDF5 files, never stdout
    ("synth-stdout", ["synth", "-"], "not standard output"),
    ("synth-into-file", ["synth", "{w}/file.txt"], "exists and is not a directory"),
    ("synth-under-file", ["synth", "{w}/file.txt/sub"], "is not a directory"),
    ("synth-long-name", ["synth", "{w}/" + "d" * 300], "longer than 255 bytes"),
    # fit (2, 3, 12): output checked before the fit; dataset checks
    ("fit-no-dir", ["fit", "{w}/data", "--split", "train", "--out", "{w}/no/m.json"], "not exist"),
    ("fit-out-is-dir", ["fit", "{w}/data", "--split", "train", "--out", "{w}/a dir"], "directory"),
    (
        "fit-long-name",
        ["fit", "{w}/data", "--split", "train", "--out", "{w}/" + LONG_NAME],
        "longer",
    ),
    ("fit-dup-dataset", ["fit", "{w}/dup", "--split", "train", "--out", "{w}/m2.json"], "both"),
    # predict (14, 2): JSON readers, output checks; the old output survives
    (
        "predict-deep-json",
        ["predict", "{w}/deep.json", "{s}", "--out", "{w}/existing.csv"],
        "deep",
    ),
    ("predict-big-int", ["predict", "{w}/bigint.json", "{s}", "--out", "{w}/p.csv"], "4300"),
    ("predict-nan", ["predict", "{w}/nan.json", "{s}", "--out", "{w}/p.csv"], "NaN"),
    ("predict-key-twice", ["predict", "{w}/twice.json", "{s}", "--out", "{w}/p.csv"], "twice"),
    ("predict-out-no-dir", ["predict", "{m}", "{s}", "--out", "{w}/no/p.csv"], "does not exist"),
    ("predict-out-under-file", ["predict", "{m}", "{s}", "--out", "{w}/file.txt/p"], "component"),
    # evaluate (14, 12)
    ("evaluate-deep-json", ["evaluate", "{w}/deep.json", "{w}/data", "--split", "test"], "deep"),
    ("evaluate-dotdot", ["evaluate", "{m}", "{w}/dotdot", "--split", "train"], "separator"),
    # demo (2)
    ("demo-plots-is-file", ["demo", "--plots", "{w}/file.txt"], "not a directory"),
    ("demo-dir-under-file", ["demo", "--dir", "{w}/file.txt/d"], "is not a directory"),
    # plot emg / pose / errors (2, 3, 14)
    ("plot-emg-no-dir", ["plot", "emg", "{s}", "--out", "{w}/no/e.svg"], "does not exist"),
    ("plot-emg-out-is-dir", ["plot", "emg", "{s}", "--out", "{w}/a dir"], "it is a directory"),
    ("plot-emg-long-name", ["plot", "emg", "{s}", "--out", "{w}/" + LONG_NAME], "longer than"),
    (
        "plot-emg-past-end",
        ["plot", "emg", "{s}", "--start", "20", "--out", "{w}/e.svg"],
        "outside",
    ),
    ("plot-pose-bigint", ["plot", "pose", "{w}/bigint.json", "{s}", "--out", "{w}/p.svg"], "4300"),
    ("plot-pose-no-dir", ["plot", "pose", "{m}", "{s}", "--out", "{w}/no/p.svg"], "not exist"),
    ("plot-errors-deep", ["plot", "errors", "{w}/deep.json", "{s}", "--out", "{w}/e.svg"], "deep"),
    (
        "plot-errors-existing",
        ["plot", "errors", "{w}/nan.json", "{s}", "--out", "{w}/existing.svg"],
        "NaN",
    ),
    (
        "plot-hand-no-dir",
        ["plot", "hand", "{m}", "{s}", "--at", "1", "--out", "{w}/no/h.svg"],
        "exist",
    ),
    ("plot-hand-bad-model", ["plot", "hand", "{w}/deep.json", "{s}", "--at", "1"], "deep"),
    # sizes and values (cases 6, 7, 11)
    ("fit-huge-lags", ["fit", "{w}/data", "--lags", "10000", "--out", "{w}/m2.json"], "n_lags"),
    (
        "fit-auto-no-val",
        ["fit", "{w}/data", "--split", "train", "--model", "auto", "--out", "{w}/m2.json"],
        "--val",
    ),
    ("predict-wide-model", ["predict", "{w}/wide.json", "{s}", "--out", "{w}/p.csv"], "4096"),
    ("predict-huge-model", ["predict", "{w}/huge.json", "{s}", "--out", "{w}/p.csv"], "too large"),
    ("synth-forever", ["synth", "{w}/forever", "--seconds", "1e9"], "limit"),
    ("info-hollow", ["info", "{w}/hollow.hdf5"], "declares 10,000,000,000 rows"),
    ("fit-hollow", ["fit", "{w}/hollow.hdf5", "--out", "{w}/m3.json"], "declares"),
    ("cluster-hollow", ["cluster", "{w}/hollow.hdf5", "--out", "{w}/c.svg"], "declares"),
    # exercise list / start / check: usage errors are one line, exit 2
    ("exercise-list-level", ["exercise", "list", "--level", "expert"], "invalid choice"),
    ("exercise-start-unknown", ["exercise", "start", "nosuch", "{w}/ex"], "no exercise 'nosuch'"),
    (
        "exercise-start-exists",
        ["exercise", "start", "covariance", "{w}/exdir"],
        "never overwrites",
    ),
    (
        "exercise-start-into-file",
        ["exercise", "start", "matmul", "{w}/file.txt"],
        "not a directory",
    ),
    ("exercise-check-missing", ["exercise", "check", "covariance", "{w}/none.py"], "no such file"),
    ("exercise-check-syntax", ["exercise", "check", "covariance", "{w}/syntax.py"], "SyntaxError"),
    (
        "exercise-check-no-function",
        ["exercise", "check", "covariance", "{w}/nofun.py"],
        "no covar",
    ),
    (
        "exercise-check-data-not-pose",
        ["exercise", "check", "covariance", "{w}/nofun.py", "--data", "{w}/data"],
        "--data goes with",
    ),
    ("exercise-check-pose-missing", ["exercise", "check", "pose", "{w}/none.py"], "no such file"),
    # evaluate --predictions: every fault of the CSV is one line
    (
        "evaluate-pred-missing",
        ["evaluate", "--predictions", "{w}/pred-missing.csv", "{s}"],
        "no column",
    ),
    (
        "evaluate-pred-unknown",
        ["evaluate", "--predictions", "{w}/pred-unknown.csv", "{s}"],
        "WRIST_FE",
    ),
    (
        "evaluate-pred-no-time",
        ["evaluate", "--predictions", "{w}/pred-notime.csv", "{s}"],
        "'time'",
    ),
    (
        "evaluate-pred-outside",
        ["evaluate", "--predictions", "{w}/pred-outside.csv", "{s}"],
        "outside",
    ),
    (
        "evaluate-pred-duplicate",
        ["evaluate", "--predictions", "{w}/pred-dup.csv", "{s}"],
        "both match",
    ),
    (
        "evaluate-pred-nan",
        ["evaluate", "--predictions", "{w}/pred-nan.csv", "{s}"],
        "not a finite",
    ),
    (
        "evaluate-pred-count",
        ["evaluate", "--predictions", "{w}/pred.csv", "--predictions", "{w}/pred.csv", "{s}"],
        "2 CSV file(s) for 1 recording(s)",
    ),
    ("evaluate-pred-no-model", ["evaluate", "{s}"], "give MODEL and DATA, or --predictions"),
    # cluster (2, 3)
    ("cluster-no-dir", ["cluster", "{s}", "--out", "{w}/no/c.svg"], "does not exist"),
    ("cluster-long-name", ["cluster", "{s}", "--out", "{w}/" + LONG_NAME], "longer than"),
    (
        "cluster-bad-session",
        ["cluster", "{w}/file.txt", "--out", "{w}/existing.svg"],
        "no EMG column",
    ),
]


def _snapshot(root: Path) -> dict[str, str]:
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _argv(world: Path, template: list[str]) -> list[str]:
    names = {"w": str(world), "s": _session(world), "m": str(world / "model.json")}
    return [a.format(**names) for a in template]


@pytest.mark.parametrize(("argv", "words"), [row[1:] for row in ROWS], ids=[r[0] for r in ROWS])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(world, argv, words):
    before = _snapshot(world)
    done = subprocess.run(
        [sys.executable, "-m", "purepose", *_argv(world, argv)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    verb = " ".join(argv[:2]) if argv[0] in GROUPS else argv[0]
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and done.stderr.endswith("\n"), done.stderr
    assert lines[0].startswith(f"purepose {verb}: error: "), lines[0]
    assert words in lines[0] and "Traceback" not in done.stderr
    assert _snapshot(world) == before  # same files, same bytes, no temporaries


def test_every_verb_is_in_the_table():
    from purepose.cli import _build_parser

    verbs = {row[1][0] if row[1][0] not in GROUPS else " ".join(row[1][:2]) for row in ROWS}
    parser = _build_parser()
    sub = next(a for a in parser._actions if a.dest == "verb")
    expected = set(sub.choices) - set(GROUPS)
    for group in GROUPS:
        kinds = next(a for a in sub.choices[group]._actions if a.dest == "kind")
        expected |= {f"{group} {k}" for k in kinds.choices}
    assert expected <= verbs, f"no bad-input row for {sorted(expected - verbs)}"


def test_closed_stdout_ends_quietly_with_141(world):
    proc = subprocess.Popen(
        [sys.executable, "-m", "purepose", "info", str(world / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(60)
    assert (proc.returncode, err) == (141, b"")
