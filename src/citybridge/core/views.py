from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import auth, privacy, provinces, selectors, services
from .concurrency import StaleEdit, current_values
from .countries import COUNTRIES
from .files import XLSX, file_response
from .forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    EraseForm,
    OrganisationForm,
    PersonForm,
    QueuedPasswordResetForm,
)
from .history import history_lines
from .listing import localized, name_order, sort_key, sorted_list
from .middleware import client_ip
from .models import Organisation, OrganisationType, Person, WorkerHeartbeat, bilingual, is_chinese
from .paging import Kept, SeekPaginator, detail_url_parts, options_html, province_options
from .rows import Row, choice_labels, html_rows, row_class
from .tasks import count_stuck_work
from .validation import add_to_form

if TYPE_CHECKING:
    from collections.abc import Callable

    from django import forms
    from django.db.models import Model, QuerySet


PAGE_SIZE = 50


def paginate(
    request: HttpRequest,
    queryset: QuerySet | Kept,
    per_page: int = PAGE_SIZE,
    *,
    values: tuple[str, ...] = (),
    row_class: type[Row] | None = None,
) -> dict:
    """The page of rows and a query string without `page`, for the pagination links.

    `page_obj` is Django's Page (number, paginator.count, num_pages, has_next …); its rows are fetched by
    core.paging.SeekPaginator, so a deep page costs what the first one does. With `values`, the rows are those
    columns only, as `row_class` objects (core.rows): no model instance per row; the list's key queries are then
    kept per process when it is given as a `Kept` builder (core.paging.SeekRows)."""
    paginator = SeekPaginator(queryset, per_page, values=values, row_class=row_class)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{encoded}&" if encoded else ""}


def paginate_sorted(
    request: HttpRequest,
    selector: Callable[..., QuerySet],
    filters: dict[str, Any],
    sorts: Callable[[], dict[str, tuple]],
    default: str,
    *,
    values: tuple[str, ...],
    row_class: type[Row],
    tiebreaker: str = "id",
) -> dict:
    """`paginate` of `selector(user=request.user, **filters)` in the order `?sort=` picks among `sorts()` (else
    `default`), with `sort`, the order applied. The list's key queries are kept per process and shape
    (core.paging.Kept, core.listing.sorted_list): the next request of the same shape builds no queryset and
    compiles no SQL, which were a tenth of a list page's CPU (issue 9). `selector` and `sorts` must be builders
    as Kept describes (`sorts` in the active language)."""
    sort = sort_key(request, sorts(), default)
    args = {"selector": selector, "sorts": sorts, "sort": sort, "tiebreaker": tiebreaker, **filters}
    page = paginate(request, Kept(sorted_list, args, request.user), values=values, row_class=row_class)
    return {**page, "sort": sort}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


# --------------------------------------------------------------------------- sign-in, language


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        response.set_cookie(
            auth.DEVICE_COOKIE,
            auth.device_cookie_value(form.get_user().email),
            max_age=auth.DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        language = form.get_user().preferred_language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def form_invalid(self, form: forms.BaseForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429  # the account's cool-off (core/auth.py); the page says to wait
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the reset e-mail. Requests are limited per client address and per e-mail address; over the limit
    the answer is the same "check your e-mail" page, sent or not, so it reveals nothing about accounts."""

    form_class = QueuedPasswordResetForm
    email_template_name = "core/email/password_reset_email.txt"
    subject_template_name = "core/email/password_reset_subject.txt"

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        if not auth.password_reset_allowed(address=client_ip(self.request), email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie) plus the signed-in user's saved preference."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(actor=request.user, language=language)
    return django_set_language(request)


# --------------------------------------------------------------------------- profile and tokens


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_secret = None
    form = ApiTokenForm()
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                _token, new_secret = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
                form = ApiTokenForm()
            except ValidationError as exc:
                form.add_error(None, exc)
    tokens = request.user.api_tokens.all()
    memberships = request.user.role_memberships.select_related("organisation", "city")
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "tokens": tokens,
            "new_secret": new_secret,
            "memberships": memberships,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("profile")


# --------------------------------------------------------------------------- organisations


_OrganisationRow = row_class(Organisation, "display_name", "display_province")
ORGANISATION_ROW_FIELDS = (
    "id",
    *localized("name", "short_name", "province", language="en"),
    "type",
    "country",
    "province_code",
    "parent__id",
    *(f"parent__{f}" for f in localized("name", language="en")),
)
# an organisation's short name as an aside: full-width parentheses in Chinese (issue 9)
_SHORT_NAME_EN = ' <span class="muted">({})</span>'
_SHORT_NAME_ZH = '<span class="muted">（{}）</span>'
ORGANISATION_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a>{short_name}</td><td>{type}</td><td>{country}</td><td>{province}</td>'
    "<td>{parent}</td></tr>"
)


@functools.lru_cache(maxsize=8)
def _country_options(language: str) -> str:
    """The 250 countries' <option>s in one language, rendered once per process (they are a fixed list)."""
    return str(options_html(COUNTRIES, None))


def _organisation_sorts() -> dict[str, tuple[str, ...]]:
    return {
        "name": name_order("name"),
        "type": ("type",),
        "country": ("country",),
        "province": localized("province"),
        "parent": name_order("name", prefix="parent__"),
    }


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    type_ = request.GET.get("type", "") if request.GET.get("type") in OrganisationType.values else ""
    country = request.GET.get("country", "") if request.GET.get("country") in dict(COUNTRIES) else ""
    province = request.GET.get("province", "") if request.GET.get("province") in provinces.BY_CODE else ""
    page = paginate_sorted(
        request,
        selectors.organisation_list,
        {"q": q, "type": type_, "country": country, "province": province},
        _organisation_sorts,
        "name",
        values=ORGANISATION_ROW_FIELDS,
        row_class=_OrganisationRow,
    )
    # labels translated once per page, not once per row (get_FOO_display hashes every lazy label on each call); the
    # rows are values (core.rows) and their HTML one pass (core.rows.html_rows)
    type_labels, country_labels = choice_labels(OrganisationType.choices), choice_labels(COUNTRIES)
    language = get_language()
    url_prefix, url_suffix = detail_url_parts("organisation-detail")
    rows_html = html_rows(
        ORGANISATION_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{org.id}{url_suffix}",
                "name": name,
                "short_name": format_html(_SHORT_NAME_ZH if is_chinese(language) else _SHORT_NAME_EN, short)
                if short and short != name
                else "",
                "type": type_labels.get(org.type, org.type),
                "country": country_labels.get(org.country, org.country),
                "province": org.display_province(language),
                "parent": parent.display_name(language) if (parent := org.related("parent", _OrganisationRow)) else "",
            }
            for org in page["page_obj"].object_list
            for name, short in [(org.display_name(language), bilingual(org, "short_name", language))]
        ),
    )
    return render(
        request,
        "core/organisation_list.html",
        {
            **page,
            "rows_html": rows_html,
            "q": q,
            "type": type_,
            "country": country,
            "province": province,
            "province_options": province_options(),
            "types": OrganisationType.choices,
            "countries": COUNTRIES,
            "type_options": options_html(OrganisationType.choices, type_),
            "country_options": _country_options(get_language()),  # the template marks `country` selected
            "can_add": request.user.has_perm("core.add_organisation"),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)  # Http404 outside scope
    people = selectors.person_list(user=request.user, organisation=org.pk)[:100]
    history = (
        history_lines(Organisation, org.history.select_related("history_user__person"))
        if request.user.is_program_staff
        else []
    )
    return render(
        request,
        "core/organisation_detail.html",
        {
            "org": org,
            "children": org.children.all(),
            "people": people,
            "history": history,
            "can_change": request.user.has_perm("core.change_organisation", org),
            "can_delete": request.user.has_perm("core.delete_organisation", org),
        },
    )


def _save_form(
    request: HttpRequest, form: forms.BaseForm, write: Callable[..., Model], success_message: str
) -> Model | None:
    """Validate the form, call the service; service errors land on the form. Returns the object or None."""
    if not form.is_valid():
        return None
    try:
        if "version" in form.fields:  # an edit: the version it started from goes to the service
            obj = write(expected_version=form.expected_version, **form.data_without_version())
        else:
            obj = write(**form.cleaned_data)
    except StaleEdit as exc:
        form.show_stale(exc, current_values(exc.instance, form.fields))
        return None
    except ValidationError as exc:
        add_to_form(form, exc)
        return None
    messages.success(request, success_message)
    return obj


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.add_organisation"):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        org = _save_form(
            request,
            form,
            lambda **f: services.organisation_create(actor=request.user, **f),
            _("The organisation was created."),
        )
        if org:
            return redirect("organisation-detail", pk=org.pk)
    return render(request, "core/form.html", {"form": form, "title": _("New organisation")})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    if not request.user.has_perm("core.change_organisation", org):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=org, fields=services.organisation_fields_for(request.user))
    if request.method == "POST":
        saved = _save_form(
            request,
            form,
            lambda **f: services.organisation_update(actor=request.user, organisation=org, **f),
            _("The organisation was saved."),
        )
        if saved:
            return redirect("organisation-detail", pk=org.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Edit organisation")},
        status=409 if getattr(form, "stale", False) else 200,
    )


def _confirmed_delete(
    request: HttpRequest,
    obj: Model,
    *,
    perm: str,
    delete: Callable[[], None],
    detail: str,
    listing: str,
    confirm: dict,
    done: str,
) -> HttpResponse:
    """GET asks for confirmation (core/confirm.html with `confirm`'s texts); POST deletes with `delete()`, or says
    what depends on the record when the service refuses."""
    if request.method != "POST":
        if not request.user.has_perm(perm, obj):
            raise PermissionDenied
        return render(request, "core/confirm.html", {**confirm, "cancel_url": reverse(detail, args=[obj.pk])})
    try:
        delete()
    except services.DeleteRefused as exc:
        messages.error(request, exc.messages[0])
        return redirect(detail, pk=obj.pk)
    messages.success(request, done)
    return redirect(listing)


@login_required
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (or explains what depends on the organisation)."""
    org = selectors.organisation_get(user=request.user, pk=pk)  # Http404 outside scope
    return _confirmed_delete(
        request,
        org,
        perm="core.delete_organisation",
        delete=lambda: services.organisation_delete(actor=request.user, organisation=org),
        detail="organisation-detail",
        listing="organisation-list",
        done=_("The organisation was deleted."),
        confirm={
            "title": _("Delete this organisation?"),
            "question": _("Delete the organisation “%(name)s”?") % {"name": org.display_name()},
            "consequence": _(
                "This cannot be undone. If people's roles, academies or other records depend on it, "
                "the deletion is refused and you are told which."
            ),
            "action_label": _("Delete organisation"),
        },
    )


# --------------------------------------------------------------------------- people


PERSON_ROW_FIELDS = (
    "id",
    *localized("family_name", "given_name", "title", language="en"),
    "organisation__id",
    *(f"organisation__{f}" for f in localized("name", language="en")),
)


PERSON_ROW_HTML = '<tr><td><a href="{url}">{name}</a></td><td>{title}</td><td>{organisation}</td></tr>'
_PersonRow = row_class(Person, "display_name", "full_name_en", "full_name_zh")


def _person_sorts() -> dict[str, tuple[str, ...]]:
    return {
        "name": name_order("family_name", "given_name"),
        "title": localized("title"),
        "organisation": name_order("name", prefix="organisation__"),
    }


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    # only the columns the rows show, as values (core.rows): a person and its organisation built as two model
    # instances per row were most of the page's cost after the template
    page = paginate_sorted(
        request, selectors.person_list, {"q": q}, _person_sorts, "name", values=PERSON_ROW_FIELDS, row_class=_PersonRow
    )
    rows = page["page_obj"].object_list
    url_prefix, url_suffix = detail_url_parts("person-detail")
    # names in the request's language worked out once per page, the rows' HTML in one pass (core.rows.html_rows)
    language = get_language()
    rows_html = html_rows(
        PERSON_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{p.id}{url_suffix}",
                "name": p.display_name(language),
                "title": bilingual(p, "title", language),
                "organisation": o.display_name(language) if (o := p.related("organisation", _OrganisationRow)) else "",
            }
            for p in rows
        ),
    )
    return render(
        request,
        "core/person_list.html",
        {
            **page,
            "rows_html": rows_html,
            "q": q,
            "can_add": request.user.has_perm("core.add_person"),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)  # Http404 outside scope
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "show_contact": request.user.has_perm("core.view_person_contact", person),
            "can_change": request.user.has_perm("core.change_person", person),
            "can_delete": request.user.has_perm("core.delete_person", person),
            "can_privacy": request.user.has_perm("core.privacy_person"),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        person = _save_form(
            request, form, lambda **f: services.person_create(actor=request.user, **f), _("The person was created.")
        )
        if person:
            return redirect("person-detail", pk=person.pk)
    return render(request, "core/form.html", {"form": form, "title": _("New person")})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    if not request.user.has_perm("core.change_person", person):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person)
    if not request.user.is_program_staff:
        form.fields.pop("organisation")
    if request.method == "POST":
        saved = _save_form(
            request,
            form,
            lambda **f: services.person_update(actor=request.user, person=person, **f),
            _("The person was saved."),
        )
        if saved:
            return redirect("person-detail", pk=person.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Edit person")},
        status=409 if getattr(form, "stale", False) else 200,
    )


@login_required
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes (or explains what depends on the person)."""
    person = selectors.person_get(user=request.user, pk=pk)  # Http404 outside scope
    return _confirmed_delete(
        request,
        person,
        perm="core.delete_person",
        delete=lambda: services.person_delete(actor=request.user, person=person),
        detail="person-detail",
        listing="person-list",
        done=_("The person was deleted."),
        confirm={
            "title": _("Delete this person?"),
            "question": _("Delete %(name)s?") % {"name": person.display_name()},
            "consequence": _(
                "This cannot be undone. If training records depend on this person, the deletion is "
                "refused; a privacy erase then removes their personal data instead."
            ),
            "action_label": _("Delete person"),
        },
    )


def _privacy_person(request: HttpRequest, pk: int) -> Person:
    person = selectors.person_get(user=request.user, pk=pk)
    if not request.user.has_perm("core.privacy_person"):
        raise PermissionDenied
    return person


@login_required
@require_POST
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A privacy export (POST: it is recorded in the audit log). ?format=xlsx for a workbook, else JSON."""
    person = _privacy_person(request, pk)
    if request.POST.get("format") == "xlsx":
        body = privacy.person_export_xlsx(actor=request.user, person=person)
        content_type, ext = XLSX, "xlsx"
    else:
        body = privacy.person_export_json(actor=request.user, person=person)
        content_type, ext = "application/json", "json"
    return file_response(body, f"person-{person.pk}-export.{ext}", content_type)


@login_required
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """A privacy erase: GET asks for confirmation, POST anonymises the person."""
    person = _privacy_person(request, pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy.person_erase(actor=request.user, person=person)
        messages.success(
            request,
            _("The personal data of this person was erased. Their training records were kept without their name."),
        )
        return redirect("person-detail", pk=person.pk)
    return render(request, "core/person_erase.html", {"person": person, "form": form})


# --------------------------------------------------------------------------- health


WORKER_STALE_AFTER = timedelta(seconds=30)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable, a worker seen in the last 30 seconds and no stuck work (leases expired, tasks
    running too long). 200 when all hold, else 503; the JSON says which."""
    body: dict = {
        "database": {"ok": False},
        "worker": {"ok": False, "last_seen": None},
        "stuck": {"ok": False, "counts": {}},
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"ok": True, "vendor": connection.vendor}
        beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
        if beat:
            age = (timezone.now() - beat.last_seen).total_seconds()
            body["worker"] = {
                "ok": age <= WORKER_STALE_AFTER.total_seconds(),
                "last_seen": beat.last_seen.isoformat(),
                "age_seconds": round(age, 1),
                "name": beat.name,
            }
        counts = count_stuck_work()
        body["stuck"] = {"ok": not any(counts.values()), "counts": counts}
    except Exception as exc:  # report, never raise: this is what monitoring reads
        body["database"]["error"] = exc.__class__.__name__
    body["ok"] = body["database"]["ok"] and body["worker"]["ok"] and body["stuck"]["ok"]
    return JsonResponse(body, status=200 if body["ok"] else 503)


# --------------------------------------------------------------------------- errors


def _api_error(request: HttpRequest, status: int, detail: str) -> JsonResponse | None:
    """Under /api/ every answer is JSON in the API's one error format, even when no route matched."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return None


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, _("You do not have permission to do this.")) or render(
        request, "403.html", status=403
    )


def error_405(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A method an address does not take (Django's and ninja's answer is a bare English "Method not allowed"): under
    /api/ the API's error format, else a page saying what happened; the `Allow` header is kept."""
    allowed = response.headers.get("Allow", "")
    detail = _("This address does not take a %(method)s request; it takes: %(allowed)s.") % {
        "method": request.method,
        "allowed": allowed,
    }
    answer = _api_error(request, 405, detail) or render(request, "405.html", status=405)
    if allowed:
        answer.headers["Allow"] = allowed
    return answer


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, _("Not found.")) or render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """Rendered with no request context and no database: whatever broke may be the database or the session."""
    from django.template import loader

    return _api_error(request, 500, _("Something went wrong")) or HttpResponse(
        loader.get_template("500.html").render({}), status=500
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, _("Bad request.")) or render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, a blocked cookie): say so and what to do."""
    return _api_error(request, 403, _("The security check of this form failed.")) or render(
        request, "403_csrf.html", status=403
    )


# --------------------------------------------------------------------------- roles and sign-ins (program staff)


def _person_for_staff(request: HttpRequest, pk: int) -> Person:
    """The person, through the scoped selector (outside scope: 404); their roles are program staff's to manage."""
    person = selectors.person_get(user=request.user, pk=pk)  # Http404 outside scope
    if not request.user.is_program_staff:
        raise PermissionDenied
    return person


@login_required
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's sign-in and role memberships: add a role with its scope, remove one, create a sign-in."""
    from .forms import AccountCreateForm, RoleMembershipForm
    from .models import ROLE_SCOPE, Role

    person = _person_for_staff(request, pk)
    account = getattr(person, "user", None)  # None: no sign-in yet
    role_form = RoleMembershipForm(user=request.user, initial={"role": request.GET.get("role", "")})
    account_form = AccountCreateForm(initial={"email": person.email})
    if request.method == "POST" and request.POST.get("action") == "account":
        account_form = AccountCreateForm(request.POST)
        if account_form.is_valid():
            try:
                services.user_create_for_person(
                    actor=request.user,
                    person=person,
                    email=account_form.cleaned_data["email"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                account_form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("The sign-in was created. An e-mail with a link to choose a password was sent to %(email)s.")
                    % {"email": account_form.cleaned_data["email"]},
                )
                return redirect("person-roles", pk=person.pk)
    elif request.method == "POST" and account is not None:
        role_form = RoleMembershipForm(request.POST, user=request.user)
        if role_form.is_valid():
            data = role_form.cleaned_data
            scope = ROLE_SCOPE.get(data["role"])
            try:
                services.role_membership_add(
                    actor=request.user,
                    user=account,
                    role=data["role"],
                    organisation=data["organisation"] if scope == "organisation" else None,
                    city=data["city"] if scope == "city" else None,
                )
            except ValidationError as exc:
                role_form.add_error(None, exc.messages)  # scope errors name fields the page shows as one group
            else:
                messages.success(request, _("The role was added."))
                return redirect("person-roles", pk=person.pk)
    organisation_q = request.GET.get("organisation_q", "")[:100]
    city_q = request.GET.get("city_q", "")[:100]
    return render(
        request,
        "core/person_roles.html",
        {
            "person": person,
            "account": account,
            "role_form": role_form,
            "account_form": account_form,
            "memberships": selectors.role_memberships_for_person(user=request.user, person=person),
            "roles": [(value, label, ROLE_SCOPE[Role(value)] or "") for value, label in Role.choices],
            "organisation_q": organisation_q,
            "city_q": city_q,
            "organisation_options": selectors.organisation_search(user=request.user, q=organisation_q),
            "city_options": selectors.city_search(user=request.user, q=city_q),
            "selected_role": request.POST.get("role") or request.GET.get("role", ""),
        },
    )


@login_required
def person_role_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the role."""
    person = _person_for_staff(request, pk)
    from .models import RoleMembership

    try:
        membership = selectors.role_membership_get(user=request.user, person=person, pk=membership_pk)
    except RoleMembership.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.role_membership_remove(actor=request.user, membership=membership)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The role was removed."))
        return redirect("person-roles", pk=person.pk)
    return render(
        request,
        "core/confirm.html",
        {
            "title": _("Remove this role?"),
            "question": _("Remove the role “%(membership)s” from %(name)s?")
            % {"membership": str(membership), "name": person.display_name()},
            "consequence": _(
                "They lose what this role lets them see and do at once. You can add the role again later."
            ),
            "action_label": _("Remove role"),
            "cancel_url": reverse("person-roles", args=[person.pk]),
        },
    )


def _scope_options(request: HttpRequest, search: Callable[[str], list], name: str) -> HttpResponse:
    if not request.user.is_program_staff:
        raise PermissionDenied
    q = request.GET.get(f"{name}_q", "")[:100]
    return render(
        request, "core/_scope_options.html", {"name": name, "q": q, "options": search(user=request.user, q=q)}
    )


@login_required
def scope_search_organisations(request: HttpRequest) -> HttpResponse:
    """htmx: organisations matching ?organisation_q= (either language), as radio options."""
    return _scope_options(request, selectors.organisation_search, "organisation")


@login_required
def scope_search_people(request: HttpRequest) -> HttpResponse:
    """htmx: people matching ?person_q= (either language), as radio options with their organisation."""
    return _scope_options(request, selectors.person_search, "person")


@login_required
def scope_search_cities(request: HttpRequest) -> HttpResponse:
    """htmx: cities matching ?city_q= (either language), as radio options."""
    return _scope_options(request, selectors.city_search, "city")
