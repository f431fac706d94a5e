"""Curriculum endpoints: academies, topics, modules."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from citybridge.core.api import Id, Strict

from .. import selectors, services
from ..models import Academy, Module, Topic
from ._common import FormatLit, MotivationLit

router = Router()


class AcademyOut(Schema):
    id: int
    organisation_id: int
    name: str
    official: bool
    managed_by_program: bool
    version: int

    @staticmethod
    def resolve_name(obj: Academy) -> str:
        return obj.display_name()


class TopicOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    name_zh_hans: str
    motivations: list[str]
    version: int

    @staticmethod
    def resolve_name(obj: Topic) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_name_zh_hans(obj: Topic) -> str:
        return obj.name_zh_hans or ""

    @staticmethod
    def resolve_name_en(obj: Topic) -> str:
        return obj.name_en or ""


class TopicIn(Strict):
    slug: str = Field(..., max_length=60)
    name_en: str = Field("", max_length=200)
    name_zh_hans: str = Field("", max_length=200)
    description_en: str = Field("", max_length=2000)
    description_zh_hans: str = Field("", max_length=2000)
    motivations: list[MotivationLit] = []
    order: int = Field(0, ge=0, le=1000)


class ModuleOut(Schema):
    id: int
    title: str
    title_en: str
    title_zh_hans: str
    days: int
    formats: list[str]
    topic_ids: list[int]
    version: int

    @staticmethod
    def resolve_title(obj: Module) -> str:
        return obj.display_name()

    @staticmethod
    def resolve_title_en(obj: Module) -> str:
        return obj.title_en or ""

    @staticmethod
    def resolve_title_zh_hans(obj: Module) -> str:
        return obj.title_zh_hans or ""

    @staticmethod
    def resolve_topic_ids(obj: Module) -> list[int]:
        return [t.pk for t in obj.topics.all()]


class ModuleIn(Strict):
    title_en: str = Field("", max_length=200)
    title_zh_hans: str = Field("", max_length=200)
    objectives_en: str = Field("", max_length=4000)
    objectives_zh_hans: str = Field("", max_length=4000)
    days: int = Field(..., ge=0, le=365)
    formats: list[FormatLit] = []
    topic_ids: list[Id] = Field([], max_length=50)


@router.get("/academies", response=list[AcademyOut])
def list_academies(request: HttpRequest) -> QuerySet[Academy]:
    return selectors.academy_list(user=request.auth)


@router.get("/topics", response=list[TopicOut])
def list_topics(request: HttpRequest) -> QuerySet[Topic]:
    return selectors.topic_list(user=request.auth)


@router.post("/topics", response={201: TopicOut})
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[Topic]:
    return Status(201, services.topic_save(actor=request.auth, **payload.model_dump()))


@router.get("/modules", response=list[ModuleOut])
def list_modules(request: HttpRequest) -> QuerySet[Module]:
    return selectors.module_list(user=request.auth)


@router.post("/modules", response={201: ModuleOut})
def create_module(request: HttpRequest, payload: ModuleIn) -> Status[Module]:
    data = payload.model_dump()
    topics = list(Topic.objects.filter(pk__in=data.pop("topic_ids")))
    return Status(201, services.module_save(actor=request.auth, topics=topics, **data))
