"""The files ``exercise start`` writes for backprop and knn."""

BACKPROP_STARTER = '''\
"""Exercise backprop: the gradient of a multilayer perceptron, by backpropagation.

Task
    Write gradients(weights, biases, X, Y, alpha, activation) ->
    (grad_weights, grad_biases): the gradient of the regression objective J
    below with respect to every weight and bias, by the chain rule from the
    output layer down, with the standard library only. Then: check it
    against finite differences, and say what each one costs.

Math
    Layer l = 1 .. L has weights W_l (n_(l-1) rows of n_l floats) and biases
    b_l (n_l floats). For a batch X (n rows) and targets Y (n rows of k):
        forward   a_0 = X,  z_l = a_(l-1) W_l + b_l,  a_l = g(z_l) for l < L,  P = z_L
        objective J = (1 / (2 n)) sum_i ||y_i - p_i||^2 + (alpha / (2 n)) sum_l ||W_l||_F^2
        backward  delta_L = P - Y
                  grad W_l = (a_(l-1)^T delta_l + alpha W_l) / n,   grad b_l = sum_i delta_l[i] / n
                  delta_(l-1) = (delta_l W_l^T) * g'(z_(l-1))        (entry by entry)
    The output layer is linear; the biases are not penalized; J sums the
    squared error over the k outputs (scikit-learn's MLPRegressor gradient).
    g and g' (written through a = g(z), as scikit-learn does):
        relu      g = max(z, 0)              g' = 1 if a > 0 else 0
        tanh      g = tanh(z)                g' = 1 - a^2
        logistic  g = 1 / (1 + exp(-z))      g' = a (1 - a)
        identity  g = z                      g' = 1

Conventions
    weights is a list of L matrices (lists of rows), biases a list of L
    lists, X n rows of n_0 floats, Y n rows of n_L floats, alpha >= 0,
    activation one of the four names. Return (grad_weights, grad_biases)
    shaped like (weights, biases); never change the inputs. An unknown
    activation should raise ValueError (the optional "bad input" tier).

Example
    >>> gradients([[[2.0]]], [[0.0]], [[1.0]], [[3.0]], 0.0, "relu")   # p = 2, y = 3
    ([[[-1.0]]], [[-1.0]])
    >>> gradients([[[1.0, -1.0]], [[1.0], [1.0]]], [[0.0, 0.0], [0.0]], [[2.0]], [[0.0]],
    ...           0.0, "relu")                 # the second hidden unit is off: no gradient
    ([[[4.0, 0.0]], [[4.0], [0.0]]], [[2.0, 0.0], [2.0]])

Check it:  purepose exercise check backprop backprop.py
"""


def gradients(weights, biases, X, Y, alpha, activation):
    """(grad_weights, grad_biases) of J, shaped like (weights, biases)."""
    # TODO: your code here
    raise NotImplementedError("gradients")
'''

KNN_STARTER = '''\
"""Exercise knn: k nearest neighbours regression, by brute force.

Task
    Write predict(X, Y, queries, k, weights="uniform"): for every query row,
    the mean target of its k nearest training rows (Euclidean distance),
    plain or weighted by 1 / distance, with the standard library only.
    Then: what does it cost, and what happens in 100 dimensions?

Math
    D_j = ||q - x_j||, the k rows with the smallest D_j are the neighbours N(q):
        uniform   y_hat = (1/k) sum_(j in N) y_j
        distance  y_hat = sum_(j in N) w_j y_j / sum_(j in N) w_j,   w_j = 1 / D_j
    With distance weights, a neighbour at distance 0 would weigh infinitely:
    as in scikit-learn, the neighbours at distance 0 then get weight 1 and
    the others 0. Compute distances from the differences q - x (math.dist):
    ||q||^2 - 2 q.x + ||x||^2 cancels far from the origin.
    Ties at the k-th distance: any of the tied rows may be the neighbour.

Conventions
    X is n rows of d floats, Y n rows of t floats (the targets), queries m
    rows of d floats, 1 <= k <= n, weights "uniform" or "distance". Return m
    rows of t floats. k < 1, k > n or an unknown weights name should raise
    ValueError (the optional "bad input" tier).

Example
    >>> predict([[0.0], [1.0], [5.0]], [[0.0], [2.0], [10.0]], [[0.2]], 2)
    [[1.0]]
    >>> predict([[0.0], [1.0], [5.0]], [[0.0], [2.0], [10.0]], [[1.0]], 2, "distance")
    [[2.0]]

Check it:  purepose exercise check knn knn.py
"""


def predict(X, Y, queries, k, weights="uniform"):
    """One row of t predicted targets per query: the (weighted) mean of its k nearest rows."""
    # TODO: your code here
    raise NotImplementedError("predict")
'''
