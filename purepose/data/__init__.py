"""Recordings and their readers: files -> Python lists (HDF5, MATLAB, CSV), datasets, synth."""
