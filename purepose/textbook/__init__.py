"""The textbook layer: every algorithm of purepose as you would write it on a whiteboard.

Read these modules first. Each function here is the *definition* of its
algorithm: it reads top to bottom, states the math in its docstring, uses
nothing but the standard library and the other textbook modules, and has no
speed machinery (no blocking, no bounds, no caches). The estimators elsewhere
in purepose run a fast path by default and this one with
``algorithm="textbook"``, the way scikit-learn's ``KMeans(algorithm=...)``
names its variants and CPython's ``statistics`` keeps the pure-Python
definition beside its accelerator. Property tests (``tests/test_layers_*.py``)
hold the two layers to the same answers: exactly where the fast path is
exact, to rounding elsewhere.

The textbook modules and what each defines are listed in ``__all__``-style
docstrings of the modules themselves; the README's Layout section is the map.
"""
