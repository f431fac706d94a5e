"""Permissions for Outreach. Lists are scoped by each model's visible_to(user)."""

from __future__ import annotations

import rules  # noqa: F401

from citybridge.core.rules import is_program_staff, is_signed_in  # noqa: F401
