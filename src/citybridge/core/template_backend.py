"""Django's template engine, with what a page was rendered from let go as soon as the page is rendered (issue 9).

Django puts the view's variables into the render context as a `ContextDict`, which keeps a reference back to the
context that lists it. That loop means the context and everything the view handed to the template (a list page's
50 rows, its paginator, its querysets) outlives the request until the garbage collector finds it, and the
collector walks all of it on the way: on a list page about 0.05 ms of each request, and two to three times the
collections a bare page causes. Emptying the context's list of dictionaries once the page is rendered breaks the
loop, so it is all freed on the spot. Nothing reads a context after its page is rendered: Django's test client
keeps its own copy of each context (`response.context`), made while the template renders.

TEMPLATES' BACKEND names `DjangoTemplates`; everything else is Django's engine, options and tags unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.backends import django as django_backend
from django.template.context import make_context

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.safestring import SafeString


class Template(django_backend.Template):
    def render(self, context: dict[str, Any] | None = None, request: HttpRequest | None = None) -> SafeString:
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except django_backend.TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()  # the loop ContextDict -> context -> dicts -> ContextDict: see the module


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code: str) -> Template:
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> Template:
        return Template(super().get_template(template_name).template, self)
