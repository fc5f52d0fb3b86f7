"""JSON model files for the estimators: strict reading, atomic writing, never pickle.

An estimator's ``to_dict()`` returns plain lists, numbers and strings with a
``format`` name and a ``version``; ``from_dict`` rebuilds it through a
:class:`FieldReader`, which checks each field before anything is built from
it: declared sizes are integers within stated limits (so a file cannot make
purepose allocate gigabytes), every list has exactly the declared length
(``len`` is checked before a single float is converted), every number is a
finite int or float (not a bool, not a string, not NaN or infinity). The
first bad field gives one :class:`~purepose.errors.PureposeError` line naming
the source, the field and the limit.

``save_json``/``load_json`` write and read such a dict: strict JSON (no
NaN or Infinity, no key twice, a size limit), written atomically
(``purepose._util``).

>>> r = FieldReader({"format": "demo", "version": 1, "n": 2, "w": [1, 2.5]}, "m.json", "demo", 1)
>>> r.integer("n", 1, 10), r.vector("w", 2)
(2, [1.0, 2.5])
>>> FieldReader({"format": "demo", "version": 1, "w": [1.0, "x"]}, "m.json", "demo", 1).vector(
...     "w", 2)
Traceback (most recent call last):
...
purepose.errors.PureposeError: m.json: 'w' must hold 2 finite numbers (found a str)
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from purepose._util import atomic_write_text
from purepose._util import load_json as _util_load_json
from purepose.errors import PureposeError
from purepose.types import Matrix, PathLike, Vector

MAX_ENTRIES = 100_000_000
"""Most floats a model file may declare in total (about 3 GB as Python lists)."""

_NUMBER_TYPES = {int, float}


class FieldReader:
    """Read one model dict field by field; every method raises a one-line error.

    ``source`` names the file (or "MLPRegressor.from_dict") in messages;
    ``fmt`` and ``version`` are checked on construction.
    """

    def __init__(self, data: Any, source: str, fmt: str, version: int) -> None:
        self.source = source
        if not isinstance(data, dict):
            raise self.fail(f"a model must be a JSON object, got {type(data).__name__}")
        self.data = data
        if data.get("format") != fmt:
            raise self.fail(f"not a {fmt} model (format {data.get('format')!r})")
        if data.get("version") != version:
            raise self.fail(f"model version {data.get('version')!r} is not supported ({version})")
        self.declared = 0

    def fail(self, message: str) -> PureposeError:
        return PureposeError(f"{self.source}: {message}")

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(f"missing field {key!r}")
        return self.data[key]

    def integer(self, key: str, low: int, high: int) -> int:
        """An int field with ``low <= value <= high``."""
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(f"{key!r} must be an integer in [{low}, {high}], got {value!r}")
        return value

    def reserve(self, n_entries: int, what: str) -> None:
        """Count ``n_entries`` declared floats; refuse a model over :data:`MAX_ENTRIES`."""
        self.declared += n_entries
        if self.declared > MAX_ENTRIES:
            raise self.fail(
                f"{what} declares {self.declared:,} numbers in total, more than the limit "
                f"{MAX_ENTRIES:,}"
            )

    def boolean(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false, got {value!r}")
        return value

    def number(self, key: str) -> float:
        value = self.get(key)
        if type(value) not in _NUMBER_TYPES or not math.isfinite(value):
            raise self.fail(f"{key!r} must be a finite number, got {value!r}")
        return float(value)

    def numbers(self, value: Any, length: int, what: str) -> Vector:
        """``value`` as a list of ``length`` floats (length checked before conversion)."""
        if not isinstance(value, list) or len(value) != length:
            got = f"{len(value)} entries" if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{what} must be a list of {length} numbers, got {got}")
        types = set(map(type, value))
        if not types <= _NUMBER_TYPES:
            bad = sorted(t.__name__ for t in types - _NUMBER_TYPES)[0]
            raise self.fail(f"{what} must hold {length} finite numbers (found a {bad})")
        if not all(map(math.isfinite, value)):
            raise self.fail(f"{what} must hold {length} finite numbers (found NaN or infinity)")
        return list(map(float, value))

    def vector(self, key: str, length: int) -> Vector:
        return self.numbers(self.get(key), length, repr(key))

    def matrix(self, key: str, n_rows: int, n_cols: int) -> Matrix:
        """An ``n_rows x n_cols`` list of rows; the row count is checked first."""
        value = self.get(key)
        if not isinstance(value, list) or len(value) != n_rows:
            got = f"{len(value)} rows" if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must have {n_rows} rows, got {got}")
        return [self.numbers(row, n_cols, f"{key!r} row {i}") for i, row in enumerate(value)]

    def number_list(self, key: str, max_length: int, *, allow_null: bool = False) -> Vector | None:
        """A list of at most ``max_length`` finite numbers (or None if allowed)."""
        value = self.get(key)
        if value is None and allow_null:
            return None
        if not isinstance(value, list) or len(value) > max_length:
            got = f"{len(value)} entries" if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must be a list of at most {max_length} numbers, got {got}")
        return self.numbers(value, len(value), repr(key))

    def params(self, names: Sequence[str]) -> dict[str, Any]:
        """The ``params`` object, which must hold exactly ``names``."""
        params = self.get("params")
        if not isinstance(params, dict) or set(params) != set(names):
            raise self.fail(f"'params' must hold exactly {sorted(names)}")
        return dict(params)


def save_json(path: PathLike, data: dict[str, Any]) -> Path:
    """Write ``data`` as strict JSON (no NaN), atomically; return the path."""
    try:
        text = json.dumps(data, allow_nan=False, separators=(",", ":"))
    except ValueError as exc:
        raise PureposeError(f"cannot write {path}: {exc}") from None
    return atomic_write_text(path, text + "\n")


def load_json(path: PathLike) -> Any:
    """Read a JSON model file: strict JSON, size-limited, one-line errors (``_util.load_json``)."""
    return _util_load_json(path, "model file")
