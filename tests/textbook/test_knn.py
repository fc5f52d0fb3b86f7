"""The two layers of kNN agree exactly: ``algorithm="brute"`` finds the textbook's neighbours.

Both compute the distances that decide (rounded squares, ``math.fsum``) the
same way, so the neighbours, their distances and the predictions are equal
to the bit on every Python, ties included (small integers make many).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.fast.neighbors import KNeighborsRegressor

# Reproducible: tests/conftest.py's default "ci" profile derandomizes.
PROPERTIES = settings(max_examples=60, deadline=None)

values = st.one_of(
    st.integers(-3, 3).map(float),  # exact ties
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
)


@PROPERTIES
@given(
    data=st.data(),
    n=st.integers(1, 30),
    d=st.integers(1, 4),
    weights=st.sampled_from(["uniform", "distance"]),
)
def test_brute_force_equals_textbook(data, n, d, weights):
    rows = st.lists(st.lists(values, min_size=d, max_size=d), min_size=n, max_size=n)
    X = data.draw(rows)
    Q = data.draw(st.lists(st.lists(values, min_size=d, max_size=d), min_size=1, max_size=8))
    Y = data.draw(
        st.lists(st.lists(st.floats(-10, 10), min_size=2, max_size=2), min_size=n, max_size=n)
    )
    k = data.draw(st.integers(1, n))
    fast = KNeighborsRegressor(k, weights=weights).fit(X, Y)
    slow = KNeighborsRegressor(k, weights=weights, algorithm="textbook").fit(X, Y)
    assert fast.kneighbors(Q) == slow.kneighbors(Q)
    assert fast.predict(Q) == slow.predict(Q)
