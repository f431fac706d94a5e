"""Evaluations of sessions and modules by the officials of a course (paper entered by staff, or online by link)."""

from __future__ import annotations

__all__: list[str] = []
