"""Download the public emg2pose "mini" set safely: resume, verify, extract.

Three steps, each its own function:

1. :func:`download` streams a URL to ``<name>.part`` with :mod:`urllib.request`.
   If a ``.part`` is already there it asks only for the rest
   (``Range: bytes=N-``); a ``206 Partial Content`` answer is appended, a plain
   ``200`` means the server ignored the range, so the file restarts from zero.
2. The finished ``.part`` is hashed (SHA-256, streamed in chunks) and renamed to
   its final name only if the digest matches. A bad file is moved to
   ``<name>.bad`` and the error shows the expected and the actual digest.
3. :func:`extract` unpacks only the members whose names match the glob patterns
   (:func:`fnmatch.fnmatchcase` on the member name or on its last component).
   Every member passes two gates before anything is written: our own checks
   (no absolute path, no ``..``, no link leading outside the target directory,
   only regular files, directories and links) and :func:`tarfile.data_filter`
   (the ``filter="data"`` policy of PEP 706). Regular files are written to a
   temporary name and renamed, so an interrupted extraction leaves no
   half-written file under the real name.

Cost: one pass over the network bytes plus one pass over the file to hash it,
O(size) time and O(chunk_size) memory; extraction reads each selected member
once. Reference: RFC 9110 section 14 (range requests); PEP 706 (tar filters);
FIPS 180-4 (SHA-256).
"""

from __future__ import annotations

import fnmatch
import hashlib
import http.client
import os
import posixpath
import shutil
import socket
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from ._util import Progress, atomic_path, log
from .errors import PureposeError

MINI_URL = "https://fb-ctrl-oss.s3.amazonaws.com/emg2pose/emg2pose_dataset_mini.tar"
MINI_SHA256 = "d7400e98508ccbb2139c2d78e552867b23501f637456546fd6680f3fe7fec50d"
MINI_SIZE = 647_198_208

#: Members extracted when none are asked for: every session file and the split table.
DEFAULT_MEMBERS: tuple[str, ...] = ("*.hdf5", "metadata.csv")

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


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse:
    """Send the GET (with a Range header when resuming); map errors to ours."""
    headers = {"User-Agent": f"purepose/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError:
        raise  # the caller decides (416 is part of resuming)
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason) from None
    except (TimeoutError, ConnectionError, socket.gaierror) as exc:
        raise _unreachable(url, exc) from None
    except ValueError as exc:  # e.g. "unknown url type"
        raise PureposeError(f"download: bad url {url!r}: {exc}") from None


def _stream_to_part(
    url: str,
    part: Path,
    *,
    expected_size: int | None,
    quiet: bool,
    timeout: float,
    chunk_size: int,
) -> None:
    """Bring ``part`` up to the full remote file, resuming from its current size."""
    offset = part.stat().st_size if part.exists() else 0
    if expected_size is not None and offset > expected_size:
        log(f"download: {part.name} is larger than expected; starting over", quiet=quiet)
        part.unlink()
        offset = 0
    if expected_size is not None and offset == expected_size:
        return  # complete already; the hash decides whether it is good
    try:
        response = _open(url, offset, timeout)
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
        _stream_to_part(
            url,
            part,
            expected_size=expected_size,
            quiet=quiet,
            timeout=timeout,
            chunk_size=chunk_size,
        )
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
        _check_disk_space(part, (total or 0) - offset)
        received = _copy_body(
            response, part, mode, offset, total, quiet=quiet, chunk_size=chunk_size, url=url
        )
    if remaining is not None and received < remaining:
        raise PureposeError(
            f"download {url}: transfer truncated after {offset + received} of "
            f"{offset + remaining} bytes; run again to resume (partial kept in {part})"
        )


def _check_disk_space(part: Path, needed: int) -> None:
    free = shutil.disk_usage(part.parent).free
    if needed > free:
        raise PureposeError(
            f"download: need {needed / 1e6:.0f} MB in {part.parent}, only {free / 1e6:.0f} MB free"
        )


def _copy_body(
    response: http.client.HTTPResponse,
    part: Path,
    mode: str,
    offset: int,
    total: int | None,
    *,
    quiet: bool,
    chunk_size: int,
    url: str,
) -> int:
    """Append the response body to ``part``; return the number of bytes received.

    Whatever arrived before a failure stays on disk, so the next run resumes.
    """
    received = 0
    progress = _ByteProgress(total, f"download {part.name[: -len('.part')]}", quiet=quiet)
    progress.update(offset)
    try:
        with open(part, mode) as fh:
            while True:
                try:
                    block = response.read(chunk_size)
                except (http.client.IncompleteRead, ConnectionError, TimeoutError) as exc:
                    got = offset + received
                    raise PureposeError(
                        f"download {url}: transfer truncated after {got} bytes "
                        f"({type(exc).__name__}); run again to resume (partial kept in {part})"
                    ) from None
                if not block:
                    break
                fh.write(block)
                received += len(block)
                progress.update(len(block))
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
) -> Path:
    """Download ``url`` to ``dest`` with resume and SHA-256 check; return ``dest``.

    The bytes go to ``dest`` + ``.part`` first; an existing ``.part`` is resumed
    with an HTTP range request. Only after the digest matches ``sha256`` is the
    ``.part`` renamed to ``dest``. If ``dest`` already exists and matches, nothing
    is downloaded. ``sha256=None`` skips the check (for files you trust).

    Errors (all :class:`~purepose.errors.PureposeError`, one line): host
    unreachable (offline), HTTP errors, a truncated transfer (the ``.part`` is
    kept for the next run), size or digest mismatch (the file is moved to
    ``dest`` + ``.bad``).

    >>> download("http://127.0.0.1:9/x.tar", Path("x.tar"), sha256="00")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: sha256 must be 64 hex digits, got '00'
    """
    sha256 = _check_sha256_text(sha256)
    if chunk_size < 1:
        raise PureposeError(f"download: chunk_size={chunk_size} must be at least 1")
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise PureposeError(f"download: directory {dest.parent} does not exist")
    part = dest.with_name(dest.name + ".part")
    if dest.exists():
        if sha256 is None or sha256_file(dest, chunk_size=chunk_size) == sha256:
            return dest
        log(f"download: {dest.name} does not match its sha256; downloading again", quiet=quiet)
        os.replace(dest, dest.with_name(dest.name + ".bad"))
    _stream_to_part(
        url, part, expected_size=expected_size, quiet=quiet, timeout=timeout, chunk_size=chunk_size
    )
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


# ---- extract -----------------------------------------------------------------


def _matches(name: str, patterns: Sequence[str]) -> bool:
    """True if a glob matches the member name or its last path component.

    >>> _matches("mini/a-recording-1_left.hdf5", ["*.hdf5"])
    True
    >>> _matches("mini/metadata.csv", ["metadata.csv"]), _matches("mini/x.txt", ["*.csv"])
    (True, False)
    """
    base = posixpath.basename(name.rstrip("/"))
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(base, p) for p in patterns)


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _check_member(member: tarfile.TarInfo, root: Path) -> None:
    """Our own gate: reject absolute names, ``..``, escaping links and device files.

    ``root`` is the resolved destination directory.
    """
    name = member.name

    def unsafe(why: str) -> PureposeError:
        return PureposeError(f"unsafe member {name!r} in tar: {why}")

    drive = len(name) > 1 and name[0].isalpha() and name[1] == ":"  # a Windows drive such as C:
    if not name or name.startswith(("/", "\\")) or drive:
        raise unsafe("absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        raise unsafe("'..' in path")
    target = (root / name).resolve()
    if not _is_within(target, root):
        raise unsafe(f"resolves outside {root}")
    if member.issym() or member.islnk():
        link = member.linkname
        if not link or link.startswith(("/", "\\")):
            raise unsafe(f"link to absolute path {link!r}")
        # A symlink is relative to its own directory, a hard link to the archive root.
        base = target.parent if member.issym() else root
        if not _is_within((base / link).resolve(), root):
            raise unsafe(f"link to {link!r} points outside {root}")
    elif not (member.isfile() or member.isdir()):
        raise unsafe("device, fifo or other special file")


def _data_filter(member: tarfile.TarInfo, root: Path) -> tarfile.TarInfo:
    """The standard library's ``filter="data"`` gate, with our error message."""
    try:
        return tarfile.data_filter(member, str(root))
    except tarfile.FilterError as exc:
        raise PureposeError(f"unsafe member {member.name!r} in tar: {exc}") from None


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """Copy one regular member to ``target`` via a temporary file and a rename."""
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - isfile() members always have data
        raise PureposeError(f"extract: cannot read member {member.name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, atomic_path(target) as tmp:
        with open(tmp, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        # The data filter already cleared group/other write and set-id bits.
        os.chmod(tmp, (member.mode or 0o644) & 0o777)
        if member.mtime:
            os.utime(tmp, (member.mtime, member.mtime))


def _open_tar(tar_path: str | os.PathLike[str]) -> tarfile.TarFile:
    try:
        return tarfile.open(tar_path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise PureposeError(f"extract: cannot open {tar_path} as a tar file: {exc}") from None


def extract(
    tar_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str],
    *,
    members: Sequence[str] | None = None,
) -> list[Path]:
    """Extract members matching the glob ``members`` from a tar; return their paths.

    ``members`` are :mod:`fnmatch` patterns tried against each member's full
    name and its base name (default :data:`DEFAULT_MEMBERS`: every ``*.hdf5``
    and ``metadata.csv``). Every selected member is checked before anything is
    written; one unsafe member (absolute path, ``..``, link leaving
    ``dest_dir``, device file) stops the whole extraction. Returned paths are
    the extracted regular files, in archive order.

    >>> import io, tarfile, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with tarfile.open(d / "t.tar", "w") as tar:
    ...     info = tarfile.TarInfo("../evil")
    ...     info.size = 1
    ...     tar.addfile(info, io.BytesIO(b"x"))
    >>> extract(d / "t.tar", d / "out", members=["*"])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: unsafe member '../evil' in tar: '..' in path
    """
    patterns = list(DEFAULT_MEMBERS if members is None else members)
    if not patterns:
        raise PureposeError("extract: members is empty; give at least one pattern")
    root = Path(dest_dir)
    with _open_tar(tar_path) as tar:
        try:
            chosen = [m for m in tar.getmembers() if _matches(m.name, patterns)]
        except tarfile.TarError as exc:
            raise PureposeError(f"extract: {tar_path} is damaged: {exc}") from None
        _check_patterns_used(chosen, patterns, explicit=members is not None, tar_path=tar_path)
        root.mkdir(parents=True, exist_ok=True)
        root = root.resolve()
        # Two gates for every member before the first byte is written.
        safe = []
        for member in chosen:
            _check_member(member, root)
            safe.append(_data_filter(member, root))
        written: list[Path] = []
        for member in safe:
            target = root / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                _write_member(tar, member, target)
                written.append(target)
            else:  # links that stay inside root: let tarfile make them, filtered again
                tar.extract(member, root, filter="data")
    return written


def _check_patterns_used(
    chosen: list[tarfile.TarInfo], patterns: Sequence[str], *, explicit: bool, tar_path: object
) -> None:
    """Fail clearly when a pattern the user typed selects nothing."""
    if not chosen:
        raise PureposeError(f"extract: no member of {tar_path} matches {list(patterns)}")
    if explicit:
        for pattern in patterns:
            if not any(_matches(m.name, [pattern]) for m in chosen):
                raise PureposeError(f"extract: no member of {tar_path} matches {pattern!r}")


# ---- both --------------------------------------------------------------------


def fetch(
    dir: str | os.PathLike[str],
    *,
    url: str = MINI_URL,
    sha256: str | None = MINI_SHA256,
    members: Sequence[str] | None = None,
    quiet: bool = False,
    keep_tar: bool = True,
) -> list[Path]:
    """Download (or reuse) the tar at ``url`` into ``dir``, verify it, extract ``members``.

    The tar is saved as ``dir/<last part of the url>``; with ``keep_tar=False``
    it is deleted after a successful extraction (a later call downloads it
    again). The expected size :data:`MINI_SIZE` is checked only when ``sha256``
    is :data:`MINI_SHA256`, since the size belongs to that digest.

    >>> fetch("/tmp", url="http://127.0.0.1:9/", quiet=True)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: fetch: url 'http://127.0.0.1:9/' does not name a file
    """
    name = posixpath.basename(urllib.parse.urlsplit(url).path)
    if not name:
        raise PureposeError(f"fetch: url {url!r} does not name a file")
    directory = Path(dir).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PureposeError(f"fetch: cannot create {directory}: {exc.strerror or exc}") from None
    sha256 = _check_sha256_text(sha256)
    size = MINI_SIZE if sha256 == MINI_SHA256 else None
    tar_path = download(url, directory / name, sha256=sha256, expected_size=size, quiet=quiet)
    log(f"fetch: {tar_path} verified; extracting", quiet=quiet)
    paths = extract(tar_path, directory, members=members)
    if not keep_tar:
        tar_path.unlink()
    return paths
