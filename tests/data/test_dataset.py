"""metadata.csv and dataset directories read as a hostile user would write them:
a byte-order mark is fine; duplicates, escaping file names and
unreadable directories are one-line errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data import dataset as dataset_module
from purepose.data.dataset import Dataset, find_sessions
from purepose.errors import PureposeError


@pytest.fixture
def dataset(synth_dataset: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    shutil.copytree(synth_dataset, root)
    return root


def _rewrite(root: Path, change) -> None:
    path = root / "metadata.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(change(lines)) + "\n")


def test_byte_order_mark_is_accepted(dataset):
    text = (dataset / "metadata.csv").read_text()
    (dataset / "metadata.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())  # Excel's UTF-8
    assert Dataset(dataset).splits() == {"train": 4, "val": 1, "test": 1}


def test_duplicate_rows_name_both_lines(dataset):
    _rewrite(dataset, lambda lines: [*lines[:3], "", lines[2], *lines[3:]])
    with pytest.raises(PureposeError, match=r"metadata.csv: lines 3 and 5 both list filename '"):
        Dataset(dataset)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../outside", "contains a path separator"),
        ("/etc/passwd", "is an absolute path"),
        ("sub/inner", "contains a path separator"),
        ("..", "is '.' or '..'"),
        ("", "is empty"),
        ("C:evil", "is an absolute path"),
    ],
)
def test_filenames_must_stay_in_the_directory(dataset, name, why):
    def change(lines):
        cells = lines[1].split(",")
        cells[6] = name
        return [lines[0], ",".join(cells), *lines[2:]]

    _rewrite(dataset, change)
    with pytest.raises(PureposeError) as info:
        Dataset(dataset)
    assert f"line 2: filename {name!r} {why}" in str(info.value)


def _refuse_scandir(monkeypatch, target: Path) -> None:
    real = os.scandir

    def scandir(path="."):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(dataset_module.os, "scandir", scandir)


def test_unreadable_directory_says_so(dataset, tmp_path, monkeypatch, capsys):
    # as root chmod 000 does not stop reading, so the kernel's answer is simulated
    plain = tmp_path / "plain"
    plain.mkdir()
    for target, call in (
        (dataset, lambda: Dataset(dataset)),
        (plain, lambda: find_sessions(plain)),
    ):
        _refuse_scandir(monkeypatch, target)
        with pytest.raises(PureposeError, match=r"cannot read directory \(Permission denied\)"):
            call()
    _refuse_scandir(monkeypatch, plain)
    assert main(["fit", str(plain), "--out", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err
    assert "cannot read directory" in err and "no .hdf5 files" not in err


def test_unreadable_directory_for_a_normal_user(dataset):
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 directory (see the test above)")
    os.chmod(dataset, 0)
    try:
        with pytest.raises(PureposeError, match="cannot read directory"):
            Dataset(dataset)
    finally:
        os.chmod(dataset, 0o755)


def test_unreadable_metadata_file(dataset, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dataset_module, "open", refuse, raising=False)  # the module's builtin open
    with pytest.raises(PureposeError, match=r"metadata.csv: cannot read \(Permission denied\)"):
        Dataset(dataset)
