"""k-means (k-means++ and Lloyd), audited against scikit-learn's KMeans(algorithm="lloyd")."""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import warnings
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from purepose.errors import ConvergenceWarning, NotFittedError, PureposeError
from purepose.fast import kmeans as kmeans_module
from purepose.fast import kmeans_steps
from purepose.fast.kmeans import KMeans, _as_points, kmeans_plusplus
from purepose.fast.kmeans_steps import assign_nearest

np = pytest.importorskip("numpy")


def _blobs(rng, n, d, k, spread=1.0, separation=4.0):
    centers = rng.normal(0.0, separation, size=(k, d))
    return centers[rng.integers(0, k, n)] + rng.normal(0.0, spread, size=(n, d))


def _sklearn_lloyd(X, init, **kw):
    from sklearn.cluster import KMeans as SkKMeans  # callers take the `sklearn` fixture

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's own duplicate-point warnings
        return SkKMeans(
            n_clusters=len(init), init=np.asarray(init), n_init=1, algorithm="lloyd", **kw
        ).fit(np.asarray(X))


def _assert_same_as_sklearn(ours, ref):
    assert ours.labels_ == ref.labels_.tolist()
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=0, atol=1e-10)
    # sklearn works on mean-centered X, so an exact 0 may come back as ~1e-32
    assert abs(ours.inertia_ - ref.inertia_) <= 1e-10 * ref.inertia_ + 1e-20


@contextlib.contextmanager
def _watch_relocations():
    """Yield a list that gets True if re-seeding ever took the only sample of a cluster."""
    seen = []
    real = kmeans_module.update_centers

    def spy(columns, labels, nearest, n_clusters):
        counts = [labels.count(j) for j in range(n_clusters)]
        n_empty = counts.count(0)
        if n_empty and max(nearest) > 0.0:
            farthest = sorted(range(len(labels)), key=lambda i: -nearest[i])[:n_empty]
            donors = [labels[i] for i in farthest]
            if any(counts[j] <= donors.count(j) for j in set(donors)):
                seen.append(True)
        return real(columns, labels, nearest, n_clusters)

    with mock.patch.object(kmeans_module, "update_centers", spy):
        yield seen


# ---------------------------------------------------------------------------
# Same initial centers -> the same answer as scikit-learn


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(5, 200),
    d=st.integers(1, 5),
    k=st.integers(1, 6),
    max_iter=st.sampled_from([1, 2, 3, 300]),
    # not tol=0: there sklearn's rounding residue (~1e-32) decides whether an exactly
    # repeated set of centers counts as moved
    tol=st.sampled_from([1e-12, 1e-4, 1e-2, 0.5]),
)
def test_same_result_as_sklearn_from_given_centers(sklearn, seed, n, d, k, max_iter, tol):
    rng = np.random.default_rng(seed)
    k = min(k, n)
    X = _blobs(rng, n, d, k, spread=rng.uniform(0.3, 3.0))
    init = X[rng.choice(n, k, replace=False)] + rng.normal(0.0, 0.5, size=(k, d))
    with _watch_relocations() as emptied_by_relocation, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # duplicates -> fewer clusters
        ours = KMeans(k, init=init.tolist(), max_iter=max_iter, tol=tol).fit(X.tolist())
    # Documented difference: sklearn fills a cluster emptied by re-seeding with
    # the largest cluster's not-yet-averaged sum; we use its mean.
    assume(not emptied_by_relocation)
    _assert_same_as_sklearn(ours, _sklearn_lloyd(X, init, max_iter=max_iter, tol=tol))


def test_empty_cluster_is_relocated_like_sklearn(sklearn):
    rng = np.random.default_rng(0)
    X = _blobs(rng, 60, 2, 3)
    init = [X[0].tolist(), X[1].tolist(), [1e3, 1e3]]  # the last center attracts nothing
    ours = KMeans(3, init=init).fit(X.tolist())
    _assert_same_as_sklearn(ours, _sklearn_lloyd(X, init))
    assert sorted(set(ours.labels_)) == [0, 1, 2]
    assert max(map(abs, ours.cluster_centers_[2])) < 100.0


def test_two_empty_clusters_relocated_to_two_farthest_points(sklearn):
    X = [[0.0], [0.1], [0.2], [5.0], [9.0]]
    init = [[0.1], [100.0], [200.0]]
    ours = KMeans(3, init=init, max_iter=1).fit(X)
    assert sorted(c[0] for c in ours.cluster_centers_) == pytest.approx([0.1, 5.0, 9.0])
    _assert_same_as_sklearn(ours, _sklearn_lloyd(X, init, max_iter=1))


# ---------------------------------------------------------------------------
# The fast paths give the textbook answer to the last bit


def _points_with_ties(rng, n, d, k, style):
    """Blobs; style "grid" rounds them to integers (exact ties), "dup" repeats points."""
    X = _blobs(rng, n, d, k, spread=rng.uniform(0.3, 3.0))
    if style == "grid":
        X = np.round(X)
    elif style == "dup":
        X = X[rng.integers(0, max(1, n // 3), n)]
    return _as_points(X.tolist())


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    d=st.integers(1, 4),
    k=st.integers(1, 7),
    style=st.sampled_from(["blobs", "grid", "dup"]),
)
def test_bounded_e_steps_equal_full_e_steps(seed, n, d, k, style):
    # Centers wander (large and tiny moves, some standing still, two of them
    # coinciding, one far outside the data): every E-step that skips points by
    # the bound must return exactly the labels and distances of _assign.
    rng = np.random.default_rng(seed)
    points = _points_with_ties(rng, n, d, k, style)
    centers = [points[i] for i in rng.integers(0, n, k)]
    centers[-1] = (1e3,) * d  # a start far outside the data
    assign = kmeans_steps.BoundedAssigner(points, centers)
    assign.start_bounds()
    skipped = 0
    for step in range(8):
        labels, nearest = assign(centers)
        assert (labels, nearest) == assign_nearest(points, centers)
        skipped += n - assign.n_compared
        scale = [1.0, 0.1, 0.0, 1e-9, 2.0, 0.01, 0.0, 0.3][step]
        moves = rng.normal(0.0, scale, size=(k, d)) * (rng.random(k) < 0.7)[:, None]
        centers = [tuple(np.add(c, m).tolist()) for c, m in zip(centers, moves)]
        if k > 1 and step == 3:
            centers[1] = centers[0]  # two identical centers: every distance a tie
    if k > 1 and n > 30 and style == "blobs":
        assert skipped > 0  # the bound does skip points


def test_bounded_e_steps_survive_near_ties_and_tiny_moves():
    # A point almost exactly as far from two centers (one is the other rotated
    # about the point, so the distances agree up to rounding), then moves of
    # 1e-16: a bound without its rounding slack gets such labels wrong within
    # a few hundred trials; with it, the labels and distances stay exact.
    rng = np.random.default_rng(13)
    for _ in range(600):
        p, c0 = rng.uniform(-1.0, 1.0, size=(2, 3))
        q, _ = np.linalg.qr(rng.standard_normal((3, 3)))  # a random orthogonal matrix
        c1 = p + q @ (c0 - p)
        points = [tuple(p.tolist()), tuple(c0.tolist()), tuple(c1.tolist())]
        centers = [tuple(c0.tolist()), tuple(c1.tolist())]
        assign = kmeans_steps.BoundedAssigner(points, centers)
        assign.start_bounds()
        for _ in range(4):
            assert assign(centers) == assign_nearest(points, centers)
            centers = [
                tuple((np.add(c, rng.integers(-1, 2, 3) * 1e-16)).tolist()) for c in centers
            ]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 200),
    d=st.integers(1, 4),
    k=st.integers(1, 6),
    style=st.sampled_from(["blobs", "grid", "dup"]),
    tol=st.sampled_from([0.0, 1e-4]),
)
def test_fit_with_bounds_from_the_start_equals_fit_without(seed, n, d, k, style, tol):
    # _SETTLED = 1: bounds from the second E-step on; -1: never.
    rng = np.random.default_rng(seed)
    X = [list(p) for p in _points_with_ties(rng, n, d, min(k, n), style)]
    fits = []
    for settled in (-1.0, 1.0):
        with mock.patch.object(kmeans_module, "_SETTLED", settled), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            km = KMeans(min(k, n), tol=tol, random_state=seed % 101).fit(X)
        fits.append(
            (km.labels_, km.cluster_centers_, km.inertia_, km.n_iter_, km.inertia_history_)
        )
    assert fits[0] == fits[1]


def test_bounds_engage_once_the_clusters_settle():
    # A run to convergence: the first E-steps compare every point with every
    # center; once few samples move, most points are skipped. Same result.
    rng = np.random.default_rng(14)
    X = _blobs(rng, 3000, 3, 6, spread=2.0, separation=3.0).tolist()
    compared = []
    real_call = kmeans_steps.BoundedAssigner.__call__

    def spy(self, centers):
        result = real_call(self, centers)
        compared.append(self.n_compared)
        return result

    with mock.patch.object(kmeans_steps.BoundedAssigner, "__call__", spy):
        km = KMeans(6, tol=0.0, random_state=0).fit(X)
    assert km.n_iter_ > 5
    assert compared[0] == len(X)
    assert min(compared) < len(X) // 4
    with mock.patch.object(kmeans_module, "_SETTLED", -1.0):
        plain = KMeans(6, tol=0.0, random_state=0).fit(X)
    assert (km.labels_, km.cluster_centers_, km.inertia_history_) == (
        plain.labels_,
        plain.cluster_centers_,
        plain.inertia_history_,
    )


def test_exact_sum_is_exact():
    from fractions import Fraction

    rng = np.random.default_rng(11)
    for scale in (1.0, 1e30):
        values = (rng.standard_normal(500) * 10.0 ** rng.integers(-20, 20, 500) * scale).tolist()
        values += [1e16, 1.0, -1e16, 2.0**-1074]  # cancellation and the smallest subnormal
        parts = kmeans_steps.exact_sum(values)
        assert sum(map(Fraction, parts)) == sum(map(Fraction, values))
        assert parts[0] == math.fsum(values)
        assert all(abs(b) <= abs(a) * 2.0**-52 for a, b in itertools.pairwise(parts))
    assert kmeans_steps.exact_sum([1.0, -1.0]) == [0.0]
    assert kmeans_steps.exact_sum([]) == [0.0]


def test_cluster_sums_stay_exact_while_samples_move():
    # After many moves, every mean is the fsum mean of its cluster from scratch.
    rng = np.random.default_rng(12)
    n, d, k = 400, 3, 4
    X = (rng.standard_normal((n, d)) * 10.0 ** rng.integers(-6, 6, (n, 1))).tolist()
    columns = list(zip(*X))
    sums = kmeans_steps.ExactClusterSums(columns, k)
    labels = rng.integers(0, k, n).tolist()
    for step in range(12):
        before = sums.labels
        sums.update(labels)
        if before is not None:
            assert sums.n_moved == sum(a != b for a, b in zip(before, labels))
        for j in range(k):
            members = [x for x, label in zip(X, labels) if label == j]
            assert sums.counts[j] == len(members)
            if members:
                want = tuple(math.fsum(col) / len(members) for col in zip(*members))
                assert sums.means()[j] == want
        if step == 6:
            labels = [0] * n  # every other cluster empties
        else:
            labels = labels[:]
            for i in rng.choice(n, 30, replace=False):
                labels[i] = int(rng.integers(0, k))


# ---------------------------------------------------------------------------
# Seeding and quality


def test_kmeans_plusplus_inertia_close_to_sklearn_best_of_10(sklearn):
    rng = np.random.default_rng(42)
    X = _blobs(rng, 600, 3, 5, spread=1.0, separation=5.0)
    ref = sklearn.cluster.KMeans(5, n_init=10, random_state=0).fit(X)
    for seed in range(3):
        ours = KMeans(5, random_state=seed).fit(X.tolist())
        assert ours.inertia_ <= 1.01 * ref.inertia_


def test_kmeans_plusplus_picks_one_seed_per_separated_blob():
    rng = np.random.default_rng(1)
    blob_of = np.repeat(np.arange(4), 25)
    X = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0], [100.0, 100.0]])[blob_of]
    X = X + rng.normal(0.0, 1.0, size=X.shape)
    for seed in range(5):
        centers, indices = kmeans_plusplus(X.tolist(), 4, random_state=seed)
        assert sorted(blob_of[indices]) == [0, 1, 2, 3]
        assert centers == [X[i].tolist() for i in indices]


def test_random_init_runs_n_init_times_and_keeps_the_best():
    rng = np.random.default_rng(3)
    X = _blobs(rng, 150, 2, 6, separation=3.0).tolist()
    for seed in (0, 3):
        one = KMeans(6, init="random", n_init=1, random_state=seed).fit(X)
        ten = KMeans(6, init="random", random_state=seed).fit(X)  # n_init="auto" -> 10 runs
        # the first of the ten runs is `one` (same generator): a strictly better run won
        assert ten.inertia_ < one.inertia_


# ---------------------------------------------------------------------------
# Properties


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    d=st.integers(1, 4),
    k=st.integers(1, 8),
    init=st.sampled_from(["k-means++", "random"]),
)
def test_inertia_never_increases_across_lloyd_steps(seed, n, d, k, init):
    rng = np.random.default_rng(seed)
    k = min(k, n)
    X = np.round(_blobs(rng, n, d, k), 1).tolist()  # rounding makes duplicates and ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km = KMeans(k, init=init, n_init=1, tol=0.0, random_state=seed % 97).fit(X)
    history = km.inertia_history_
    assert len(history) >= km.n_iter_
    for before, after in itertools.pairwise(history):
        assert after <= before * (1.0 + 1e-12) + 1e-12
    assert history[-1] == km.inertia_
    # inertia_ really is the sum of squared distances to the assigned centers
    C = np.asarray(km.cluster_centers_)
    expected = np.sum((np.asarray(X) - C[km.labels_]) ** 2)
    assert math.isclose(km.inertia_, expected, rel_tol=1e-9, abs_tol=1e-9)
    assert km.predict(X) == km.labels_


def test_same_seed_same_result_and_inputs_not_mutated():
    rng = np.random.default_rng(5)
    X = _blobs(rng, 80, 3, 4).tolist()
    init = X[:4]
    x_before, init_before = copy.deepcopy(X), copy.deepcopy(init)
    a = KMeans(4, random_state=7).fit(X)
    b = KMeans(4, random_state=7).fit(X)
    assert (a.labels_, a.cluster_centers_, a.inertia_) == (
        b.labels_,
        b.cluster_centers_,
        b.inertia_,
    )
    c = KMeans(4).fit(X)  # random_state=None is a fixed seed too
    assert c.labels_ == KMeans(4).fit(X).labels_
    KMeans(4, init=init).fit(X).transform(X)
    assert x_before == X and init_before == init
    labels = a.fit_predict(X)
    labels.append(99)  # a copy: the estimator's labels_ are not aliased
    assert a.labels_[-1] != 99


def test_duplicates_and_more_clusters_than_distinct_points():
    X = [[1.0, 1.0]] * 6 + [[2.0, 2.0]] * 4
    with pytest.warns(ConvergenceWarning, match="only 2 distinct clusters found for n_clusters=3"):
        km = KMeans(3, random_state=0).fit(X)
    assert set(km.labels_) <= {0, 1, 2}
    assert km.inertia_ == 0.0
    assert all(math.isfinite(x) for c in km.cluster_centers_ for x in c)


def test_k_equals_n_samples_gives_zero_inertia():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(7, 2)).tolist()
    km = KMeans(7, random_state=0).fit(X)
    assert km.inertia_ == 0.0
    assert sorted(km.labels_) == list(range(7))
    assert sorted(km.cluster_centers_) == sorted(X)


def test_transform_predict_score():
    rng = np.random.default_rng(8)
    X = _blobs(rng, 50, 3, 3)
    km = KMeans(3, random_state=1).fit(X.tolist())
    new = rng.normal(size=(10, 3))
    D = np.asarray(km.transform(new.tolist()))
    ref = np.linalg.norm(new[:, None, :] - np.asarray(km.cluster_centers_)[None], axis=2)
    np.testing.assert_allclose(D, ref, rtol=1e-14)
    assert km.predict(new.tolist()) == np.argmin(ref, axis=1).tolist()
    assert math.isclose(km.score(new.tolist()), -np.sum(ref.min(axis=1) ** 2), rel_tol=1e-12)
    assert math.isclose(km.score(X.tolist()), -km.inertia_, rel_tol=1e-12)


def test_ties_go_to_the_lowest_center_index():
    labels, nearest = assign_nearest(_as_points([[0.0], [1.0]]), [(1.0,), (-1.0,), (1.0,)])
    assert labels == [0, 0]
    assert nearest == [1.0, 0.0]


# ---------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: KMeans(4).fit([[0.0], [1.0], [2.0]]), "n_clusters=4 exceeds n_samples=3"),
        (lambda: KMeans(0).fit([[0.0], [1.0]]), "n_clusters=0 must be an int >= 1"),
        (lambda: KMeans(1).fit([[0.0], [float("nan")]]), "NaN or inf"),
        (lambda: KMeans(1).fit([[0.0, 1.0], [1.0]]), "ragged"),
        (lambda: KMeans(1).fit([]), "empty"),
        (lambda: KMeans(2, init=[[0.0]]).fit([[0.0], [1.0]]), "init has shape 1x1, expected"),
        (lambda: KMeans(1, init=[[0.0, 1.0]]).fit([[0.0], [1.0]]), "init has shape 1x2"),
        (lambda: KMeans(1, init="best").fit([[0.0], [1.0]]), "init='best' must be one of"),
        (lambda: KMeans(1, n_init=0).fit([[0.0], [1.0]]), "n_init=0"),
        (lambda: KMeans(1, n_init="many").fit([[0.0], [1.0]]), "n_init='many'"),
        (lambda: KMeans(1, max_iter=0).fit([[0.0], [1.0]]), "max_iter=0"),
        (lambda: KMeans(1, tol=-1.0).fit([[0.0], [1.0]]), "tol=-1.0"),
        (lambda: KMeans(1, random_state=1.5).fit([[0.0], [1.0]]), "random_state"),
        (lambda: kmeans_plusplus([[0.0]], 1, n_local_trials=0), "n_local_trials=0"),
    ],
)
def test_bad_input_raises_one_line_error(make, match):
    with pytest.raises(PureposeError, match=match) as info:
        make()
    assert "\n" not in str(info.value)


def test_use_before_fit_and_wrong_n_features():
    for method in ("predict", "transform", "score"):
        with pytest.raises(NotFittedError, match=rf"KMeans\.{method}: this KMeans is not fitted"):
            getattr(KMeans(2), method)([[0.0]])
    km = KMeans(2, random_state=0).fit([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    with pytest.raises(PureposeError, match="X has 3 features, KMeans was fitted with 2"):
        km.predict([[0.0, 0.0, 0.0]])


def test_given_centers_with_n_init_warns_and_runs_once():
    with pytest.warns(RuntimeWarning, match="running once"):
        km = KMeans(2, init=[[0.0], [5.0]], n_init=3).fit([[0.0], [1.0], [5.0], [6.0]])
    assert km.cluster_centers_ == [[0.5], [5.5]]


# ---------------------------------------------------------------------------
# The `purepose cluster` verb


def test_cli_cluster_on_a_synthetic_session(synth_session, tmp_path, capsys):
    from xml.etree import ElementTree

    from purepose.cli import main

    out = tmp_path / "clusters.svg"
    code = main(["cluster", str(synth_session), "--max-samples", "2000", "--out", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""  # --quiet
    lines = captured.out.splitlines()
    assert lines[0].endswith("2,000 of 8,000 samples, 16 channels")
    ratios = [float(line.split(":")[1]) for line in lines if line.strip().startswith("PC")]
    assert len(ratios) == 3 and ratios == sorted(ratios, reverse=True)
    sizes = [
        int(line.split(":")[1].split()[0].replace(",", "")) for line in lines if "cluster " in line
    ]
    assert len(sizes) == 5 and sum(sizes) == 2000
    assert lines[-1] == str(out)
    root = ElementTree.parse(out).getroot()
    assert root.tag.endswith("svg")


def test_cli_cluster_reference_file_and_window(fixture_path, tmp_path, capsys):
    from purepose.cli import main

    out = tmp_path / "c.svg"
    args = ["cluster", str(fixture_path), "--start", "10", "--duration", "50", "--components", "2"]
    assert main([*args, "--clusters", "3", "--out", str(out), "-q"]) == 0
    assert "50 samples, 16 channels" in capsys.readouterr().out
    assert out.read_text().startswith("<")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--clusters", "200"], "--clusters 200 exceeds the 100 samples selected"),
        (["--components", "17"], "--components 17 exceeds min(samples, channels)"),
        (["--decimate", "0"], "--decimate 0 must be >= 1"),
        (["--start", "1000"], "--start 1000 is outside the recording"),
        (["--out", "/no/such/dir/c.svg"], "directory /no/such/dir does not exist"),
    ],
)
def test_cli_cluster_errors_are_one_line(fixture_path, tmp_path, capsys, extra, message):
    from purepose.cli import main

    args = ["cluster", str(fixture_path), "--out", str(tmp_path / "c.svg"), "-q", *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "c.svg").exists()


def test_cli_cluster_keeps_an_existing_output_on_error(fixture_path, tmp_path, capsys):
    from purepose.cli import main

    out = tmp_path / "c.svg"
    out.write_text("old")
    assert main(["cluster", str(fixture_path), "--clusters", "500", "--out", str(out)]) == 2
    assert out.read_text() == "old"
    with pytest.raises(SystemExit) as info:  # argparse: the two thinning options exclude
        main(["cluster", str(fixture_path), "--decimate", "2", "--max-samples", "9"])
    assert info.value.code == 2
