"""The type aliases every purepose module uses (one definition, imported everywhere).

purepose has no Matrix class: data are Python lists, one sample per row.

    Vector  = list[float]          one sample, one coefficient vector
    Matrix  = list[list[float]]    n_samples rows of n_features floats (row-major)
    PathLike = str | os.PathLike   anything ``pathlib.Path`` accepts

>>> from purepose.types import Matrix
>>> X: Matrix = [[1.0, 2.0], [3.0, 4.0]]
>>> len(X), len(X[0])
(2, 2)
"""

from __future__ import annotations

import os

Vector = list[float]
Matrix = list[list[float]]
PathLike = str | os.PathLike[str]

__all__ = ["Matrix", "PathLike", "Vector"]
