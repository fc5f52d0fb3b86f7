"""The files ``exercise start`` writes for kmeans_plusplus and lloyd."""

PLUSPLUS_STARTER = '''\
"""Exercise kmeans_plusplus: k-means++ seeding by D^2 sampling.

Task
    Write kmeans_plusplus(X, k, rng): the indices of k samples of X chosen
    as the starting centers of k-means, by D^2 sampling, with the standard
    library only (cumulative sums and bisection: the bisect module).

Math
    The first center is a sample drawn uniformly at random. Each next one is
    drawn with probability
        P(i) = D(x_i)^2 / sum_j D(x_j)^2,
    D(x) the distance from x to the nearest center chosen so far. With the
    cumulative sums c_i = D(x_0)^2 + ... + D(x_i)^2 and r uniform in
    [0, c_(n-1)), the drawn sample is the first i with c_i > r. In expectation
    the start is within O(log k) of the best clustering (Arthur and
    Vassilvitskii 2007). (The greedy variant, which draws a few candidates
    this way and keeps the one that lowers sum D^2 most, passes too.)
    Cost: O(n k d).

Conventions
    X is a list of n rows of d floats, 1 <= k <= n, rng a random.Random (use
    it, not the global random module). Return a list of k distinct indices
    into X. k > n or k < 1 should raise ValueError (the optional "bad input"
    tier).

Example
    >>> import random
    >>> X = [[0.0], [0.1], [10.0], [10.1]]
    >>> sorted(X[i][0] // 10 for i in kmeans_plusplus(X, 2, random.Random(0)))
    [0.0, 1.0]

Check it:  purepose exercise check kmeans_plusplus kmeans_plusplus.py
"""


def kmeans_plusplus(X, k, rng):
    """k distinct indices into X: the k-means++ starting centers."""
    # TODO: your code here
    raise NotImplementedError("kmeans_plusplus")
'''

LLOYD_STARTER = '''\
"""Exercise lloyd: Lloyd's k-means iterations, the way scikit-learn does them.

Task
    Write lloyd(X, centers, max_iter, tol) -> (labels, inertia, centers):
    k-means from the given starting centers, with the standard library only,
    giving what scikit-learn's KMeans(init=centers, n_init=1) gives, empty
    clusters and ties included.

Math
    Minimize the inertia J = sum_i ||x_i - c_(label_i)||^2 by alternating
      E-step: label_i = the index of the nearest center (the LOWEST index on ties)
      M-step: c_j = the mean of the samples labelled j
    until the labels repeat, or sum_j ||c_j(new) - c_j(old)||^2 <= tol, or after
    max_iter steps; in the last two cases one more E-step makes the labels
    those of the returned centers.
    Empty clusters: a center that wins no sample in the E-step takes, before
    the means are computed, the sample farthest from its own center (the
    largest distance first, the lower index on ties); that sample counts for
    its new cluster. Distances come from differences (math.dist), never from
    ||x||^2 - 2 x.c + ||c||^2, which cancels far from the origin.

Conventions
    X is n rows of d floats, centers k rows of d floats; return labels (n
    ints), the inertia of the returned labels and centers (a float) and the
    k centers (new lists). More items after those three (n_iter, the inertia
    after each step) are ignored. Centers of another dimension than X, or no
    samples, should raise ValueError (the optional "bad input" tier).

Example
    >>> lloyd([[0.0], [1.0], [10.0], [11.0]], [[0.0], [1.0]], 100, 0.0)[:3]
    ([0, 0, 1, 1], 1.0, [[0.5], [10.5]])
    >>> lloyd([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]], [[0.0], [100.0], [11.0]], 100,
    ...       0.0)[:3]                            # the center at 100 wins nothing at first
    ([0, 0, 1, 2, 2, 2], 2.5, [[0.5], [2.0], [11.0]])

Check it:  purepose exercise check lloyd lloyd.py
"""


def lloyd(X, centers, max_iter, tol):
    """(labels, inertia, centers) of Lloyd's algorithm from the given centers."""
    # TODO: your code here
    raise NotImplementedError("lloyd")
'''
