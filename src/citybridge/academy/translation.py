"""Per-language columns (django-modeltranslation), then history, so historical rows keep both languages."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import (
    BlackoutDate,
    Course,
    Jurisdiction,
    LecturerProfile,
    Module,
    ModuleSessionNeed,
    PartnerEvent,
    Session,
    Topic,
)


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "objectives")


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title", "location")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "site")


@register(Jurisdiction)
class JurisdictionTranslation(TranslationOptions):
    fields = ("name", "province")


@register(LecturerProfile)
class LecturerProfileTranslation(TranslationOptions):
    fields = ("bio",)


@register(ModuleSessionNeed)
class ModuleSessionNeedTranslation(TranslationOptions):
    fields = ("title",)


@register(BlackoutDate)
class BlackoutDateTranslation(TranslationOptions):
    fields = ("reason",)


@register(PartnerEvent)
class PartnerEventTranslation(TranslationOptions):
    fields = ("title",)


register_history(Topic, app=__package__)
register_history(Module, app=__package__)
# derived columns: the title's key (core.pinyin) and the confirmed count (academy/confirmed_count.py)
register_history(Course, app=__package__, excluded_fields=["pinyin_name", "confirmed_count"])
register_history(Session, app=__package__)
register_history(LecturerProfile, app=__package__)
