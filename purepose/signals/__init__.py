"""Signals and features: windows over samples, filters, EMG features, spectra."""
