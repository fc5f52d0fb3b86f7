"""What every exercise shares: cases, verdicts, the rounding a float allows, and how to show them.

An :class:`Exercise` says what the learner writes (``functions``), hands out
a starter file and a model answer, makes fresh :class:`Case` s from a seeded
``random.Random``, runs the learner's functions on a case (``call``, in the
worker process, see :mod:`purepose.exercises.worker`) and judges what came
back (``check``, in the grader, which never runs learner code itself).

Cases come in three tiers, graded in this order:

    ordinary    the task as stated, on small random inputs
    careful     the inputs that separate a careful answer from a naive one
                (an offset of 1e9, near-equal eigenvalues, an empty cluster,
                ill-conditioned systems, ties, a quiet window after a loud one)
    bad input   optional: a clear exception rather than a wrong answer

Tolerances are bounds on rounding, not guesses: u = 2^-53 is the unit
roundoff (half the spacing of floats near 1) and ``gamma(n) = n u / (1 - n u)``
bounds the relative error of n roundings in a row (N. J. Higham, *Accuracy
and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, section 3.1).
Expected values are computed exactly (``fractions.Fraction``) where the math
is rational, so an error is the distance to the true answer, not to another
rounded one. An error in units in the last place is ``|got - exact| /
ulp(exact)``.

>>> gamma(2) > 2 * U
True
>>> compare([[1.0, 2.0]], [[1.0, 2.5]], [[0.0, 0.0]]).lines[0]
'entry [0][1]: expected 2.5, got 2.0'
"""

from __future__ import annotations

import inspect
import math
import random
import textwrap
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

U = 2.0**-53
"""The unit roundoff of IEEE double precision: |fl(x) - x| <= u |x|."""

ORDINARY, CAREFUL, BAD_INPUT = "ordinary", "careful", "bad input"
TIERS = (ORDINARY, CAREFUL, BAD_INPUT)
REQUIRED = (ORDINARY, CAREFUL)
"""The tiers an answer must pass; bad input is reported but optional."""

LEVELS = ("warm-up", "core", "hard")


def gamma(n: int) -> float:
    """``n u / (1 - n u)``: the relative error bound of n successive roundings.

    >>> round(gamma(10) / U, 6)
    10.0
    """
    return n * U / (1.0 - n * U)


@dataclass
class Case:
    """One graded call: the inputs sent to the worker, and what the grader keeps to judge it.

    ``payload`` is JSON-ready and is all the worker sees; ``expected`` (any
    object) stays in the grader. ``raises``: the right answer is an
    exception (bad input, or a careful case such as a rank-deficient
    system). ``label`` says what the case tests, ``hint`` what to do when it
    fails, ``show`` replaces the automatic display of a large input.
    """

    tier: str
    label: str
    payload: dict[str, Any]
    expected: Any = None
    raises: bool = False
    hint: str | None = None
    show: str | None = None


@dataclass
class Verdict:
    """Whether an answer passed a case, and the lines that show why not."""

    passed: bool
    lines: list[str] = field(default_factory=list)

    @classmethod
    def ok(cls) -> Verdict:
        return cls(True)

    @classmethod
    def fail(cls, *lines: str) -> Verdict:
        return cls(False, list(lines))


class Exercise:
    """The base of every exercise (subclass it to add one: docs/teaching.md).

    Attributes a subclass sets: ``name`` (the CLI's NAME), ``level`` (one of
    ``LEVELS``), ``summary`` (one line for ``exercise list``), ``functions``
    (the names the learner's file must define), ``tolerance`` (printed in
    every report), ``starter_text`` (the file ``exercise start`` writes) and,
    for an exercise kept outside purepose, ``source_file``.
    """

    name = ""
    level = ""
    summary = ""
    functions: tuple[str, ...] = ()
    tolerance = ""
    starter_text = ""
    source_file: str | None = None
    """Set ``source_file = __file__`` in an exercise kept outside purepose: the worker loads it."""

    @property
    def file_name(self) -> str:
        return f"{self.name}.py"

    def starter(self) -> str:
        """The starter file: signature, task, math, conventions, an example, a TODO body."""
        return self.starter_text

    def answer(self) -> str:
        """The model answer: a file that passes every required case."""
        raise NotImplementedError

    def cases(self, rng: random.Random) -> list[Case]:
        """Fresh cases of every tier, smallest first within a tier."""
        raise NotImplementedError

    def speed_case(self, rng: random.Random) -> Case | None:
        """A medium-sized case to time the answer on (None: no speed line)."""
        return None

    def speed_size(self, case: Case) -> str:
        """How the speed line names the speed case's size."""
        return case.label

    def call(self, functions: Any, payload: dict[str, Any]) -> Any:
        """Run the answer on one case (in the worker): ``functions`` has the answer's names.

        The default calls ``functions.<f>(*args.values(), **kwargs)`` where
        ``f`` is ``payload["f"]`` (default: the first of ``functions``) and
        ``args`` maps the names of the positional arguments to their values.
        """
        name = payload.get("f", self.functions[0])
        args = payload.get("args", {})
        return getattr(functions, name)(*args.values(), **payload.get("kwargs", {}))

    def fast(self) -> Any:
        """purepose's fast version, with the answer's names (None when there is none)."""
        return None

    def check(self, case: Case, got: Any) -> Verdict:
        """Judge what the answer returned on ``case`` (never called for raising cases)."""
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Comparing numbers, vectors and matrices


def is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def ulps(error: float, reference: float | Fraction) -> float | None:
    """An error in units in the last place of the reference (None when it is 0).

    >>> ulps(2.0 ** -52, 1.0)
    1.0
    """
    ref = float(reference)
    if ref == 0.0 or not math.isfinite(ref):
        return None
    return error / math.ulp(ref)


def structure_problem(got: Any, expected: Any, index: tuple[int, ...] = ()) -> str | None:
    """Why ``got`` does not have the shape of ``expected`` (nested lists of numbers), or None.

    >>> structure_problem([[1.0], [2.0]], [[1.0, 2.0]])
    'the result has 2 rows, expected 1'
    >>> structure_problem([[1.0, "x"]], [[1.0, 2.0]])
    "entry [0][1] is 'x', not a number"
    """
    where = f"entry {_index(index)}" if index else "the result"
    if isinstance(expected, list):
        if len(index) == 1 and expected and not isinstance(expected[0], list):
            where = f"row {index[0]}"
        if not isinstance(got, list):
            return f"{where} is {_kind(got)}, expected a list of {len(expected)}"
        if len(got) != len(expected):
            unit = "rows" if expected and isinstance(expected[0], list) else "values"
            return f"{where} has {len(got)} {unit}, expected {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = structure_problem(g, e, (*index, i))
            if problem:
                return problem
        return None
    if not is_number(got):
        return f"{where} is {_shown(got)}, not a number"
    return None


def finite_problem(got: Any, what: str = "entry") -> str | None:
    """The first NaN or infinity in nested lists of numbers, named, or None.

    >>> finite_problem([[1.0, float("nan")]])
    'entry [0][1] is nan'
    """
    for index, value in _flat(got):
        if is_number(value) and not math.isfinite(value):
            return f"{_named(what, index)} is {value!r}"
    return None


def _kind(x: Any) -> str:
    if isinstance(x, dict) and "__unplain__" in x:
        return f"a {x['__unplain__']}"
    return "a number" if is_number(x) else f"a {type(x).__name__}"


def _shown(x: Any) -> str:
    if isinstance(x, dict) and "__unplain__" in x:
        return f"a {x['__unplain__']}"
    return repr(x)


def _flat(x: Any, index: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Any]]:
    if isinstance(x, list):
        return [item for i, v in enumerate(x) for item in _flat(v, (*index, i))]
    return [(index, x)]


def compare(got: Any, expected: Any, allowed: Any, *, what: str = "entry") -> Verdict:
    """Entry by entry: ``|got - expected| <= allowed`` (nested lists of the same shape).

    ``expected`` may hold Fractions (exact values); ``allowed`` holds the
    absolute error each entry may have. The verdict names the entry with the
    largest error relative to its allowance.

    >>> compare([0.1 + 0.2], [Fraction(3, 10)], [1e-16]).passed
    True
    >>> print("\\n".join(compare([0.1 + 0.2], [Fraction(3, 10)], [0.0]).lines))
    entry [0]: expected 0.3, got 0.30000000000000004
      error 4.4e-17 (0.8 ulps); allowed 0
    """
    problem = structure_problem(got, expected)
    if problem:
        return Verdict.fail(problem)
    worst = None
    for (index, g), (_, e), (_, a) in zip(_flat(got), _flat(expected), _flat(allowed)):
        if not math.isfinite(g):
            return Verdict.fail(f"{_named(what, index)}: expected {float(e)!r}, got {g!r}")
        error = abs(Fraction(g) - Fraction(e)) if isinstance(e, Fraction) else abs(g - e)
        error = float(error)
        ratio = error / a if a > 0 else (math.inf if error > 0 else 0.0)
        if worst is None or ratio > worst[0]:
            worst = (ratio, index, g, e, error, a)
    if worst is None or worst[0] <= 1.0:
        return Verdict.ok()
    _, index, g, e, error, a = worst
    return Verdict.fail(
        f"{_named(what, index)}: expected {float(e)!r}, got {g!r}",
        f"  error {error:.2g}{_in_ulps(error, e)}; allowed {a:.2g}",
    )


def _index(index: tuple[int, ...]) -> str:
    return "".join(f"[{i}]" for i in index)


def _named(what: str, index: tuple[int, ...]) -> str:
    return f"{what} {_index(index)}" if index else what


def _in_ulps(error: float, reference: Any) -> str:
    n = ulps(error, reference)
    if n is None:
        return ""
    return f" ({n:.2g} ulps)" if n < 1e6 else f" ({n:.1e} ulps)"


def relative_allowance(expected: Any, factor: float) -> Any:
    """``factor * |expected|`` entry by entry (nested lists)."""
    if isinstance(expected, list):
        return [relative_allowance(e, factor) for e in expected]
    return factor * abs(float(expected))


# ---------------------------------------------------------------------------
# Showing inputs small enough to read


def short(x: Any, max_items: int = 6, digits: int = 6) -> str:
    """A compact display of a number, vector or matrix: a few entries, then ``...``.

    >>> short([[1.0, 2.0], [3.0, 4.0]])
    '[[1, 2], [3, 4]]'
    >>> short(list(range(10)), max_items=3)
    '[0, 1, 2, ... (10 values)]'
    """
    if isinstance(x, list):
        if x and isinstance(x[0], list):
            rows = [short(r, max_items, digits) for r in x[:max_items]]
            more = f", ... ({len(x)} rows)" if len(x) > max_items else ""
            return "[" + ", ".join(rows) + more + "]"
        items = [short(v, max_items, digits) for v in x[:max_items]]
        more = f", ... ({len(x)} values)" if len(x) > max_items else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return repr(x)


def shape(x: Any) -> str:
    """``"3 x 4"`` for a matrix, ``"5 values"`` for a vector, ``""`` for a scalar."""
    if isinstance(x, list):
        if x and isinstance(x[0], list):
            return f"{len(x)} x {len(x[0])}"
        return f"{len(x)} values"
    return ""


def describe_payload(payload: dict[str, Any]) -> list[str]:
    """One line per argument of a case: ``name = [[...]]  (3 x 4)``.

    >>> describe_payload({"f": "dot", "args": {"a": [1.0, 2.0]}, "kwargs": {"k": 3}})
    ['dot(a, k=...) with', '  a = [1, 2]  (2 values)', '  k = 3']
    """
    args, kwargs = payload.get("args", {}), payload.get("kwargs", {})
    names = [*args, *(f"{k}=..." for k in kwargs)]
    lines = [f"{payload['f']}({', '.join(names)}) with"] if "f" in payload else []
    indent = "  " if lines else ""
    for key, value in {**args, **kwargs}.items():
        size = shape(value)
        lines.append(f"{indent}{key} = {short(value)}" + (f"  ({size})" if size else ""))
    return lines


# ---------------------------------------------------------------------------
# Model answers written out from purepose's own functions


def source_of(title: str, *objects: Any, prelude: str = "", epilogue: str = "") -> str:
    """A model-answer file: a docstring, imports, then the source of each function, as written.

    ``prelude`` holds the imports the functions need; ``epilogue`` any glue
    (an adapter to the exercise's signature).
    """
    parts = [f'"""{title}"""\n\nfrom __future__ import annotations\n\n{prelude}'.rstrip() + "\n"]
    parts += [textwrap.dedent(inspect.getsource(obj)) for obj in objects]
    if epilogue:
        parts.append(epilogue.strip() + "\n")
    return "\n\n".join(parts)
