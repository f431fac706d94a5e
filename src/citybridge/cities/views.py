"""Pages: city registry and profiles, expressions of interest, candidate pool, cohort selection runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import provinces
from citybridge.core import selectors as core_selectors
from citybridge.core.concurrency import StaleEdit, current_values
from citybridge.core.converters import whole_number
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import localized, name_order, sort_queryset
from citybridge.core.paging import detail_url_parts, options_html, province_options
from citybridge.core.rows import Row, choice_labels, html_rows, row_class
from citybridge.core.templatetags.listing import sentence_space
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate, paginate_sorted

from . import charts, exports, labels, selectors, services
from .forms import CITY_ERRORS, CitiesField, InterestForm, PairEndForm, PairForm, PoolAddForm, SelectionForm
from .labels import city_population_note
from .models import City, ClimateZone, RunStatus, SizeClass
from .templatetags.cities_format import figure
from .zones import city_time_zone

if TYPE_CHECKING:
    from django.forms import Form

_CityRow = row_class(City, "display_name", "display_province")
CITY_ROW_FIELDS = (
    "id",
    *localized("name", "province", language="en"),
    "population",
    "population_area",
    "population_year",
    "size_class",
    "climate_zone",
)
CITY_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{province}</td>'
    '\n      <td>{population}<br><small class="muted">{note}</small></td><td>{size}</td><td>{climate}</td></tr>'
)

# Objects are fetched first, through the scoped selectors (Http404 outside the user's scope), and the permission
# to act on them is checked after: 403 only for an object the user can see but may not change.


def _city_sorts() -> dict[str, tuple[str, ...]]:
    return {
        "name": name_order("name"),
        "province": localized("province"),
        "population": ("population",),
        "size": ("size_class",),
        "climate": ("climate_zone",),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    country = request.GET.get("country", "") if request.GET.get("country") in ("US", "CN") else ""
    size = request.GET.get("size", "") if request.GET.get("size") in SizeClass.values else ""
    province = request.GET.get("province", "") if request.GET.get("province") in provinces.BY_CODE else ""
    page = paginate_sorted(
        request,
        selectors.city_list,
        {"q": q, "country": country, "size_class": size, "province": province},
        _city_sorts,
        "-population",
        values=CITY_ROW_FIELDS,
        row_class=_CityRow,
    )
    # labels translated once per page, not once per row (get_FOO_display hashes every lazy label on each call); the
    # rows are values (core.rows: no City instance per row) and their HTML one pass (core.rows.html_rows)
    size_labels, zone_labels = choice_labels(SizeClass.choices), choice_labels(ClimateZone.choices)
    notes: dict[tuple[str, int | None], str] = {}  # the population note per (area, year): a page has a handful

    def note(city: Row) -> str:
        key = (city.population_area, city.population_year)
        if key not in notes:
            notes[key] = city_population_note(city)
        return notes[key]

    language = get_language()
    url_prefix, url_suffix = detail_url_parts("cities:city")
    rows_html = html_rows(
        CITY_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{city.id}{url_suffix}",
                "name": city.display_name(language),
                "province": city.display_province(language),
                "population": figure(city.population),
                "note": note(city),
                "size": size_labels.get(city.size_class, city.size_class),
                "climate": zone_labels.get(city.climate_zone, city.climate_zone) or "—",
            }
            for city in page["page_obj"].object_list
        ),
    )
    return render(
        request,
        "cities/index.html",
        {
            **page,
            "rows_html": rows_html,
            "q": q,
            "province": province,
            "province_options": province_options(),
            "country": country,
            "size": size,
            "size_options": options_html(SizeClass.choices, size),
            "can_select": request.user.has_perm("cities.run_selection"),
        },
    )


@login_required
def city_detail(request: HttpRequest, pk: int) -> HttpResponse:
    city = selectors.city_get(user=request.user, pk=pk)
    profile = selectors.city_profile(user=request.user, city=city)
    partner = profile.pair.partner_of(city) if profile.pair else None
    return render(
        request,
        "cities/city_detail.html",
        {
            "city": city,
            "profile": profile,
            "time_zone": city_time_zone(city)[1],  # Beijing time, Pacific time: never Asia/Shanghai
            "trend_spec": charts.trend_spec(profile.trend) if profile.trend else None,
            "can_submit": request.user.has_perm("cities.submit_interest", city),
            "can_manage_pool": request.user.has_perm("cities.manage_pool"),
            # the partner's name as a link, put into the translated sentence "Paired with … since …"
            "partner_link": format_html(
                '<a href="{}">{}</a>', reverse("cities:city", args=[partner.pk]), partner.display_name()
            )
            if partner
            else None,
        },
    )


@login_required
def interest_create(request: HttpRequest, pk: int) -> HttpResponse:
    city = selectors.city_get(user=request.user, pk=pk)
    if not request.user.has_perm("cities.submit_interest", city):
        raise PermissionDenied
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expression_of_interest_submit(actor=request.user, city=city, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The expression of interest was submitted."))
            return redirect("cities:city", pk=city.pk)
    return render(request, "cities/interest_form.html", {"form": form, "city": city})


@login_required
def interest_list(request: HttpRequest) -> HttpResponse:
    qs, sort = sort_queryset(
        request,
        selectors.interest_list(user=request.user),
        {
            "city": name_order("name", prefix="city__"),
            "submitted": ("submitted_at",),
            "contact": ("contact_name",),
            "status": ("status",),
        },
        "-submitted",
    )
    return render(
        request,
        "cities/interest_list.html",
        {
            **paginate(request, qs),
            "sort": sort,
            "can_review": request.user.has_perm("cities.review_interest"),
        },
    )


@login_required
@require_POST
def interest_review(request: HttpRequest, pk: int) -> HttpResponse:
    interest = selectors.interest_get(user=request.user, pk=pk)
    if not request.user.has_perm("cities.review_interest"):
        raise PermissionDenied
    try:
        services.expression_of_interest_review(
            actor=request.user, interest=interest, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, sentence_space().join(exc.messages))
    else:
        messages.success(request, _("The expression of interest was updated."))
    return redirect("cities:interests")


PICKER_NAMES = ("city", "must_include", "must_exclude", "us_city", "cn_city")


def _picker(request: HttpRequest, name: str, form: Form, *, multiple: bool, label: str) -> dict:
    """What cities/_city_picker.html shows for `name`: the cities ticked in the post (kept when the form comes back
    with errors or after a search), the search text and its results (the user's scope: core.selectors)."""
    keys = [k for k in request.POST.getlist(name)[: CitiesField.MAX] if whole_number(k) is not None]
    cities = City.objects.visible_to(request.user).listed()
    chosen = list(cities.filter(pk__in=keys).order_by(*name_order("name"), "id")) if keys else []
    q = (request.POST.get(f"{name}_q") or "")[:100]
    found = [c for c in core_selectors.city_search(user=request.user, q=q) if c not in chosen]
    errors = form.errors.get(name, []) if form.is_bound else []
    return {
        "name": name,
        "label": label,
        "multiple": multiple,
        "chosen": chosen,
        "q": q,
        "options": found,
        "errors": errors,
    }


@login_required
def pick(request: HttpRequest) -> HttpResponse:
    """htmx: the cities whose name (either language) contains ?<name>_q=, as boxes to tick for the picker `name`."""
    if not any(
        request.user.has_perm(perm) for perm in ("cities.run_selection", "cities.manage_pool", "cities.manage_pairs")
    ):
        raise PermissionDenied
    name = request.GET.get("name", "")
    if name not in PICKER_NAMES:
        return HttpResponse(status=400)
    q = (request.GET.get(f"{name}_q") or "")[:100]
    return render(
        request,
        "cities/_city_options.html",
        {
            "name": name,
            "q": q,
            "multiple": request.GET.get("multiple") == "1",
            "options": core_selectors.city_search(user=request.user, q=q),
        },
    )


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cities.manage_pool"):
        raise PermissionDenied
    searching = request.method == "POST" and "find" in request.POST
    form = PoolAddForm(None if searching else request.POST or None)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            city = selectors.city_get(user=request.user, pk=form.cleaned_data["city"].pk)
        except Http404:
            form.add_error("city", CITY_ERRORS["invalid_choice"])
        else:
            services.candidate_add(actor=request.user, city=city)
            messages.success(request, _("%(city)s was added to the candidate pool.") % {"city": city.display_name()})
            return redirect("cities:pool")
    qs, sort = sort_queryset(
        request,
        selectors.candidate_pool(user=request.user),
        {
            "city": name_order("name", prefix="city__"),
            "province": tuple(f"city__{f}" for f in localized("province")),
            "origin": ("origin",),
            "added": ("added_at",),
        },
        "city",
    )
    picker = _picker(request, "city", form, multiple=False, label=_("City to add"))
    return render(request, "cities/pool.html", {**paginate(request, qs), "picker": picker, "sort": sort})


@login_required
@require_POST
def pool_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    city = selectors.city_get(user=request.user, pk=pk)
    if not request.user.has_perm("cities.manage_pool"):
        raise PermissionDenied
    if request.POST.get("action") == "remove":
        services.candidate_remove(actor=request.user, city=city)
        messages.success(request, _("%(city)s was removed from the candidate pool.") % {"city": city.display_name()})
    else:
        services.candidate_add(actor=request.user, city=city)
        messages.success(request, _("%(city)s was added to the candidate pool.") % {"city": city.display_name()})
    return redirect("cities:city", pk=city.pk)


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cities.run_selection"):
        raise PermissionDenied
    indicators = selectors.indicators_with_data()
    run_qs, sort = sort_queryset(
        request,
        selectors.run_list(user=request.user),
        {
            "name": ("name",),
            "created": ("created_at",),
            "by": ("created_by__email",),
            "state": ("status",),
        },
        "-created",
    )
    searching = request.method == "POST" and "find" in request.POST  # a city search without JS: all else kept
    if searching:
        form = SelectionForm(initial=request.POST.dict(), indicators=indicators)
    else:
        form = SelectionForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            params = form.parameters()
            run = services.selection_run_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                parameters=params,
                notes=form.cleaned_data.get("notes", ""),
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The selection was saved and is being computed in the background."))
            return redirect("cities:run", pk=run.pk)
    return render(
        request,
        "cities/run_list.html",
        {
            **paginate(request, run_qs),
            "form": form,
            "sort": sort,
            "pickers": [
                _picker(request, name, form, multiple=True, label=form.fields[name].label)
                for name in ("must_include", "must_exclude")
            ],
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    return render(
        request,
        "cities/run_detail.html",
        {
            "run": run,
            "report": exports.run_report(run) if run.is_done else None,
            "history": labels.history_lines(selectors.run_history(run=run)[:20]),
            "parameters": labels.parameter_rows(run.parameters),
            "other_runs": selectors.run_list(user=request.user).filter(status=RunStatus.DONE).exclude(pk=run.pk)[:20],
        },
    )


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The state fragment the run page polls (htmx, every 2 s) while the run is queued or running; once it
    is finished, htmx is told to reload the page, which then shows the result or the error."""
    run = selectors.run_get(user=request.user, pk=pk)
    response = render(request, "cities/_run_status.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    try:
        new = services.selection_run_rerun(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, sentence_space().join(exc.messages))
        return redirect("cities:run", pk=run.pk)
    messages.success(request, _("The run was queued again with its saved parameters."))
    return redirect("cities:run", pk=new.pk)


@login_required
def run_compare(request: HttpRequest) -> HttpResponse:
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    if not (
        a_id.isascii() and a_id.isdigit() and len(a_id) <= 18 and b_id.isascii() and b_id.isdigit() and len(b_id) <= 18
    ):
        raise Http404
    a_id, b_id = int(a_id), int(b_id)
    a, b = (selectors.done_run_get(user=request.user, pk=a_id), selectors.done_run_get(user=request.user, pk=b_id))
    cmp = selectors.compare_runs(a, b)
    lang = "zh" if request.LANGUAGE_CODE.startswith("zh") else "en"
    name = lambda cid: cmp["labels"].get(cid, {}).get(lang, cid)  # noqa: E731
    for row in cmp["rows"]:
        row["name"] = name(row["id"])
        row["group_name"] = labels.group_label(row["group"])
    city_names = {cid: v.get(lang, cid) for cid, v in cmp["labels"].items()}
    for w in cmp["weights"]:
        w["name"] = labels.indicator_label(w["code"])
    for c in cmp["changed"]:
        c["name"] = labels.parameter_name(c["key"])
        c["a_text"] = labels.parameter_value(c["key"], c["a"], city_names) if c["a"] is not None else "—"
        c["b_text"] = labels.parameter_value(c["key"], c["b"], city_names) if c["b"] is not None else "—"
    return render(
        request,
        "cities/run_compare.html",
        {
            "a": a,
            "b": b,
            "cmp": cmp,
            "both": [name(i) for i in cmp["both"]],
            "only_a": [name(i) for i in cmp["only_a"]],
            "only_b": [name(i) for i in cmp["only_b"]],
        },
    )


@login_required
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.done_run_get(user=request.user, pk=pk)
    return file_response(exports.run_xlsx(run), f"selection-{run.pk}.xlsx", XLSX)


@login_required
def run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.done_run_get(user=request.user, pk=pk)
    return file_response(exports.run_pdf(run), f"selection-{run.pk}-memo.pdf", "application/pdf")


# --------------------------------------------------------------------------- paired cities


@login_required
def pair_list(request: HttpRequest) -> HttpResponse:
    """Every pair, active first, then ended ones kept as history; staff see "New pair" and "End"."""
    if not request.user.has_perm("cities.view_pairs"):
        raise PermissionDenied
    return render(
        request,
        "cities/pair_list.html",
        {
            **paginate(request, selectors.pair_list(user=request.user)),
            "can_manage": request.user.has_perm("cities.manage_pairs"),
        },
    )


@login_required
def pair_create(request: HttpRequest) -> HttpResponse:
    """Both cities are picked by searching their name in either language; without JS the search posts back."""
    if not request.user.has_perm("cities.manage_pairs"):
        raise PermissionDenied
    searching = request.method == "POST" and "find" in request.POST
    if searching:
        form = PairForm(initial=request.POST.dict())
    else:
        form = PairForm(request.POST or None, initial={"started_on": timezone.localdate()})
    status = 200
    if request.method == "POST" and not searching:
        if form.is_valid():
            data = dict(form.cleaned_data)
            cities = {}
            for field in ("us_city", "cn_city"):
                try:
                    cities[field] = selectors.city_get(user=request.user, pk=data.pop(field).pk)
                except Http404:
                    form.add_error(field, CITY_ERRORS["invalid_choice"])
            if not form.errors:
                try:
                    pair = services.city_pair_create(actor=request.user, **cities, **data)
                except ValidationError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(us)s and %(cn)s are now paired.")
                        % {"us": pair.us_city.display_name(), "cn": pair.cn_city.display_name()},
                    )
                    return redirect("cities:pairs")
        status = 422
    pickers = [
        _picker(request, name, form, multiple=False, label=form.fields[name].label) for name in ("us_city", "cn_city")
    ]
    return render(request, "cities/pair_form.html", {"form": form, "pickers": pickers}, status=status)


@login_required
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (with the end date, today by default); POST ends the pair. The version the page
    showed travels with the form: a pair changed meanwhile is refused (409) with its current state."""
    pair = selectors.pair_get(user=request.user, pk=pk)
    if not request.user.has_perm("cities.manage_pairs", pair):
        raise PermissionDenied
    if not pair.is_active:
        messages.error(request, _("This pair has already ended."))
        return redirect("cities:pairs")
    status = 200
    if request.method == "POST":
        form = PairEndForm(request.POST, version=pair.version)
        if form.is_valid():
            try:
                services.city_pair_end(
                    actor=request.user,
                    pair=pair,
                    ended_on=form.cleaned_data["ended_on"],
                    expected_version=form.expected_version,
                )
            except StaleEdit as exc:
                form.show_stale(exc, current_values(exc.instance, form.fields))
                status = 409
            except ValidationError as exc:
                add_to_form(form, exc)
                status = 422
            else:
                messages.success(
                    request,
                    _("The pair of %(us)s and %(cn)s has ended; it stays in the list as history.")
                    % {"us": pair.us_city.display_name(), "cn": pair.cn_city.display_name()},
                )
                return redirect("cities:pairs")
        else:
            status = 422
    else:
        form = PairEndForm(version=pair.version, initial={"ended_on": timezone.localdate()})
    return render(request, "cities/pair_end.html", {"form": form, "pair": pair}, status=status)
