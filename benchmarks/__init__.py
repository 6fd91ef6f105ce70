"""Benchmarks, run by ``make bench``: speed targets live here, never in unit tests."""

from __future__ import annotations
