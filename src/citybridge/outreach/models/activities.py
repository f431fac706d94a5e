"""Follow-ups (activities): calls, meetings, e-mails, site visits and introductions with officials."""

from __future__ import annotations

__all__: list[str] = []
