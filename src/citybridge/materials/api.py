"""Lecture materials API at /api/v1/materials/: materials, versions, segments, TM lookup, glossary, build."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from citybridge.academy import selectors as academy_selectors
from citybridge.academy.api.sessions import LECTURER_ID
from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Pagination, Strict, Version
from citybridge.core.files import file_response

from . import selectors, services
from .glossary import Term, write_csv, write_tbx
from .models import MaterialVersion, SegmentStatus, State

router = Router(tags=["materials"])
StateLit = Literal[tuple(State.values)]  # type: ignore[valid-type]
StatusLit = Literal[tuple(SegmentStatus.values)]  # type: ignore[valid-type]


class MaterialOut(Schema):
    id: int
    title: str
    lecturer_id: int = Field(description=LECTURER_ID)
    session_id: int
    module_id: int | None
    state: str
    translator_id: int | None
    due_date: date | None
    adaptation_notes: str
    local_examples: str
    case_links: str
    version: int


class VersionOut(Schema):
    id: int
    number: int
    kind: str
    original_name: str
    size: int
    uploaded_at: datetime
    translated: bool
    build_report: dict

    @staticmethod
    def resolve_translated(obj: MaterialVersion) -> bool:
        return bool(obj.translated_file)


class SegmentOut(Schema):
    id: int
    sid: str
    position: int
    source: str
    target: str
    status: str
    context: str
    slide: int
    changed: bool
    machine: bool
    version: int


class SegmentPatch(Strict):
    target: str = Field(..., max_length=20000)
    status: StatusLit
    version: Version | None = None


class TransitionIn(Strict):
    to_state: StateLit
    comment: str = Field("", max_length=4000)
    version: Version | None = None


class AssignIn(Strict):
    translator_id: Id
    version: Version | None = None


class MatchOut(Schema):
    source: str
    target: str
    score: float
    exact: bool


class TermOut(Schema):
    id: int
    en: str
    zh: str
    note: str
    source: str


class GlossaryImportOut(Schema):
    detail: str = ""
    created: int
    skipped: int
    errors: list[dict]


@router.get("/materials", response=list[MaterialOut])
@paginate(Pagination)
def list_materials(request: HttpRequest, state: StateLit | None = None):  # noqa: ANN201
    return selectors.material_list(user=request.auth, state=state or "")


@router.post("/materials", response={201: MaterialOut})
def create_material(
    request: HttpRequest,
    title: Form[str],
    session_id: Form[Id],
    file: UploadedFile = File(...),  # noqa: B008
) -> Status:
    session = body_ref(academy_selectors.session_get, "session_id", session_id, user=request.auth)
    material = services.material_create(actor=request.auth, title=title, session=session, uploaded_file=file)
    return Status(201, material)


@router.get("/materials/{id:pk}", response=MaterialOut)
def get_material(request: HttpRequest, pk: int, response: HttpResponse) -> object:
    material = selectors.material_get(user=request.auth, pk=pk)
    etag(response, material)
    return material


@router.post("/materials/{id:pk}/transition", response=MaterialOut)
def transition_material(request: HttpRequest, pk: int, payload: TransitionIn, response: HttpResponse) -> object:
    material = selectors.material_get(user=request.auth, pk=pk)
    with stale_as(MaterialOut, request):
        material = services.material_transition(
            actor=request.auth,
            material=material,
            to_state=payload.to_state,
            comment=payload.comment,
            expected_version=expected_version(request, payload.version),
        )
    etag(response, material)
    return material


@router.post("/materials/{id:pk}/translator", response=MaterialOut)
def assign_translator(request: HttpRequest, pk: int, payload: AssignIn, response: HttpResponse) -> object:
    from citybridge.core.models import User

    material = selectors.material_get(user=request.auth, pk=pk)
    translator = User.objects.filter(pk=payload.translator_id).first()
    with stale_as(MaterialOut, request):
        material = services.material_assign_translator(
            actor=request.auth,
            material=material,
            translator=translator,
            expected_version=expected_version(request, payload.version),
        )
    etag(response, material)
    return material


@router.get("/materials/{id:pk}/versions", response=list[VersionOut])
def list_versions(request: HttpRequest, pk: int) -> object:
    material = selectors.material_get(user=request.auth, pk=pk)
    return material.versions.order_by("-number")


@router.post("/materials/{id:pk}/versions", response={201: VersionOut})
def upload_version(request: HttpRequest, pk: int, file: UploadedFile = File(...)) -> Status:  # noqa: B008
    material = selectors.material_get(user=request.auth, pk=pk)
    return Status(201, services.material_version_add(actor=request.auth, material=material, uploaded_file=file))


@router.get("/versions/{id:pk}/segments", response=list[SegmentOut])
@paginate(Pagination)
def list_segments(request: HttpRequest, pk: int, status: StatusLit | None = None):  # noqa: ANN201
    version = selectors.version_get(user=request.auth, pk=pk)
    return selectors.version_segments(version=version, status=status or "")


@router.patch("/segments/{id:pk}", response=SegmentOut)
def patch_segment(request: HttpRequest, pk: int, payload: SegmentPatch, response: HttpResponse) -> object:
    segment = selectors.segment_get(user=request.auth, pk=pk)
    with stale_as(SegmentOut, request):
        segment = services.segment_save(
            actor=request.auth,
            segment=segment,
            target=payload.target,
            status=payload.status,
            expected_version=expected_version(request, payload.version),
        )
    etag(response, segment)
    return segment


class MachineIn(Strict):
    version: Version | None = None


@router.post("/segments/{id:pk}/machine-translation", response=SegmentOut)
def machine_translate_segment(request: HttpRequest, pk: int, payload: MachineIn, response: HttpResponse) -> object:
    """Fill the segment with the configured machine-translation backend's answer: a draft marked ``machine``
    (never reviewed). 422 when no backend is configured, the segment is reviewed or the backend fails."""
    segment = selectors.segment_get(user=request.auth, pk=pk)
    with stale_as(SegmentOut, request):
        segment = services.segment_machine_translate(
            actor=request.auth, segment=segment, expected_version=expected_version(request, payload.version)
        )
    etag(response, segment)
    return segment


@router.post("/versions/{id:pk}/build", response={202: VersionOut})
def build_version(request: HttpRequest, pk: int) -> Status:
    version = selectors.version_get(user=request.auth, pk=pk)
    services.version_build_request(actor=request.auth, version=version)
    version.refresh_from_db()
    return Status(202, version)


@router.get("/versions/{id:pk}/translated")
def download_translated(request: HttpRequest, pk: int) -> HttpResponse:
    from ninja.errors import HttpError

    version = selectors.version_get(user=request.auth, pk=pk)
    if not version.translated_file:
        raise HttpError(404, "Not Found")
    with version.translated_file.open("rb") as f:
        data = f.read()
    return file_response(
        data,
        f"material-{version.material_id}-v{version.number}-zh.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )


class XliffImportOut(Schema):
    detail: str = ""
    updated: int
    unchanged: int
    errors: list[dict]
    warnings: list[dict]


def _segment_editor(request: HttpRequest, pk: int) -> MaterialVersion:
    from django.core.exceptions import PermissionDenied

    version = selectors.version_get(user=request.auth, pk=pk)
    if not request.auth.has_perm("materials.edit_segments", version.material):
        raise PermissionDenied
    return version


@router.get("/versions/{id:pk}/xliff")
def export_xliff(request: HttpRequest, pk: int) -> HttpResponse:
    """The deck version's segments as an XLIFF 2.0 file (units with source, target and state; tags as pc/ph)."""
    from ninja.errors import HttpError

    version = _segment_editor(request, pk)
    if version.kind != "pptx":
        raise HttpError(404, "Not Found")
    return file_response(
        selectors.version_xliff(version=version), selectors.xliff_filename(version), "application/xliff+xml"
    )


@router.post("/versions/{id:pk}/xliff", response={200: XliffImportOut, 422: XliffImportOut})
def import_xliff(request: HttpRequest, pk: int, file: UploadedFile = File(...)) -> Status:  # noqa: B008
    """Translations from an XLIFF 2.0 file of this version: every unit or none; errors per unit (422)."""
    from django.utils.translation import gettext as _

    version = _segment_editor(request, pk)
    report = services.version_xliff_import(actor=request.auth, version=version, uploaded_file=file)
    detail = "" if report.ok else _("Nothing was imported. Correct these units and upload the file again:")
    body = {
        "detail": detail,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [{"field": "file", **e} for e in report.errors],  # the one error format: each names its field
        "warnings": report.warnings,
    }
    return Status(200 if report.ok else 422, body)


class TMQuery(Schema):
    q: str = Field(..., min_length=1, max_length=2000)
    limit: int = Field(3, ge=1, le=10)


@router.get("/tm", response=list[MatchOut])
def tm_lookup(request: HttpRequest, query: Query[TMQuery]) -> list[dict]:
    from django.core.exceptions import PermissionDenied

    if not (request.auth.is_program_staff or request.auth.has_role("translator")):
        raise PermissionDenied
    return selectors.tm_lookup(query.q, limit=query.limit)


@router.get("/glossary", response=list[TermOut])
@paginate(Pagination)
def list_glossary(request: HttpRequest, q: str = Query("", max_length=200)):  # noqa: ANN201, B008
    return selectors.glossary_list(q=q)


@router.post("/glossary/import", response={200: GlossaryImportOut, 422: GlossaryImportOut})
def import_glossary(request: HttpRequest, file: UploadedFile = File(...)) -> Status:  # noqa: B008
    from django.utils.translation import gettext as _

    report = services.glossary_import(actor=request.auth, uploaded_file=file)
    detail = "" if report.ok else _("Nothing was imported. Correct these rows and upload the file again:")
    body = {"detail": detail, "created": report.created, "skipped": report.skipped, "errors": report.errors}
    return Status(200 if report.ok else 422, body)


@router.get("/glossary/export")
def export_glossary(request: HttpRequest, format: Literal["csv", "tbx"] = "csv") -> HttpResponse:  # noqa: A002
    terms = [Term(t.en, t.zh, t.note, t.source) for t in selectors.glossary_list()]
    if format == "tbx":
        return file_response(write_tbx(terms), "glossary.tbx", "application/x-tbx+xml")
    return file_response(write_csv(terms), "glossary.csv", "text/csv; charset=utf-8")
