"""The exercise grader: model answers pass, wrong answers fail and say why.

Every exercise is graded on purepose's own model answer (its textbook
function written out to a file, ``exercise start NAME DIR --answer``) and
must pass; a set of wrong answers, each with a classic mistake, must fail
with a report naming the problem; hanging, crashing and input-changing
answers are stopped or caught; bad usage exits 2 with one line.
"""

from __future__ import annotations

import re
import textwrap
import zlib
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.exercises import EXERCISES, get
from purepose.exercises.grader import grade

FUNCTION_EXERCISES = [name for name in EXERCISES if name != "pose"]


def _seed(name: str) -> int:
    return zlib.crc32(name.encode()) % 10_000  # a different fixed seed for each exercise


def _check(tmp_path: Path, name: str, source: str, *extra: str, capsys) -> tuple[int, str]:
    path = tmp_path / f"{name}_try.py"
    path.write_text(textwrap.dedent(source))
    status = main(["exercise", "check", name, str(path), "--no-speed", *extra])
    return status, capsys.readouterr().out


# ---------------------------------------------------------------------------
# Model answers and starter files


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_the_model_answer_passes_every_tier(name, tmp_path, capsys):
    assert main(["exercise", "start", name, str(tmp_path), "--answer", "-q"]) == 0
    capsys.readouterr()
    answer = tmp_path / f"{name}_answer.py"
    assert (
        main(["exercise", "check", name, str(answer), "--seed", str(_seed(name)), "--no-speed"])
        == 0
    )
    report = capsys.readouterr().out
    assert re.search(r"^ordinary\s+(\d+)/\1 passed$", report, re.M), report
    assert re.search(r"^careful\s+(\d+)/\1 passed$", report, re.M), report
    assert "result: PASS" in report and "tolerance: " in report


@pytest.mark.parametrize("name", [*FUNCTION_EXERCISES, "pose"])
def test_the_starter_file_states_the_task_and_fails_until_it_is_done(name, tmp_path, capsys):
    assert main(["exercise", "start", name, str(tmp_path)]) == 0
    exercise = get(name)
    path = tmp_path / exercise.file_name
    text = path.read_text()
    compile(text, str(path), "exec")
    for part in ("Task", "Math", "Conventions", "Example", "TODO", "NotImplementedError"):
        assert part in text, f"{name}: the starter has no {part}"
    for function in exercise.functions:
        assert re.search(rf"^(def|class) {function}\b", text, re.M)
    assert f"purepose exercise check {name}" in text
    capsys.readouterr()
    extra = ["--sessions", "3", "--seconds", "1", "--no-reference"] if name == "pose" else []
    assert main(["exercise", "check", name, str(path), "--no-speed", *extra]) == 1
    assert "NotImplementedError" in capsys.readouterr().out


def test_start_never_overwrites(tmp_path, capsys):
    target = tmp_path / "covariance.py"
    target.write_text("my work\n")
    assert main(["exercise", "start", "covariance", str(tmp_path)]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert target.read_text() == "my work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["covariance.py"]  # no temporary left


def test_list_shows_every_exercise_with_its_level(capsys):
    assert main(["exercise", "list"]) == 0
    out = capsys.readouterr().out
    for exercise in EXERCISES.values():
        assert re.search(rf"^{exercise.name}\s+{exercise.level}\s+\S", out, re.M)


# ---------------------------------------------------------------------------
# Wrong answers: each fails, and the report names the mistake

WRONG = {
    "off by one: the last window is missing": (
        "features",
        """
        import math
        def extract_features(emg, *, window, hop, features, threshold=0.0):
            rows = []
            for s in range(0, len(emg) - window, hop):  # should be len(emg) - window + 1
                row = []
                for f in features:
                    for c in range(len(emg[0])):
                        x = [r[c] for r in emg[s:s + window]]
                        if f == "rms":
                            row.append(math.sqrt(sum(v * v for v in x) / window))
                        elif f == "mav":
                            row.append(sum(abs(v) for v in x) / window)
                        elif f == "wl":
                            row.append(sum(abs(x[i] - x[i - 1]) for i in range(1, window)))
                        else:
                            row.append(float(sum(1 for i in range(window - 1)
                                                 if x[i] * x[i + 1] < 0)))
                rows.append(row)
            return rows
        """,
        ["windows, expected (n - window) // hop + 1", "range(0, n - window + 1, hop)"],
    ),
    "wrong normalisation: divided by n": (
        "covariance",
        """
        def covariance(X):
            n, d = len(X), len(X[0])
            m = [sum(r[j] for r in X) / n for j in range(d)]
            return [[sum((r[a] - m[a]) * (r[b] - m[b]) for r in X) / n for b in range(d)]
                    for a in range(d)]
        """,
        ["you divided by n (the population covariance, ddof = 0)"],
    ),
    "unstable one-pass variance": (
        "covariance",
        """
        def covariance(X):
            n, d = len(X), len(X[0])
            s = [sum(r[j] for r in X) for j in range(d)]
            return [[(sum(r[a] * r[b] for r in X) - s[a] * s[b] / n) / (n - 1)
                     for b in range(d)] for a in range(d)]
        """,
        ["FAIL (careful)", "that is what the one-pass formula"],
    ),
    "no sign flip": (
        "pca_signs",
        """
        def flip_signs(vectors):
            return [list(v) for v in vectors]
        """,
        ["was not flipped", "must become positive"],
    ),
    "no empty-cluster handling": (
        "lloyd",
        """
        import math
        def lloyd(X, centers, max_iter, tol):
            centers = [list(c) for c in centers]
            labels = None
            for _ in range(max_iter):
                new = [min(range(len(centers)), key=lambda j: math.dist(x, centers[j]))
                       for x in X]
                if new == labels:
                    break
                labels = new
                for j in range(len(centers)):
                    members = [x for x, l in zip(X, labels) if l == j]
                    if members:  # an empty cluster keeps its old center
                        centers[j] = [sum(c) / len(members) for c in zip(*members)]
            inertia = sum(math.dist(x, centers[l]) ** 2 for x, l in zip(X, labels))
            return labels, inertia, centers
        """,
        ["FAIL (careful)", "an empty cluster", "farthest from its own center"],
    ),
    "rows of B instead of its columns": (
        "matmul",
        """
        def dot(a, b):
            return sum(x * y for x, y in zip(a, b))
        def matmul(A, B):
            return [[dot(row, col) for col in B] for row in A]
        """,
        ["FAIL (ordinary", "one entry per row of B", "with column j of B (zip(*B))"],
    ),
    "least squares by the normal equations": (
        "lstsq",
        """
        from purepose.textbook.linalg import cholesky, cholesky_solve
        def lstsq(A, B):
            n = len(A[0])
            AtA = [[sum(r[i] * r[j] for r in A) for j in range(n)] for i in range(n)]
            L = cholesky(AtA)
            columns = [cholesky_solve(L, [sum(r[i] * b[t] for r, b in zip(A, B))
                                          for i in range(n)]) for t in range(len(B[0]))]
            return [list(row) for row in zip(*columns)]
        """,
        ["FAIL (careful)", "condition number 1e6", "never form A^T A"],
    ),
    "the intercept is penalized too": (
        "ridge",
        """
        from purepose.textbook.ridge import ridge as textbook_ridge
        def ridge(X, Y, alpha):
            coef, intercept = textbook_ridge([[1.0, *x] for x in X], Y, alpha,
                                             fit_intercept=False)
            return [row[1:] for row in coef], [row[0] for row in coef]
        """,
        ["FAIL (ordinary", "coef row 0"],
    ),
    "a running sum over the whole signal": (
        "features",
        """
        import math
        from itertools import accumulate
        def extract_features(emg, *, window, hop, features, threshold=0.0):
            rows = []
            sums = {}
            for c in range(len(emg[0])):
                x = [r[c] for r in emg]
                sums["rms", c] = list(accumulate((v * v for v in x), initial=0.0))
                sums["mav", c] = list(accumulate((abs(v) for v in x), initial=0.0))
                sums["wl", c] = list(accumulate((abs(x[i] - x[i - 1]) if i else 0.0
                                                 for i in range(len(x))), initial=0.0))
            for s in range(0, len(emg) - window + 1, hop):
                row = []
                for f in features:
                    for c in range(len(emg[0])):
                        x = [r[c] for r in emg[s:s + window]]
                        if f == "zc":
                            row.append(float(sum(1 for i in range(window - 1)
                                                 if (x[i] > 0) != (x[i + 1] > 0)
                                                 and x[i] != 0 and x[i + 1] != 0)))
                            continue
                        P = sums[f, c]
                        total = P[s + window] - P[s + 1 if f == "wl" else s]
                        if f == "rms":
                            row.append(math.sqrt(max(total, 0.0) / window))
                        elif f == "mav":
                            row.append(total / window)
                        else:
                            row.append(total)
                rows.append(row)
            return rows
        """,
        ["FAIL (", "a difference of running sums over the whole signal"],
    ),
    "the metric without the IK-failure mask": (
        "metric",
        """
        import math
        FINGERS = {"thumb": range(0, 4), "index": range(4, 8), "middle": range(8, 12),
                   "ring": range(12, 16), "pinky": range(16, 20)}
        def angular_mae(y_true, y_pred):
            def mae(joints):
                errors = [abs(p[j] - t[j]) for t, p in zip(y_true, y_pred) for j in joints]
                return math.degrees(sum(errors) / len(errors))
            return {"mae": mae(range(20)), "per_joint": [mae([j]) for j in range(20)],
                    "per_finger": {k: mae(v) for k, v in FINGERS.items()}}
        """,
        ["FAIL (ordinary", "the IK failures (true angles all ~0) must be left out"],
    ),
    "lfilter that ignores a[0]": (
        "lfilter",
        """
        def lfilter(b, a, x):
            y = []
            for n in range(len(x)):
                acc = sum(b[k] * x[n - k] for k in range(len(b)) if n - k >= 0)
                acc -= sum(a[k] * y[n - k] for k in range(1, len(a)) if n - k >= 0)
                y.append(acc)
            return y
        """,
        ["FAIL (careful)", "a[0] = 2", "normalise b and a by a[0]"],
    ),
    "k-means++ with uniform draws": (
        "kmeans_plusplus",
        """
        def kmeans_plusplus(X, k, rng):
            return rng.sample(range(len(X)), k)
        """,
        ["FAIL (ordinary", "two seeds share a blob"],
    ),
    "k-means++ weighted by D, not D^2": (
        "kmeans_plusplus",
        """
        import bisect, math
        def kmeans_plusplus(X, k, rng):
            chosen = [rng.randrange(len(X))]
            while len(chosen) < k:
                d = [min(math.dist(x, X[c]) for c in chosen) for x in X]
                cumulative, total = [], 0.0
                for v in d:
                    total += v
                    cumulative.append(total)
                chosen.append(bisect.bisect_right(cumulative, rng.random() * total))
            return chosen
        """,
        ["FAIL (careful)", "D^2 sampling gives 0.9, D sampling 0.75"],
    ),
    "power iteration with a fixed number of steps": (
        "power_iteration",
        """
        import math
        def power_iteration(S, n_components, rng):
            d, values, vectors = len(S), [], []
            for _ in range(n_components):
                v = [rng.gauss(0, 1) for _ in range(d)]
                for _ in range(100):
                    for _ in range(2):
                        for u in vectors:
                            c = sum(a * b for a, b in zip(u, v))
                            v = [x - c * y for x, y in zip(v, u)]
                    w = [sum(a * b for a, b in zip(row, v)) for row in S]
                    for u in vectors:
                        c = sum(a * b for a, b in zip(u, w))
                        w = [x - c * y for x, y in zip(w, u)]
                    norm = math.hypot(*w) or 1.0
                    v = [x / norm for x in w]
                values.append(sum(v[i] * sum(S[i][j] * v[j] for j in range(d))
                                  for i in range(d)))
                vectors.append(v)
            return values, vectors
        """,
        ["FAIL (careful)", "near-equal top eigenvalues", "degrees from the true eigenvector"],
    ),
    "streaming normal equations from raw sums": (
        "normal_equations",
        """
        from purepose.textbook.linalg import cholesky, cholesky_solve
        class NormalEquations:
            def __init__(self):
                self.n, self.s, self.Q = 0, None, None
            def update(self, X, Y):
                for x, y in zip(X, Y):
                    z = [*x, *y]
                    if self.s is None:
                        self.d = len(x)
                        self.s = [0.0] * len(z)
                        self.Q = [[0.0] * len(z) for _ in z]
                    self.n += 1
                    self.s = [a + b for a, b in zip(self.s, z)]
                    self.Q = [[q + z[i] * z[j] for j, q in enumerate(row)]
                              for i, row in enumerate(self.Q)]
                return self
            def merge(self, other):
                new = NormalEquations()
                new.n, new.d = self.n + other.n, getattr(self, "d", getattr(other, "d", 0))
                if self.s is None or other.s is None:
                    src = self if other.s is None else other
                    new.s, new.Q = list(src.s), [list(r) for r in src.Q]
                    return new
                new.s = [a + b for a, b in zip(self.s, other.s)]
                new.Q = [[a + b for a, b in zip(r, q)] for r, q in zip(self.Q, other.Q)]
                return new
            def solve(self, alpha):
                n, d = self.n, self.d
                m = [v / n for v in self.s]
                M = [[self.Q[i][j] - n * m[i] * m[j] for j in range(len(m))]
                     for i in range(len(m))]
                A = [[M[i][j] + (alpha if i == j else 0.0) for j in range(d)] for i in range(d)]
                L = cholesky(A)
                coef = [cholesky_solve(L, [M[i][t] for i in range(d)]) for t in range(d, len(m))]
                b = [m[t] - sum(w * x for w, x in zip(coef[k], m)) for k, t in
                     enumerate(range(d, len(m)))]
                return coef, b
        """,
        ["FAIL (careful)", "an offset of 1e9"],
    ),
    "a triangular solve that reads the whole row": (
        "cholesky",
        """
        import math
        from purepose.textbook.linalg import cholesky
        def forward_substitution(L, b):
            x = list(b)  # solved in place, so unsolved entries still hold b
            for i in range(len(b)):
                s = sum(L[i][j] * x[j] for j in range(len(b)) if j != i)
                x[i] = (b[i] - s) / L[i][i]
            return x
        def back_substitution(U, b):
            x = list(b)
            for i in reversed(range(len(b))):
                s = sum(U[i][j] * x[j] for j in range(len(b)) if j != i)
                x[i] = (b[i] - s) / U[i][i]
            return x
        """,
        ["FAIL (careful)", "must be ignored", "use only T[i][j] with j < i"],
    ),
    "a gradient with a missing term: no g'(z) in the error signal": (
        "backprop",
        """
        import math
        def gradients(weights, biases, X, Y, alpha, activation):
            g = {"relu": lambda z: max(z, 0.0), "tanh": math.tanh, "identity": lambda z: z,
                 "logistic": lambda z: 1 / (1 + math.exp(-z))}[activation]
            acts = [X]
            for l, (W, b) in enumerate(zip(weights, biases)):
                Z = [[sum(a[p] * W[p][j] for p in range(len(W))) + b[j] for j in range(len(b))]
                     for a in acts[-1]]
                acts.append(Z if l == len(weights) - 1 else [[g(z) for z in r] for r in Z])
            n = len(X)
            delta = [[p - y for p, y in zip(pr, yr)] for pr, yr in zip(acts[-1], Y)]
            gw, gb = [None] * len(weights), [None] * len(weights)
            for l in reversed(range(len(weights))):
                W, A = weights[l], acts[l]
                gw[l] = [[(sum(A[i][p] * delta[i][j] for i in range(n)) + alpha * W[p][j]) / n
                          for j in range(len(W[0]))] for p in range(len(W))]
                gb[l] = [sum(delta[i][j] for i in range(n)) / n for j in range(len(W[0]))]
                delta = [[sum(delta[i][j] * W[p][j] for j in range(len(W[0])))  # no g'
                          for p in range(len(W))] for i in range(n)]
            return gw, gb
        """,
        ["FAIL (ordinary", "that is the gradient without g'(z) in the error signal"],
    ),
    "a gradient with a missing term: no penalty": (
        "backprop",
        """
        from purepose.textbook.mlp import backward, forward
        def gradients(weights, biases, X, Y, alpha, activation):
            acts = forward(weights, biases, X, activation)
            return backward(weights, acts, Y, 0.0, activation)  # alpha forgotten
        """,
        ["FAIL (", "that is the gradient without the penalty's alpha W / n"],
    ),
    "knn that divides by a zero distance": (
        "knn",
        """
        import math
        def predict(X, Y, queries, k, weights="uniform"):
            out = []
            for q in queries:
                near = sorted(range(len(X)), key=lambda j: math.dist(q, X[j]))[:k]
                w = [1.0 if weights == "uniform" else 1.0 / math.dist(q, X[j]) for j in near]
                out.append([sum(wj * Y[j][c] for wj, j in zip(w, near)) / sum(w)
                            for c in range(len(Y[0]))])
            return out
        """,
        ["FAIL (careful)", "raised ZeroDivisionError", "neighbours at distance 0 get weight 1"],
    ),
    "knn with the expanded distance formula": (
        "knn",
        """
        def predict(X, Y, queries, k, weights="uniform"):
            out = []
            for q in queries:
                qq = sum(v * v for v in q)
                d2 = [qq - 2 * sum(a * b for a, b in zip(q, x)) + sum(v * v for v in x)
                      for x in X]
                near = sorted(range(len(X)), key=lambda j: d2[j])[:k]
                if weights == "distance":
                    w = [1.0 / max(d2[j], 0.0) ** 0.5 if d2[j] > 0 else 1e300 for j in near]
                else:
                    w = [1.0] * k
                out.append([sum(wj * Y[j][c] for wj, j in zip(w, near)) / sum(w)
                            for c in range(len(Y[0]))])
            return out
        """,
        ["FAIL (careful)", "rows near 1e8", "the 1 nearest rows: rows [1]"],
    ),
}


@pytest.mark.parametrize("mistake", list(WRONG))
def test_a_wrong_answer_fails_with_a_report_naming_the_problem(mistake, tmp_path, capsys):
    name, source, words = WRONG[mistake]
    status, report = _check(tmp_path, name, source, "--seed", str(_seed(mistake)), capsys=capsys)
    assert status == 1, report
    for word in words:
        assert word in report, f"{mistake}: {word!r} not in the report:\n{report}"


def test_welford_is_careful_enough_for_the_covariance(tmp_path, capsys):
    """The tolerance is what an updating algorithm achieves: Welford's passes the offset case."""
    source = """
        def covariance(X):
            n, d, mean = 0, len(X[0]), [0.0] * len(X[0])
            M = [[0.0] * d for _ in range(d)]
            for x in X:
                n += 1
                delta = [x[a] - mean[a] for a in range(d)]
                mean = [mean[a] + delta[a] / n for a in range(d)]
                M = [[M[a][b] + delta[a] * (x[b] - mean[b]) for b in range(d)] for a in range(d)]
            return [[v / (n - 1) for v in row] for row in M]
        """
    status, report = _check(tmp_path, "covariance", source, "--seed", "5", capsys=capsys)
    assert status == 0, report


# ---------------------------------------------------------------------------
# Answers that hang, crash, exit or change their inputs


def test_a_hanging_answer_is_stopped_by_the_time_limit(tmp_path, capsys):
    source = """
        def flip_signs(vectors):
            while True:
                pass
        """
    status, report = _check(tmp_path, "pca_signs", source, "--time-limit", "1", capsys=capsys)
    assert status == 1
    assert "stopped: still running after the time limit of 1 s" in report
    assert "not run: an earlier case timed out" not in report  # the first failure is shown
    grade_ = re.search(r"^ordinary\s+0/(\d+) passed", report, re.M)
    assert grade_ and int(grade_.group(1)) > 1
    seconds = float(re.search(r"result: FAIL \(.*\) in ([\d.]+) s", report).group(1))
    assert seconds < 30  # one stopped case per tier, the rest skipped


def test_a_crashing_or_exiting_answer_cannot_take_the_grader_down(tmp_path, capsys):
    crash = """
        import os
        def flip_signs(vectors):
            os._exit(3)
        """
    status, report = _check(tmp_path, "pca_signs", crash, "--seed", "1", capsys=capsys)
    assert status == 1 and "the worker process died (exit status 3)" in report
    exits = """
        import sys
        def flip_signs(vectors):
            sys.exit("bye")
        """
    status, report = _check(tmp_path, "pca_signs", exits, "--seed", "1", capsys=capsys)
    assert status == 1 and "raised SystemExit: bye" in report


def test_an_answer_that_changes_its_input_fails(tmp_path, capsys):
    source = """
        def flip_signs(vectors):
            for v in vectors:
                j = max(range(len(v)), key=lambda i: abs(v[i]))
                if v[j] < 0:
                    v[:] = [-x for x in v]
            return vectors
        """
    status, report = _check(tmp_path, "pca_signs", source, "--seed", "2", capsys=capsys)
    assert status == 1 and "changed its input" in report


def test_prints_go_to_stderr_and_leave_the_report_alone(tmp_path, capfd):
    source = """
        print("hello from the answer")
        def flip_signs(vectors):
            print("debugging")
            return [[x for x in v] for v in vectors]
        """
    path = tmp_path / "loud.py"
    path.write_text(textwrap.dedent(source))
    assert main(["exercise", "check", "pca_signs", str(path), "--no-speed"]) == 1
    out, err = capfd.readouterr()
    assert "debugging" in err and "debugging" not in out
    assert not (tmp_path / "__pycache__").exists()  # grading writes nothing beside the answer


# ---------------------------------------------------------------------------
# Seeds, tiers, the speed line


def test_the_seed_is_printed_and_replays_the_same_cases(tmp_path):
    exercise = get("covariance")
    path = tmp_path / "answer.py"
    path.write_text(exercise.answer())
    first = grade(exercise, path, speed=False)
    seed = first.seed
    assert f"--seed {seed}" in first.report()
    again = grade(exercise, path, seed=seed, speed=False)
    assert [r.case.payload for r in first.results] == [r.case.payload for r in again.results]
    other = grade(exercise, path, seed=seed + 1, speed=False)
    assert [r.case.payload for r in first.results] != [r.case.payload for r in other.results]


def test_every_exercise_has_ordinary_and_careful_cases_and_states_its_tolerance():
    import random

    for name in FUNCTION_EXERCISES:
        exercise = get(name)
        tiers = {case.tier for case in exercise.cases(random.Random(0))}
        assert {"ordinary", "careful"} <= tiers, name
        assert "u" in exercise.tolerance or "exact" in exercise.tolerance, name


def test_the_speed_line_times_the_answer_beside_the_textbook_and_fast_versions(tmp_path):
    exercise = get("lfilter")
    path = tmp_path / "answer.py"
    path.write_text(exercise.answer())
    report = grade(exercise, path, seed=3).report()
    line = next(line for line in report.splitlines() if line.startswith("speed on"))
    assert re.search(
        r"yours [\d.]+ (µs|ms|s); purepose textbook [\d.]+ (µs|ms|s) \([\d.e+-]+x "
        r"yours\); purepose fast [\d.]+ (µs|ms|s)",
        line,
    ), line


# ---------------------------------------------------------------------------
# Bad usage: exit 2, one line


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("def covariance(X) return X\n", "SyntaxError"),
        ("def other(X):\n    return X\n", "defines no covariance"),
        ("raise RuntimeError('at import')\n", "importing it raised RuntimeError: at import"),
        ("covariance = 3\n", "defines no covariance"),
    ],
    ids=["syntax-error", "no-function", "import-raises", "not-callable"],
)
def test_an_answer_file_that_cannot_be_graded_is_one_line_and_exit_2(
    source, words, tmp_path, capsys
):
    path = tmp_path / "answer.py"
    path.write_text(source)
    assert main(["exercise", "check", "covariance", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("purepose exercise check: error: ")
    assert words in lines[0]
