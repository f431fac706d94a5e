"""External training endpoints: add and delete training taken elsewhere."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from citybridge.core.api import Strict

from .. import selectors, services
from ..models import ExternalTraining

router = Router()


class ExternalIn(Strict):
    provider: str = Field(..., max_length=200)
    title: str = Field(..., max_length=200)
    start_date: date
    end_date: date
    days: int = Field(..., ge=1, le=366)
    evidence_reference: str = Field("", max_length=200)


class ExternalOut(Schema):
    id: int
    provider: str
    title: str
    start_date: date
    end_date: date
    days: int
    has_evidence: bool


@router.post("/officials/{id:pk}/external-training", response={201: ExternalOut})
def add_external_training(request: HttpRequest, pk: int, payload: ExternalIn) -> Status[ExternalTraining]:
    """Training taken elsewhere; give `evidence_reference` (e.g. the other academy's certificate number)."""
    official = selectors.official_get(user=request.auth, pk=pk)
    return Status(201, services.external_training_create(actor=request.auth, official=official, **payload.model_dump()))


@router.delete("/external-training/{id:pk}", response={204: None})
def delete_external_training(request: HttpRequest, pk: int) -> Status[None]:
    record = selectors.external_training_get(user=request.auth, pk=pk)
    services.external_training_delete(actor=request.auth, record=record)
    return Status(204, None)
