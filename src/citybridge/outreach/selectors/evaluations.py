"""Evaluation selectors."""

from __future__ import annotations
