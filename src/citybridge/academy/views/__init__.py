"""Government Training pages, one module per entity (as services/ is). Thin: parse input, call one service or
selector, render. urls.py names every view through this package, so a new module adds its views here."""

from .attendance import attendance, attendance_sheet
from .behind import behind, behind_export, behind_prepare
from .certificates import certificate_download, certificate_revoke, certificates_issue, verify
from .courses import course_create, course_detail, course_edit, course_ics, course_status
from .curriculum import academies, curriculum, module_edit, topic_edit
from .duplicates import duplicate_resolve, duplicates
from .enrolment import enrol, enrolment_confirm, enrolment_withdraw
from .external_training import external_training_delete
from .home import index
from .impact import impact, impact_export
from .lecturers import (
    availability_delete,
    availability_edit,
    lecturer_availability,
    lecturer_create,
    lecturer_detail,
    lecturer_edit,
    lecturer_ics,
    lecturer_list,
    lecturer_me,
)
from .officials import official_create, official_detail, official_edit, official_list
from .roster import roster_import, roster_template
from .sessions import session_delete, session_edit
from .timetable import (
    blackout_add,
    blackout_delete,
    course_timetable,
    event_add,
    event_delete,
    need_add,
    need_delete,
    session_lock,
    site_hosts,
    timetable_generate,
    timetable_run,
    timetable_run_decide,
    timetable_run_status,
    timetable_season,
    timetable_settings,
)

__all__ = [
    "academies",
    "attendance",
    "attendance_sheet",
    "availability_delete",
    "availability_edit",
    "behind",
    "behind_export",
    "behind_prepare",
    "blackout_add",
    "blackout_delete",
    "certificate_download",
    "certificate_revoke",
    "certificates_issue",
    "course_create",
    "course_detail",
    "course_edit",
    "course_ics",
    "course_status",
    "course_timetable",
    "curriculum",
    "duplicate_resolve",
    "duplicates",
    "enrol",
    "enrolment_confirm",
    "enrolment_withdraw",
    "event_add",
    "event_delete",
    "external_training_delete",
    "impact",
    "impact_export",
    "index",
    "lecturer_availability",
    "lecturer_create",
    "lecturer_detail",
    "lecturer_edit",
    "lecturer_ics",
    "lecturer_list",
    "lecturer_me",
    "module_edit",
    "need_add",
    "need_delete",
    "official_create",
    "official_detail",
    "official_edit",
    "official_list",
    "roster_import",
    "roster_template",
    "session_delete",
    "session_edit",
    "session_lock",
    "site_hosts",
    "timetable_generate",
    "timetable_run",
    "timetable_run_decide",
    "timetable_run_status",
    "timetable_season",
    "timetable_settings",
    "topic_edit",
    "verify",
]
