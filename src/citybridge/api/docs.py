"""The interactive API docs (/api/v1/docs) in the reader's language, as far as the tool allows.

What is translated: the page's title and language, a note above the viewer, the API's title and description, the
groups of operations (tags) and each operation's one-line summary (the `pgettext("API operation", …)` entries
below, looked up when the schema is served). What is not: the viewer's own buttons and labels ("Try it out",
"Execute", "Authorize", "Parameters", "Responses" …). Swagger UI has no translation support (its text is built into
its JavaScript bundle), so those stay in English; the note above the viewer says so. The longer descriptions of
the operations are the functions' docstrings and stay in English too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from ninja.openapi.docs import Swagger

#: the groups of the docs page: one per app (ninja names them after the app's router module)
TAGS = {
    "core": gettext_lazy("Organisations and people"),
    "academy": gettext_lazy("Government Training"),
    "cities": gettext_lazy("Climate collaborative"),
    "climate": gettext_lazy("Climate"),
    "climate plans": gettext_lazy("Action plans"),
    "materials": gettext_lazy("Lecture materials"),
    "outreach": gettext_lazy("Outreach"),
}

#: every operation's summary (ninja derives it from the function's name): the catalogue's entries; a summary
#: missing here is shown as it is, in English (tests/test_chinese_everywhere.py lists any)
SUMMARIES = (
    pgettext_lazy("API operation", "Me"),
    pgettext_lazy("API operation", "List Organisations"),
    pgettext_lazy("API operation", "Create Organisation"),
    pgettext_lazy("API operation", "Get Organisation"),
    pgettext_lazy("API operation", "Update Organisation"),
    pgettext_lazy("API operation", "Delete Organisation"),
    pgettext_lazy("API operation", "List People"),
    pgettext_lazy("API operation", "Create Person"),
    pgettext_lazy("API operation", "Get Person"),
    pgettext_lazy("API operation", "Update Person"),
    pgettext_lazy("API operation", "Delete Person"),
    pgettext_lazy("API operation", "Export Person"),
    pgettext_lazy("API operation", "Erase Person"),
    pgettext_lazy("API operation", "List Person Roles"),
    pgettext_lazy("API operation", "Add Person Role"),
    pgettext_lazy("API operation", "Remove Person Role"),
    pgettext_lazy("API operation", "List Academies"),
    pgettext_lazy("API operation", "List Topics"),
    pgettext_lazy("API operation", "Create Topic"),
    pgettext_lazy("API operation", "List Modules"),
    pgettext_lazy("API operation", "Create Module"),
    pgettext_lazy("API operation", "List Courses"),
    pgettext_lazy("API operation", "Create Course"),
    pgettext_lazy("API operation", "Get Course"),
    pgettext_lazy("API operation", "Update Course"),
    pgettext_lazy("API operation", "Set Course Status"),
    pgettext_lazy("API operation", "Course Checks"),
    pgettext_lazy("API operation", "List Sessions"),
    pgettext_lazy("API operation", "Create Session"),
    pgettext_lazy("API operation", "Update Session"),
    pgettext_lazy("API operation", "Delete Session"),
    pgettext_lazy("API operation", "List Enrolments"),
    pgettext_lazy("API operation", "Enrol"),
    pgettext_lazy("API operation", "Withdraw"),
    pgettext_lazy("API operation", "Import Roster"),
    pgettext_lazy("API operation", "Record Attendance"),
    pgettext_lazy("API operation", "List Officials"),
    pgettext_lazy("API operation", "Create Official"),
    pgettext_lazy("API operation", "Get Official"),
    pgettext_lazy("API operation", "Add External Training"),
    pgettext_lazy("API operation", "Delete External Training"),
    pgettext_lazy("API operation", "Who Is Behind"),
    pgettext_lazy("API operation", "Prepare Behind Year"),
    pgettext_lazy("API operation", "Impact"),
    pgettext_lazy("API operation", "Verify Certificate"),
    pgettext_lazy("API operation", "Issue Certificates"),
    pgettext_lazy("API operation", "Revoke Certificate"),
    pgettext_lazy("API operation", "List Duplicates"),
    pgettext_lazy("API operation", "Dismiss Duplicate"),
    pgettext_lazy("API operation", "Merge Duplicate"),
    pgettext_lazy("API operation", "List Cities"),
    pgettext_lazy("API operation", "Get City"),
    pgettext_lazy("API operation", "List Pairs"),
    pgettext_lazy("API operation", "Create Pair"),
    pgettext_lazy("API operation", "End Pair"),
    pgettext_lazy("API operation", "Ambition Ranking"),
    pgettext_lazy("API operation", "List City Values"),
    pgettext_lazy("API operation", "List Indicators"),
    pgettext_lazy("API operation", "List Interests"),
    pgettext_lazy("API operation", "Create Interest"),
    pgettext_lazy("API operation", "List Runs"),
    pgettext_lazy("API operation", "Create Run"),
    pgettext_lazy("API operation", "Compare Runs"),
    pgettext_lazy("API operation", "Get Run"),
    pgettext_lazy("API operation", "List Lecturers"),
    pgettext_lazy("API operation", "Create Lecturer"),
    pgettext_lazy("API operation", "My Profile"),
    pgettext_lazy("API operation", "Get Lecturer"),
    pgettext_lazy("API operation", "Update Lecturer"),
    pgettext_lazy("API operation", "List Windows"),
    pgettext_lazy("API operation", "Add Window"),
    pgettext_lazy("API operation", "Update Window"),
    pgettext_lazy("API operation", "Delete Window"),
    pgettext_lazy("API operation", "Lecturer Sessions"),
    pgettext_lazy("API operation", "Lecturer Ics"),
    pgettext_lazy("API operation", "Start Run"),
    pgettext_lazy("API operation", "Start Season"),
    pgettext_lazy("API operation", "Accept Run"),
    pgettext_lazy("API operation", "Discard Run"),
    pgettext_lazy("API operation", "List Needs"),
    pgettext_lazy("API operation", "Add Need"),
    pgettext_lazy("API operation", "Update Need"),
    pgettext_lazy("API operation", "Delete Need"),
    pgettext_lazy("API operation", "List Events"),
    pgettext_lazy("API operation", "Add Event"),
    pgettext_lazy("API operation", "Update Event"),
    pgettext_lazy("API operation", "Delete Event"),
    pgettext_lazy("API operation", "List Blackouts"),
    pgettext_lazy("API operation", "Add Blackout"),
    pgettext_lazy("API operation", "Update Blackout"),
    pgettext_lazy("API operation", "Delete Blackout"),
    pgettext_lazy("API operation", "Get Timetable Settings"),
    pgettext_lazy("API operation", "Save Timetable Settings"),
    pgettext_lazy("API operation", "Lock Session"),
    pgettext_lazy("API operation", "List Hosts"),
    pgettext_lazy("API operation", "Add Host"),
    pgettext_lazy("API operation", "Update Host"),
    pgettext_lazy("API operation", "Delete Host"),
    pgettext_lazy("API operation", "List Factors"),
    pgettext_lazy("API operation", "Get Factor"),
    pgettext_lazy("API operation", "List Inventories"),
    pgettext_lazy("API operation", "Create Inventory"),
    pgettext_lazy("API operation", "Get Inventory"),
    pgettext_lazy("API operation", "Update Inventory"),
    pgettext_lazy("API operation", "Submit Inventory"),
    pgettext_lazy("API operation", "Review Inventory"),
    pgettext_lazy("API operation", "Publish Inventory"),
    pgettext_lazy("API operation", "New Revision"),
    pgettext_lazy("API operation", "List Entries"),
    pgettext_lazy("API operation", "Create Entry"),
    pgettext_lazy("API operation", "Update Entry"),
    pgettext_lazy("API operation", "Delete Entry"),
    pgettext_lazy("API operation", "Request Review"),
    pgettext_lazy("API operation", "Import Entries"),
    pgettext_lazy("API operation", "List Targets"),
    pgettext_lazy("API operation", "Create Target"),
    pgettext_lazy("API operation", "Get Target"),
    pgettext_lazy("API operation", "List Plans"),
    pgettext_lazy("API operation", "Create Plan"),
    pgettext_lazy("API operation", "Get Plan"),
    pgettext_lazy("API operation", "Update Plan"),
    pgettext_lazy("API operation", "Copy Plan"),
    pgettext_lazy("API operation", "Publish Plan"),
    pgettext_lazy("API operation", "Plan Progress"),
    pgettext_lazy("API operation", "Plan Pathway"),
    pgettext_lazy("API operation", "List Plan Measures"),
    pgettext_lazy("API operation", "Add Plan Measure"),
    pgettext_lazy("API operation", "Update Plan Measure"),
    pgettext_lazy("API operation", "Delete Plan Measure"),
    pgettext_lazy("API operation", "List Catalogue"),
    pgettext_lazy("API operation", "Get Drivers"),
    pgettext_lazy("API operation", "Put Drivers"),
    pgettext_lazy("API operation", "List Materials"),
    pgettext_lazy("API operation", "Create Material"),
    pgettext_lazy("API operation", "Get Material"),
    pgettext_lazy("API operation", "Transition Material"),
    pgettext_lazy("API operation", "Assign Translator"),
    pgettext_lazy("API operation", "List Versions"),
    pgettext_lazy("API operation", "Upload Version"),
    pgettext_lazy("API operation", "List Segments"),
    pgettext_lazy("API operation", "Patch Segment"),
    pgettext_lazy("API operation", "Build Version"),
    pgettext_lazy("API operation", "Download Translated"),
    pgettext_lazy("API operation", "Export Xliff"),
    pgettext_lazy("API operation", "Import Xliff"),
    pgettext_lazy("API operation", "Machine Translate Segment"),
    pgettext_lazy("API operation", "Tm Lookup"),
    pgettext_lazy("API operation", "List Glossary"),
    pgettext_lazy("API operation", "Import Glossary"),
    pgettext_lazy("API operation", "Export Glossary"),
    pgettext_lazy("API operation", "Evaluation Form"),
    pgettext_lazy("API operation", "Enter Evaluation"),
    pgettext_lazy("API operation", "List Evaluations"),
    pgettext_lazy("API operation", "Translate Answer"),
    pgettext_lazy("API operation", "Evaluation Results"),
    pgettext_lazy("API operation", "My Activities"),
    pgettext_lazy("API operation", "List Activities"),
    pgettext_lazy("API operation", "Create Activity"),
    pgettext_lazy("API operation", "Get Activity"),
    pgettext_lazy("API operation", "Update Activity"),
    pgettext_lazy("API operation", "Complete Activity"),
    pgettext_lazy("API operation", "List Partners"),
    pgettext_lazy("API operation", "Create Partner"),
    pgettext_lazy("API operation", "Get Partner"),
    pgettext_lazy("API operation", "Add Contribution"),
    pgettext_lazy("API operation", "List Engagements"),
    pgettext_lazy("API operation", "Create Engagement"),
    pgettext_lazy("API operation", "Get Engagement"),
    pgettext_lazy("API operation", "Update Engagement"),
    pgettext_lazy("API operation", "Transition Engagement"),
    pgettext_lazy("API operation", "Followup Engagement"),
    pgettext_lazy("API operation", "Create Event"),
    pgettext_lazy("API operation", "Get Event"),
    pgettext_lazy("API operation", "Add Session"),
    pgettext_lazy("API operation", "List Registrations"),
    pgettext_lazy("API operation", "Create Registration"),
    pgettext_lazy("API operation", "Mark Attended"),
    pgettext_lazy("API operation", "Public Impact"),
    pgettext_lazy("API operation", "List Press"),
    pgettext_lazy("API operation", "Create Press"),
    pgettext_lazy("API operation", "List Testimonials"),
    pgettext_lazy("API operation", "Create Testimonial"),
    pgettext_lazy("API operation", "Publish Testimonial"),
    pgettext_lazy("API operation", "Update Partner"),
    pgettext_lazy("API operation", "List Agreements"),
    pgettext_lazy("API operation", "Create Agreement"),
    pgettext_lazy("API operation", "Get Agreement"),
    pgettext_lazy("API operation", "Update Agreement"),
    pgettext_lazy("API operation", "Attach Agreement Document"),
    pgettext_lazy("API operation", "Download Agreement Document"),
    pgettext_lazy("API operation", "List Documents"),
    pgettext_lazy("API operation", "Upload Document"),
    pgettext_lazy("API operation", "Get Document"),
    pgettext_lazy("API operation", "Update Document"),
)


@cache
def _summaries() -> frozenset[str]:
    """The English summaries SUMMARIES translates (read once, in English)."""
    with translation.override("en"):
        return frozenset(str(s) for s in SUMMARIES)


def localise_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The operations' groups and summaries in the active language (the schema is built per request)."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            if "tags" in operation:
                operation["tags"] = [str(TAGS.get(tag, tag)) for tag in operation["tags"]]
            summary = operation.get("summary")
            if summary in _summaries():
                operation["summary"] = pgettext("API operation", summary)
    return schema


#: the API's one error body (api/errors.py), as every operation's error answers name it
ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorOut",
    "type": "object",
    "required": ["detail", "errors"],
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "current": {"type": "object", "description": "409 only: the record as it is now"},
    },
}


def with_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Each operation's error answers, in the one error format (ErrorOut): 401 and 403 when it needs a sign-in,
    404 when its path names a record, 409 for a write that claims a version, 422 for input, 429 for the rate
    limits. An answer the operation documents itself is kept."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    texts = {
        "401": _("Not signed in: neither a browser sign-in nor a valid API token."),
        "403": _("Signed in, but not allowed to do this."),
        "404": _("Not found, or outside what the caller may see."),
        "409": _("The version sent is not the current one (`current` holds the record now), or the record cannot "
                 "be deleted while others depend on it."),
        "422": _("The input is not valid: each error names its field."),
        "429": _("Too many requests: wait and try again."),
    }  # fmt: skip
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            codes = ["422", "429"]
            if operation.get("security"):
                codes += ["401", "403"]
            if "{" in path:
                codes.append("404")
            if method in ("put", "patch", "delete"):
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if code not in responses and int(code) not in responses:  # ninja's own keys are numbers
                    responses[code] = {"description": texts[code], **ref}
    return schema


class LocalisedSwagger(Swagger):
    """Swagger UI served from this host (ninja's files) in a page that says its language and explains what the
    viewer leaves in English."""

    template = "api/swagger.html"
