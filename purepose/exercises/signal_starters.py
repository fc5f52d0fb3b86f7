"""The files ``exercise start`` writes for features and lfilter, and lfilter's model answer."""

FEATURES_STARTER = '''\
"""Exercise features: windowed EMG features (RMS, MAV, WL, ZC) that stay accurate.

Task
    Write extract_features(emg, *, window, hop, features, threshold=0.0): the
    features of every full window of every channel, with the standard
    library only. It must stay accurate in a quiet window after a loud
    stretch (that is part of the grading). Then: make it O(n) per channel
    without losing that accuracy.

Math (for the N = window samples x[0 .. N-1] of one channel in one window)
    rms   sqrt( (1/N) sum x[i]^2 )
    mav   (1/N) sum |x[i]|
    wl    sum |x[i] - x[i-1]|               (the N - 1 pairs inside the window)
    zc    the number of i with sign(x[i]) sign(x[i+1]) < 0 and |x[i+1] - x[i]| >= threshold
    sign(0) = 0: zero is on neither side. Compare signs, never the product
    x[i] * x[i+1], which underflows to 0 for tiny values.
    A running sum P[i] = v[0] + ... + v[i-1] makes every window O(1), but
    P[s + N] - P[s] subtracts two large rounded numbers: after a loud
    stretch, a quiet window's sum is lost in their rounding.

Conventions
    emg is a list of n rows (samples) of C floats (channels). Window k covers
    samples k hop .. k hop + window - 1; only full windows count, so there
    are (n - window) // hop + 1 of them. Return one row per window with
    len(features) * C floats, feature-major: [f0 ch0, f0 ch1, ..., f0 chC-1,
    f1 ch0, ...], features in the order given. window < 1, hop < 1 or an
    unknown feature name should raise ValueError (the optional "bad input"
    tier).

Example
    >>> emg = [[1.0, -1.0], [-1.0, 2.0], [1.0, -3.0], [-1.0, 4.0]]
    >>> extract_features(emg, window=4, hop=1, features=("mav", "zc"))
    [[1.0, 2.5, 3.0, 3.0]]
    >>> extract_features([[0.0], [3.0], [-1.0], [2.0]], window=2, hop=2, features=("wl",))
    [[3.0], [3.0]]

Check it:  purepose exercise check features features.py
"""


def extract_features(emg, *, window, hop, features, threshold=0.0):
    """One row per full window: len(features) * n_channels values, feature-major."""
    # TODO: your code here
    raise NotImplementedError("extract_features")
'''

LFILTER_STARTER = '''\
"""Exercise lfilter: an IIR filter from its difference equation.

Task
    Write lfilter(b, a, x): the output of the filter with transfer function
    b(z) / a(z) on the signal x, starting from rest (zero initial state),
    with the standard library only, as scipy.signal.lfilter(b, a, x) does.

Math
    a[0] y[n] = b[0] x[n] + b[1] x[n-1] + ... + b[M] x[n-M]
                         - a[1] y[n-1] - ... - a[N] y[n-N]
    with x[m] = y[m] = 0 for m < 0. Divide every coefficient by a[0] first.
    Every output needs the previous ones: one Python step per sample.
    (Direct form II transposed keeps max(M, N) state values instead of the
    past inputs and outputs; either form passes.)

Conventions
    b, a and x are lists of floats (b and a may have different lengths);
    return a new list of len(x) floats. a[0] = 0, or an empty b or a, should
    raise ValueError (the optional "bad input" tier).

Example
    >>> lfilter([1.0], [1.0, -0.5], [1.0, 0.0, 0.0, 0.0])     # y[n] = x[n] + y[n-1] / 2
    [1.0, 0.5, 0.25, 0.125]
    >>> lfilter([0.5, 0.5], [1.0], [2.0, 4.0, 6.0])           # a moving average
    [1.0, 3.0, 5.0]

Check it:  purepose exercise check lfilter lfilter.py
"""


def lfilter(b, a, x):
    """The filter b(z) / a(z) applied to x from a zero initial state."""
    # TODO: your code here
    raise NotImplementedError("lfilter")
'''

LFILTER_ANSWER = '''\
"""The model answer of exercise lfilter: the difference equation as written (direct form I)."""


def lfilter(b, a, x):
    """y[n] = (sum_k b[k] x[n-k] - sum_{k>=1} a[k] y[n-k]) / a[0], from a zero initial state.

    >>> lfilter([1.0], [1.0, -0.5], [1.0, 0.0, 0.0])
    [1.0, 0.5, 0.25]
    """
    if not b or not a:
        raise ValueError(f"lfilter: b (len {len(b)}) and a (len {len(a)}) must be non-empty")
    if a[0] == 0.0:
        raise ValueError("lfilter: a[0] must be non-zero")
    b = [v / a[0] for v in b]
    a = [v / a[0] for v in a]
    y = []
    for n in range(len(x)):
        total = 0.0
        for k in range(min(len(b), n + 1)):
            total += b[k] * x[n - k]
        for k in range(1, min(len(a), n + 1)):
            total -= a[k] * y[n - k]
        y.append(total)
    return y
'''
