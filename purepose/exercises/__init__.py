"""The interview and classroom kit: exercises with a grader (``purepose exercise ...``).

Every exercise is one :class:`~purepose.exercises.core.Exercise`: a starter
file (``exercise start NAME DIR``), a model answer (purepose's textbook
function written out; ``exercise start NAME DIR --answer``), and fresh
graded cases (``exercise check NAME FILE``), judged by
:mod:`purepose.exercises.grader` in a worker process
(:mod:`purepose.exercises.worker`). ``pose`` is the whole task
(:mod:`purepose.exercises.pose`). docs/teaching.md explains what the
grader checks and why, and how to add an exercise.

>>> names()[:3]
['matmul', 'covariance', 'cholesky']
>>> get("no-such")
Traceback (most recent call last):
...
purepose.errors.PureposeError: no exercise 'no-such'; `purepose exercise list` shows them all
"""

from __future__ import annotations

from purepose.errors import PureposeError

from .clustering import KmeansPlusPlusExercise, LloydExercise
from .core import Exercise
from .covariance import CovarianceExercise
from .eigen import PcaSignsExercise, PowerIterationExercise
from .least_squares import LstsqExercise
from .metric import MetricExercise
from .models import BackpropExercise, KnnExercise
from .pose import PoseExercise
from .products import MatmulExercise
from .projection import Project3dExercise
from .ridge import NormalEquationsExercise, RidgeExercise
from .signals import FeaturesExercise, LfilterExercise
from .solves import CholeskyExercise

EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        MatmulExercise(),
        CovarianceExercise(),
        CholeskyExercise(),
        LstsqExercise(),
        PowerIterationExercise(),
        PcaSignsExercise(),
        KmeansPlusPlusExercise(),
        LloydExercise(),
        RidgeExercise(),
        NormalEquationsExercise(),
        FeaturesExercise(),
        LfilterExercise(),
        MetricExercise(),
        Project3dExercise(),
        BackpropExercise(),
        KnnExercise(),
        PoseExercise(),
    )
}
"""Every exercise by name, in the order ``exercise list`` shows them."""


def names() -> list[str]:
    return list(EXERCISES)


def get(name: str) -> Exercise:
    """The exercise called ``name`` (PureposeError if there is none)."""
    try:
        return EXERCISES[name]
    except KeyError:
        raise PureposeError(
            f"no exercise {name!r}; `purepose exercise list` shows them all"
        ) from None
