"""Roster import endpoint."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from .. import services
from ..forms import check_roster_upload
from ._common import _course

router = Router()


class RosterReportOut(Schema):
    detail: str
    ok: bool
    created: int
    matched: int
    enrolled: int
    waitlisted: int
    skipped: int = 0
    dry_run: bool = False
    errors: list[dict]
    rows: list[dict] = []


@router.post("/courses/{id:pk}/roster", response={200: RosterReportOut, 422: RosterReportOut})
def import_roster(
    request: HttpRequest,
    pk: int,
    file: UploadedFile = File(...),  # noqa: B008
    overflow_to_waitlist: bool = False,
    dry_run: bool = False,
    apply_changes: str = "",
) -> Status[dict]:
    """Upload an XLSX or CSV roster: all rows or none; errors per line in the request's language.

    Rows already enrolled are reported and skipped. `dry_run=true`: the preview -- per row new / known /
    already_enrolled / error, with the changed details (`key`, field, old → new) -- and nothing is written.
    Changed details are applied only when named: `apply_changes=all`, or their keys separated by commas."""
    course = _course(request, pk, "academy.manage_course")
    check_roster_upload(file)
    changes = (
        services.ALL_CHANGES
        if apply_changes.strip() == services.ALL_CHANGES
        else {k.strip() for k in apply_changes.split(",") if k.strip()}
    )
    report = services.roster_import(
        actor=request.auth,
        data=file.read(),
        filename=file.name or "",
        course=course,
        overflow_to_waitlist=overflow_to_waitlist,
        dry_run=dry_run,
        apply_changes=changes,
    )
    if report.ok:
        detail = _("Imported %(rows)s officials: %(created)s new, %(matched)s already known.") % {
            "rows": report.created + report.matched,
            "created": report.created,
            "matched": report.matched,
        }
    else:  # the API's one error format: a sentence, and each error under "errors" with its field (the file)
        n = len(report.errors)
        detail = ngettext("The file was not imported: %(n)s problem", "The file was not imported: %(n)s problems", n)
        detail = detail % {"n": n}
    errors = [{"field": "file", **e} for e in report.errors]
    return Status(200 if report.ok else 422, dict(report.__dict__, dry_run=dry_run, detail=detail, errors=errors))
