"""Extraction: read a release, find its numerals, have an LLM label them, return a Release."""
