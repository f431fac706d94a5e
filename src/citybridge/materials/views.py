"""Pages of the materials app: list, upload, detail (workflow), editor, downloads, glossary."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.academy.models import Session
from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.files import file_response
from citybridge.core.history import account_label
from citybridge.core.models import User
from citybridge.core.views import paginate

from . import selectors, services
from .forms import GlossaryImportForm, MaterialForm, VersionForm, XliffImportForm
from .glossary import Term, write_csv, write_tbx
from .models import OWNER_ROLE, SegmentStatus, State

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EDITOR_PAGE = 50


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
def material_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    ctx = paginate(request, selectors.material_list(user=request.user, state=state))
    labels = dict(State.choices)
    for m in ctx["page_obj"].object_list:
        m.state_label = labels[m.state]
        m.url = reverse("materials:detail", args=[m.pk])
    ctx.update(
        states=State.choices,
        state=state,
        may_upload=request.user.has_perm("materials.upload_material"),
    )
    return render(request, "materials/list.html", ctx)


def _sessions_for(user: User) -> QuerySet[Session]:
    qs = Session.objects.visible_to(user).filter(lecturer__isnull=False).select_related("course")
    if not user.is_program_staff:  # a lecturer's sessions still to come, soonest first (not every one since 2019)
        return qs.filter(lecturer_id=user.person_id, date__gte=timezone.localdate()).order_by("date", "start_time")
    return qs.order_by("-date")


@login_required
def material_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("materials.upload_material"):
        raise PermissionDenied
    form = MaterialForm(request.POST or None, request.FILES or None, sessions=_sessions_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                session=form.cleaned_data["session"],
                uploaded_file=form.cleaned_data["file"],
            )
            return redirect("materials:detail", pk=material.pk)
        except ValidationError as exc:
            for name, errs in exc.message_dict.items():
                form.add_error({"session_id": "session"}.get(name, name) if name != "__all__" else None, errs)
    return render(
        request, "materials/form.html", {"form": form, "title": _("New material")}, status=422 if form.errors else 200
    )


@login_required
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    u = request.user
    moves = [
        {"to": to, "label": dict(State.choices)[to], "is_return": ret, "approves": frm == State.APPROVAL and not ret}
        for (frm, to), (perm, ret) in services.TRANSITIONS.items()
        if frm == material.state and u.has_perm(perm, material)
    ]
    deck = selectors.latest_deck(material)
    labels = dict(State.choices)
    events = list(material.events.select_related("actor__person", "assignee__person"))
    for e in events:
        e.from_label, e.to_label = labels.get(e.from_state, ""), labels.get(e.to_state, e.to_state)
    ctx = {
        "material": material,
        "state_label": dict(State.choices)[material.state],
        "owner_role": OWNER_ROLE.get(material.state, ""),
        "versions": list(material.versions.order_by("-number")),
        "events": events,
        "moves": moves,
        "deck": deck,
        "progress": selectors.progress(deck) if deck else None,
        "may_upload": u.has_perm("materials.upload_version", material) and material.state != State.DELIVERED,
        "may_manage": u.has_perm("materials.manage_material", material),
        "may_edit": u.has_perm("materials.edit_segments", material),
        "translators": [
            {"pk": t.pk, "label": account_label(t)}
            for t in User.objects.filter(role_memberships__role="translator", is_active=True)
            .select_related("person")
            .distinct()
            .order_by("email")
        ]
        if u.has_perm("materials.manage_material", material)
        else [],
        "version_form": VersionForm(),
    }
    return render(request, "materials/detail.html", ctx)


def _after(request: HttpRequest, pk: int, write: Callable[[], object]) -> HttpResponse:
    try:
        write()
        flash.success(request, _("Saved."))
    except ValidationError as exc:
        for m in _messages(exc):
            flash.error(request, m)
    return redirect("materials:detail", pk=pk)


@login_required
@require_POST
def material_transition(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    return _after(
        request,
        pk,
        lambda: services.material_transition(
            actor=request.user,
            material=material,
            to_state=request.POST.get("to_state", ""),
            comment=request.POST.get("comment", ""),
            expected_version=request.POST.get("version"),
        ),
    )


@login_required
@require_POST
def material_assign(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    if not request.user.has_perm("materials.manage_material", material):
        raise PermissionDenied
    raw = request.POST.get("translator", "")
    translator = User.objects.filter(pk=number).first() if (number := whole_number(raw)) is not None else None
    return _after(
        request,
        pk,
        lambda: services.material_assign_translator(
            actor=request.user, material=material, translator=translator, expected_version=request.POST.get("version")
        ),
    )


@login_required
@require_POST
def material_adaptation(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    return _after(
        request,
        pk,
        lambda: services.material_update_adaptation(
            actor=request.user,
            material=material,
            adaptation_notes=request.POST.get("adaptation_notes", ""),
            local_examples=request.POST.get("local_examples", ""),
            case_links=request.POST.get("case_links", ""),
            expected_version=request.POST.get("version"),
        ),
    )


@login_required
@require_POST
def version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    if "file" not in request.FILES:
        flash.error(request, _("Choose a file."))
        return redirect("materials:detail", pk=pk)
    return _after(
        request,
        pk,
        lambda: services.material_version_add(
            actor=request.user, material=material, uploaded_file=request.FILES["file"]
        ),
    )


@login_required
def version_download(request: HttpRequest, pk: int, which: str = "original") -> HttpResponse:
    version = selectors.version_get(user=request.user, pk=pk)
    f = version.file if which == "original" else version.translated_file
    if not f:
        raise Http404
    with f.open("rb") as fh:
        data = fh.read()
    types = {
        "pptx": PPTX_TYPE,
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    suffix = "" if which == "original" else "-zh"
    return file_response(
        data, f"material-{version.material_id}-v{version.number}{suffix}.{version.kind}", types[version.kind]
    )


@login_required
@require_POST
def version_build(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, pk=pk)
    return _after(
        request, version.material_id, lambda: services.version_build_request(actor=request.user, version=version)
    )


@login_required
def editor(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    if not request.user.has_perm("materials.edit_segments", material):
        raise PermissionDenied
    deck = selectors.latest_deck(material)
    if deck is None:
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in SegmentStatus.values else ""
    ctx = paginate(request, selectors.version_segments(version=deck, status=status), per_page=EDITOR_PAGE)
    labels = dict(SegmentStatus.choices)
    ctx.update(
        material=material,
        deck=deck,
        rows=selectors.editor_rows(list(ctx["page_obj"].object_list)),
        statuses=SegmentStatus.choices,
        status_labels=labels,
        status=status,
        progress=selectors.progress(deck),
        mt_enabled=bool(settings.CITYBRIDGE_MT_BACKEND),
    )
    return render(request, "materials/editor.html", ctx)


@login_required
@require_POST
def segment_save(request: HttpRequest, pk: int) -> HttpResponse:
    segment = selectors.segment_get(user=request.user, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        segment = services.segment_save(
            actor=request.user,
            segment=segment,
            target=request.POST.get("target", ""),
            status=request.POST.get("status", ""),
            expected_version=request.POST.get("version"),
        )
    except StaleEdit as exc:
        if wants_json:
            return JsonResponse(
                {
                    "detail": _messages(exc)[0],
                    "current": {"target": exc.instance.target, "version": exc.instance.version},
                },
                status=409,
            )
        flash.error(request, _messages(exc)[0])
    except ValidationError as exc:
        if wants_json:
            return JsonResponse({"detail": " ".join(_messages(exc))}, status=422)
        for m in _messages(exc):
            flash.error(request, m)
    else:
        if wants_json:
            glossary = selectors.project_glossary()
            return JsonResponse(
                {
                    "version": segment.version,
                    "status": segment.status,
                    "status_label": dict(SegmentStatus.choices)[segment.status],
                    "machine": segment.machine,
                    "qa": selectors.qa_of(segment.source, segment.target, glossary),
                }
            )
    return redirect(reverse("materials:editor", args=[segment.doc_version.material_id]) + f"#seg-{segment.pk}")


@login_required
def version_xliff_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The deck version's segments as XLIFF 2.0, for an outside translator or a CAT tool."""
    version = selectors.version_get(user=request.user, pk=pk)
    if not request.user.has_perm("materials.edit_segments", version.material):
        raise PermissionDenied
    if version.kind != "pptx":
        raise Http404
    return file_response(
        selectors.version_xliff(version=version), selectors.xliff_filename(version), "application/xliff+xml"
    )


@login_required
def version_xliff_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a translated XLIFF 2.0 file: all units or none, with a report per unit."""
    version = selectors.version_get(user=request.user, pk=pk)
    if not request.user.has_perm("materials.edit_segments", version.material):
        raise PermissionDenied
    form = XliffImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.version_xliff_import(
            actor=request.user, version=version, uploaded_file=form.cleaned_data["file"]
        )
    return render(
        request,
        "materials/xliff_import.html",
        {"form": form, "report": report, "version": version, "material": version.material},
        status=422 if (report and not report.ok) or form.errors else 200,
    )


@login_required
@require_POST
def segment_machine_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """The "MT suggestion" button: the backend's answer stored as a draft marked machine translation."""
    segment = selectors.segment_get(user=request.user, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        segment = services.segment_machine_translate(
            actor=request.user, segment=segment, expected_version=request.POST.get("version")
        )
    except ValidationError as exc:
        if wants_json:
            return JsonResponse({"detail": " ".join(_messages(exc))}, status=409 if isinstance(exc, StaleEdit) else 422)
        for m in _messages(exc):
            flash.error(request, m)
    else:
        if wants_json:
            return JsonResponse(
                {
                    "target": segment.target,
                    "version": segment.version,
                    "status": segment.status,
                    "machine": segment.machine,
                    "label": _("Machine translation"),
                }
            )
    return redirect(reverse("materials:editor", args=[segment.doc_version.material_id]) + f"#seg-{segment.pk}")


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    ctx = paginate(request, selectors.glossary_list(q=q))
    ctx.update(q=q, form=GlossaryImportForm(), may_import=request.user.has_perm("materials.manage_glossary"))
    return render(request, "materials/glossary.html", ctx)


@login_required
def glossary_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("materials.manage_glossary"):
        raise PermissionDenied
    form = GlossaryImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.glossary_import(actor=request.user, uploaded_file=form.cleaned_data["file"])
    return render(
        request,
        "materials/glossary_import.html",
        {"form": form, "report": report},
        status=422 if (report and not report.ok) or form.errors else 200,
    )


@login_required
def glossary_export(request: HttpRequest, fmt: str) -> HttpResponse:
    terms = [Term(t.en, t.zh, t.note, t.source) for t in selectors.glossary_list()]
    if fmt == "tbx":
        return file_response(write_tbx(terms), "glossary.tbx", "application/x-tbx+xml")
    return file_response(write_csv(terms), "glossary.csv", "text/csv; charset=utf-8")
