"""The numerical layer: the textbook's algorithms made fast, each proven equal to it."""
