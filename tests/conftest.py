"""Shared pytest fixtures: the reference test file and small synthetic data.

- ``fixture_path``: the emg2pose repository's own 100-row test file (skipped if absent).
- ``synth_session``: one synthetic session, 4 s at 2 kHz (8000 rows), seed 0.
- ``synth_dataset``: a dataset directory, 6 sessions x 3 s, seed 0, with metadata.csv.
- ``bad_session``: factory writing broken session files, one per kind in ``BAD_KINDS``.
- ``sklearn``: the scikit-learn package, for oracle tests; only the tests that
  ask for it are skipped when it is not installed.

The synthetic fixtures are session-scoped (built once per test run); treat them
as read-only.

Hypothesis profiles (``HYPOTHESIS_PROFILE=NAME`` picks one; "ci" is the default):

- ``ci``: derandomized (the same examples on every run and machine), no
  example database, so a run cannot fail because of an earlier one;
- ``dev``: random examples, saved failures replayed from ``.hypothesis/``;
- ``explore``: like dev with 10 times the examples, for a long run by hand.

A test's own ``@settings(max_examples=...)`` still sets its count.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    """Keep the pass/fail counts under ``-qq`` too (pytest drops them below -q)."""
    if terminalreporter.verbosity < -1:
        parts, _ = terminalreporter.build_summary_stats_line()
        terminalreporter.write_line(", ".join(text for text, _ in parts))


@pytest.fixture(scope="session")
def sklearn():
    """scikit-learn (an oracle) with the submodules the tests use; skips the test without it."""
    for name in ("cluster", "decomposition", "linear_model", "metrics", "preprocessing"):
        pytest.importorskip(f"sklearn.{name}")
    return sys.modules["sklearn"]


FIXTURE_FILE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "emg2pose_test_data.hdf5"
)


@pytest.fixture(scope="session")
def fixture_path() -> Path:
    """Path to the reference ``emg2pose_test_data.hdf5`` (100 rows, 16 channels)."""
    if not FIXTURE_FILE.is_file():
        pytest.skip(f"reference fixture not found: {FIXTURE_FILE}")
    return FIXTURE_FILE


@pytest.fixture(scope="session")
def synth_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic emg2pose session file: 4 s (8000 rows), seed 0."""
    from purepose.data.synth import make_session

    out = tmp_path_factory.mktemp("synth_session")
    return make_session(out / "session.hdf5", seconds=4.0, seed=0)


@pytest.fixture(scope="session")
def synth_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset directory: 6 sessions x 3 s, seed 0, plus metadata.csv."""
    from purepose.data.synth import make_dataset

    out = tmp_path_factory.mktemp("synth_dataset")
    make_dataset(out, n_sessions=6, seconds=3.0, seed=0, quiet=True)
    return out


BAD_KINDS = (
    "missing",
    "not_hdf5",
    "no_group",
    "no_timeseries",
    "not_compound",
    "missing_field",
    "wrong_num_channels",
    "empty",
    "decreasing_time",
    "nan_emg",
    "inf_joint_angles",
    "nan_time",
)
"""Kinds of broken session files ``bad_session`` can build (each must give a PureposeError)."""


def _write_bad(path: Path, kind: str, n_rows: int = 50) -> None:
    np = pytest.importorskip("numpy")
    h5py = pytest.importorskip("h5py")
    if kind == "missing":
        return
    if kind == "not_hdf5":
        path.write_text("time,emg\n0,1\n")
        return
    n_channels = 8 if kind == "wrong_num_channels" else 16
    fields = [("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (n_channels,))]
    if kind == "missing_field":
        fields = fields[:2]
    data = np.zeros(0 if kind == "empty" else n_rows, dtype=fields)
    if len(data):
        data["time"] = 1.7e9 + np.arange(n_rows) / 2000.0
        data["joint_angles"] = 0.5
        if kind != "missing_field":
            data["emg"] = 1.0
    if kind == "decreasing_time":
        data["time"][30] = data["time"][29] - 1.0
    elif kind == "nan_emg":
        data["emg"][17, 3] = np.nan
    elif kind == "inf_joint_angles":
        data["joint_angles"][23, 0] = np.inf
    elif kind == "nan_time":
        data["time"][11] = np.nan
    with h5py.File(path, "w") as f:
        if kind == "no_group":
            f.create_dataset("timeseries", data=data)
            return
        group = f.create_group("emg2pose")
        group.attrs["session"] = "bad"
        if kind == "wrong_num_channels":
            group.attrs["num_channels"] = 16
        if kind == "no_timeseries":
            group.create_dataset("other", data=data)
        elif kind == "not_compound":
            group.create_dataset("timeseries", data=np.zeros((n_rows, 37)))
        else:
            group.create_dataset("timeseries", data=data)


@pytest.fixture
def bad_session(tmp_path: Path):
    """Factory: ``bad_session(kind)`` writes a broken session file (see BAD_KINDS)."""

    def make(kind: str) -> Path:
        if kind not in BAD_KINDS:
            raise ValueError(f"unknown bad-session kind {kind!r}")
        path = tmp_path / f"bad-{kind}.hdf5"
        _write_bad(path, kind)
        return path

    return make
