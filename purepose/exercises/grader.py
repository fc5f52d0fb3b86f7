"""The grader: run an answer file on fresh cases in a worker process, judge, report.

``grade(exercise, path, seed=...)`` makes the exercise's cases from
``random.Random(seed)`` (a fresh seed each run unless one is given; the
report prints it so ``--seed`` replays a failure), sends them one at a time
to a worker process (:mod:`purepose.exercises.worker`) and judges each
outcome here, in the grader's own process:

* a case that runs longer than the time limit is stopped by killing the
  worker (the rest of that tier is skipped; the next tier gets a new worker);
* an exception is a failure, except where the right answer is an exception
  (bad input, or a careful case such as a rank-deficient system);
* an answer that changes its inputs fails (inputs are never mutated);
* otherwise the exercise's ``check`` compares the value with the truth,
  within the tolerance the report states.

The report shows each tier's count, the first failing case (cases are
smallest first, so it is the smallest failing one) with its inputs,
expected and got, and a speed line: the answer beside purepose's textbook
version (the model answer) and its fast version, on one medium-sized case.
``Grade.passed`` is True when every required tier passes (bad input is
optional); the CLI turns that into exit status 0 or 1.
"""

from __future__ import annotations

import json
import queue
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from purepose.errors import PureposeError

from .core import BAD_INPUT, REQUIRED, TIERS, Case, Exercise, Verdict, describe_payload

DEFAULT_TIME_LIMIT = 10.0
"""Seconds a single case may run before the worker is stopped."""

SPEED_ROUNDS = 5
"""Rounds of the speed line (fewer once 2 s are spent); each times the three versions in turn."""

MEMORY_MB = 4096
"""The worker's address space limit: a runaway allocation fails there, not here."""


class AnswerFileError(PureposeError):
    """The answer file cannot be graded: missing, a syntax error, a missing function (exit 2)."""


@dataclass
class Outcome:
    """What happened when the worker ran one case."""

    kind: str  # "value", "raised", "timeout" or "crash"
    value: Any = None
    raised: str = ""
    message: str = ""
    where: str = ""
    seconds: float = 0.0
    mutated: bool = False


@dataclass
class Result:
    case: Case
    outcome: Outcome | None  # None: skipped after a timeout in the same tier
    verdict: Verdict


class WorkerProcess:
    """The grader's end of a worker: start it, send requests, stop it when a request hangs."""

    def __init__(self, exercise: Exercise, path: Path, memory_mb: int | None = MEMORY_MB) -> None:
        self.exercise = exercise
        self.path = path
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self, time_limit: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "purepose.exercises.worker", str(self.memory_mb or 0)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, self.lines), daemon=True).start()
        request = {
            "op": "load",
            "exercise": self.exercise.name,
            "exercise_file": self.exercise.source_file,
            "path": str(self.path),
        }
        answer = self._ask(request, time_limit)
        if isinstance(answer, Outcome):
            what = "did not finish importing" if answer.kind == "timeout" else "crashed on import"
            raise AnswerFileError(f"{self.path}: {what} within {time_limit:g} s")
        if "usage" in answer:
            raise AnswerFileError(answer["usage"])

    @staticmethod
    def _read(proc: subprocess.Popen, lines: queue.Queue) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.proc = None

    def _ask(self, request: dict[str, Any], time_limit: float) -> dict[str, Any] | Outcome:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            line = self.lines.get(timeout=time_limit)
        except queue.Empty:
            self.stop()
            return Outcome("timeout", seconds=time_limit)
        except (BrokenPipeError, OSError):
            line = None
        if line is None:
            status = self.proc.wait()
            self.stop()
            return Outcome("crash", message=f"exit status {status}")
        return json.loads(line)

    def request(self, request: dict[str, Any], time_limit: float) -> dict[str, Any] | Outcome:
        if self.proc is None:
            self._start(time_limit)
        return self._ask(request, time_limit)

    def run(self, payload: dict[str, Any], time_limit: float) -> Outcome:
        answer = self.request({"op": "run", "payload": payload}, time_limit)
        if isinstance(answer, Outcome):
            return answer
        if "raised" in answer:
            return Outcome(
                "raised",
                raised=answer["raised"],
                message=answer["message"],
                where=answer["where"],
                seconds=answer["seconds"],
            )
        return Outcome(
            "value", value=answer["value"], seconds=answer["seconds"], mutated=answer["mutated"]
        )

    def speed(self, payload: dict[str, Any], time_limit: float) -> dict[str, Any]:
        """Best times in seconds of each version (None: no such version; a string: why not)."""
        request = {"op": "speed", "payload": payload, "rounds": SPEED_ROUNDS, "budget": 2.0}
        answer = self.request(request, 3 * time_limit)
        if isinstance(answer, Outcome):
            why = f"over the {3 * time_limit:g} s limit" if answer.kind == "timeout" else "crashed"
            return {"learner": why}
        return answer


# ---------------------------------------------------------------------------
# Judging one outcome


def judge(exercise: Exercise, case: Case, outcome: Outcome, time_limit: float) -> Verdict:
    """The verdict on one case (module docstring)."""
    if outcome.kind == "timeout":
        return Verdict.fail(
            f"stopped: still running after the time limit of {time_limit:g} s "
            "(an endless loop? --time-limit sets the limit)"
        )
    if outcome.kind == "crash":
        return Verdict.fail(f"the worker process died ({outcome.message}) while running it")
    if outcome.kind == "raised":
        where = f" at {outcome.where}" if outcome.where else ""
        raised = f"{outcome.raised}: {outcome.message}" if outcome.message else outcome.raised
        if outcome.raised == "NotImplementedError":
            return Verdict.fail(f"not implemented yet (raised {raised}{where})")
        if case.raises:
            return Verdict.ok()
        return Verdict.fail(f"raised {raised}{where}")
    if case.raises:
        return Verdict.fail(f"returned {_short_value(outcome.value)} instead of raising an error")
    if outcome.mutated:
        return Verdict.fail("changed its input (inputs are never mutated: build new lists)")
    return exercise.check(case, outcome.value)


def _short_value(value: Any) -> str:
    from .core import short

    text = short(value)
    return text if len(text) <= 120 else text[:117] + "..."


# ---------------------------------------------------------------------------
# A whole grading run


@dataclass
class Grade:
    """The results of one ``exercise check``: per-case verdicts, the speed line, the time."""

    exercise: Exercise
    path: Path
    seed: int
    time_limit: float
    results: list[Result] = field(default_factory=list)
    speed: dict[str, Any] = field(default_factory=dict)
    speed_size: str = ""
    seconds: float = 0.0

    def tier(self, tier: str) -> list[Result]:
        return [r for r in self.results if r.case.tier == tier]

    def tier_passed(self, tier: str) -> bool:
        return all(r.verdict.passed for r in self.tier(tier))

    @property
    def passed(self) -> bool:
        """Every required tier has cases and passes them all."""
        return all(self.tier(t) and self.tier_passed(t) for t in REQUIRED)

    def report(self) -> str:
        return format_report(self)


def grade(
    exercise: Exercise,
    path: str | Path,
    *,
    seed: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    speed: bool = True,
    memory_mb: int | None = MEMORY_MB,
) -> Grade:
    """Grade the answer in ``path`` (module docstring). Raises AnswerFileError on bad usage."""
    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "no such file"
        raise AnswerFileError(f"{path}: {what}")
    if not time_limit > 0:
        raise PureposeError(f"--time-limit {time_limit!r} must be a positive number of seconds")
    seed = random.SystemRandom().randrange(10**9) if seed is None else seed
    start = time.perf_counter()
    result = Grade(exercise, path, seed, time_limit)
    rng = random.Random(seed)
    cases = exercise.cases(rng)
    speed_case = exercise.speed_case(rng) if speed else None
    with WorkerProcess(exercise, path, memory_mb) as worker:
        for tier in TIERS:
            stopped = False
            for case in (c for c in cases if c.tier == tier):
                if stopped:
                    result.results.append(
                        Result(case, None, Verdict.fail("not run: an earlier case timed out"))
                    )
                    continue
                outcome = worker.run(case.payload, time_limit)
                stopped = outcome.kind == "timeout"
                result.results.append(
                    Result(case, outcome, judge(exercise, case, outcome, time_limit))
                )
        if speed_case is not None:
            result.speed_size = exercise.speed_size(speed_case)
            result.speed = worker.speed(speed_case.payload, time_limit)
    result.seconds = time.perf_counter() - start
    return result


# ---------------------------------------------------------------------------
# The report


def _duration(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def _speed_line(g: Grade) -> str | None:
    if not g.speed:
        return None
    mine = g.speed.get("learner")
    parts = []
    if isinstance(mine, float):
        parts.append(f"yours {_duration(mine)}")
    else:
        parts.append(f"yours: {mine}")
    for who, name in (("textbook", "purepose textbook"), ("fast", "purepose fast")):
        value = g.speed.get(who)
        if value is None:
            continue
        if isinstance(value, float):
            ratio = f" ({value / mine:.2g}x yours)" if isinstance(mine, float) and mine else ""
            parts.append(f"{name} {_duration(value)}{ratio}")
        else:
            parts.append(f"{name}: {value}")
    return f"speed on {g.speed_size} (fastest call): " + "; ".join(parts)


def _failure_block(g: Grade, result: Result, number: int, total: int) -> list[str]:
    case = result.case
    lines = [f"first failure in {case.tier}, case {number} of {total}: {case.label}"]
    shown = case.show.splitlines() if case.show else describe_payload(case.payload)
    lines += [f"  {line}" for line in shown]
    lines += [f"  {line}" for line in result.verdict.lines]
    if case.hint:
        lines.append(f"  hint: {case.hint}")
    return lines


def format_report(g: Grade) -> str:
    """The text ``exercise check`` prints (module docstring)."""
    ex = g.exercise
    lines = [
        f"exercise {ex.name} ({ex.level}): {ex.summary}",
        f"answer: {g.path}; seed {g.seed} (replay: --seed {g.seed}); "
        f"time limit {g.time_limit:g} s a case",
        f"tolerance: {ex.tolerance}",
    ]
    blocks = []
    for tier in TIERS:
        results = g.tier(tier)
        if not results:
            if tier == BAD_INPUT:
                lines.append(f"{tier:<10}  no cases for this exercise")
            continue
        n_passed = sum(r.verdict.passed for r in results)
        mark = "" if n_passed == len(results) else "  FAILED"
        optional = "  (optional)" if tier not in REQUIRED else ""
        lines.append(f"{tier:<10}  {n_passed}/{len(results)} passed{mark}{optional}")
        shown = tier in REQUIRED or not blocks  # bad input only once the rest passes
        for number, r in enumerate(results, 1):
            if not r.verdict.passed and shown:
                blocks.append(_failure_block(g, r, number, len(results)))
                break
    for block in blocks:
        lines += ["", *block]
    speed = _speed_line(g)
    if speed:
        lines += ["", speed]
    failed = [t for t in REQUIRED if not (g.tier(t) and g.tier_passed(t))]
    verdict = "PASS" if not failed else f"FAIL ({', '.join(failed)})"
    lines.append(f"result: {verdict} in {g.seconds:.1f} s")
    return "\n".join(lines)
