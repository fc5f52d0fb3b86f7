"""purepose: predict hand pose from wrist EMG in plain Python.

h5py reads Meta's emg2pose HDF5 sessions; ``.tolist()`` turns them into
Python lists; from there every algorithm (matrix operations, PCA by power
iteration, k-means, least squares and ridge, filters and EMG features) is
written by hand with the standard library.
"""

__version__ = "0.2.0"

from .errors import ConvergenceWarning, NotFittedError, PureposeError

__all__ = ["ConvergenceWarning", "NotFittedError", "PureposeError", "__version__"]
