"""Long sessions: `plot emg` and `cluster` need memory bounded by
the figure and by --max-samples, not by the session's length.

The sessions are written with numpy (random EMG, constant angles): only their
length matters here, and numpy writes 300 s in a second where synth needs minutes.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from purepose.plot import EmgEnvelope

np = pytest.importorskip("numpy")
h5py = pytest.importorskip("h5py")

RATE = 2000.0


def write_session(path: Path, seconds: float, seed: int = 0) -> Path:
    n = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (16,))]
    data = np.zeros(n, dtype=dtype)
    data["time"] = 1.7e9 + np.arange(n) / RATE
    data["joint_angles"] = 0.3
    data["emg"] = (rng.standard_t(3, size=(n, 16)) * 40).astype(np.float32)
    with h5py.File(path, "w") as f:
        group = f.create_group("emg2pose")
        group.create_dataset("timeseries", data=data)
        attrs = dict(filename=path.stem, session=path.stem, stage="s", user="u", side="right")
        attrs.update(start=1.7e9, end=1.7e9 + (n - 1) / RATE, sample_rate=RATE, num_channels=16)
        for key, value in attrs.items():
            group.attrs[key] = value
    return path


@pytest.fixture(scope="module")
def long_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 s at 2 kHz: 600,000 rows (139 MB on disk)."""
    return write_session(tmp_path_factory.mktemp("long") / "long-300s.hdf5", 300.0)


@pytest.fixture(scope="module")
def minute_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_session(tmp_path_factory.mktemp("minute") / "minute.hdf5", 20.0, seed=1)


def _polylines(svg: str) -> list[list[tuple[float, ...]]]:
    return [
        [tuple(map(float, p.split(","))) for p in points.split()]
        for points in re.findall(r'<polyline points="([^"]*)"', svg)
    ]


def _run_measured(argv: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run the CLI in a fresh interpreter; return the result and its peak RSS in bytes.

    VmHWM (Linux) is the high-water mark of this process image alone
    (getrusage's maxrss would include the pytest process it was forked from).
    """
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux /proc to measure peak memory")
    code = (
        "import sys\n"
        "from purepose.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print('peak', hwm.split()[1], file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    kib = int(done.stderr.rsplit("peak", 1)[1])
    return done, kib * 1024


def test_plot_emg_of_300_s_is_bounded_by_the_figure_width(long_session, tmp_path):
    out = tmp_path / "emg.svg"
    _, rss = _run_measured(
        ["plot", "emg", str(long_session), "--duration", "300", "--out", str(out)]
    )
    # the whole session as lists was 1.2 GB; one 20,000-row chunk is ~12 MB
    assert rss < 300_000_000
    svg = out.read_text()
    traces = _polylines(svg)
    assert len(traces) == 16
    for points in traces:
        xs = [x for x, _ in points]
        assert xs == sorted(xs)
        # 1-px columns, the first and last with points: <= 2 points per column
        assert len(points) <= 2 * (math.ceil(xs[-1] - xs[0]) + 2) <= 2 * 1000
    assert len(svg) < 400_000  # 600,000 samples x 16 channels in a small file


def test_cluster_of_300_s_is_bounded_by_max_samples(long_session, tmp_path):
    done, rss = _run_measured(["cluster", str(long_session), "--out", str(tmp_path / "c.svg")])
    assert "20,000 of 600,000 samples" in done.stdout
    assert "1 in 30 samples kept: at most --max-samples 20,000, the default" in done.stdout
    assert rss < 250_000_000  # all 600,000 rows took 850 MB


def test_envelope_equals_numpy_per_column_min_max(minute_session):
    with h5py.File(minute_session) as f:
        data = f["emg2pose/timeseries"][:]
    time = data["time"] - data["time"][0]
    emg = data["emg"].astype(np.float64)
    n_columns = 840
    env = EmgEnvelope(
        n_samples=len(time),
        t_first=float(time[0]),
        t_last=float(time[-1]),
        n_channels=16,
        n_columns=n_columns,
    )
    for a in range(0, len(time), 7_001):  # chunk edges fall inside pixel columns
        env.add(time[a : a + 7_001].tolist(), emg[a : a + 7_001].tolist())
    width = (time[-1] - time[0]) / n_columns
    edges = np.searchsorted(time, time[0] + np.arange(1, n_columns) * width, side="left")
    edges = np.concatenate([[0], edges, [len(time)]])
    for ch in (0, 7, 15):
        for c in range(n_columns):
            bucket = emg[edges[c] : edges[c + 1], ch]
            low, high = env.low[ch][c], env.high[ch][c]
            assert (low[0], high[0]) == (bucket.min(), bucket.max())
            assert low[1] == edges[c] + int(np.argmin(bucket))  # the first minimum
            assert high[1] == edges[c] + int(np.argmax(bucket))
    assert env.means() == pytest.approx(emg.mean(axis=0), rel=1e-12, abs=1e-12)
    ts, _ = env.traces()[3]
    assert len(ts) <= 2 * n_columns and ts == sorted(ts)
