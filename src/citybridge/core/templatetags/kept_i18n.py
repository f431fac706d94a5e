"""`{% load i18n %}` (settings.TEMPLATES "libraries" points the name here): Django's i18n tags and filters, with a
`{% translate "…" %}` of a literal kept per language instead of translated on every render, and a `{% blocktranslate %}`
that writes its common values without Django's general path (issue 9).

A `{% translate "Status" %}` node resolves its literal, looks the message up in the catalogue and localises and
escapes the result on every render: 5-6 µs, and the first of a request 15 µs. A list page has 10-20 of them, 3-4 %
of its time. The result depends only on the active language and on whether the template autoescapes, so a node whose
message (and context, if any) is a literal with no filter keeps it per (language, autoescape) and renders that.
Everything else (a variable, a filter, a variable message context) is Django's node as it is.
Under DEBUG nothing is kept (a catalogue recompiled while the server runs shows, as chrome.py's header does);
a change of LANGUAGES, LANGUAGE_CODE or LOCALE_PATHS (tests' override_settings) starts every node afresh.

A `{% blocktranslate %}` joined its message ids from the template's tokens again on every render and wrote each value
through Django's general localisation path: 14-18 µs for a "Page {{ number }}" or an "{{ counter }} people", with a
list page carrying one to three (KeptBlockTranslateNode; it keeps nothing between renders).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import render_value_in_context
from django.templatetags import i18n
from django.utils import translation
from django.utils.safestring import SafeString
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


class KeptBlockTranslateNode(i18n.BlockTranslateNode):
    """Django's `{% blocktranslate %}` with the message ids and their variables' names worked out once, from the
    template (Django joins the tokens again on each render), and the common values written directly: a whole number
    as `str()` (what localisation gives one unless USE_THOUSAND_SEPARATOR is on), a text escaped as `conditional_escape`
    escapes it (or as it is without autoescape), a safe text as it is. Any other value is written by Django's own
    `render_value_in_context`; a missing variable, a counter that is not a number, a translation that does not format
    and thousands separators are left to Django's node, which then renders the whole tag."""

    def __init__(self, node: i18n.BlockTranslateNode) -> None:
        super().__init__(
            node.extra_context,
            node.singular,
            node.plural,
            node.countervar,
            node.counter,
            node.message_context,
            node.trimmed,
            node.asvar,
            node.tag_name,
        )
        self.singular_id, names = self.render_token_list(self.singular)
        self.counted = bool(self.plural and self.countervar and self.counter)
        self.plural_id = None
        if self.counted:
            self.plural_id, plural_names = self.render_token_list(self.plural)
            names = [*names, *plural_names]
        self.names = tuple(dict.fromkeys(names))

    def render(self, context: Context, nested: bool = False) -> str:
        if nested or settings.USE_THOUSAND_SEPARATOR:
            return super().render(context, nested)
        message_context = self.message_context.resolve(context) if self.message_context else None
        context.update({var: val.resolve(context) for var, val in self.extra_context.items()})
        try:
            if self.counted:
                count = self.counter.resolve(context)
                if not isinstance(count, (Decimal, float, int)):
                    raise _Fallback
                context[self.countervar] = count
                if message_context:
                    result = translation.npgettext(message_context, self.singular_id, self.plural_id, count)
                else:
                    result = translation.ngettext(self.singular_id, self.plural_id, count)
            elif message_context:
                result = translation.pgettext(message_context, self.singular_id)
            else:
                result = translation.gettext(self.singular_id)
            data = {}
            for name in self.names:
                if name not in context:
                    raise _Fallback
                value = context[name]
                kind = type(value)
                if kind is int:
                    data[name] = str(value)
                elif kind is str:
                    data[name] = escape(value) if context.autoescape else value
                elif kind is SafeString:
                    data[name] = value
                else:
                    data[name] = render_value_in_context(value, context)
            result %= data
        except (_Fallback, KeyError, ValueError):
            return super().render(context)
        finally:
            context.pop()
        if self.asvar:
            context[self.asvar] = SafeString(result)
            return ""
        return result


class _Fallback(Exception):  # noqa: N818 - not an error: "let Django's node render this one"
    pass


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser: Parser, token: Token) -> KeptBlockTranslateNode:
    """Django's `{% blocktranslate %}`, parsed by Django, rendered by KeptBlockTranslateNode."""
    return KeptBlockTranslateNode(i18n.do_block_translate(parser, token))
