"""Per-language columns (django-modeltranslation), then history, so historical rows keep both languages."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import Organisation, Person


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name", "province", "city")


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("family_name", "given_name", "title")


register_history(Organisation, app=__package__, excluded_fields=["pinyin_name"])  # derived from the name
register_history(Person, app=__package__, excluded_fields=["pinyin_name"])
