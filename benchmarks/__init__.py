"""Benchmarks of purepose against numpy/scikit-learn, textbook loops and the CPython floor.

Run ``python -m benchmarks`` (full sizes, about 4 minutes on 2 cores) or
``python -m benchmarks --quick`` (tiny sizes, a smoke run of a few seconds).
Results go to ``benchmarks/out/results.md`` and ``results.json`` (``--out``).
numpy and scikit-learn are needed here, never in ``purepose/``.

Modules: :mod:`~benchmarks.harness` (timing, the floor, accuracy, machine
description), :mod:`~benchmarks.cases` (the cases; the textbook column races
:mod:`purepose.textbook` itself), :mod:`~benchmarks.npbaseline` (numpy features and the
numpy+sklearn pose pipeline), :mod:`~benchmarks.scaling` (growth and memory),
:mod:`~benchmarks.report` (tables), :mod:`~benchmarks.run` (command line).
"""
