"""Curriculum pages: topics, modules and the academies list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.history import account_label
from citybridge.core.validation import add_to_messages

from .. import selectors, services
from ..forms import ModuleForm, TopicForm
from ._common import _form_page, _save

if TYPE_CHECKING:
    from collections.abc import Callable

    from citybridge.core.concurrency import VersionedForm


@login_required
def curriculum(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "academy/curriculum.html",
        {
            "topics": selectors.topic_list(user=request.user),
            "modules": selectors.module_list(user=request.user),
            "can_manage": request.user.has_perm("academy.manage_curriculum"),
        },
    )


def _staff_form(
    request: HttpRequest,
    form_cls: type[VersionedForm],
    initial: dict,
    write: Callable[[dict], object],
    title: str,
    success: str,
    redirect_to: str,
    version: int | None = None,
) -> HttpResponse:
    if not request.user.has_perm("academy.manage_curriculum"):
        raise PermissionDenied
    form = form_cls(request.POST or None, initial=initial, version=version)
    if request.method == "POST" and form.is_valid() and _save(form, write):
        messages.success(request, success)
        return redirect(redirect_to)
    return _form_page(request, form, title, reverse("academy:curriculum"))


@login_required
def topic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    topic = selectors.topic_get(user=request.user, pk=pk) if pk else None
    initial = {}
    if topic:
        initial = {
            k: getattr(topic, k)
            for k in (
                "slug",
                "name_en",
                "name_zh_hans",
                "description_en",
                "description_zh_hans",
                "motivations",
                "order",
            )
        }
    return _staff_form(
        request,
        TopicForm,
        initial,
        lambda d: services.topic_save(actor=request.user, topic=topic, **d),
        _("Edit topic") if topic else _("New topic"),
        _("The topic was saved."),
        "academy:curriculum",
        version=topic.version if topic else None,
    )


@login_required
def module_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    module = selectors.module_get(user=request.user, pk=pk) if pk else None
    initial = {}
    if module:
        initial = {
            k: getattr(module, k)
            for k in ("title_en", "title_zh_hans", "objectives_en", "objectives_zh_hans", "days", "formats")
        }
        initial["topics"] = list(module.topics.all())
    return _staff_form(
        request,
        ModuleForm,
        initial,
        lambda d: services.module_save(actor=request.user, module=module, **d),
        _("Edit module") if module else _("New module"),
        _("The module was saved."),
        "academy:curriculum",
        version=module.version if module else None,
    )


@login_required
def academies(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.has_perm("academy.manage_curriculum")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        academy = selectors.academy_get(user=request.user, pk=request.POST.get("academy"))
        version = request.POST.get("version", "")
        try:
            services.academy_save(
                actor=request.user,
                organisation=academy.organisation,
                official=bool(request.POST.get("official")),
                managed_by_program=bool(request.POST.get("managed_by_program")),
                expected_version=whole_number(version),
            )
            messages.success(request, _("The academy was saved."))
        except StaleEdit:
            messages.error(
                request,
                _(
                    "Someone else saved this academy while you were editing it; its saved values "
                    "are shown below. Review them and save again."
                ),
            )
        except ValidationError as exc:
            add_to_messages(request, exc)
        return redirect("academy:academies")
    rows = list(selectors.academy_list(user=request.user))
    coordinators: dict[int, list[str]] = {}
    if can_manage:
        from citybridge.core.models import RoleMembership

        for m in RoleMembership.objects.filter(role="academy_coordinator").select_related("user__person"):
            coordinators.setdefault(m.organisation_id, []).append(account_label(m.user))
    for a in rows:
        a.coordinators = coordinators.get(a.organisation_id, [])
    return render(
        request,
        "academy/academies.html",
        {
            "academies": rows,
            "can_manage": can_manage,
            "managed_count": sum(1 for a in rows if a.managed_by_program),
            "official_count": sum(1 for a in rows if a.official),
        },
    )
