"""The worker process: it imports the learner's file and runs the cases the grader sends it.

The grader (:mod:`purepose.exercises.grader`) never runs a learner's code
itself. It starts ``python -m purepose.exercises.worker`` and talks to it in
JSON lines, so an endless loop is stopped by killing the worker (the
per-case time limit), and a crash, a ``sys.exit()`` or a runaway allocation
(the worker's address space is limited) cannot take the grader down.
Nothing of purepose is replaced or patched: the learner's file is imported
as a module of its own, and the cases call its functions.

Requests (the worker's stdin) and answers (its original stdout), one JSON
object a line:

    {"op": "load", "exercise": NAME, "path": FILE, "exercise_file": None or a .py}
        -> {"ok": true} or {"usage": MESSAGE}
    {"op": "run", "payload": P}
        -> {"value": V, "seconds": S, "mutated": B} or {"raised": TYPE, "message": M, "where": W}
    {"op": "speed", "payload": P, "rounds": R}
        -> {"learner": S, "textbook": S, "fast": S}: best times (or why one failed)

WHO is "learner", "textbook" (the exercise's model answer) or "fast"
(purepose's fast version). What the learner's code prints goes to stderr,
never into the protocol, and its stdin is empty.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import math
import os
import runpy
import sys
import time
import traceback
import types
import warnings
from pathlib import Path
from typing import Any

ANSWER_MODULE = "exercise_answer"
MODEL_ANSWER_MODULE = "exercise_model_answer"


def plain(x: Any, depth: int = 0) -> Any:
    """What a learner returned, as JSON-ready data: lists, dicts, numbers, strings.

    Tuples become lists; anything else (a generator, an object) becomes
    ``{"__unplain__": type name}`` so that the grader can say what it got.

    >>> plain((1, [2.5, (True, None)]))
    [1, [2.5, [True, None]]]
    >>> plain(x for x in [])
    {'__unplain__': 'generator'}
    """
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if depth > 50:
        return {"__unplain__": "structure nested more than 50 deep"}
    if isinstance(x, list | tuple):
        return [plain(v, depth + 1) for v in x]
    if isinstance(x, dict):
        return {str(k): plain(v, depth + 1) for k, v in x.items()}
    if hasattr(x, "__float__") and not hasattr(x, "__len__"):  # Fraction, Decimal
        try:
            return float(x)
        except (TypeError, ValueError, OverflowError):
            pass
    return {"__unplain__": type(x).__name__}


def _where(exc: BaseException, path: str | None) -> str:
    """The last line of the learner's file in the traceback: ``line 12, in covariance``."""
    found = ""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if path is not None and frame.f_code.co_filename == path:
            found = f"line {lineno}, in {frame.f_code.co_name}"
    return found


class Worker:
    """The state of one worker process: the exercise, the learner's module, the model answer."""

    def __init__(self) -> None:
        self.exercise: Any = None
        self.path: str | None = None
        self.namespaces: dict[str, Any] = {}

    def load(self, name: str, path: str, exercise_file: str | None = None) -> dict[str, Any]:
        self.exercise = _exercise(name, exercise_file)
        self.path = str(Path(path).resolve())
        try:
            module = _import_file(self.path)
        except SyntaxError as exc:
            line = f" line {exc.lineno}" if exc.lineno else ""
            return {"usage": f"{path}:{line}: SyntaxError: {exc.msg}".replace(":: ", ": ")}
        except (Exception, SystemExit) as exc:
            where = _where(exc, self.path) or "at import"
            message = str(exc).splitlines()[0] if str(exc) else ""
            return {
                "usage": f"{path}: importing it raised {type(exc).__name__}: {message} ({where})"
            }
        missing = [f for f in self.exercise.functions if not callable(getattr(module, f, None))]
        if missing:
            needs = ", ".join(self.exercise.functions)
            return {
                "usage": f"{path}: defines no {missing[0]} (the exercise "
                f"{self.exercise.name} needs {needs})"
            }
        self.namespaces["learner"] = module
        return {"ok": True}

    def functions(self, who: str) -> Any:
        if who not in self.namespaces:
            if who == "textbook":
                self.namespaces[who] = _exec_source(self.exercise.answer(), self.exercise.name)
            elif who == "fast":
                self.namespaces[who] = self.exercise.fast()
        return self.namespaces[who]

    def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        before = json.dumps(payload)
        start = time.perf_counter()
        try:
            value = self.exercise.call(self.functions("learner"), payload)
        except (Exception, SystemExit) as exc:
            return _raised(exc, self.path, time.perf_counter() - start)
        seconds = time.perf_counter() - start
        return {
            "value": plain(value),
            "seconds": seconds,
            "mutated": json.dumps(payload) != before,
        }

    def speed(self, payload: dict[str, Any], rounds: int, budget: float) -> dict[str, Any]:
        """Best call times of the learner, the model answer and the fast version, interleaved.

        Each round gives the three versions a turn each: calls until 20 ms are
        spent (at most 50), keeping the fastest, so a busy machine slows them
        alike. Rounds stop after ``rounds``, or once ``budget`` seconds are spent.
        """
        best: dict[str, Any] = {"learner": math.inf, "textbook": math.inf, "fast": math.inf}
        started = time.perf_counter()
        for _ in range(rounds):
            for who in best:
                if isinstance(best[who], float):
                    best[who] = self._fastest(who, payload, best[who])
            if time.perf_counter() - started > budget:
                break
        return best

    def _fastest(self, who: str, payload: dict[str, Any], best: float) -> float | str | None:
        functions = self.functions(who)
        if functions is None:
            return None
        spent = 0.0
        with warnings.catch_warnings():
            if who != "learner":
                warnings.simplefilter("ignore")
            for _ in range(50):
                fresh = json.loads(json.dumps(payload))  # a copy, outside the timed call
                gc.collect()
                gc.disable()  # as timeit does: a collection would land on whoever is next
                start = time.perf_counter()
                try:
                    self.exercise.call(functions, fresh)
                except (Exception, SystemExit) as exc:
                    return f"raised {type(exc).__name__}"
                finally:
                    seconds = time.perf_counter() - start
                    gc.enable()
                best, spent = min(best, seconds), spent + seconds
                if spent > 0.02:
                    break
        return best

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "load":
            return self.load(request["exercise"], request["path"], request.get("exercise_file"))
        if op == "run":
            return self.run(request["payload"])
        if op == "speed":
            return self.speed(request["payload"], int(request["rounds"]), float(request["budget"]))
        return {"usage": f"worker: unknown request {op!r}"}


def _exercise(name: str, exercise_file: str | None) -> Any:
    """purepose's exercise ``name``, or the one of that name defined in a teacher's own file."""
    from purepose.exercises import get
    from purepose.exercises.core import Exercise

    if exercise_file is None:
        return get(name)
    namespace = runpy.run_path(exercise_file)
    for value in namespace.values():
        if isinstance(value, type) and issubclass(value, Exercise) and value.name == name:
            return value()
    raise ValueError(f"{exercise_file} defines no exercise named {name!r}")


def _raised(exc: BaseException, path: str | None, seconds: float) -> dict[str, Any]:
    message = str(exc).splitlines()[0] if str(exc) else ""
    return {
        "raised": type(exc).__name__,
        "message": message[:300],
        "where": _where(exc, path),
        "seconds": seconds,
    }


def _import_file(path: str) -> types.ModuleType:
    """Import a file as the module ``exercise_answer`` (never under a name that shadows another).

    Its directory goes at the end of ``sys.path``, so its own helper modules
    import and the standard library still wins over a file named random.py.
    """
    spec = importlib.util.spec_from_file_location(ANSWER_MODULE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    sys.path.append(str(Path(path).parent))
    module = importlib.util.module_from_spec(spec)
    sys.modules[ANSWER_MODULE] = module  # dataclasses and pickling look modules up here
    spec.loader.exec_module(module)
    return module


def _exec_source(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(MODEL_ANSWER_MODULE)
    sys.modules[MODEL_ANSWER_MODULE] = module
    exec(compile(source, f"<model answer of {name}>", "exec"), module.__dict__)
    return module


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str]) -> int:
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the learner's input() sees an empty stdin
    os.dup2(2, 1)  # and its print() goes to stderr
    if argv and int(argv[0]) > 0:
        _limit_memory(int(argv[0]))
    sys.dont_write_bytecode = True  # grading leaves no __pycache__ beside the answer
    worker = Worker()
    for line in requests:
        answer = worker.handle(json.loads(line))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
