"""Follow-up (activity) services."""

from __future__ import annotations
