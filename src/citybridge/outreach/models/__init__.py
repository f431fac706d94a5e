"""Outreach tables, one module per area: evaluations, follow-ups (activities); partners, engagements, events and the
public record live in their own modules. A new module: add its import line here (and `__all__` stays implicit)."""

from .activities import *  # noqa: F401,F403
from .evaluations import *  # noqa: F401,F403
from .events import *  # noqa: F401,F403
from .partners import *  # noqa: F401,F403
from .public import *  # noqa: F401,F403
