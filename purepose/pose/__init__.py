"""The pose model and its scores: metrics, the hand, heads, the model, evaluation."""
