"""How every verb writes: one mechanism in purepose._util.

- a symlink is written through (its target replaced atomically, the link kept);
- a fifo, a character device and ``-`` (stdout) are written in place, never replaced;
- the output is checked before the work starts (missing or unwritable
  directory, a directory, a name too long);
- temporary names stay short, so a 255-byte name works;
- SIGTERM removes temporaries like Ctrl-C;
- a closed stdout ends the command quietly with status 141.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from purepose import _util, cli
from purepose._util import atomic_path, atomic_write_text, check_output, load_json
from purepose.data.emg2pose import Dataset
from purepose.errors import PureposeError

FAST = ["--features", "logpow", "--lags", "0"]
PUREPOSE = [sys.executable, "-m", "purepose"]


def _run(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "purepose", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


@pytest.fixture(scope="module")
def model(synth_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m.json"
    assert (
        cli.main(["fit", str(synth_dataset), "--split", "train", "--out", str(out), "-q", *FAST])
        == 0
    )
    return out


@pytest.fixture(scope="module")
def test_session(synth_dataset: Path) -> Path:
    return Dataset(synth_dataset).select(split="test")[0]


# ---- case 1: links, fifos, devices, stdout --------------------------------------------


def test_symlink_is_written_through_and_stays_a_link(synth_session, tmp_path, capsys):
    target = tmp_path / "real" / "emg.svg"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    assert cli.main(["plot", "emg", str(synth_session), "--out", str(link), "-q"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("<?xml")
    assert sorted(p.name for p in target.parent.iterdir()) == ["emg.svg"]  # no temporary left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.svg", "real"]


def test_relative_and_dangling_symlinks_create_their_target(tmp_path):
    (tmp_path / "d").mkdir()
    link = tmp_path / "d" / "out.csv"
    link.symlink_to("../made.csv")  # dangling, relative to the link's directory
    atomic_write_text(link, "a,b\n")
    assert link.is_symlink() and (tmp_path / "made.csv").read_text() == "a,b\n"
    with atomic_path(link) as tmp:  # the binary path API follows it too
        tmp.write_bytes(b"\x89HDF")
    assert (tmp_path / "made.csv").read_bytes() == b"\x89HDF" and link.is_symlink()


def test_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    with pytest.raises(
        PureposeError, match=r"--out .*loop.csv: Too many levels of symbolic links"
    ):
        check_output(loop)


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as f:
            into.append(f.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_fifo_is_written_in_place_not_replaced(synth_session, tmp_path):
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    done = _run("plot", "emg", str(synth_session), "--out", str(fifo), "-q")
    thread.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].startswith(b"<?xml") and got[0].rstrip().endswith(b"</svg>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.svg"]


def test_dev_null_is_never_replaced(synth_session, capsys):
    before = os.stat("/dev/null")
    assert cli.main(["plot", "emg", str(synth_session), "--out", "/dev/null", "-q"]) == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino


def test_character_device_made_here_is_written_in_place(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("this container may not make device nodes")
    atomic_write_text(node, "x" * 10_000)
    assert stat.S_ISCHR(os.stat(node).st_mode)
    with pytest.raises(PureposeError, match=r"not a regular file"), atomic_path(node):
        pass  # HDF5 and tar members need a real file


def test_dev_stdout_writes_to_the_standard_output(synth_session, tmp_path):
    out = tmp_path / "captured.svg"
    with open(out, "w") as f:  # stdout redirected to a regular file: still not replaced
        done = subprocess.run(
            [*PUREPOSE, "plot", "emg", str(synth_session), "--out", "/dev/stdout", "-q"],
            stdout=f,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert text.startswith("<?xml") and "</svg>" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captured.svg"]


def test_dash_writes_text_outputs_to_stdout_and_the_report_to_stderr(
    model, test_session, synth_session, tmp_path
):
    csv = _run("predict", str(model), str(test_session), "--out", "-")
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.startswith("time,THUMB_CMC_FE,") and len(csv.stdout.splitlines()) > 10
    assert csv.stderr.startswith("wrote -:")
    fit = _run("fit", str(test_session), "--out", "-", "-q", *FAST)
    assert fit.returncode == 0, fit.stderr
    assert json.loads(fit.stdout)["format"] == "purepose.PoseRegressor"
    assert fit.stderr.startswith("wrote -:")
    for argv in (
        ["plot", "emg", str(synth_session)],
        ["plot", "pose", str(model), str(test_session)],
        ["cluster", str(synth_session), "--max-samples", "500"],
    ):
        svg = _run(*argv, "--out", "-", "-q")
        assert svg.returncode == 0, svg.stderr
        assert svg.stdout.startswith("<?xml") and svg.stdout.rstrip().endswith("</svg>")
    assert list(tmp_path.iterdir()) == []


def test_binary_output_refuses_stdout(tmp_path):
    done = _run("synth", "-", "--sessions", "1", "--seconds", "0.1")
    assert done.returncode == 2
    assert done.stderr == (
        "purepose synth: error: OUT_DIR -: a directory is needed here, not standard output\n"
    )
    with pytest.raises(PureposeError, match=r"binary output cannot go to standard output"):
        check_output("-", binary=True)
    assert not Path("-").exists()


# ---- case 2: the output is checked before the work --------------------------------------


@pytest.mark.parametrize(
    ("verb", "argv", "work"),
    [
        ("fit", ["fit", "{data}", "--split", "train"], "purepose.pose.model.PoseRegressor.fit"),
        (
            "predict",
            ["predict", "{model}", "{session}"],
            "purepose.pose.model.PoseRegressor.predict",
        ),
        (
            "plot pose",
            ["plot", "pose", "{model}", "{session}"],
            "purepose.pose.model.PoseRegressor.featurize",
        ),
        (
            "plot errors",
            ["plot", "errors", "{model}", "{session}"],
            "purepose.pose.evaluation.evaluate",
        ),
        ("plot emg", ["plot", "emg", "{session}"], "purepose.data.emg2pose.Session.__init__"),
        ("cluster", ["cluster", "{session}"], "purepose.data.emg2pose.Session.__init__"),
    ],
)
@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("{tmp}/no/such/dir/out.x", "directory {tmp}/no/such/dir does not exist"),
        ("{tmp}", "it is a directory"),
        ("{tmp}/" + "n" * 256, "the file name is 256 bytes, longer than the limit of 255"),
        ("{tmp}/file.txt/out.x", "a component of the path is not a directory"),
    ],
)
def test_output_is_checked_before_any_work(
    verb,
    argv,
    work,
    out,
    message,
    model,
    test_session,
    synth_dataset,
    tmp_path,
    monkeypatch,
    capsys,
):
    (tmp_path / "file.txt").write_text("keep")

    def must_not_run(*args, **kwargs):
        raise AssertionError(f"{work} ran before the output was checked")

    monkeypatch.setattr(work, must_not_run)
    names = dict(data=synth_dataset, model=model, session=test_session, tmp=tmp_path)
    full = [a.format(**names) for a in argv] + ["--out", out.format(**names), "-q"]
    assert cli.main(full) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message.format(**names) in err, err
    assert f"purepose {verb}: error: --out " in err
    assert (tmp_path / "file.txt").read_text() == "keep"


def test_unwritable_directory_is_reported_before_the_work(synth_session, tmp_path, monkeypatch):
    # root can write anywhere, so make the directory refuse the way the kernel would
    def refuse(directory, name, suffix=""):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_util, "_make_temp", refuse)
    with pytest.raises(PureposeError, match=rf"--out {tmp_path}/x.svg: cannot create files in "):
        check_output(tmp_path / "x.svg")


def test_read_only_directory_for_a_normal_user(synth_session, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories (see the test above)")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    done = _run("plot", "emg", str(synth_session), "--out", str(locked / "x.svg"))
    assert done.returncode == 2 and "Permission denied" in done.stderr


def test_output_directories_are_checked_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases = [
        (["synth", str(blocker)], "OUT_DIR", "it exists and is not a directory"),
        (["synth", str(blocker / "sub")], "OUT_DIR", "is not a directory"),
        (["demo", "--plots", str(blocker)], "--plots", "it exists and is not a directory"),
        (["demo", "--dir", str(blocker / "d")], "--dir", "is not a directory"),
        (["fetch", "--dir", str(blocker)], "--dir", "it exists and is not a directory"),
    ]
    for argv, what, message in cases:
        assert cli.main([*argv, "-q"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"error: {what} " in err and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


# ---- case 3: short temporary names ------------------------------------------------------


def test_a_255_byte_file_name_can_be_written(synth_session, tmp_path, capsys):
    name = "e" * 251 + ".svg"
    assert len(name.encode()) == 255
    assert cli.main(["plot", "emg", str(synth_session), "--out", str(tmp_path / name), "-q"]) == 0
    assert (tmp_path / name).read_text().startswith("<?xml")
    multibyte = "é" * 125 + ".csv"  # 254 bytes in UTF-8
    atomic_write_text(tmp_path / multibyte, "x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, multibyte])


def test_temporary_names_are_short_whatever_the_name(tmp_path):
    with atomic_path(tmp_path / ("x" * 250), suffix=".hdf5") as tmp:
        assert tmp.parent == tmp_path and len(tmp.name) <= 64
        assert tmp.name.startswith("." + "x" * 32 + ".") and tmp.name.endswith(".hdf5.tmp")


# ---- case 4: SIGTERM cleans up like Ctrl-C ----------------------------------------------


def test_sigterm_during_synth_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "data"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "purepose",
            "synth",
            str(out),
            "--sessions",
            "2",
            "--seconds",
            "60",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob(".*.tmp")):  # wait until a session is being written
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "synth never started writing"
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.strip().splitlines()[-1] == "purepose synth: interrupted"
    assert "Traceback" not in err
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_terminated_is_a_keyboard_interrupt_so_temporaries_go(tmp_path):
    target = tmp_path / "x.hdf5"
    with pytest.raises(_util.Terminated), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise _util.Terminated(signal.SIGTERM)
    assert list(tmp_path.iterdir()) == []


# ---- case 5: a closed stdout ends quietly -------------------------------------------------


def test_stdout_closed_before_anything_is_written(synth_dataset):
    for argv in (["info", str(synth_dataset)], ["--help"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "purepose", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        proc.stdout.close()  # like `| head -c 0`: the reader is gone at once
        err = proc.stderr.read()
        proc.wait(60)
        assert proc.returncode == _util.EXIT_BROKEN_PIPE == 141, err
        assert err == b""


def test_stdout_closed_after_the_first_line(model, tmp_path):
    # like `purepose predict ... --out - | head -1`: 600 rows, more than a pipe buffer holds
    from purepose.data.synth import make_session

    session = make_session(tmp_path / "s.hdf5", seconds=12.0, seed=3)
    proc = subprocess.Popen(
        [*PUREPOSE, "predict", str(model), str(session), "--out", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(60)
    assert first.startswith(b"time,")
    assert proc.returncode == 141 and err == b""


# ---- case 14: JSON readers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 200_000 + "]" * 200_000, "model file is nested too deeply to read"),
        ('{"n_channels": ' + "9" * 5000 + "}", "holds an integer of more than 4300 digits"),
        ('{"coef": NaN}', "not a JSON model file (NaN is not a JSON number)"),
        ('{"coef": 1, "coef": 2}', "key 'coef' appears twice in one object"),
        (b"\xff\xfe{}", "model file is not UTF-8 text"),
        ("", "not a JSON model file (Expecting value at line 1)"),
    ],
)
def test_json_readers_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "m.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(PureposeError) as info:
        load_json(path, "model file")
    assert message in str(info.value) and "\n" not in str(info.value)
    done = _run("predict", str(path), "x.hdf5", "--out", str(tmp_path / "p.csv"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr


def test_json_size_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_text("[" + "0," * 600 + "0]")
    with pytest.raises(
        PureposeError, match=r"model file is 1,203 bytes, more than the limit of 1,000"
    ):
        load_json(path, "model file", max_bytes=1000)
    assert load_json(path, "model file", max_bytes=2000)[:2] == [0, 0]
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf[1]")
    assert load_json(bom, "model file") == [1]
