"""Shared pytest fixtures: the reference test file and small synthetic data.

- ``fixture_path``: the emg2pose repository's own 100-row test file (skipped if absent).
- ``synth_session``: one synthetic session, 4 s at 2 kHz (8000 rows), seed 0.
- ``synth_dataset``: a dataset directory, 6 sessions x 3 s, seed 0, with metadata.csv.

The synthetic fixtures are session-scoped (built once per test run); treat them
as read-only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
    from purepose.synth import make_session

    out = tmp_path_factory.mktemp("synth_session")
    return make_session(out / "session.hdf5", seconds=4.0, seed=0)


@pytest.fixture(scope="session")
def synth_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset directory: 6 sessions x 3 s, seed 0, plus metadata.csv."""
    from purepose.synth import make_dataset

    out = tmp_path_factory.mktemp("synth_dataset")
    make_dataset(out, n_sessions=6, seconds=3.0, seed=0, quiet=True)
    return out
