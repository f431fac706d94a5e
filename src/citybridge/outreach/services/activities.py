"""Follow-up (activity) writes: create by hand, from an evaluation asking for follow-up (after commit), update with
the version the edit started from, complete. A follow-up due before the day it is created is refused."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.academy.models import OfficialProfile, Topic
from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, Person, User
from citybridge.core.rows import date_text
from citybridge.core.services import require
from citybridge.core.validation import ErrorCollector, check_dates

from ..models import Activity, ActivityStatus, ActivityType, Evaluation
from ..models.activities import FOLLOWUP_SUBJECT_EN, FOLLOWUP_SUBJECT_ZH

__all__ = [
    "FOLLOWUP_DUE_DAYS",
    "activity_complete",
    "activity_create",
    "activity_from_evaluation",
    "activity_update",
]

#: a follow-up an evaluation asks for is due two weeks after the answer
FOLLOWUP_DUE_DAYS = 14
_EDITABLE = ("type", "subject", "due_date", "status", "outcome", "assignee", "person", "organisation", "parent")


def _check(
    errors: ErrorCollector,
    *,
    type: str,
    subject: str,
    due_date: date | None,
    status: str,
    outcome: str,
    created_on: date,
    parent: Activity | None,
    instance: Activity | None = None,
) -> None:
    if type not in ActivityType.values:
        errors.add("type", _("Select a valid choice. That choice is not one of the available choices."))
    if not (subject or "").strip():
        errors.add("subject", _("Give a subject."))
    elif len(subject.strip()) > 300:
        errors.add("subject", _("Keep the subject under 300 characters."))
    if status not in ActivityStatus.values:
        errors.add("status", _("Select a valid choice. That choice is not one of the available choices."))
    if len(outcome or "") > 4000:
        errors.add("outcome", _("Keep the outcome under 4,000 characters."))
    with errors.check():
        check_dates(due_date=due_date)
    if due_date is not None and due_date < created_on:
        errors.add(
            "due_date",
            _("A follow-up cannot be due before the day it was created (%(day)s).") % {"day": date_text(created_on)},
        )
    if parent is not None and instance is not None:
        node, hops = parent, 0
        while node is not None and hops < 1000:
            if node.pk == instance.pk:
                errors.add("parent", _("A follow-up cannot follow itself or one of the follow-ups after it."))
                break
            node, hops = node.parent, hops + 1


@transaction.atomic
def activity_create(
    *,
    actor: User,
    type: str,
    subject: str,
    due_date: date | None = None,
    assignee: User | None = None,
    officials: list[OfficialProfile] | None = None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    topics: list[Topic] | None = None,
    parent: Activity | None = None,
    outcome: str = "",
    status: str = ActivityStatus.OPEN,
) -> Activity:
    require(actor, "outreach.add_activity")
    errors = ErrorCollector()
    _check(
        errors,
        type=type,
        subject=subject,
        due_date=due_date,
        status=status,
        outcome=outcome,
        created_on=timezone.localdate(),
        parent=parent,
    )
    if assignee is not None and not assignee.is_active:
        errors.add("assignee", _("Select a valid choice. That choice is not one of the available choices."))
    errors.raise_if_any()
    activity = Activity.objects.create(
        type=type,
        subject=subject.strip(),
        due_date=due_date,
        assignee=assignee,
        person=person,
        organisation=organisation,
        parent=parent,
        outcome=(outcome or "").strip(),
        status=status,
        created_by=actor,
        completed_at=timezone.now() if status == ActivityStatus.DONE else None,
        course=parent.course if parent else None,
    )
    if officials:
        activity.officials.set(officials)
    if topics:
        activity.topics.set(topics)
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, expected_version: int | None, **changes: object) -> Activity:
    """Change any of type, subject, due_date, status, outcome, assignee, person, organisation, parent, officials."""
    require(actor, "outreach.change_activity", activity)
    manager_only = {"assignee", "person", "organisation", "parent", "officials", "type", "subject", "due_date"}
    if set(changes) & manager_only and not actor.has_perm("outreach.manage_activities"):
        require(actor, "outreach.manage_activities")
    unknown = set(changes) - set(_EDITABLE) - {"officials"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    claim_version(activity, expected_version)
    merged = {name: changes.get(name, getattr(activity, name)) for name in _EDITABLE}
    if merged["outcome"] is None:  # cleared (an API client's null): no outcome, as an empty text
        merged["outcome"] = ""
    errors = ErrorCollector()
    due_changed = "due_date" in changes and changes["due_date"] != activity.due_date
    _check(
        errors,
        type=merged["type"],
        subject=merged["subject"],
        due_date=merged["due_date"] if due_changed else None,
        status=merged["status"],
        outcome=merged["outcome"],
        created_on=timezone.localtime(activity.created_at).date(),
        parent=merged["parent"],
        instance=activity,
    )
    errors.raise_if_any()
    was_done = activity.status == ActivityStatus.DONE
    for name in _EDITABLE:
        value = merged[name]
        setattr(activity, name, value.strip() if isinstance(value, str) and name in ("subject", "outcome") else value)
    if activity.status == ActivityStatus.DONE and not was_done:
        activity.completed_at = timezone.now()
    elif activity.status != ActivityStatus.DONE:
        activity.completed_at = None
    activity.save()
    if "officials" in changes:
        activity.officials.set(changes["officials"] or [])
    return activity


def activity_complete(
    *, actor: User, activity: Activity, expected_version: int | None, outcome: str, **changes: object
) -> Activity:
    """Done, with what came of it. `changes`: other edits saved at the same time (the follow-up page marks it done
    from its one form, so that staff lose nothing they changed beside the outcome)."""
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say what came of it before marking it done.")})
    return activity_update(
        actor=actor,
        activity=activity,
        expected_version=expected_version,
        **changes,
        status=ActivityStatus.DONE,
        outcome=outcome,
    )


def activity_from_evaluation(*, evaluation_id: int) -> Activity | None:
    """The follow-up an evaluation asks for ("I want follow-up on …"): one per evaluation, created after the
    evaluation commits, assigned to whoever typed in the paper form (unassigned for online answers: staff triage)."""
    evaluation = Evaluation.objects.select_related("course", "official", "entered_by").filter(pk=evaluation_id).first()
    if evaluation is None or evaluation.activities.exists():
        return None
    topics = list(evaluation.followup_topics.all())
    if not topics and not evaluation.followup_note:
        return None
    with transaction.atomic():
        note = evaluation.followup_note[:100]
        en = ", ".join(t.display_name("en") for t in topics) or note
        zh = "、".join(t.display_name("zh-hans") for t in topics) or note
        subject = f"{FOLLOWUP_SUBJECT_EN.format(en)} / {FOLLOWUP_SUBJECT_ZH.format(zh)}"[:300]
        activity = Activity.objects.create(
            type=ActivityType.CALL,
            subject=subject,
            due_date=timezone.localdate() + timedelta(days=FOLLOWUP_DUE_DAYS),
            assignee=evaluation.entered_by if evaluation.entered_by and evaluation.entered_by.is_active else None,
            evaluation=evaluation,
            course=evaluation.course,
        )
        if evaluation.official_id:
            activity.officials.set([evaluation.official])
        if topics:
            activity.topics.set(topics)
    return activity
