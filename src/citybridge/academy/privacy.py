"""Government Training's part of the privacy registry (see core/privacy.py).

- Officials' personal data (e-mail, phone, notes) is restricted: beyond program staff and the official, only the
  coordinators of an academy where the official has a non-withdrawn enrolment may read it.
- Export: the official profile and the whole training record (enrolments, attendance, external training,
  certificates, yearly summaries).
- Erase: the training record is kept as it is — it carries no name (certificates show the person's name, which core
  replaces); the figures (compliance summaries, impact) are unchanged. Returns the counts kept, for the audit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from citybridge.core.privacy import EXPORT_LABELS, EXPORT_VALUE_LABELS, PrivacyPart, plain, registry, row

from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    OfficialProfile,
    Position,
    TrainingSummary,
)

if TYPE_CHECKING:
    from citybridge.core.models import Person, User


def restricted() -> Q:
    return Q(Exists(OfficialProfile.objects.filter(person=OuterRef("pk"))))


def granted(user: User) -> Q | None:
    ids = user.scoped_organisation_ids("academy_coordinator") if user.is_active else set()
    if not ids:
        return None
    return Q(
        Exists(
            Enrolment.objects.filter(
                official__person=OuterRef("pk"),
                course__academy__organisation_id__in=ids,
            ).exclude(status=EnrolmentStatus.WITHDRAWN)
        )
    )


def export(person: Person) -> dict[str, list[dict]]:
    official = OfficialProfile.objects.filter(person=person).select_related("jurisdiction", "company").first()
    if official is None:
        return {}
    profile = row(
        official, ("id", "position", "province", "company_employees", "service_start", "created_at", "updated_at")
    )
    profile["jurisdiction"] = official.jurisdiction.display_name() if official.jurisdiction_id else None
    profile["company"] = official.company.display_name() if official.company_id else None
    enrolments = [
        {
            **row(e, ("id", "course_id", "status", "position", "company_employees", "enrolled_at", "withdrawn_at")),
            "course": e.course.display_name(),
            "academy": e.course.academy.display_name(),
            "first_day": plain(e.course.start_date),
            "last_day": plain(e.course.end_date),
        }
        for e in official.enrolments.select_related("course__academy__organisation").order_by("enrolled_at", "id")
    ]
    attendance = [
        {
            "session_id": a.session_id,
            "course": a.session.course.display_name(),
            "date": plain(a.session.date),
            "starts": plain(a.session.start_time),
            "status": a.status,
            "recorded_at": plain(a.recorded_at),
        }
        for a in Attendance.objects.filter(official=official)
        .select_related("session__course")
        .order_by("session__date", "session__start_time", "id")
    ]
    external = [
        {
            **row(t, ("id", "provider", "title", "start_date", "end_date", "days", "evidence_reference", "created_at")),
            "evidence_file": t.evidence.name or None,
        }
        for t in ExternalTraining.objects.filter(official=official).order_by("start_date", "id")
    ]
    certificates = [
        {
            **row(c, ("code", "training_days", "issued_at", "revoked_at", "revoked_reason")),
            "course": c.enrolment.course.display_name(),
        }
        for c in Certificate.objects.filter(enrolment__official=official)
        .select_related("enrolment__course")
        .order_by("issued_at", "id")
    ]
    summaries = [
        row(s, ("year", "academy_days", "external_days", "total_days", "required_days", "shortfall"))
        for s in TrainingSummary.objects.filter(official=official).order_by("year")
    ]
    return {
        "official_profile": [profile],
        "enrolments": enrolments,
        "attendance": attendance,
        "external_training": external,
        "certificates": certificates,
        "training_summaries": summaries,
    }


def erase(person: Person) -> dict[str, int]:
    official = OfficialProfile.objects.filter(person=person).first()
    if official is None:
        return {}
    return {
        "enrolments_kept": official.enrolments.count(),
        "attendance_kept": Attendance.objects.filter(official=official).count(),
        "certificates_kept": Certificate.objects.filter(enrolment__official=official).count(),
        "external_training_kept": ExternalTraining.objects.filter(official=official).count(),
    }


EXPORT_LABELS.update(
    {
        "official_profile": gettext_lazy("Official"),
        "enrolments": gettext_lazy("Enrolments"),
        "attendance": gettext_lazy("Attendance"),
        "external_training": gettext_lazy("Training elsewhere"),
        "certificates": gettext_lazy("Certificates"),
        "training_summaries": gettext_lazy("Training days by year"),
        "position": gettext_lazy("Position"),
        "province": gettext_lazy("Province"),
        "company_employees": gettext_lazy("Company employees"),
        "service_start": gettext_lazy("Service began"),
        "jurisdiction": gettext_lazy("Jurisdiction led"),
        "company": gettext_lazy("Company (SOE executives)"),
        "course_id": gettext_lazy("Course (ID)"),
        "course": gettext_lazy("Course"),
        "academy": gettext_lazy("Academy"),
        "status": gettext_lazy("Status"),
        "enrolled_at": gettext_lazy("Enrolled on"),
        "withdrawn_at": gettext_lazy("Withdrew on"),
        "first_day": gettext_lazy("First day"),
        "last_day": gettext_lazy("Last day"),
        "session_id": gettext_lazy("Session (ID)"),
        "date": gettext_lazy("Date"),
        "starts": gettext_lazy("Starts"),
        "recorded_at": gettext_lazy("Recorded"),
        "provider": gettext_lazy("Provider"),
        "title": gettext_lazy("Title"),
        "start_date": gettext_lazy("First day"),
        "end_date": gettext_lazy("Last day"),
        "days": gettext_lazy("Training days"),
        "evidence_reference": gettext_lazy("Evidence reference"),
        "evidence_file": gettext_lazy("Evidence (file)"),
        "code": gettext_lazy("Verification code"),
        "training_days": gettext_lazy("Training days"),
        "issued_at": gettext_lazy("Issued"),
        "revoked_at": gettext_lazy("Revoked"),
        "revoked_reason": gettext_lazy("Reason for revocation"),
        "year": gettext_lazy("Year"),
        "academy_days": gettext_lazy("At academies"),
        "external_days": gettext_lazy("External"),
        "total_days": gettext_lazy("Total"),
        "required_days": gettext_lazy("Required"),
        "shortfall": gettext_lazy("Shortfall"),
    }
)

# stored codes in the export shown as words (core/privacy.py with_value_labels)
EXPORT_VALUE_LABELS.update(
    {
        "official_profile.position": lambda: Position.choices,
        "enrolments.position": lambda: Position.choices,
        "enrolments.status": lambda: EnrolmentStatus.choices,
        "attendance.status": lambda: AttendanceStatus.choices,
    }
)

registry.register(
    PrivacyPart(
        key="academy",
        export=export,
        erase=erase,
        restricted=restricted,
        granted=granted,
        derived=frozenset({"academy.TrainingSummary", "academy.ImpactSnapshot"}),
    )
)
