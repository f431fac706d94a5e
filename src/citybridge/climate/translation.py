"""Per-language columns (django-modeltranslation), then history, so historical rows keep both languages."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import EmissionFactor, Inventory, InventoryEntry, RecomputeRun, ReviewRequest, Target


@register(EmissionFactor)
class EmissionFactorTranslation(TranslationOptions):
    fields = ("name", "method_note")


register_history(EmissionFactor, app=__package__)
register_history(Inventory, app=__package__)
register_history(InventoryEntry, app=__package__)
register_history(Target, app=__package__)
register_history(ReviewRequest, app=__package__)
register_history(RecomputeRun, app=__package__)
