"""Evaluation: hand-labelled samples and the scorer that compares a run with them."""
