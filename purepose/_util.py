"""Small infrastructure shared by the package: atomic writes and a progress line.

Nothing numerical lives here. Outputs are written to a temporary file in the
destination directory and renamed over the target, so an existing file is
either replaced whole or left untouched, never half-overwritten.
"""

from __future__ import annotations

import os
import random
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

from .errors import PureposeError


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any exception the temporary file is removed and ``path`` is untouched.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "x.txt").read_text()
    'hello'
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise PureposeError(f"cannot write {target}: directory {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=suffix + ".tmp", dir=directory
        )
    except OSError as exc:
        raise PureposeError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, _final_mode(target))  # mkstemp makes 0600; give the file its usual mode
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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


def _final_mode(target: Path) -> int:
    """The mode the file would have if written in place: the old one, or 0666 & ~umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(p, "1,2\\n").read_text()
    '1,2\\n'
    """
    target = Path(path)
    if target.is_dir():
        raise PureposeError(f"cannot write {target}: it is a directory")
    with atomic_path(target) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PureposeError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


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
