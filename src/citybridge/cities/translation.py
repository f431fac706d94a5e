"""Per-language columns (django-modeltranslation), then history, so historical rows keep both languages."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import (
    CandidateCity,
    City,
    CityPair,
    DataSource,
    ExpressionOfInterest,
    IndicatorDefinition,
    IndicatorValue,
    SelectionRun,
)


@register(City)
class CityTranslation(TranslationOptions):
    fields = ("name", "province")


@register(DataSource)
class DataSourceTranslation(TranslationOptions):
    fields = ("name",)


@register(IndicatorDefinition)
class IndicatorDefinitionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(IndicatorValue)
class IndicatorValueTranslation(TranslationOptions):
    fields = ("method",)


@register(CityPair)
class CityPairTranslation(TranslationOptions):
    fields = ("note",)


register_history(ExpressionOfInterest, app=__package__)
register_history(CandidateCity, app=__package__)
register_history(SelectionRun, app=__package__)
register_history(CityPair, app=__package__)
