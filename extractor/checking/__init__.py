"""The consistency checker: every figure against its text, and the figures against each other.

One module per family of checks; each returns flags (data, never exceptions). `checker.py`
runs them all and `has_errors` is the one policy that decides what fails a run.
"""
