"""CSV recordings: columns by name, the sample rate, and one-line errors for bad files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from purepose.data.csvfile import CsvFormat, read_csv
from purepose.errors import PureposeError

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"


def _write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD = (
    "Time, EMG1, EMG2, angle_index, angle_thumb, repetition, stimulus\n"
    "0.000, 1, -2, 10.0, 5.0, 1, 3\n"
    "0.010, 3, -4, 11.0, 5.5, 1, 3\n"
    "\n"
    "0.020, 5, -6, 12.0, 6.0, 0, 0\n"
)


def test_columns_by_prefix_time_labels_and_rate(tmp_path):
    rec = read_csv(_write(tmp_path, GOOD), CsvFormat(target_prefix="angle", target_unit="deg"))
    assert rec.format == "csv" and len(rec) == 3
    assert rec.sample_rate == pytest.approx(100.0)
    assert rec.n_channels == 2 and rec.read_field("emg") == [[1, -2], [3, -4], [5, -6]]
    assert rec.target_names == ("angle_index", "angle_thumb") and rec.zero_is_rest
    assert rec.read_field("targets", 2) == [[12.0, 6.0]]
    assert rec.read_field("time") == [0.0, 0.01, 0.02]
    assert rec.label_names == ("stimulus", "repetition")
    assert rec.read_field("repetition") == [1, 1, 0]


def test_time_units_given_rate_and_no_time_column(tmp_path):
    ms = _write(tmp_path, "timestamp,emg_a\n0,1\n5,2\n10,3\n")
    assert read_csv(ms, CsvFormat(time_unit="ms")).sample_rate == pytest.approx(200.0)
    bare = _write(tmp_path, "emg_a,emg_b\n1,2\n3,4\n", "bare.csv")
    rec = read_csv(bare, CsvFormat(sample_rate=500.0))
    assert rec.read_field("time") == [0.0, 0.002] and rec.n_targets == 0
    with pytest.raises(PureposeError, match="no sample rate"):
        read_csv(bare)


def test_a_given_rate_that_disagrees_with_the_timestamps_warns(tmp_path):
    path = _write(tmp_path, "t,emg1\n0.0,1\n0.01,2\n0.02,3\n")
    with pytest.warns(UserWarning, match="timestamps give 100 Hz"):
        rec = read_csv(path, CsvFormat(sample_rate=250.0))
    assert rec.sample_rate == 250.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_csv(path, CsvFormat(sample_rate=100.5)).sample_rate == 100.5


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("", {}, "empty file"),
        ("1,2,3\n4,5,6\n", {}, "line 1 is numbers, not column names"),
        ("t,emg1,emg1\n0,1,2\n", {}, "duplicate column name"),
        ("t,x1\n0,1\n", {}, "no EMG column"),
        ("t,emg1\n0,1\n0.1,2,3\n", {}, "line 3 has 3 fields, the header 2"),
        ("t,emg1\n0,1\n0.1,abc\n", {}, "line 3, column 'emg1': 'abc' is not a number"),
        ("t,emg1\n0,1\n0.1,\n", {}, "line 3, column 'emg1': '' is not a number"),
        ("t,emg1\n0,nan\n", {}, "non-finite value 'nan'"),
        ("t,emg1\n", {}, "no data rows"),
        ("t,emg1\n0,1\n1,2\n", {"target_prefix": "glove"}, "no target column starts with"),
        ("t,emg1\n0,1\n1,2\n", {"time_column": "clock"}, "no time column 'clock'"),
        ("t,emg1\n0,1\n0,2\n", {}, "no sample rate"),
        ("t,emg1\n1,1\n0,2\n", {"sample_rate": 10.0}, "time decreases at row 1"),
        ("t,emg1,emgx\n0,1,2\n", {"target_prefix": "emgx"}, "matches both"),
        ("t,emg1,stimulus\n0,1,0.5\n1,2,1\n", {}, "must hold whole numbers"),
    ],
)
def test_bad_csv_files(tmp_path, text, fmt, message):
    path = _write(tmp_path, text)
    with pytest.raises(PureposeError, match=message) as info:
        read_csv(path, CsvFormat(**fmt))
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_not_utf8_and_missing_files(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"t,emg\n\xff\xfe\n")
    with pytest.raises(PureposeError, match="not UTF-8"):
        read_csv(path)
    with pytest.raises(PureposeError, match="no such file"):
        read_csv(tmp_path / "none.csv")
    with pytest.raises(PureposeError, match="is a directory"):
        read_csv(tmp_path)


def test_delimiters_and_byte_order_mark(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes("\ufefft;emg1;glove1\n0;1;2\n1;3;4\n".encode())
    rec = read_csv(path, CsvFormat(delimiter=";", target_prefix="glove"))
    assert rec.read_field("emg") == [[1.0], [3.0]] and rec.target_names == ("glove1",)


def test_real_flemg_export_reads_like_numpy(tmp_path):
    """FLEMG: t, 8 EMG channels, 5 flex sensors; headerless, so the test adds a header."""
    np = pytest.importorskip("numpy")
    source = REALDATA / "flemg_emg_flex" / "JMKim_20200205_1853_encode.csv"
    if not source.is_file():
        pytest.skip("../shared/realdata is absent")
    header = ",".join(["t", *(f"emg{i}" for i in range(8)), *(f"flex{i}" for i in range(5))])
    path = tmp_path / "flemg.csv"
    path.write_text(header + "\n" + source.read_text())
    rec = read_csv(path, CsvFormat(target_prefix="flex"))
    a = np.loadtxt(source, delimiter=",")
    assert len(rec) == len(a) and rec.n_channels == 8 and rec.n_targets == 5
    assert np.array_equal(np.array(rec.read_field("emg")), a[:, 1:9])
    assert np.array_equal(np.array(rec.read_field("targets")), a[:, 9:14])
    expected_rate = (len(a) - 1) / (a[-1, 0] - a[0, 0])
    assert rec.sample_rate == pytest.approx(expected_rate, rel=1e-12)
    assert 200 < rec.sample_rate < 250  # nominal 250 Hz with gaps (README.txt)
