"""Extract a tar archive safely: checked members, followed links, capped sizes, all or nothing.

:func:`extract` unpacks only the members whose names match the glob patterns
(:func:`fnmatch.fnmatchcase` on the member name or on its last component).
Every member passes two gates before anything is written: our own checks (no
absolute path, no ``..``, only regular files, directories and links, no
member inside a link, and every link followed *transitively* through the
archive's other links without leaving the target directory) and
:func:`tarfile.data_filter` (the ``filter="data"`` policy of PEP 706). The
declared sizes must fit ``max_bytes`` (and the free disk space) and the bytes
actually written are counted against it too (a gzip bomb stops). Everything
is extracted into a temporary directory inside the target and moved into
place only when the whole extraction succeeded, so a failure or an
interruption leaves nothing partial.

Cost: one pass over the member headers (at most ``max_members`` held) and
one read of each selected member, O(bytes extracted) time and O(1 MiB)
memory for the data; following a link costs at most 40 hops.

Reference: PEP 706 (filter for tarfile.extractall); the CVE-2007-4559 family
of tar path-traversal bugs that it answers.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from purepose.errors import PureposeError

#: Largest total size an extraction may write (declared sizes and actual bytes): 4 GB.
MAX_EXTRACT_BYTES = 4_000_000_000
#: Most members a tar may list (their headers are held in memory).
MAX_MEMBERS = 100_000
_MAX_LINK_HOPS = 40  # like the kernel's ELOOP limit

#: Members extracted when none are asked for: every session file and the split table.
DEFAULT_MEMBERS: tuple[str, ...] = ("*.hdf5", "metadata.csv")


def check_disk_space(directory: Path, needed: int, what: str) -> None:
    """Refuse to write ``needed`` bytes into ``directory`` when the disk has less free."""
    free = shutil.disk_usage(directory).free
    if needed > free:
        raise PureposeError(
            f"{what}: need {needed / 1e6:.0f} MB in {directory}, only {free / 1e6:.0f} MB free"
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
        check_disk_space(root, declared, "extract")
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
