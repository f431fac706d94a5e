"""Settings for `make mutation` only: the test settings with the test database in a file, so that mutmut's
per-mutant pytest runs reuse it (``--reuse-db``) instead of migrating a fresh in-memory database each time.
One file per checkout (mutmut runs in ./mutants), under the system's temporary directory."""

import hashlib
import os
import tempfile

from tests.settings import *  # noqa: F403

_key = hashlib.sha256(os.getcwd().encode()).hexdigest()[:12]
DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"citybridge-mutation-{_key}.sqlite3")}  # noqa: F405
