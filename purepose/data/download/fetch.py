"""Download the public emg2pose "mini" set safely: resume, verify, extract.

Three steps, each its own function:

1. :func:`download` streams an http(s) URL (nothing else: no ``file://``, no
   ``ftp://``, not even by redirect) to ``<name>.part`` with
   :mod:`urllib.request`. If a ``.part`` is already there it asks only for the
   rest (``Range: bytes=N-``); a ``206 Partial Content`` answer is appended, a
   plain ``200`` means the server ignored the range, so the file restarts
   from zero. Every byte that arrives is written at once, so a stalled or
   broken transfer keeps what came and the next run resumes from there. A
   server that stops sending for ``timeout`` seconds, or trickles below
   ``min_rate`` bytes/s over ``rate_window`` seconds, ends the transfer.
2. The finished ``.part`` is hashed (SHA-256, streamed in chunks) and renamed to
   its final name only if the digest matches. A bad file is moved to
   ``<name>.bad`` and the error shows the expected and the actual digest.
3. :func:`purepose.data.download.archive.extract` unpacks the selected members, each
   checked before anything is written, into a temporary directory, and moves
   them into place only when all are written (see :mod:`purepose.data.download.archive`;
   ``extract`` and its limits are importable from here too).

:func:`fetch` runs the three.

Cost: one pass over the network bytes plus one pass over the file to hash it,
O(size) time and O(chunk_size) memory; extraction reads each selected member
once. Reference: RFC 9110 section 14 (range requests); FIPS 180-4 (SHA-256).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import posixpath
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from purepose import __version__
from purepose._util import Progress, log
from purepose.errors import PureposeError

from .archive import DEFAULT_MEMBERS as DEFAULT_MEMBERS
from .archive import MAX_EXTRACT_BYTES, check_disk_space, extract
from .archive import MAX_MEMBERS as MAX_MEMBERS

MINI_URL = "https://fb-ctrl-oss.s3.amazonaws.com/emg2pose/emg2pose_dataset_mini.tar"
MINI_SHA256 = "d7400e98508ccbb2139c2d78e552867b23501f637456546fd6680f3fe7fec50d"
MINI_SIZE = 647_198_208

#: A transfer slower than MIN_RATE bytes/s over RATE_WINDOW seconds is abandoned (resumable).
MIN_RATE = 4096
RATE_WINDOW = 60.0

_OFFLINE_HINT = "are you offline? `purepose demo` works without the real data"


# ---- small pieces ------------------------------------------------------------


class _ByteProgress(Progress):
    """:class:`~purepose._util.Progress` that counts bytes and shows megabytes.

    >>> import io
    >>> buf = io.StringIO()
    >>> p = _ByteProgress(2_000_000, "download", stream=buf, min_interval=0.0)
    >>> p.update(1_000_000)
    >>> p.close()
    >>> buf.getvalue()
    'download: 1.0/2.0 MB (50%)\\n'
    """

    def _line(self) -> str:
        done = self.count / 1e6
        if self.total:
            pct = 100.0 * self.count / self.total
            return f"{self.desc}: {done:.1f}/{self.total / 1e6:.1f} MB ({pct:.0f}%)"
        return f"{self.desc}: {done:.1f} MB"


def sha256_file(path: str | os.PathLike[str], *, chunk_size: int = 1 << 20) -> str:
    """Return the SHA-256 hex digest of a file, read ``chunk_size`` bytes at a time.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    >>> sha256_file(p.with_name("missing"))
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: sha256_file: cannot read .../missing: No such file or directory
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(chunk_size):
                digest.update(block)
    except OSError as exc:
        raise PureposeError(f"sha256_file: cannot read {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()


def _check_sha256_text(sha256: str | None) -> str | None:
    """Lower-case a hex digest after checking it is 64 hex digits."""
    if sha256 is None:
        return None
    text = sha256.strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise PureposeError(f"sha256 must be 64 hex digits, got {sha256!r}")
    return text


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _unreachable(url: str, reason: object) -> PureposeError:
    """The one-line error for DNS failures, refused connections and timeouts."""
    if isinstance(reason, OSError) and reason.strerror:
        reason = reason.strerror
    return PureposeError(f"cannot reach {_host(url)}: {reason}; {_OFFLINE_HINT}")


def _content_range_total(header: str | None) -> int | None:
    """Total size from ``Content-Range: bytes a-b/TOTAL`` or ``bytes */TOTAL``.

    >>> _content_range_total("bytes 100-199/1000"), _content_range_total("bytes */1000")
    (1000, 1000)
    >>> _content_range_total("bytes 0-9/*") is None
    True
    """
    if not header or "/" not in header:
        return None
    total = header.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def _content_range_start(header: str | None) -> int | None:
    """First byte offset from ``Content-Range: bytes START-END/TOTAL``.

    >>> _content_range_start("bytes 100-199/1000")
    100
    """
    if not header:
        return None
    unit, _, rest = header.strip().partition(" ")
    start = rest.partition("-")[0].strip()
    return int(start) if unit == "bytes" and start.isdigit() else None


# ---- download ----------------------------------------------------------------


def check_url(url: object) -> str:
    """Accept only ``http://`` and ``https://`` URLs with a host; return the URL.

    >>> check_url("https://example.org/x.tar")
    'https://example.org/x.tar'
    >>> check_url("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: fetch: only http:// and https:// URLs, got 'file:///etc/passwd'
    """
    text = url if isinstance(url, str) else ""
    scheme = text.partition(":")[0].lower() if ":" in text else ""
    if scheme not in ("http", "https"):
        raise PureposeError(f"fetch: only http:// and https:// URLs, got {url!r}")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise PureposeError(f"fetch: the URL contains spaces or control characters: {url!r}")
    try:
        parts = urllib.parse.urlsplit(text)
        ok = bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # a port out of range, a malformed IPv6 host
        ok = False
    if not ok:
        raise PureposeError(f"fetch: the URL {url!r} has no valid host and port")
    return text


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s): urllib would also follow one to ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse:
    """Send the GET (with a Range header when resuming); map errors to ours."""
    headers = {"User-Agent": f"purepose/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(check_url(url), headers=headers)
    try:
        return _OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError:
        raise  # the caller decides (416 is part of resuming)
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason) from None
    except (TimeoutError, ConnectionError, socket.gaierror) as exc:
        raise _unreachable(url, exc) from None
    except PureposeError:
        raise  # a redirect to a scheme we refuse
    except http.client.HTTPException as exc:  # a malformed status line or headers
        raise PureposeError(
            f"download {url}: the server sent a malformed response ({type(exc).__name__})"
        ) from None
    except ValueError as exc:  # e.g. "unknown url type"
        raise PureposeError(f"download: bad url {url!r}: {exc}") from None


@dataclass(frozen=True)
class _Transfer:
    """How one download behaves: what to show and when to give up."""

    quiet: bool
    timeout: float  # seconds without a byte
    chunk_size: int
    min_rate: float  # bytes/s, averaged over rate_window seconds
    rate_window: float


def _stream_to_part(url: str, part: Path, *, expected_size: int | None, how: _Transfer) -> None:
    """Bring ``part`` up to the full remote file, resuming from its current size."""
    quiet = how.quiet
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset > expected_size:
        log(f"download: {part.name} is larger than expected; starting over", quiet=quiet)
        part.unlink()
        offset = 0
    if expected_size is not None and offset == expected_size:
        return  # complete already; the hash decides whether it is good
    try:
        response = _open(url, offset, how.timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code != 416 or not offset:
            raise PureposeError(f"download {url}: HTTP {exc.code} {exc.reason}") from None
        # 416: we asked for bytes past the end. Either the part is complete ...
        total = _content_range_total(exc.headers.get("Content-Range"))
        if total == offset:
            return
        # ... or it belongs to some other, shorter file: start from zero.
        log(f"download: {part.name} does not fit the remote file; starting over", quiet=quiet)
        part.unlink()
        _stream_to_part(url, part, expected_size=expected_size, how=how)
        return
    with response:
        status = response.status
        if status == 206:  # the rest of the file, appended to what we have
            if _content_range_start(response.headers.get("Content-Range")) != offset:
                raise PureposeError(f"download {url}: server sent a range we did not ask for")
            mode = "ab"
        elif status == 200:  # the whole file (a server may ignore Range)
            if offset:
                log("download: server ignored the range request; starting over", quiet=quiet)
            offset, mode = 0, "wb"
        else:
            raise PureposeError(f"download {url}: HTTP {status} {response.reason}")
        length = response.headers.get("Content-Length")
        remaining = int(length) if length and length.isdigit() else None
        total = offset + remaining if remaining is not None else expected_size
        if expected_size is not None and total is not None and total != expected_size:
            raise PureposeError(
                f"download {url}: server reports {total} bytes, expected {expected_size}"
            )
        check_disk_space(part.parent, (total or 0) - offset, "download")
        received = _copy_body(response, part, mode, offset, total, how=how, url=url)
    if remaining is not None and received < remaining:
        raise PureposeError(
            f"download {url}: transfer truncated after {offset + received} of "
            f"{offset + remaining} bytes; run again to resume (partial kept in {part})"
        )


def _copy_body(
    response: http.client.HTTPResponse,
    part: Path,
    mode: str,
    offset: int,
    total: int | None,
    *,
    how: _Transfer,
    url: str,
) -> int:
    """Append the response body to ``part``; return the number of bytes received.

    ``read1`` returns whatever has arrived (at most ``chunk_size``), and each
    block is written at once: whatever came before a failure is on disk, so
    the next run resumes after it. A stall longer than ``timeout`` or a rate
    below ``min_rate`` over ``rate_window`` seconds ends the transfer.
    """
    received = 0
    progress = _ByteProgress(total, f"download {part.name[: -len('.part')]}", quiet=how.quiet)
    progress.update(offset)
    window_start, window_bytes = time.monotonic(), 0

    def stopped(why: str) -> PureposeError:
        return PureposeError(
            f"download {url}: {why} after {offset + received} bytes; "
            f"run again to resume (partial kept in {part})"
        )

    try:
        with open(part, mode, buffering=0) as fh:
            while True:
                try:
                    block = response.read1(how.chunk_size)
                except TimeoutError:
                    raise stopped(f"no data for {how.timeout:g} s (stalled)") from None
                except (http.client.HTTPException, ConnectionError) as exc:
                    raise stopped(f"transfer truncated ({type(exc).__name__})") from None
                if not block:
                    break
                fh.write(block)
                received += len(block)
                window_bytes += len(block)
                progress.update(len(block))
                elapsed = time.monotonic() - window_start
                if elapsed >= how.rate_window:
                    if window_bytes < how.min_rate * elapsed:
                        raise stopped(
                            f"too slow ({window_bytes} bytes in {elapsed:.1f} s, "
                            f"minimum {how.min_rate:g} bytes/s)"
                        )
                    window_start, window_bytes = time.monotonic(), 0
    finally:
        progress.close()
    return received


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    expected_size: int | None = None,
    quiet: bool = False,
    timeout: float = 30.0,
    chunk_size: int = 1 << 20,
    min_rate: float = MIN_RATE,
    rate_window: float = RATE_WINDOW,
) -> Path:
    """Download ``url`` to ``dest`` with resume and SHA-256 check; return ``dest``.

    The bytes go to ``dest`` + ``.part`` first; an existing ``.part`` is resumed
    with an HTTP range request. Only after the digest matches ``sha256`` is the
    ``.part`` renamed to ``dest``. If ``dest`` already exists and matches, nothing
    is downloaded. ``sha256=None`` skips the check (for files you trust).

    Errors (all :class:`~purepose.errors.PureposeError`, one line): not an
    http(s) URL, host unreachable (offline), HTTP errors, a truncated, stalled
    (no byte for ``timeout`` s) or too slow (under ``min_rate`` bytes/s over
    ``rate_window`` s) transfer (the ``.part`` keeps every byte received, for
    the next run), size or digest mismatch (the file is moved to ``dest`` + ``.bad``).

    >>> download("http://127.0.0.1:9/x.tar", Path("x.tar"), sha256="00")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: sha256 must be 64 hex digits, got '00'
    """
    check_url(url)
    sha256 = _check_sha256_text(sha256)
    if chunk_size < 1:
        raise PureposeError(f"download: chunk_size={chunk_size} must be at least 1")
    if not (timeout > 0 and rate_window > 0 and min_rate >= 0):
        raise PureposeError(
            f"download: need timeout > 0, rate_window > 0 and min_rate >= 0, got "
            f"{timeout!r}, {rate_window!r}, {min_rate!r}"
        )
    how = _Transfer(quiet, timeout, chunk_size, min_rate, rate_window)
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise PureposeError(f"download: directory {dest.parent} does not exist")
    part = dest.with_name(dest.name + ".part")
    if dest.exists():
        if sha256 is None or sha256_file(dest, chunk_size=chunk_size) == sha256:
            return dest
        log(f"download: {dest.name} does not match its sha256; downloading again", quiet=quiet)
        os.replace(dest, dest.with_name(dest.name + ".bad"))
    _stream_to_part(url, part, expected_size=expected_size, how=how)
    _verify_part(part, dest, sha256=sha256, expected_size=expected_size, chunk_size=chunk_size)
    os.replace(part, dest)
    return dest


def _verify_part(
    part: Path, dest: Path, *, sha256: str | None, expected_size: int | None, chunk_size: int
) -> None:
    """Check size and digest; a bad file is moved aside to ``<dest>.bad``."""
    bad = dest.with_name(dest.name + ".bad")
    size = part.stat().st_size
    if expected_size is not None and size != expected_size:
        if size < expected_size:
            raise PureposeError(
                f"download: {part} has {size} of {expected_size} bytes; run again to resume"
            )
        os.replace(part, bad)
        raise PureposeError(
            f"download: {dest.name} has {size} bytes, expected {expected_size}; moved to {bad}"
        )
    if sha256 is None:
        return
    got = sha256_file(part, chunk_size=chunk_size)
    if got != sha256:
        os.replace(part, bad)
        raise PureposeError(
            f"download: sha256 mismatch for {dest.name}: expected {sha256}, got {got}; "
            f"moved to {bad}"
        )


# ---- both --------------------------------------------------------------------


def fetch(
    dir: str | os.PathLike[str],
    *,
    url: str = MINI_URL,
    sha256: str | None = MINI_SHA256,
    members: Sequence[str] | None = None,
    quiet: bool = False,
    keep_tar: bool = True,
    max_bytes: int = MAX_EXTRACT_BYTES,
    timeout: float = 30.0,
    min_rate: float = MIN_RATE,
    rate_window: float = RATE_WINDOW,
) -> list[Path]:
    """Download (or reuse) the tar at ``url`` into ``dir``, verify it, extract ``members``.

    The tar is saved as ``dir/<last part of the url>``; with ``keep_tar=False``
    it is deleted after a successful extraction (a later call downloads it
    again). The expected size :data:`MINI_SIZE` is checked only when ``sha256``
    is :data:`MINI_SHA256`, since the size belongs to that digest. ``timeout``,
    ``min_rate`` and ``rate_window`` go to :func:`download`, ``max_bytes`` to
    :func:`extract`.

    >>> fetch("/tmp", url="http://127.0.0.1:9/", quiet=True)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: fetch: url 'http://127.0.0.1:9/' does not name a file
    """
    name = posixpath.basename(urllib.parse.urlsplit(check_url(url)).path)
    if not name or name in (".", ".."):
        raise PureposeError(f"fetch: url {url!r} does not name a file")
    directory = Path(dir).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PureposeError(f"fetch: cannot create {directory}: {exc.strerror or exc}") from None
    sha256 = _check_sha256_text(sha256)
    size = MINI_SIZE if sha256 == MINI_SHA256 else None
    tar_path = download(
        url,
        directory / name,
        sha256=sha256,
        expected_size=size,
        quiet=quiet,
        timeout=timeout,
        min_rate=min_rate,
        rate_window=rate_window,
    )
    log(f"fetch: {tar_path} verified; extracting", quiet=quiet)
    paths = extract(tar_path, directory, members=members, max_bytes=max_bytes)
    if not keep_tar:
        tar_path.unlink()
    return paths
