"""Smolny: software for council democracy.

The package is layered so that dependencies point inward: ``smolny.rules`` is pure
Python (no Django, no I/O) and everything else may use it. See docs/architecture.md.
"""

__version__ = "0.1.0"
