"""Small infrastructure shared by the package: outputs, JSON input, signals, progress.

Nothing numerical lives here.

**Outputs.** Every verb that writes calls :func:`check_output` (a file) or
:func:`check_output_dir` (a directory of files) before it starts its work, and
writes through :func:`atomic_write_text` (text) or :func:`atomic_path` (a
temporary path for h5py or a byte copy). What an output path means:

- the string ``"-"``: standard output (text only; binary output refuses it);
- a fifo, a character device (``/dev/null``, a terminal) or an alias of an
  open descriptor (``/dev/stdout``, ``/dev/fd/N``, ``/proc/...``): written in
  place, never replaced (replacing ``/dev/null`` as root would destroy it);
- a symbolic link: resolved, and its target written atomically beside the
  target, so the link stays a link;
- a regular file or a name not yet taken: written to a short temporary name
  (``.`` + at most 32 bytes of the name + 8 random characters + ``.tmp``) in
  the same directory and renamed over the target, so an existing file is
  either replaced whole or left untouched, and a 255-byte name still works.

**Signals.** :func:`interrupt_on_terminate` turns SIGTERM and SIGHUP into
:class:`Terminated` (a KeyboardInterrupt), so the clean-up that runs for
Ctrl-C (temporary files removed) runs for them too. A closed standard output
(``purepose ... | head``) ends the command quietly with status
:data:`EXIT_BROKEN_PIPE` (141 = 128 + SIGPIPE, what a shell reports for
standard tools killed by a closed pipe), after :func:`silence_closed_output`.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO

from .errors import PureposeError

# ---- outputs -----------------------------------------------------------------

STDOUT = "-"
"""The output name that means standard output (as a ``str``; ``Path("-")`` is a file)."""

NAME_MAX = 255
"""Longest file name in bytes when the file system cannot say (``pathconf``)."""

_TMP_NAME_BYTES = 32  # of the final name kept in the temporary name
_FD_ALIASES = ("/dev/stdout", "/dev/stderr", "/dev/stdin")


class _Target(NamedTuple):
    kind: str  # "stdout", "direct" (written in place) or "file" (written atomically)
    path: Path  # the file actually written: symbolic links resolved


def is_stdout(path: object) -> bool:
    """True for the output name ``"-"`` (standard output).

    >>> is_stdout("-"), is_stdout(Path("-")), is_stdout("out.csv")
    (True, False, False)
    """
    return isinstance(path, str) and path == STDOUT


def _same_file_as_stdout(path: object) -> bool:
    try:
        here, out = os.stat(path), os.fstat(sys.stdout.fileno())  # type: ignore[arg-type]
    except (AttributeError, OSError, TypeError, ValueError):
        return False
    return (here.st_dev, here.st_ino) == (out.st_dev, out.st_ino)


def report_stream(*outputs: object) -> TextIO:
    """Where a verb prints its report: stderr when an output is stdout (``-``, ``/dev/stdout``)."""
    if any(is_stdout(o) or _same_file_as_stdout(o) for o in outputs):
        return sys.stderr
    return sys.stdout


def _is_fd_alias(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/N`` and ``/proc/...``: names of open files, not files."""
    absolute, real = os.path.abspath(path), os.path.realpath(path)
    return (
        absolute in _FD_ALIASES
        or absolute.startswith(("/dev/fd/", "/proc/"))
        or real.startswith("/proc/")
    )


def _resolve_output(path: str | os.PathLike[str]) -> _Target:
    """Where the bytes for ``path`` go; a PureposeError holds the bare reason."""
    if is_stdout(path):
        return _Target("stdout", Path(STDOUT))
    p = Path(path)
    try:
        st: os.stat_result | None = os.stat(p)  # follows links: what would be written
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise PureposeError("a component of the path is not a directory") from None
    except ValueError:
        raise PureposeError("the name contains a NUL byte") from None
    except OSError as exc:  # ELOOP, EACCES on a parent, ENAMETOOLONG ...
        if exc.errno == errno.ENAMETOOLONG:
            _check_name_length(p)
        raise PureposeError(exc.strerror or str(exc)) from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise PureposeError("it is a directory")
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            return _Target("direct", p)
        if not stat.S_ISREG(st.st_mode):
            raise PureposeError("not a regular file, fifo or character device")
    if _is_fd_alias(p):
        return _Target("direct", p)
    return _Target("file", Path(os.path.realpath(p)))


def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return NAME_MAX


def _check_file_target(path: str | os.PathLike[str], real: Path) -> None:
    """The directory exists and the name fits (reasons only, no prefix)."""
    directory = real.parent
    shown = Path(path).parent if not os.path.islink(path) else directory
    if not directory.is_dir():
        raise PureposeError(f"directory {shown} does not exist")
    _check_name_length(real)


def _check_name_length(path: Path) -> None:
    directory = path.parent
    limit = _name_max(directory) if directory.is_dir() else NAME_MAX
    size = len(os.fsencode(path.name))
    if size > limit:
        raise PureposeError(f"the file name is {size} bytes, longer than the limit of {limit}")


def _make_temp(directory: Path, name: str, suffix: str = "") -> Path:
    """A new empty file beside ``name`` with a short name; OSError if the directory refuses."""
    stem = os.fsencode(name)[:_TMP_NAME_BYTES].decode("utf-8", "ignore") or "out"
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f"{suffix}.tmp", dir=directory)
    os.close(fd)
    return Path(tmp)


def _probe_directory(directory: Path) -> None:
    """Create and remove a temporary file: the real test (root, read-only mounts, quotas)."""
    try:
        _make_temp(directory, "probe").unlink()
    except OSError as exc:
        raise PureposeError(f"cannot create files in {directory}: {exc.strerror or exc}") from None


def check_output(
    path: str | os.PathLike[str], *, what: str = "--out", binary: bool = False
) -> None:
    """Fail now, in one line, if ``path`` cannot be written; call it before the work.

    Checks what the write will need: a directory that exists and accepts new
    files (a temporary file is created and removed there), a name within the
    file system's limit, not a directory; a fifo or device must be writable;
    ``binary`` outputs (HDF5) refuse standard output and devices.

    >>> check_output("/no/such/dir/x.csv")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: --out /no/such/dir/x.csv: directory /no/such/dir does not exist
    >>> check_output("-", what="OUT", binary=True)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: OUT -: binary output cannot go to standard output; name a file
    """
    try:
        target = _resolve_output(path)
        if target.kind != "file" and binary:
            where = "standard output" if target.kind == "stdout" else "a fifo or device"
            raise PureposeError(f"binary output cannot go to {where}; name a file")
        if target.kind == "direct" and not os.access(target.path, os.W_OK):
            raise PureposeError("permission denied")
        if target.kind == "file":
            _check_file_target(path, target.path)
            _probe_directory(target.path.parent)
    except PureposeError as exc:
        raise PureposeError(f"{what} {path}: {exc}") from None


def check_output_dir(path: str | os.PathLike[str], *, what: str = "--dir") -> None:
    """Fail now if ``path`` cannot be (or become, by ``mkdir -p``) a directory of outputs.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "file"
    >>> _ = f.write_text("x")
    >>> check_output_dir(f / "sub", what="OUT_DIR")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: OUT_DIR .../file/sub: .../file is not a directory
    """
    if is_stdout(path):
        raise PureposeError(f"{what} -: a directory is needed here, not standard output")
    p = Path(path)
    try:
        for part in p.parts:
            if len(os.fsencode(part)) > NAME_MAX:
                raise PureposeError(f"the name {part[:20]!r}... is longer than {NAME_MAX} bytes")
        existing = p
        while not os.path.exists(existing):
            if os.path.islink(existing):
                raise PureposeError(f"{existing} is a broken symbolic link")
            existing = existing.parent
        if not existing.is_dir():
            raise PureposeError(
                "it exists and is not a directory"
                if existing == p
                else f"{existing} is not a directory"
            )
        _probe_directory(existing)
    except PureposeError as exc:
        raise PureposeError(f"{what} {path}: {exc}") from None
    except (OSError, ValueError) as exc:
        raise PureposeError(f"{what} {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _final_mode(target: Path) -> int:
    """The mode the file would have if written in place: the old one, or 0666 & ~umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any exception (KeyboardInterrupt and :class:`Terminated` included) the
    temporary file is removed and ``path`` is untouched. A symbolic link is
    followed: its target is replaced, the link stays. ``path`` must be (or
    become) a regular file: a fifo, a device or ``"-"`` is refused here
    (text goes through :func:`atomic_write_text`, which writes those in place).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "x.txt").read_text()
    'hello'
    """
    try:
        target = _resolve_output(path)
        if target.kind != "file":
            raise PureposeError("not a regular file; this output needs one")
        _check_file_target(path, target.path)
        real = target.path
        tmp = _make_temp(real.parent, real.name, suffix)
    except PureposeError as exc:
        raise PureposeError(f"cannot write {path}: {exc}") from None
    except OSError as exc:
        raise PureposeError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, _final_mode(real))  # mkstemp makes 0600; give the file its usual mode
        yield tmp
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as the module docstring says; return ``path``.

    Atomic for files (through symbolic links); in place for ``"-"`` (stdout),
    fifos and character devices.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "1,2\\n").read_text()
    '1,2\\n'
    >>> _ = atomic_write_text("-", "to stdout\\n")
    to stdout
    """
    try:
        target = _resolve_output(path)
    except PureposeError as exc:
        raise PureposeError(f"cannot write {path}: {exc}") from None
    if target.kind == "stdout":
        # In pieces: one huge write into a pipe closed half-way returns a short
        # count that CPython drops silently; small writes raise BrokenPipeError.
        for i in range(0, len(text), 1 << 16):
            sys.stdout.write(text[i : i + (1 << 16)])
        sys.stdout.flush()  # a closed pipe raises BrokenPipeError: the CLI ends quietly
        return Path(STDOUT)
    if target.kind == "direct":
        sys.stdout.flush()  # /dev/stdout shares the descriptor: keep the order of the text
        try:
            fd = os.open(target.path, os.O_WRONLY | os.O_APPEND)
            with open(fd, "w", encoding="utf-8") as f:
                f.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise PureposeError(f"cannot write {path}: {exc.strerror or exc}") from None
        return Path(path)
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PureposeError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Path(path)


# ---- JSON input --------------------------------------------------------------

MAX_JSON_BYTES = 256 * 1024 * 1024
"""Largest JSON file :func:`load_json` reads (256 MiB; a purepose model is far smaller)."""


def _reject_constant(name: str) -> None:
    raise PureposeError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise PureposeError(f"key {key!r} appears twice in one object")
        seen.add(key)
    return dict(pairs)


def load_json(path: str | os.PathLike[str], what: str, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file with every failure as one line naming ``path`` and ``what``.

    Strict JSON: no ``NaN``/``Infinity``, no key twice in one object, UTF-8
    (a byte-order mark is allowed). The size is checked against ``max_bytes``
    before reading; nesting too deep for the parser and integers longer than
    Python converts (``sys.get_int_max_str_digits()``) are errors, not tracebacks.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> _ = p.write_text("[" * 100_000 + "]" * 100_000)
    >>> load_json(p, "model file")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: .../m.json: model file is nested too deeply to read
    """
    p = Path(path)
    try:
        st = os.stat(p)
        size = st.st_size
        if stat.S_ISDIR(st.st_mode):
            raise PureposeError(f"{p}: {what} is a directory")
        if size > max_bytes:
            raise PureposeError(
                f"{p}: {what} is {size:,} bytes, more than the limit of {max_bytes:,}"
            )
        with open(p, "rb") as f:
            raw = f.read(max_bytes + 1)  # a fifo or a growing file cannot exceed the limit
    except FileNotFoundError:
        raise PureposeError(f"{p}: {what} not found") from None
    except OSError as exc:
        raise PureposeError(f"{p}: cannot read {what}: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise PureposeError(f"{p}: {what} is more than the limit of {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PureposeError(f"{p}: {what} is not UTF-8 text ({exc.reason})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise PureposeError(f"{p}: not a JSON {what} ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise PureposeError(f"{p}: {what} is nested too deeply to read") from None
    except PureposeError as exc:
        raise PureposeError(f"{p}: not a JSON {what} ({exc})") from None
    except ValueError:  # int(): more digits than sys.get_int_max_str_digits()
        limit = sys.get_int_max_str_digits()
        raise PureposeError(f"{p}: {what} holds an integer of more than {limit} digits") from None


# ---- signals and closed pipes ---------------------------------------------------

EXIT_BROKEN_PIPE = 141
"""Exit status after a closed standard output: 128 + SIGPIPE, like ``yes | head``."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived; it unwinds like Ctrl-C, so clean-ups run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextmanager
def interrupt_on_terminate() -> Iterator[None]:
    """While active, SIGTERM and SIGHUP raise :class:`Terminated` in the main thread.

    Only signals at their default action are taken over: ``nohup`` (SIGHUP
    ignored) keeps working. Outside the main thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def silence_closed_output() -> None:
    """Point stdout and stderr at ``os.devnull`` after a BrokenPipeError.

    The interpreter flushes them at exit; into a closed pipe that would print
    "Exception ignored ... BrokenPipeError" (the recipe of Python's signal docs).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # closed, or not a real file
            continue
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)


# ---- random state --------------------------------------------------------------

DEFAULT_SEED = 0  # random_state=None still gives the same answer on every run


def check_random_state(random_state: int | None, func: str) -> random.Random:
    """A local ``random.Random`` for an estimator (never the global generator).

    ``None`` means the fixed default seed, so every run gives the same answer
    (scikit-learn would use its global generator instead).

    >>> check_random_state(3, "f").random() == random.Random(3).random()
    True
    >>> check_random_state(1.5, "KMeans.fit")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: KMeans.fit: random_state must be an int or None, got 1.5
    """
    if random_state is None:
        return random.Random(DEFAULT_SEED)
    if isinstance(random_state, bool) or not isinstance(random_state, int):
        raise PureposeError(f"{func}: random_state must be an int or None, got {random_state!r}")
    return random.Random(random_state)


class Progress:
    """A one-line progress indicator on stderr, in plain Python.

    ``Progress(total, "featurize")`` then ``update(n)``; ``close()`` ends the
    line. With ``quiet=True`` (the CLI's ``--quiet``) it prints nothing. It
    redraws at most every ``min_interval`` seconds so it costs nothing in loops.

    >>> import io
    >>> buf = io.StringIO()
    >>> p = Progress(4, "work", stream=buf, min_interval=0.0)
    >>> for _ in range(4):
    ...     p.update()
    >>> p.close()
    >>> buf.getvalue().rstrip().rsplit("\\r", 1)[-1]
    'work: 4/4 (100%)'
    """

    def __init__(
        self,
        total: int | None,
        desc: str,
        *,
        quiet: bool = False,
        stream: IO[str] | TextIO | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self.total = total
        self.desc = desc
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval = min_interval
        self.count = 0
        self._last = -float("inf")
        self._closed = False
        isatty = getattr(self.stream, "isatty", None)
        self._redraw = bool(isatty and isatty())

    def _line(self) -> str:
        if self.total:
            pct = 100.0 * self.count / self.total
            return f"{self.desc}: {self.count}/{self.total} ({pct:.0f}%)"
        return f"{self.desc}: {self.count}"

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` and redraw if enough time has passed."""
        self.count += n
        if self.quiet or not self._redraw:
            return
        now = time.monotonic()
        if now - self._last >= self.min_interval or self.count == self.total:
            self._last = now
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def close(self) -> None:
        """Finish the line (a newline), once."""
        if self._closed:
            return
        self._closed = True
        if not self.quiet:
            self.stream.write(("\r" if self._redraw else "") + self._line() + "\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is not None and not self._redraw:
            self._closed = True  # in a log, the error line says enough: no 0/N (0%) line
            return
        self.close()


def log(message: str, *, quiet: bool = False) -> None:
    """Print a status message on stderr unless ``quiet``."""
    if not quiet:
        print(message, file=sys.stderr, flush=True)
