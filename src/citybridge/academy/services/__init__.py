"""Every write to Government Training tables. Keyword-only arguments; validate, check permission, one transaction.

The compliance summary (TrainingSummary) and the impact snapshot are maintained here, by the same writes that
change what they are computed from.

One module per entity; import from the package (`from citybridge.academy import services`).
"""

from ._common import compliance_rules, course_rules, require  # noqa: F401
from .attendance import Mark, attendance_import, attendance_record  # noqa: F401
from .certificates import (  # noqa: F401
    certificate_issue,
    certificate_issue_all,
    certificate_pdf,
    certificate_revoke,
    course_training_days,
)
from .courses import (  # noqa: F401
    COURSE_FIELDS,
    course_create,
    course_next_statuses,
    course_problems,
    course_set_status,
    course_update,
)
from .curriculum import academy_save, module_save, topic_save  # noqa: F401
from .duplicates import duplicate_dismiss, duplicate_merge  # noqa: F401
from .enrolment import enrolment_confirm, enrolment_create, enrolment_withdraw  # noqa: F401
from .external_training import external_training_create, external_training_delete  # noqa: F401
from .impact import impact_current, impact_mark_stale, impact_refresh, impact_trainings  # noqa: F401
from .officials import (  # noqa: F401
    OFFICIAL_FIELDS,
    official_create,
    official_create_with_person,
    official_update,
    official_update_with_person,
)
from .roster_import import (  # noqa: F401
    ALL_CHANGES,
    ImportReport,
    roster_import,
    roster_upload_confirm,
    roster_upload_store,
    roster_uploads_purge,
)
from .sessions import (  # noqa: F401
    SESSION_FIELDS,
    course_compliance_refresh,
    session_delete,
    session_lecturer_choices,
    session_partner_choices,
    session_save,
)
from .summaries import (  # noqa: F401
    compliance_inputs,
    compliance_prepare_year,
    compliance_refresh,
    preparable_years,
    training_year_request,
)
