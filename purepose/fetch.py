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
3. :func:`extract` unpacks only the members whose names match the glob patterns
   (:func:`fnmatch.fnmatchcase` on the member name or on its last component).
   Every member passes two gates before anything is written: our own checks
   (no absolute path, no ``..``, only regular files, directories and links,
   no member inside a link, and every link followed *transitively* through
   the archive's other links without leaving the target directory) and
   :func:`tarfile.data_filter` (the ``filter="data"`` policy of PEP 706). The
   declared sizes must fit ``max_bytes`` (and the free disk space) and the
   bytes actually written are counted against it too (a gzip bomb stops).
   Everything is extracted into a temporary directory inside the target and
   moved into place only when the whole extraction succeeded, so a failure or
   an interruption leaves nothing partial.

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
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from ._util import Progress, log
from .errors import PureposeError

MINI_URL = "https://fb-ctrl-oss.s3.amazonaws.com/emg2pose/emg2pose_dataset_mini.tar"
MINI_SHA256 = "d7400e98508ccbb2139c2d78e552867b23501f637456546fd6680f3fe7fec50d"
MINI_SIZE = 647_198_208

#: Largest total size an extraction may write (declared sizes and actual bytes): 4 GB.
MAX_EXTRACT_BYTES = 4_000_000_000
#: Most members a tar may list (their headers are held in memory).
MAX_MEMBERS = 100_000
#: A transfer slower than MIN_RATE bytes/s over RATE_WINDOW seconds is abandoned (resumable).
MIN_RATE = 4096
RATE_WINDOW = 60.0
_MAX_LINK_HOPS = 40  # like the kernel's ELOOP limit

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
        _check_disk_space(part.parent, (total or 0) - offset, "download")
        received = _copy_body(response, part, mode, offset, total, how=how, url=url)
    if remaining is not None and received < remaining:
        raise PureposeError(
            f"download {url}: transfer truncated after {offset + received} of "
            f"{offset + remaining} bytes; run again to resume (partial kept in {part})"
        )


def _check_disk_space(directory: Path, needed: int, what: str) -> None:
    free = shutil.disk_usage(directory).free
    if needed > free:
        raise PureposeError(
            f"{what}: need {needed / 1e6:.0f} MB in {directory}, only {free / 1e6:.0f} MB free"
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


def _unsafe(name: str, why: str) -> PureposeError:
    return PureposeError(f"unsafe member {name!r} in tar: {why}")


def _parts(name: str) -> tuple[str, ...]:
    """Path components of a member name, without empty and ``.`` parts."""
    return tuple(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


def _follow(
    parts: Sequence[str], links: dict[tuple[str, ...], str], name: str
) -> tuple[str, ...] | None:
    """Resolve ``parts`` (relative to the target root) through the archive's symlinks.

    ``..`` pops a component, a component that is a symlink member is replaced
    by its target (relative to the link's own directory), so chains of links
    are followed to the end, as the kernel would once they exist on disk.
    None if the path leaves the root; an absolute target or more than 40
    hops (a loop) is unsafe.
    """
    resolved: list[str] = []
    queue = list(parts)
    hops = 0
    while queue:
        part = queue.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not resolved:
                return None
            resolved.pop()
            continue
        resolved.append(part)
        target = links.get(tuple(resolved))
        if target is not None:
            hops += 1
            if hops > _MAX_LINK_HOPS:
                raise _unsafe(name, f"more than {_MAX_LINK_HOPS} links in a chain (a loop?)")
            if target.startswith(("/", "\\")):
                raise _unsafe(name, f"link chain reaches the absolute path {target!r}")
            resolved.pop()
            queue = target.replace("\\", "/").split("/") + queue
    return tuple(resolved)


def _check_name(member: tarfile.TarInfo) -> tuple[str, ...]:
    name = member.name
    drive = len(name) > 1 and name[0].isalpha() and name[1] == ":"  # a Windows drive such as C:
    if not name or name.startswith(("/", "\\")) or drive:
        raise _unsafe(name, "absolute path")
    parts = _parts(name)
    if ".." in parts:
        raise _unsafe(name, "'..' in path")
    if not parts:
        raise _unsafe(name, "empty path")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        raise _unsafe(name, "device, fifo or other special file")
    return parts


def _plan(chosen: Sequence[tarfile.TarInfo], root: Path) -> list[tuple[tuple, tarfile.TarInfo]]:
    """Check every chosen member before anything is written; return (parts, member) pairs.

    Our gate: names (no absolute path, no ``..``), types (files, directories,
    links), no name listed twice, no member whose parent is a link or a file
    of the archive, every symlink and hard link followed transitively
    through the archive's symlinks and staying inside. Then the standard
    library's ``filter="data"`` gate on each member.
    """
    named: dict[tuple[str, ...], tarfile.TarInfo] = {}
    for member in chosen:
        parts = _check_name(member)
        if parts in named:
            raise _unsafe(member.name, "listed twice")
        named[parts] = member
    links = {parts: m.linkname for parts, m in named.items() if m.issym()}
    plan = []
    for parts, member in named.items():
        for k in range(1, len(parts)):
            parent = named.get(parts[:k])
            if parent is not None and not parent.isdir():
                raise _unsafe(member.name, f"its directory {parent.name!r} is not a directory")
        if member.issym():
            if not member.linkname or member.linkname.startswith(("/", "\\")):
                raise _unsafe(member.name, f"link to absolute path {member.linkname!r}")
            # a symlink is relative to its own directory
            if _follow([*parts[:-1], *member.linkname.split("/")], links, member.name) is None:
                raise _unsafe(member.name, f"link to {member.linkname!r} points outside {root}")
        elif member.islnk():  # a hard link names another member, relative to the root
            resolved = _follow(_parts(member.linkname), links, member.name)
            if resolved is None:
                raise _unsafe(member.name, f"link to {member.linkname!r} points outside {root}")
            target = named.get(resolved)
            if target is None or not target.isfile():
                raise _unsafe(
                    member.name, f"hard link to {member.linkname!r}, not a regular file here"
                )
        plan.append((parts, _data_filter(member, root)))
    return plan


def _data_filter(member: tarfile.TarInfo, root: Path) -> tarfile.TarInfo:
    """The standard library's ``filter="data"`` gate, with our error message."""
    try:
        return tarfile.data_filter(member, str(root))
    except tarfile.FilterError as exc:
        raise PureposeError(f"unsafe member {member.name!r} in tar: {exc}") from None


def _copy_limited(source, out, budget: int, name: str) -> int:
    """Copy ``source`` to ``out`` in 1 MiB blocks, at most ``budget`` bytes; return the count."""
    written = 0
    while block := source.read(1 << 20):
        written += len(block)
        if written > budget:
            raise PureposeError(
                f"extract: member {name!r} writes more than the {budget:,} bytes left "
                "under the size limit; stopped (nothing kept)"
            )
        out.write(block)
    return written


def _unpack(tar: tarfile.TarFile, plan, staging: Path, max_bytes: int) -> None:
    """Write every planned member under ``staging`` (a fresh directory)."""
    written = 0
    for parts, member in plan:
        target = staging.joinpath(*parts)
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if member.issym():
            os.symlink(member.linkname, target)
            continue
        source = tar.extractfile(member)  # a hard link reads its target's data
        if source is None:  # pragma: no cover - files and hard links always have data
            raise PureposeError(f"extract: cannot read member {member.name!r}")
        with source, open(target, "xb") as out:
            written += _copy_limited(source, out, max_bytes - written, member.name)
        # The data filter already cleared group/other write and set-id bits.
        os.chmod(target, (member.mode or 0o644) & 0o777)
        if member.mtime:
            os.utime(target, (member.mtime, member.mtime))


def _check_destination(plan, root: Path) -> None:
    """Refuse, before moving anything, a file whose place is taken by a directory."""
    for parts, member in plan:
        final = root.joinpath(*parts)
        if member.isdir():
            if final.exists() and not final.is_dir():
                raise PureposeError(f"extract: {final} exists and is not a directory")
        elif final.is_dir() and not final.is_symlink():
            raise PureposeError(f"extract: {final} is a directory; cannot put a file there")


def _move_into_place(plan, staging: Path, root: Path) -> list[Path]:
    """Rename each extracted entry over its final name (atomic per file); return the files."""
    files = []
    for parts, member in plan:
        final = root.joinpath(*parts)
        if member.isdir():
            final.mkdir(parents=True, exist_ok=True)
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging.joinpath(*parts), final)
        if not member.issym():
            files.append(final)
    return files


def _open_tar(tar_path: str | os.PathLike[str]) -> tarfile.TarFile:
    try:
        return tarfile.open(tar_path, "r:*")
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise PureposeError(f"extract: cannot open {tar_path} as a tar file: {exc}") from None


def _read_members(tar: tarfile.TarFile, tar_path: object, max_members: int) -> list:
    members = []
    try:
        for member in tar:  # one header at a time: a huge listing stops early
            members.append(member)
            if len(members) > max_members:
                raise PureposeError(
                    f"extract: {tar_path} lists more than {max_members:,} members; refusing"
                )
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise PureposeError(f"extract: {tar_path} is damaged: {exc}") from None
    return members


def extract(
    tar_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str],
    *,
    members: Sequence[str] | None = None,
    max_bytes: int = MAX_EXTRACT_BYTES,
    max_members: int = MAX_MEMBERS,
) -> list[Path]:
    """Extract members matching the glob ``members`` from a tar; return their paths.

    ``members`` are :mod:`fnmatch` patterns tried against each member's full
    name and its base name (default :data:`DEFAULT_MEMBERS`: every ``*.hdf5``
    and ``metadata.csv``). Every selected member is checked before anything is
    written; one unsafe member (absolute path, ``..``, a link or a chain of
    links leaving ``dest_dir``, a member inside a link, device file) stops the
    whole extraction, and so does a total size over ``max_bytes`` (declared,
    or actually written) or more than ``max_members`` members. The members
    are extracted into a temporary directory inside ``dest_dir`` and moved
    into place only when all of them are written: a failure leaves nothing
    partial. Returned paths are the extracted regular files, in archive order.

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
        listed = _read_members(tar, tar_path, max_members)
        chosen = [m for m in listed if _matches(m.name, patterns)]
        _check_patterns_used(chosen, patterns, explicit=members is not None, tar_path=tar_path)
        root.mkdir(parents=True, exist_ok=True)
        root = root.resolve()
        plan = _plan(chosen, root)
        declared = sum(m.size for _, m in plan if m.isfile() or m.islnk())
        if declared > max_bytes:
            raise PureposeError(
                f"extract: the selected members of {tar_path} declare {declared:,} bytes, "
                f"more than the limit of {max_bytes:,}"
            )
        _check_disk_space(root, declared, "extract")
        _check_destination(plan, root)
        staging = Path(tempfile.mkdtemp(prefix=".purepose-extract-", dir=root))
        try:
            try:
                _unpack(tar, plan, staging, max_bytes)
            except (tarfile.TarError, EOFError, zlib.error) as exc:
                raise PureposeError(f"extract: {tar_path} is damaged: {exc}") from None
            return _move_into_place(plan, staging, root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


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
