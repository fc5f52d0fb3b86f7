"""The textbook layer: every algorithm of purepose as you would write it on a whiteboard.

Read these modules first, then :mod:`purepose.textbook.pipeline`, the whole
task on one page. Each function here is the *definition* of its algorithm: it
reads top to bottom, states the math in its docstring, uses nothing but the
standard library and the other textbook modules, and has no speed machinery
(no blocking, no bounds, no caches). The estimators elsewhere run a fast path
by default and this one with ``algorithm="textbook"``, the way scikit-learn's
``KMeans(algorithm=...)`` names its variants and CPython's ``statistics``
keeps the pure-Python definition beside its accelerator.

=========================  ================================  =============================
textbook function          what it defines                   its fast twin
=========================  ================================  =============================
linalg.matmul, covariance  products, sample covariance       fast.blas, fast.comoments
linalg.cholesky, lstsq     Cholesky, Householder QR          fast.decompositions
pca.pca                    PCA by power iteration            fast.pca, fast.eigensolvers
kmeans.lloyd               k-means++ seeding, Lloyd          fast.kmeans, kmeans_steps
ridge.ridge                ridge by the normal equations     fast.regression
mlp.forward, backward      an MLP and its backpropagation    fast.mlp, transposed_mlp
knn.predict                k nearest neighbours, ties        fast.neighbors
features.extract_features  RMS, MAV, WL, ZC, SSC, log-power  signals.features
spectral.extract_features  band powers, median freq, Hjorth  signals.spectral
metric.angular_mae         the emg2pose metric (degrees)     pose.metrics
hand.forward_kinematics    fingertips from joint angles      pose.hand
stats.r2_score             the coefficient of determination  pose.target_metrics
pipeline.fit, predict      EMG -> features -> ridge -> pose  pose.model.PoseRegressor
=========================  ================================  =============================

Each pair is held equal by a property test and checked against an oracle:

===========  =================================  ================================
module       equal to its twin in               checked against numpy/sklearn in
===========  =================================  ================================
linalg.py    tests/textbook/test_linalg.py      tests/fast/test_linalg.py
pca.py       tests/textbook/test_pca.py         tests/fast/test_pca.py
kmeans.py    tests/textbook/test_kmeans.py      tests/fast/test_kmeans.py
ridge.py     tests/textbook/test_ridge.py       tests/fast/test_regression.py
mlp.py       tests/textbook/test_mlp.py         tests/fast/test_mlp.py
knn.py       tests/textbook/test_knn.py         tests/fast/test_neighbors.py
features.py  tests/textbook/test_features.py    tests/signals/test_features.py
spectral.py  tests/textbook/test_spectral.py    tests/signals/test_spectral.py
metric.py    tests/textbook/test_metric.py      tests/pose/test_metrics.py
hand.py      tests/textbook/test_hand.py        tests/pose/test_hand.py
stats.py     tests/pose/test_target_metrics.py  tests/pose/test_target_metrics.py
pipeline.py  tests/exercises/test_pose.py       tests/pose/test_model.py
===========  =================================  ================================

The fast modules are named from ``purepose``; the tests from the project root.
"""
