"""Agreements (of partners) and reference documents (of the public record).

Agreements: staff list, create and update every partner's agreements; a partner's users list and read their own
(another partner's agreement is a 404; `partner_id` outside scope in a body is a 422 on that field). Updates carry
the `version` read (body or `If-Match`); a stale one is a 409 with the current record. The signed document (PDF or
DOCX) is attached on create or update through the page or as multipart `document` on `POST …/agreements/{id}/document`.

Reference documents: everyone signed in lists the public ones, staff every one (scope: `public` true or false);
staff upload (multipart, bounded by core.files.check_upload before anything opens it) and update the titles,
language and scope with the version."""

from datetime import date as Date
from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.api.versioning import etag, expected_version, stale_as
from citybridge.core.api import Id, Pagination, Strict, Version
from citybridge.core.files import file_response
from citybridge.core.services import require

from .. import selectors, services
from ..models import Agreement, ReferenceDocument
from ._texts import errors_as_sent, texts_in_languages

router = Router()


class AgreementOut(Schema):
    id: int
    partner_id: int
    title: str  # in the request's language (else the other), as `scope`
    title_en: str
    title_zh_hans: str
    scope: str
    scope_en: str
    scope_zh_hans: str
    starts_on: Date
    ends_on: Date | None
    has_document: bool
    version: int

    @staticmethod
    def resolve_has_document(obj: Agreement) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_title(obj: Agreement) -> str:
        return obj.display_title()

    @staticmethod
    def resolve_scope(obj: Agreement) -> str:
        return obj.display_scope()


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pagination)
def list_agreements(request: HttpRequest, partner_id: Id | None = None) -> QuerySet[Agreement]:
    """Staff: every partner's agreements; a partner's users: their own. `partner_id` narrows to one partner."""
    user = request.auth
    if not (user.has_perm("outreach.manage_partners") or user.scoped_organisation_ids("partner")):
        require(user, "outreach.manage_partners")
    partner = body_ref(selectors.partner_get, "partner_id", partner_id, user=user) if partner_id else None
    return selectors.agreement_list(user=user, partner=partner)


#: an agreement's texts kept in both languages (`<name>_en`, `<name>_zh_hans`; `<name>` alone: the request's language)
_AGREEMENT_TEXTS = ("title", "scope")


class AgreementIn(Strict):
    """The title in one language at least (`title_en`, `title_zh_hans`, or `title` alone: the request's language);
    the scope likewise, or none."""

    partner_id: Id
    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    scope: str = Field("", max_length=2000)
    scope_en: str | None = Field(None, max_length=2000)
    scope_zh_hans: str | None = Field(None, max_length=2000)
    starts_on: Date
    ends_on: Date | None = None


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Status:
    """Staff. The last day before the first is a 422 on `ends_on`; nothing is saved."""
    user = request.auth
    require(user, "outreach.manage_partners")
    sent = payload.model_dump()
    partner = body_ref(selectors.partner_get, "partner_id", sent.pop("partner_id"), user=user)
    with errors_as_sent(sent, *_AGREEMENT_TEXTS):
        agreement = services.agreement_add(
            actor=user, partner=partner, **texts_in_languages(dict(sent), *_AGREEMENT_TEXTS)
        )
    return Status(201, agreement)


@router.get("/agreements/{id:pk}", response=AgreementOut)
def get_agreement(request: HttpRequest, pk: int, response: HttpResponse) -> Agreement:
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    etag(response, agreement)
    return agreement


class AgreementPatch(Strict):
    """Texts as on create; a text not sent is kept (`title` or `scope` alone changes the request's language's)."""

    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    title_zh_hans: str | None = Field(None, max_length=200)
    scope: str | None = Field(None, max_length=2000)
    scope_en: str | None = Field(None, max_length=2000)
    scope_zh_hans: str | None = Field(None, max_length=2000)
    starts_on: Date | None = None
    ends_on: Date | None = None
    version: Version | None = None


@router.patch("/agreements/{id:pk}", response=AgreementOut)
def update_agreement(request: HttpRequest, pk: int, payload: AgreementPatch, response: HttpResponse) -> Agreement:
    """Staff. Send the `version` you read; a stale one is answered 409 with the current record."""
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    sent = payload.model_dump(exclude_unset=True, exclude={"version"})
    data = texts_in_languages(dict(sent), *_AGREEMENT_TEXTS, null_empties=True)
    with stale_as(AgreementOut, request), errors_as_sent(sent, *_AGREEMENT_TEXTS):
        services.agreement_update(
            actor=request.auth,
            agreement=agreement,
            expected_version=expected_version(request, payload.version),
            **data,
        )
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    etag(response, agreement)
    return agreement


@router.post("/agreements/{id:pk}/document", response=AgreementOut)
def attach_agreement_document(
    request: HttpRequest,
    pk: int,
    response: HttpResponse,
    version: Form[Version],
    document: UploadedFile = File(...),  # noqa: B008
) -> Agreement:
    """Staff. The signed document, PDF or DOCX, bounded before it is opened; with the agreement's version."""
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_partners")
    with stale_as(AgreementOut, request):
        services.agreement_update(actor=request.auth, agreement=agreement, expected_version=version, document=document)
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    etag(response, agreement)
    return agreement


@router.get("/agreements/{id:pk}/document", response={200: None})
def download_agreement_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed document (staff and the partner's own users); 404 when none is attached."""
    agreement = selectors.agreement_get(user=request.auth, pk=pk)
    if not agreement.document:
        raise Http404
    with agreement.document.open("rb") as f:
        content = f.read()
    kind = "docx" if agreement.document.name.lower().endswith(".docx") else "pdf"
    content_type = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return file_response(content, f"agreement-{agreement.pk}.{kind}", content_type)


class DocumentOut(Schema):
    id: int
    title_en: str
    title_zh_hans: str
    language: str
    public: bool
    uploaded_at: datetime
    version: int


@router.get("/documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request: HttpRequest) -> QuerySet[ReferenceDocument]:
    """Staff: every reference document; everyone else signed in: the public ones."""
    return selectors.document_list(user=request.auth)


@router.post("/documents", response={201: DocumentOut})
def upload_document(
    request: HttpRequest,
    language: Form[Literal["en", "zh-hans"]],
    title_en: Form[str] = "",
    title_zh_hans: Form[str] = "",
    public: Form[bool] = False,
    file: UploadedFile = File(...),  # noqa: B008
) -> Status:
    """Staff. PDF, DOCX or PPTX; a title in English or Chinese; too large or of another type: 422 on `file`."""
    require(request.auth, "outreach.manage_public_record")
    doc = services.document_upload(
        actor=request.auth,
        file=file,
        title_en=title_en[:1000],
        title_zh_hans=title_zh_hans[:1000],
        language=language,
        public=public,
    )
    return Status(201, doc)


@router.get("/documents/{id:pk}", response=DocumentOut)
def get_document(request: HttpRequest, pk: int, response: HttpResponse) -> ReferenceDocument:
    doc = selectors.document_get(user=request.auth, pk=pk)
    etag(response, doc)
    return doc


class DocumentPatch(Strict):
    title_en: str | None = Field(None, max_length=300)
    title_zh_hans: str | None = Field(None, max_length=300)
    language: Literal["en", "zh-hans"] | None = None
    public: bool | None = None
    version: Version | None = None


@router.patch("/documents/{id:pk}", response=DocumentOut)
def update_document(request: HttpRequest, pk: int, payload: DocumentPatch, response: HttpResponse) -> ReferenceDocument:
    """Staff. Titles, language and scope (`public`); send the `version` you read."""
    doc = selectors.document_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_public_record")
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("title_en", "title_zh_hans"):
        if name in data and data[name] is None:
            data[name] = ""
    if data.get("language", "") is None:
        data.pop("language")
    if data.get("public", False) is None:
        data.pop("public")
    with stale_as(DocumentOut, request):
        services.document_update(
            actor=request.auth, document=doc, expected_version=expected_version(request, payload.version), **data
        )
    doc = selectors.document_get(user=request.auth, pk=pk)
    etag(response, doc)
    return doc
