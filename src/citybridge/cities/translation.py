from modeltranslation.translator import TranslationOptions, register

from .models import City


@register(City)
class CityTranslation(TranslationOptions):
    fields = ("name", "province")
