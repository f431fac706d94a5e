"""Every write to Outreach tables. Keyword-only arguments; validate, check permission, one transaction.

One module per entity; import from the package (`from citybridge.outreach import services`). A new module: add its
import line here.
"""

from .activities import *  # noqa: F401,F403
from .evaluations import *  # noqa: F401,F403
from .events import *  # noqa: F401,F403
from .partners import *  # noqa: F401,F403
from .public import *  # noqa: F401,F403
