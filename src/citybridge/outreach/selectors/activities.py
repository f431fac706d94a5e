"""Follow-up (activity) selectors."""

from __future__ import annotations
