"""Every read of Outreach tables, scoped by visible_to(user). One module per entity; a new module: add its import
line here."""

from .activities import *  # noqa: F401,F403
from .evaluations import *  # noqa: F401,F403
from .events import *  # noqa: F401,F403
from .partners import *  # noqa: F401,F403
from .public import *  # noqa: F401,F403
