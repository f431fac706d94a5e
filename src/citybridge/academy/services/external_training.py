"""Training taken elsewhere."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.core.models import User
from citybridge.core.validation import check_dates

from ..models import (
    ExternalTraining,
    OfficialProfile,
)
from ._common import require
from .summaries import compliance_refresh

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


@transaction.atomic
def external_training_create(
    *,
    actor: User,
    official: OfficialProfile,
    provider: str,
    title: str,
    start_date: date,
    end_date: date,
    days: int,
    evidence: UploadedFile | None = None,
    evidence_reference: str = "",
) -> ExternalTraining:
    require(actor, "academy.add_external_training", official)
    check_dates(start_date=start_date, end_date=end_date)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day is before the first day.")})
    span = (end_date - start_date).days + 1
    if days is None or days < 1 or days > span:
        raise ValidationError(
            {"days": _("Training days must be between 1 and %(span)s (the length of the period).") % {"span": span}}
        )
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("External training can be recorded once it has taken place.")})
    if not evidence and not (evidence_reference or "").strip():
        raise ValidationError(
            {
                "evidence": _(
                    "Attach the evidence (a file or a certificate reference): training without evidence does not count."
                )
            }
        )
    rec = ExternalTraining(
        official=official,
        provider=provider.strip(),
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        days=days,
        evidence_reference=(evidence_reference or "").strip(),
        created_by=actor,
    )
    if evidence:
        rec.evidence = evidence
    rec.full_clean(exclude=["official", "evidence"] if not evidence else ["official"])
    rec.save()
    compliance_refresh(official_ids=[official.pk], years=set(range(start_date.year, end_date.year + 1)))
    return rec


@transaction.atomic
def external_training_delete(*, actor: User, record: ExternalTraining) -> None:
    require(actor, "academy.delete_external_training", record)
    official_id, years = record.official_id, set(range(record.start_date.year, record.end_date.year + 1))
    record.delete()
    compliance_refresh(official_ids=[official_id], years=years)
