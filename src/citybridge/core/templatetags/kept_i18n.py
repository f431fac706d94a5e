"""`{% load i18n %}` (settings.TEMPLATES "libraries" points the name here): Django's i18n tags and filters, with a
`{% translate "…" %}` of a literal kept per language instead of translated on every render (issue 9).

A `{% translate "Status" %}` node resolves its literal, looks the message up in the catalogue and localises and
escapes the result on every render: 5-6 µs, and the first of a request 15 µs. A list page has 10-20 of them, 3-4 %
of its time. The result depends only on the active language and on whether the template autoescapes, so a node whose
message (and context, if any) is a literal with no filter keeps it per (language, autoescape) and renders that.
Everything else (a variable, a filter, a variable message context, `{% blocktranslate %}`) is Django's node as it is.
Under DEBUG nothing is kept (a catalogue recompiled while the server runs shows, as chrome.py's header does);
a change of LANGUAGES, LANGUAGE_CODE or LOCALE_PATHS (tests' override_settings) starts every node afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags import i18n
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.template import Context
    from django.template.base import Parser, Token

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

#: bumped when the settings a translation depends on change: kept values from before are not used again
_epoch = [0]


def _settings_changed(*, setting: str, **kwargs: Any) -> None:  # noqa: ANN401 - the signal's keywords
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _epoch[0] += 1


setting_changed.connect(_settings_changed, dispatch_uid="citybridge_kept_i18n")


def _literal(expression: template.base.FilterExpression | None) -> bool:
    """Whether a compiled expression is a constant: a quoted literal with no filter (None counts: no context)."""
    if expression is None:
        return True
    if expression.filters:
        return False
    var = expression.var
    return not isinstance(var, template.Variable) or var.literal is not None


class KeptTranslateNode(i18n.TranslateNode):
    def __init__(self, node: i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.constant = _literal(self.filter_expression) and _literal(self.message_context)
        self.kept: dict[tuple[int, str | None, bool], str] = {}

    def render(self, context: Context) -> str:
        if not self.constant or settings.DEBUG:
            return super().render(context)
        key = (_epoch[0], get_language(), context.autoescape)
        value = self.kept.get(key)
        if value is None:
            rendered = super().render(context)  # with `as name`, Django puts the value in the context and gives ""
            value = self.kept[key] = context[self.asvar] if self.asvar else rendered
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> KeptTranslateNode:
    """Django's `{% translate %}`, parsed by Django, rendered by KeptTranslateNode."""
    return KeptTranslateNode(i18n.do_translate(parser, token))
