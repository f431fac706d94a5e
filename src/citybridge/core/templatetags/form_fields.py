"""`{{ field|accessible }}`: the widget with `aria-invalid` and `aria-describedby` naming its errors and help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.forms import BoundField

register = template.Library()


@register.filter
def accessible(field: BoundField) -> SafeString:
    ids, attrs = [], {}
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if getattr(field, "stale_note", None):
        ids.append(f"{field.auto_id}_stale")
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return field.as_widget(attrs=attrs)
