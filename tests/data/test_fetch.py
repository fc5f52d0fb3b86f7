"""Tests for purepose.data.download.fetch against a local HTTP server on 127.0.0.1 only.

The server is a ThreadingHTTPServer on port 0 in a background thread; its
handler serves in-memory files, honours ``Range: bytes=N-`` and can be told to
truncate a transfer, ignore ranges or answer with an error status.
"""

from __future__ import annotations

import hashlib
import io
import socket
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from purepose import cli
from purepose.data.download import archive
from purepose.data.download.fetch import download, extract, fetch, sha256_file
from purepose.errors import PureposeError

# ---- a tiny range-aware HTTP server ----------------------------------------------


@dataclass
class ServerState:
    files: dict[str, bytes] = field(default_factory=dict)
    truncate_at: int | None = None  # send only this many body bytes, then hang up (once)
    ignore_range: bool = False
    status: int | None = None  # answer every request with this error status
    ranges: list[str | None] = field(default_factory=list)  # Range header of each GET
    stall_after: int | None = None  # send this many body bytes, then go silent (once)
    trickle: float | None = None  # send the body one byte per this many seconds
    redirect: str | None = None  # answer every request with a 302 to this URL
    release: threading.Event = field(default_factory=threading.Event)  # ends stalls


def _make_handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            range_header = self.headers.get("Range")
            state.ranges.append(range_header)
            if state.status is not None:
                self._reply(state.status, b"nope", {})
                return
            if state.redirect is not None:
                self._reply(302, b"", {"Location": state.redirect})
                return
            body = state.files.get(self.path)
            if body is None:
                self._reply(404, b"not found", {})
                return
            start = 0
            if range_header and not state.ignore_range:
                start = int(range_header.removeprefix("bytes=").rstrip("-"))
                if start >= len(body):
                    self._reply(416, b"", {"Content-Range": f"bytes */{len(body)}"})
                    return
                headers = {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"}
                self._reply(206, body[start:], headers)
                return
            self._reply(200, body, {})

        def _reply(self, code: int, payload: bytes, headers: dict[str, str]) -> None:
            self.send_response(code)
            self.send_header("Content-Length", str(len(payload)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if state.truncate_at is not None:
                payload = payload[: state.truncate_at]
                state.truncate_at = None
                self.close_connection = True
            try:
                if state.stall_after is not None:
                    head, state.stall_after = payload[: state.stall_after], None
                    self.wfile.write(head)
                    self.wfile.flush()
                    state.release.wait(10)  # silent until the test is over
                    self.close_connection = True
                elif state.trickle is not None:
                    for i in range(len(payload)):
                        self.wfile.write(payload[i : i + 1])
                        self.wfile.flush()
                        if state.release.wait(state.trickle):
                            break
                    self.close_connection = True
                else:
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up: fine
                self.close_connection = True

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, ServerState]]:
    state = ServerState()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# ---- tar builders ------------------------------------------------------------------

FILES = {
    "mini/s-recording-1_left.hdf5": b"session one " * 500,
    "mini/s-recording-2_left.hdf5": b"session two " * 700,
    "mini/metadata.csv": b"session,user\nx,y\n",
    "mini/README.txt": b"not wanted by default",
}


def _add(tar: tarfile.TarFile, name: str, data: bytes = b"", **attrs: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    for key, value in attrs.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data) if data else None)


def _tar_bytes(files: dict[str, bytes] = FILES) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        _add(tar, "mini/", type=tarfile.DIRTYPE, mode=0o755)
        for name, data in files.items():
            _add(tar, name, data)
    return buf.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def served_tar(server: tuple[str, ServerState]) -> tuple[str, ServerState, bytes]:
    base, state = server
    data = _tar_bytes()
    state.files["/data/mini.tar"] = data
    return f"{base}/data/mini.tar", state, data


# ---- download ----------------------------------------------------------------------


def test_fetch_happy_path_extracts_default_members(served_tar, tmp_path):
    url, state, data = served_tar
    paths = fetch(tmp_path, url=url, sha256=_sha(data), quiet=True)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in paths)
    assert names == [
        "mini/metadata.csv",
        "mini/s-recording-1_left.hdf5",
        "mini/s-recording-2_left.hdf5",
    ]
    for p in paths:
        assert p.read_bytes() == FILES[p.relative_to(tmp_path).as_posix()]
    assert not (tmp_path / "mini" / "README.txt").exists()
    assert (tmp_path / "mini.tar").read_bytes() == data  # keep_tar=True by default
    assert not (tmp_path / "mini.tar.part").exists()
    assert state.ranges == [None]


def test_second_fetch_reuses_verified_tar(served_tar, tmp_path):
    url, state, data = served_tar
    fetch(tmp_path, url=url, sha256=_sha(data), quiet=True)
    fetch(tmp_path, url=url, sha256=_sha(data), members=["*metadata.csv"], quiet=True)
    assert len(state.ranges) == 1  # no second request


def test_resume_after_truncated_transfer(served_tar, tmp_path):
    url, state, data = served_tar
    state.truncate_at = 3000
    dest = tmp_path / "mini.tar"
    with pytest.raises(PureposeError, match=r"truncated after 3000 .*bytes.*resume"):
        download(url, dest, sha256=_sha(data), quiet=True)
    part = tmp_path / "mini.tar.part"
    assert part.stat().st_size == 3000 and not dest.exists()
    assert download(url, dest, sha256=_sha(data), quiet=True) == dest
    assert state.ranges == [None, "bytes=3000-"]
    assert dest.read_bytes() == data and not part.exists()


def test_server_ignoring_range_restarts_from_zero(served_tar, tmp_path):
    url, state, data = served_tar
    state.ignore_range = True
    (tmp_path / "mini.tar.part").write_bytes(b"garbage that is not the file")
    dest = download(url, tmp_path / "mini.tar", sha256=_sha(data), quiet=True)
    assert dest.read_bytes() == data
    assert state.ranges == ["bytes=28-"]


def test_complete_part_answered_with_416_is_accepted(served_tar, tmp_path):
    url, state, data = served_tar
    (tmp_path / "mini.tar.part").write_bytes(data)
    dest = download(url, tmp_path / "mini.tar", sha256=_sha(data), quiet=True)
    assert dest.read_bytes() == data
    assert state.ranges == [f"bytes={len(data)}-"]


def test_part_longer_than_remote_restarts(served_tar, tmp_path):
    url, state, data = served_tar
    (tmp_path / "mini.tar.part").write_bytes(data + b"extra bytes")
    dest = download(url, tmp_path / "mini.tar", sha256=_sha(data), quiet=True)
    assert dest.read_bytes() == data
    assert state.ranges == [f"bytes={len(data) + 11}-", None]


def test_bad_checksum_is_rejected_and_moved_aside(served_tar, tmp_path):
    url, _, data = served_tar
    wrong = "0" * 64
    with pytest.raises(PureposeError) as info:
        fetch(tmp_path, url=url, sha256=wrong, quiet=True)
    message = str(info.value)
    assert f"expected {wrong}, got {_sha(data)}" in message and "\n" not in message
    assert not (tmp_path / "mini.tar").exists()
    assert not (tmp_path / "mini.tar.part").exists()
    assert (tmp_path / "mini.tar.bad").read_bytes() == data
    assert not (tmp_path / "mini").exists()  # nothing extracted from a bad tar


def test_expected_size_mismatch(served_tar, tmp_path):
    url, _, data = served_tar
    with pytest.raises(PureposeError, match=f"server reports {len(data)} bytes, expected 5"):
        download(url, tmp_path / "mini.tar", sha256=None, expected_size=5, quiet=True)


def test_http_error_is_one_clear_line(server, tmp_path):
    base, _ = server
    with pytest.raises(PureposeError, match=r"HTTP 404"):
        download(f"{base}/missing.tar", tmp_path / "m.tar", sha256=None, quiet=True)


def test_unreachable_server_says_offline(tmp_path):
    with socket.socket() as sock:  # grab a free port, then close it: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PureposeError) as info:
        fetch(tmp_path, url=f"http://127.0.0.1:{port}/mini.tar", sha256=None, quiet=True)
    message = str(info.value)
    assert message.startswith("cannot reach 127.0.0.1:") and "offline" in message
    assert "purepose demo" in message and "\n" not in message


def test_existing_dest_with_wrong_digest_is_replaced(served_tar, tmp_path):
    url, _, data = served_tar
    (tmp_path / "mini.tar").write_bytes(b"stale")
    dest = download(url, tmp_path / "mini.tar", sha256=_sha(data), quiet=True)
    assert dest.read_bytes() == data
    assert (tmp_path / "mini.tar.bad").read_bytes() == b"stale"


def test_progress_goes_to_stderr(served_tar, tmp_path, capsys):
    url, _, data = served_tar
    download(url, tmp_path / "mini.tar", sha256=_sha(data))
    err = capsys.readouterr().err
    assert "download mini.tar:" in err and "(100%)" in err


# ---- extract -----------------------------------------------------------------------


def _write_tar(path: Path, build) -> Path:
    with tarfile.open(path, "w") as tar:
        build(tar)
    return path


def test_dotdot_member_is_rejected_and_nothing_written(tmp_path):
    tar = _write_tar(
        tmp_path / "evil.tar",
        lambda t: (_add(t, "ok.hdf5", b"fine"), _add(t, "../evil.hdf5", b"boom")),
    )
    out = tmp_path / "out"
    with pytest.raises(PureposeError, match=r"unsafe member '\.\./evil\.hdf5' in tar"):
        extract(tar, out)
    assert not (tmp_path / "evil.hdf5").exists()
    assert not (out / "ok.hdf5").exists()  # checks run before the first write


def test_absolute_member_is_rejected(tmp_path):
    tar = _write_tar(tmp_path / "abs.tar", lambda t: _add(t, "/tmp/abs.hdf5", b"x"))
    with pytest.raises(PureposeError, match=r"unsafe member '/tmp/abs\.hdf5' in tar: absolute"):
        extract(tar, tmp_path / "out")


def test_symlink_pointing_outside_is_rejected(tmp_path):
    tar = _write_tar(
        tmp_path / "link.tar",
        lambda t: _add(t, "mini/link.hdf5", type=tarfile.SYMTYPE, linkname="../../secret"),
    )
    with pytest.raises(PureposeError, match=r"unsafe member 'mini/link.hdf5'.*points outside"):
        extract(tar, tmp_path / "out")
    assert not (tmp_path / "out" / "mini" / "link.hdf5").is_symlink()


def test_hardlink_pointing_outside_is_rejected(tmp_path):
    tar = _write_tar(
        tmp_path / "hard.tar",
        lambda t: _add(t, "a.hdf5", type=tarfile.LNKTYPE, linkname="../outside"),
    )
    with pytest.raises(PureposeError, match=r"unsafe member 'a\.hdf5'"):
        extract(tar, tmp_path / "out")


def test_device_member_is_rejected(tmp_path):
    tar = _write_tar(tmp_path / "dev.tar", lambda t: _add(t, "x.hdf5", type=tarfile.CHRTYPE))
    with pytest.raises(PureposeError, match=r"unsafe member 'x\.hdf5' in tar: device"):
        extract(tar, tmp_path / "out")


def test_symlink_inside_dest_is_allowed(tmp_path):
    def build(t: tarfile.TarFile) -> None:
        _add(t, "d/real.hdf5", b"data")
        _add(t, "d/alias.hdf5", type=tarfile.SYMTYPE, linkname="real.hdf5")

    tar = _write_tar(tmp_path / "ok.tar", build)
    written = extract(tar, tmp_path / "out")
    assert written == [(tmp_path / "out" / "d" / "real.hdf5").resolve()]
    assert (tmp_path / "out" / "d" / "alias.hdf5").read_bytes() == b"data"


def test_explicit_pattern_matching_nothing_is_an_error(tmp_path):
    tar = tmp_path / "t.tar"
    tar.write_bytes(_tar_bytes())
    with pytest.raises(PureposeError, match=r"no member of .* matches 'nothing-\*'"):
        extract(tar, tmp_path / "out", members=["*.csv", "nothing-*"])


def test_extract_overwrites_atomically_and_leaves_no_temp(tmp_path):
    tar = tmp_path / "t.tar"
    tar.write_bytes(_tar_bytes())
    target = tmp_path / "out" / "mini" / "metadata.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    extract(tar, tmp_path / "out", members=["metadata.csv"])
    assert target.read_bytes() == FILES["mini/metadata.csv"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["metadata.csv"]


def test_not_a_tar_is_a_clear_error(tmp_path):
    bogus = tmp_path / "x.tar"
    bogus.write_bytes(b"this is not a tar archive" * 40)
    with pytest.raises(PureposeError, match=r"cannot open .* as a tar file"):
        extract(bogus, tmp_path / "out")


def test_sha256_file_matches_hashlib(tmp_path):
    p = tmp_path / "blob"
    data = bytes(range(256)) * 1000
    p.write_bytes(data)
    assert sha256_file(p, chunk_size=999) == _sha(data)


# ---- command line ------------------------------------------------------------------


def test_cli_fetch_downloads_and_extracts(served_tar, tmp_path, capsys):
    url, _, data = served_tar
    argv = ["fetch", "--dir", str(tmp_path), "--url", url, "--sha256", _sha(data).upper()]
    status = cli.main([*argv, "--members", "*recording-2*", "--quiet"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert out.splitlines() == [str((tmp_path / "mini" / "s-recording-2_left.hdf5").resolve())]
    assert (tmp_path / "mini.tar").read_bytes() == data  # kept by default
    # A second call extracts other members from the kept tar without a download.
    assert cli.main([*argv, "--members", "*recording-1*", "--delete-tar", "-q"]) == 0
    assert not (tmp_path / "mini.tar").exists()  # --delete-tar


def test_cli_fetch_bad_digest_exits_2_with_one_line(served_tar, tmp_path, capsys):
    url, _, _ = served_tar
    argv = ["fetch", "--dir", str(tmp_path), "--url", url, "--sha256", "ab" * 32, "-q"]
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("purepose fetch: error: download: sha256 mismatch")
    assert err.count("\n") == 1


# ---- hostile URLs, archives and servers -------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/mini.tar",
        "not a url",
        "http:///mini.tar",
        "",
        "javascript:alert(1)",
        "http://127.0.0.1:99999999/x.tar",
        "https://[::1/x.tar",
    ],
)
def test_only_http_and_https_urls(url, tmp_path):
    message = r"only http:// and https:// URLs|contains spaces|has no valid host and port"
    with pytest.raises(PureposeError, match=message):
        fetch(tmp_path, url=url, sha256=None, quiet=True)
    with pytest.raises(PureposeError, match=message):
        download(url, tmp_path / "x.tar", sha256=None, quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_redirect_to_another_scheme_is_refused(served_tar, tmp_path):
    url, state, _ = served_tar
    state.redirect = "ftp://127.0.0.1/mini.tar"  # urllib itself would follow this one
    with pytest.raises(PureposeError, match=r"only http:// and https://.*ftp://"):
        download(url, tmp_path / "mini.tar", sha256=None, quiet=True)
    assert not (tmp_path / "mini.tar").exists()


def test_cli_fetch_file_url_is_one_line(tmp_path, capsys):
    argv = ["fetch", "--dir", str(tmp_path), "--url", "file:///etc/passwd", "--sha256", "ab" * 32]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "purepose fetch: error: fetch: only http:// and https:// URLs, got 'file:///etc/passwd'\n"
    )


def _link_chain(t: tarfile.TarFile) -> None:
    # each link alone stays inside; followed together, "b/../c" leaves the root:
    # b -> "." makes b/.. the root's parent.
    _add(t, "good.hdf5", b"fine")
    _add(t, "b", type=tarfile.SYMTYPE, linkname=".")
    _add(t, "a.hdf5", type=tarfile.SYMTYPE, linkname="b/../outside.hdf5")


def _member_inside_link(t: tarfile.TarFile) -> None:
    _add(t, "d", type=tarfile.SYMTYPE, linkname=".")
    _add(t, "d/e.hdf5", type=tarfile.SYMTYPE, linkname="../outside.hdf5")


def _long_chain(t: tarfile.TarFile) -> None:
    _add(t, "x0", type=tarfile.SYMTYPE, linkname="x1")
    _add(t, "x1", type=tarfile.SYMTYPE, linkname="x0")
    _add(t, "y.hdf5", type=tarfile.SYMTYPE, linkname="x0/z")


def _hardlink_through_symlink(t: tarfile.TarFile) -> None:
    _add(t, "dir", type=tarfile.DIRTYPE, mode=0o755)
    _add(t, "up", type=tarfile.SYMTYPE, linkname="dir/..")
    _add(t, "h.hdf5", type=tarfile.LNKTYPE, linkname="up/../etc/passwd")


def _hardlink_to_a_directory(t: tarfile.TarFile) -> None:
    _add(t, "dir", type=tarfile.DIRTYPE, mode=0o755)
    _add(t, "s", type=tarfile.SYMTYPE, linkname="dir")
    _add(t, "h.hdf5", type=tarfile.LNKTYPE, linkname="s")


def _listed_twice(t: tarfile.TarFile) -> None:
    _add(t, "m.hdf5", b"one")
    _add(t, "m.hdf5", type=tarfile.SYMTYPE, linkname="../../etc/passwd")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_link_chain, r"'a\.hdf5'.*points outside"),
        (_member_inside_link, r"'d/e\.hdf5'.*its directory 'd' is not a directory"),
        (_long_chain, r"'x0'.*more than 40 links in a chain"),
        (_hardlink_through_symlink, r"'h\.hdf5'.*link to 'up/\.\./etc/passwd' points outside"),
        (_hardlink_to_a_directory, r"'h\.hdf5'.*not a regular file"),
        (_listed_twice, r"'m\.hdf5'.*listed twice"),
    ],
)
def test_link_chains_are_followed_transitively(tmp_path, build, message):
    tar = _write_tar(tmp_path / "chain.tar", build)
    out = tmp_path / "out"
    with pytest.raises(PureposeError, match=message):
        extract(tar, out, members=["*"])
    assert list(out.iterdir()) == []  # nothing at all, not even the good member
    assert not (tmp_path / "outside.hdf5").exists()


def test_failure_while_writing_leaves_nothing_partial(tmp_path, monkeypatch):
    tar = tmp_path / "t.tar"
    tar.write_bytes(_tar_bytes())
    out = tmp_path / "out"
    (out / "mini").mkdir(parents=True)
    (out / "mini" / "metadata.csv").write_bytes(b"old")
    real_copy = archive._copy_limited
    calls = []

    def copy_then_fail(source, dest, budget, name):
        calls.append(name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as SIGTERM would arrive (see _util.Terminated)
        return real_copy(source, dest, budget, name)

    monkeypatch.setattr(archive, "_copy_limited", copy_then_fail)
    with pytest.raises(KeyboardInterrupt):
        extract(tar, out)
    assert calls == ["mini/s-recording-1_left.hdf5", "mini/s-recording-2_left.hdf5"]
    assert sorted(p.name for p in out.rglob("*")) == ["metadata.csv", "mini"]
    assert (out / "mini" / "metadata.csv").read_bytes() == b"old"


def _gzip_bomb(path: Path, size: int) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        _add(tar, "mini/bomb.hdf5", bytes(size))
        _add(tar, "mini/metadata.csv", b"session\n")
    return path


def test_gzip_bomb_is_stopped_by_the_declared_size(tmp_path):
    bomb = _gzip_bomb(tmp_path / "bomb.tar.gz", 20_000_000)
    assert bomb.stat().st_size < 100_000  # 20 MB of zeros in a few kB
    out = tmp_path / "out"
    with pytest.raises(
        PureposeError, match=r"declare 20,000,\d{3} bytes, more than the limit of 1,000,000"
    ):
        extract(bomb, out, max_bytes=1_000_000)
    assert list(out.iterdir()) == []
    assert len(extract(bomb, out, max_bytes=30_000_000)) == 2  # under a larger limit it is fine


def test_bytes_written_are_counted_against_the_limit():
    # tarfile never yields more than a member declares; this guard is for when it would
    out = io.BytesIO()
    assert archive._copy_limited(io.BytesIO(b"x" * 10), out, 10, "m") == 10
    with pytest.raises(PureposeError, match=r"member 'm' writes more than the 9 bytes left"):
        archive._copy_limited(io.BytesIO(b"x" * 10), io.BytesIO(), 9, "m")


def test_gzip_bomb_through_fetch(server, tmp_path):
    base, state = server
    data = _gzip_bomb(tmp_path / "b.tar.gz", 5_000_000).read_bytes()
    state.files["/b.tar.gz"] = data
    dest = tmp_path / "dest"
    with pytest.raises(PureposeError, match=r"more than the limit of 100,000"):
        fetch(dest, url=f"{base}/b.tar.gz", sha256=_sha(data), quiet=True, max_bytes=100_000)
    assert sorted(p.name for p in dest.iterdir()) == ["b.tar.gz"]  # the tar, nothing else


def test_too_many_members_is_refused(tmp_path):
    tar = _write_tar(
        tmp_path / "many.tar", lambda t: [_add(t, f"f{i}.hdf5", b"x") for i in range(30)]
    )
    with pytest.raises(PureposeError, match=r"more than 20 members"):
        extract(tar, tmp_path / "out", max_members=20)


def test_stalled_server_keeps_what_arrived_and_resumes(served_tar, tmp_path):
    url, state, data = served_tar
    state.stall_after = 4600
    dest = tmp_path / "mini.tar"
    with pytest.raises(PureposeError, match=r"no data for 0\.3 s \(stalled\) after 4600 bytes"):
        download(url, dest, sha256=_sha(data), quiet=True, timeout=0.3)
    part = tmp_path / "mini.tar.part"
    assert part.read_bytes() == data[:4600]
    assert download(url, dest, sha256=_sha(data), quiet=True) == dest
    assert state.ranges == [None, "bytes=4600-"] and dest.read_bytes() == data


def test_trickling_server_is_abandoned_below_the_minimum_rate(served_tar, tmp_path):
    url, state, data = served_tar
    state.trickle = 0.02  # 50 bytes/s: never silent long enough for the timeout
    dest = tmp_path / "mini.tar"
    with pytest.raises(PureposeError, match=r"too slow \(\d+ bytes in 0\.\d s, minimum 1000 "):
        download(url, dest, sha256=None, quiet=True, timeout=5, min_rate=1000, rate_window=0.3)
    received = (tmp_path / "mini.tar.part").read_bytes()
    assert 0 < len(received) < 100 and data.startswith(received)
