"""Public record endpoints: the public impact figures (no sign-in), press mentions (public list; staff create),
testimonials (published ones for everyone signed in; staff see all, create and publish: never without consent)."""

from datetime import date as Date
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citybridge.api.errors import body_ref
from citybridge.core import selectors as core_selectors
from citybridge.core.api import Id, Pagination, Strict
from citybridge.core.services import require

from .. import selectors, services
from ..models import PressMention, Testimonial
from ..views.public import FIGURES

router = Router()


class FigureOut(Schema):
    key: str
    label: str
    value: int
    how_counted: str


class ImpactOut(Schema):
    figures: list[FigureOut]
    computed_at: datetime | None
    updating: bool


@router.get("/impact", response=ImpactOut, auth=None)
def public_impact(request: HttpRequest) -> dict:
    """Public, no sign-in: the headline figures computed from the records, each with how it is counted."""
    data = selectors.public_impact()
    return {
        "figures": [
            {"key": k, "label": str(label), "value": data.figures[k], "how_counted": str(note)}
            for k, label, note in FIGURES
        ],
        "computed_at": data.computed_at,
        "updating": data.updating,
    }


class PressOut(Schema):
    id: int
    title_en: str
    title_zh_hans: str
    outlet: str
    published_on: Date
    url: str


@router.get("/press", response=list[PressOut])
@paginate(Pagination)
def list_press(request: HttpRequest) -> QuerySet[PressMention]:
    return selectors.press_list()


class PressIn(Strict):
    title_en: str = Field("", max_length=300)
    title_zh_hans: str = Field("", max_length=300)
    outlet: str = Field(..., max_length=200)
    published_on: Date
    url: str = Field("", max_length=500)


@router.post("/press", response={201: PressOut})
def create_press(request: HttpRequest, payload: PressIn) -> Status:
    """Staff. Only http:// and https:// links (422 on `url`)."""
    require(request.auth, "outreach.manage_public_record")
    return Status(201, services.press_create(actor=request.auth, **payload.model_dump()))


class TestimonialOut(Schema):
    id: int
    person_id: int
    person_name: str
    quote_en: str
    quote_zh_hans: str
    consent: bool
    published: bool
    version: int

    @staticmethod
    def resolve_person_name(obj: Testimonial) -> str:
        return obj.person.display_name()


@router.get("/testimonials", response=list[TestimonialOut])
@paginate(Pagination)
def list_testimonials(request: HttpRequest) -> QuerySet[Testimonial]:
    """Staff: all; others: the published ones (always with consent)."""
    return selectors.testimonial_list(user=request.auth)


class TestimonialIn(Strict):
    person_id: Id
    quote_en: str = Field("", max_length=2000)
    quote_zh_hans: str = Field("", max_length=2000)
    consent: bool = False
    consent_on: Date | None = None
    published: bool = False


@router.post("/testimonials", response={201: TestimonialOut})
def create_testimonial(request: HttpRequest, payload: TestimonialIn) -> Status:
    """Staff. Published without consent: 422 on `consent`, nothing saved."""
    user = request.auth
    require(user, "outreach.manage_public_record")
    data = payload.model_dump()
    data["person"] = body_ref(core_selectors.person_get, "person_id", data.pop("person_id"), user=user)
    return Status(201, services.testimonial_create(actor=user, **data))


class PublishIn(Strict):
    published: bool
    consent: bool | None = None


@router.post("/testimonials/{id:pk}/publish", response=TestimonialOut)
def publish_testimonial(request: HttpRequest, pk: int, payload: PublishIn) -> Testimonial:
    testimonial = selectors.testimonial_get(user=request.auth, pk=pk)
    require(request.auth, "outreach.manage_public_record")
    return services.testimonial_set_published(
        actor=request.auth, testimonial=testimonial, published=payload.published, consent=payload.consent
    )
