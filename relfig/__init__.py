"""relfig: statistical press releases in, a tidy and checked table of figures out."""

__version__ = "0.1.0"
