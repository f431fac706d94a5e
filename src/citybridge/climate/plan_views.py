"""Pages of action plans (issue #12): list, new plan, the plan page (htmx: a parameter change saves and swaps the
results), variants and comparison, progress with its XLSX and PDF report.

Objects come from the scoped selectors first (404 outside the user's scope); permission to act is checked by the
service (403); each view calls one service or selector and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from citybridge.cities.models import City
from citybridge.cities.selectors import city_get
from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.files import XLSX, file_response
from citybridge.core.listing import name_order
from citybridge.core.models import User
from citybridge.core.validation import add_to_messages
from citybridge.core.views import paginate

from . import plan_exports, plan_selectors, plan_services
from .labels import source_status_label, source_text
from .models import ActionPlan, Target
from .pathways import SECTORS, PathwayError
from .plan_charts import drivers_words, plan_context, sector_name
from .plan_models import PlanStatus


def _field_labels() -> dict[str, str]:
    """The plan pages' inputs by name, as their labels read (the pages are plain forms, not Django forms)."""
    return {
        "name": pgettext("plan", "Name"),
        "base_inventory_id": _("City and base inventory"),
        "city_id": _("City"),
        "target_id": _("Target (optional)"),
        "end_year": _("Last year of the projection"),
        "share": _("Reduction at full uptake"),
        "start_year": _("Uptake start"),
        "full_year": _("Full uptake"),
        "shape": _("Curve"),
        "mwh_per_year": _("MWh per year"),
    }


def _errors(exc: ValidationError) -> list[str]:
    """Each message with the label of its input ("City and base inventory: …"), never the input's name; a message
    about no one input (or an input the page does not name) alone."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    labels = _field_labels()
    return [
        _("%(field)s: %(message)s") % {"field": labels[k], "message": m} if k in labels else str(m)
        for k, v in exc.message_dict.items()
        for m in v
    ]


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") if request.GET.get("status") in PlanStatus.values else ""
    qs = plan_selectors.plan_list(user=request.user, status=status)
    return render(
        request,
        "climate/plans/list.html",
        {**paginate(request, qs), "status": status, "can_create": request.user.has_perm("climate.create_anything")},
    )


def _creatable_cities(user: User) -> list[City]:
    if user.is_program_staff:
        return list(
            City.objects.filter(climate_inventories__isnull=False).distinct().order_by(*name_order("name"))[:500]
        )
    return list(City.objects.filter(pk__in=user.scoped_city_ids()).order_by(*name_order("name")))


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("climate.create_anything"):
        raise PermissionDenied
    cities = _creatable_cities(request.user)
    errors: list[str] = []
    if request.method == "POST":
        inventory = (
            plan_selectors.base_inventory_choices(user=request.user, city=None)
            .filter(city__in=cities, pk=whole_number(request.POST.get("base_inventory_id")) or 0)
            .select_related("city")
            .first()
        )
        city = (
            inventory.city
            if inventory
            else next((c for c in cities if c.pk == whole_number(request.POST.get("city_id"))), None)
        )
        try:
            if city is None:
                raise ValidationError({"city_id": [_("Select a valid choice.")]})
            target = Target.objects.visible_to(request.user).filter(
                city=city, pk=whole_number(request.POST.get("target_id")) or 0
            ).first()  # fmt: skip
            plan = plan_services.plan_create(
                actor=request.user, city=city, name=request.POST.get("name", ""), base_inventory=inventory,
                target=target, end_year=request.POST.get("end_year") or 2060,
            )  # fmt: skip
            return redirect("climate:plan", pk=plan.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    inventories = [(c, list(plan_selectors.base_inventory_choices(user=request.user, city=c)[:20])) for c in cities]
    targets = list(Target.objects.visible_to(request.user).filter(city__in=cities))
    return render(
        request,
        "climate/plans/new.html",
        {"cities": inventories, "targets": targets, "errors": errors, "data": request.POST},
        status=422 if errors else 200,
    )


def _page_context(request: HttpRequest, plan: ActionPlan, errors: list[str] | None = None) -> dict:
    """After a save the service's run (Shapley wedges) is shown as is; a plain view runs the engine live
    (proportional wedges). The method shown is named on the page."""
    measures = plan_selectors.plan_measures(plan)
    ctx = {"plan": plan, "measures": measures, "errors": errors or []}
    try:
        run = getattr(plan, "last_run", None) or plan_selectors.plan_run(plan, measures)
        ctx.update(plan_context(plan, measures, run))
    except PathwayError as exc:
        ctx["errors"] = ctx["errors"] + _errors(plan_services.engine_error(exc))
    ctx["can_edit"] = plan.status == PlanStatus.DRAFT and request.user.has_perm("climate.change_plan", plan)
    ctx["can_copy"] = request.user.has_perm("climate.change_plan", plan.city)
    used = {pm.measure_id for pm in measures}
    zh = translation.get_language().startswith("zh")
    ctx["catalogue"] = (
        [(pk, (zh and name_zh) or name_en) for pk, name_en, name_zh in plan_selectors.catalogue_choices()
         if pk not in used]
        if ctx["can_edit"]
        else []
    )  # fmt: skip
    ctx["measure_url"] = reverse("climate:plans") + f"{plan.pk}/measures/"
    ctx["stored_method"] = plan.summary.get("wedge_method", "")
    return ctx


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    return render(request, "climate/plans/detail.html", _page_context(request, plan))


def _body(request: HttpRequest, plan: ActionPlan, errors: list[str], status: int = 200) -> HttpResponse:
    """After a change: the htmx request gets the page body (measures and results); a plain form post is
    redirected back to the page (or shown with its errors)."""
    ctx = _page_context(request, plan, errors)
    if request.headers.get("HX-Request"):
        return render(request, "climate/plans/_body.html", ctx, status=status)
    if errors:
        return render(request, "climate/plans/detail.html", ctx, status=status)
    return redirect("climate:plan", pk=plan.pk)


@login_required
@require_POST
def plan_measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    template = plan_selectors.catalogue_list().filter(pk=whole_number(request.POST.get("measure_id")) or 0).first()
    try:
        if template is None:
            raise ValidationError({"measure_id": [_("Select a valid choice.")]})
        plan_services.plan_measure_save(actor=request.user, plan=plan, template=template, data={})
    except ValidationError as exc:
        return _body(request, plan, _errors(exc), 422)
    return _body(request, plan, [])


MEASURE_INPUTS = ("share", "start_year", "full_year", "shape", "mwh_per_year", "currency", "capital",
                  "operating_per_year", "savings_per_year")  # fmt: skip
COST_INPUTS = ("capital", "operating_per_year", "savings_per_year")


@login_required
@require_POST
def plan_measure_edit(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    """A parameter change (htmx on change): save through the service, answer the refreshed body. The share is
    entered in per cent."""
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    pm = plan_selectors.plan_measure_get(user=request.user, plan=plan, pk=measure_id)
    data = {k: request.POST[k] for k in MEASURE_INPUTS if k in request.POST}
    if not pm.currency and "currency" not in data and any(k in data for k in COST_INPUTS):
        # costs typed on the page are in the plan's one currency (the column headings name it)
        data["currency"] = plan_services.plan_currency(plan, list(plan.measures.all()))
    if "share" in data:
        try:
            data["share"] = float(data["share"]) / 100.0
        except (TypeError, ValueError):
            pass
    try:
        plan_services.plan_measure_save(
            actor=request.user, plan=plan, template=pm.measure, data=data, plan_measure=pm,
            expected_version=whole_number(request.POST.get("version")),
        )  # fmt: skip
    except StaleEdit:
        return _body(
            request, plan, [_("Someone else changed this measure meanwhile; the page now shows their values.")], 409
        )
    except ValidationError as exc:
        return _body(request, plan, _errors(exc), 422)
    return _body(request, plan, [])


@login_required
@require_POST
def plan_measure_delete(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    pm = plan_selectors.plan_measure_get(user=request.user, plan=plan, pk=measure_id)
    try:
        plan_services.plan_measure_delete(actor=request.user, plan_measure=pm)
    except ValidationError as exc:
        return _body(request, plan, _errors(exc), 422)
    return _body(request, plan, [])


@login_required
@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    try:
        copy = plan_services.plan_copy(
            actor=request.user,
            plan=plan,
            name=request.POST.get("name") or _("%(name)s (variant)") % {"name": plan.name},
        )
    except ValidationError as exc:
        return _body(request, plan, _errors(exc), 422)
    return redirect(reverse("climate:plan-compare") + f"?a={plan.pk}&b={copy.pk}")


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    try:
        plan_services.plan_publish(
            actor=request.user, plan=plan, expected_version=whole_number(request.POST.get("version"))
        )
    except ValidationError as exc:
        return _body(request, plan, _errors(exc), 409 if isinstance(exc, StaleEdit) else 422)
    return redirect("climate:plan", pk=plan.pk)


@login_required
def plan_compare(request: HttpRequest) -> HttpResponse:
    """Two plans side by side (each must be visible to the user: 404 otherwise)."""
    sides = []
    for i, key in enumerate(("a", "b"), start=1):
        plan = plan_selectors.plan_get(user=request.user, pk=whole_number(request.GET.get(key)) or 0)
        measures = plan_selectors.plan_measures(plan)
        try:
            ctx = plan_context(plan, measures, plan_selectors.plan_run(plan, measures))
        except PathwayError as exc:
            ctx = {"errors": _errors(plan_services.engine_error(exc))}
        sides.append({"plan": plan, "measures": measures, "chart_id": f"chart-cmp-{i}", **ctx})
    return render(request, "climate/plans/compare.html", {"sides": sides})


def _progress(request: HttpRequest, pk: int) -> dict:
    plan = plan_selectors.plan_get(user=request.user, pk=pk)
    measures = plan_selectors.plan_measures(plan)
    run = plan_selectors.plan_run(plan, measures)
    ctx = plan_context(plan, measures, run)
    rows = plan_exports.progress_rows(plan_selectors.plan_progress(plan, run))
    actuals = plan_selectors.actuals_of(plan)
    return {"plan": plan, "measures": measures, "rows": rows, "actuals": actuals, **ctx,
            "progress_spec": plan_exports.progress_spec(ctx, actuals)}  # fmt: skip


@login_required
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _progress(request, pk)
    return render(request, "climate/plans/progress.html", {**ctx, "sector_name": sector_name})


@login_required
def plan_progress_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _progress(request, pk)
    return file_response(plan_exports.progress_xlsx(ctx), f"plan-{ctx['plan'].pk}-progress.xlsx", XLSX)


@login_required
def plan_progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _progress(request, pk)
    return file_response(plan_exports.progress_pdf(ctx), f"plan-{ctx['plan'].pk}-progress.pdf", "application/pdf")


# --------------------------------------------------------------------------- drivers per city

#: the page's columns: driver, whether it is a yearly growth (entered in per cent) or a level, its unit
DRIVER_COLUMNS = (("population", True), ("gdp", True), ("energy_intensity", True), ("grid_factor", False))
DRIVER_YEARS = (2020, 2060)


def driver_label(name: str) -> str:
    return {
        "population": _("Population growth (% per year)"),
        "gdp": _("GDP growth, real (% per year)"),
        "energy_intensity": _("Energy intensity trend (% per year)"),
        "grid_factor": _("Grid emission factor (t CO2e/MWh)"),
    }[name]


def _driver_number(text: str) -> float | None:
    text = (text or "").strip().replace(",", ".").replace("\uff0c", ".")
    if not text or len(text) > 30:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


@login_required
def drivers_edit(request: HttpRequest, city_id: int) -> HttpResponse:
    """The city's BAU drivers, one row per year, editable by staff and the city's coordinator (growth rates in per
    cent, the grid factor in t CO2e/MWh). An empty cell is a gap, refused with the engine's check; a form carries
    the set's version (no lost update). Other users who can see the city get 403."""
    city = city_get(user=request.user, pk=city_id)
    if not request.user.has_perm("climate.change_plan", city):
        raise PermissionDenied
    base, end = DRIVER_YEARS
    field_errors: dict[str, list[str]] = {}
    errors: list[str] = []
    posted: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        series: dict[str, dict[str, float]] = {}
        for name, growth in DRIVER_COLUMNS:
            values: dict[str, float] = {}
            for year in range(base + 1 if growth else base, end + 1):
                key = f"{name}-{year}"
                raw = request.POST.get(key, "")
                posted[key] = raw[:30]
                if not raw.strip():
                    continue  # a gap: the engine names the first missing year
                value = _driver_number(raw)
                if value is None:
                    field_errors.setdefault(key, []).append(_("Enter a number."))
                    continue
                values[str(year)] = value / 100.0 if growth else value
            series[name] = values
        if not field_errors:
            try:
                plan_services.driver_set_save(
                    actor=request.user, city=city, series=series, expected_version=whole_number(request.POST.get("version")),
                    base_year=base, end_year=end, cell_fields=True,
                )  # fmt: skip
                return redirect("climate:plan-drivers", city_id=city.pk)
            except StaleEdit:
                errors.append(_("Someone else changed these drivers meanwhile; the page now shows their values."))
                posted = {}
                status = 409
            except ValidationError as exc:
                for key, msgs in exc.message_dict.items():
                    field_errors.setdefault(key, []).extend(msgs)
        if field_errors:
            status = 422
            errors.append(_("Nothing was saved: correct the values marked below."))
    view = plan_selectors.drivers_view(city, base, end)
    labels = {name: driver_label(name) for name, _growth in DRIVER_COLUMNS}
    rows = []
    for year in range(base, end + 1):
        cells = []
        for name, growth in DRIVER_COLUMNS:
            key = f"{name}-{year}"
            if growth and year == base:
                cells.append({"key": key, "base": True})
                continue
            # what a screen reader says for the field: the driver and the year, never the field's name
            label = _("%(driver)s, %(year)s") % {"driver": labels[name], "year": year}
            stored = view["series"].get(name, {}).get(str(year))
            shown = posted[key] if key in posted else (
                "" if stored is None else f"{stored * 100:.6g}" if growth else f"{stored:.6g}"
            )  # fmt: skip
            cells.append({"key": key, "label": label, "value": shown, "errors": field_errors.get(key, [])})
        rows.append({"year": year, "cells": cells})
    sources = [
        (
            driver_label(name),
            source_text(src.get("label", "")),
            source_text(src.get("url", "")),
            source_status_label(src.get("status", "")),
        )
        for name, _growth in DRIVER_COLUMNS
        if (src := view["sources"].get(name))
    ]
    return render(
        request,
        "climate/plans/drivers.html",
        {
            "city": city, "rows": rows, "columns": list(labels.values()), "errors": errors,
            "other_errors": field_errors.get("series", []), "label_words": drivers_words(view["label"]),
            "driver_set": view["driver_set"],
            "history": view["history"], "sources": sources,
        },
        status=status,
    )  # fmt: skip


# --------------------------------------------------------------------------- the catalogue, edited by staff

CATALOGUE_FIELDS = ("key", "topic", "name_en", "name_zh_hans", "effect_en", "effect_zh_hans", "mechanism", "carrier",
                    "share", "methane_fraction", "mwh_per_tco2", "emission_ratio", "mwh_per_year", "start_year",
                    "full_year", "shape", "sources", "cost_notes")  # fmt: skip
PERCENT_FIELDS = ("share", "methane_fraction")


def _percent(value: str) -> str | float:
    try:
        return float(value) / 100.0
    except (TypeError, ValueError):
        return value  # the service reports it


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """Every catalogue measure (retired ones marked); staff get the add, edit and retire buttons."""
    if not request.user.has_perm("climate.create_anything") and not request.user.has_perm("climate.change_catalogue"):
        raise PermissionDenied
    zh = translation.get_language().startswith("zh")
    rows = [
        {"m": m, "name": m.display_name("zh-hans" if zh else "en"), "effect": m.display_effect("zh-hans" if zh else "en"),
         "topic": topic_label(m.topic), "benefits": ("、" if zh else ", ").join(co_benefit_label(b) for b in m.co_benefits),
         "sectors": "、".join(sector_name(s) for s in m.sectors) if zh else ", ".join(sector_name(s) for s in m.sectors)}
        for m in plan_selectors.catalogue_list()
    ]  # fmt: skip
    return render(
        request,
        "climate/plans/catalogue.html",
        {"rows": rows, "can_edit": request.user.has_perm("climate.change_catalogue")},
    )


@login_required
def catalogue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add (no pk) or edit a catalogue measure: staff only (403 for anyone else). Shares in per cent."""
    template = plan_selectors.catalogue_get(pk=pk) if pk is not None else None  # no such measure: 404 first
    if not request.user.has_perm("climate.change_catalogue"):
        raise PermissionDenied
    from .measures_catalogue import TOPICS

    field_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        data: dict = {k: request.POST.get(k, "") for k in CATALOGUE_FIELDS}
        data["sectors"] = request.POST.getlist("sectors")[:10]
        data["co_benefits"] = request.POST.getlist("co_benefits")[:20]
        for k in PERCENT_FIELDS:
            data[k] = _percent(data[k]) if data[k] != "" else data[k]
        try:
            saved = plan_services.catalogue_measure_save(
                actor=request.user,
                data=data,
                template=template,
                expected_version=whole_number(request.POST.get("version")),
            )
            return redirect(reverse("climate:plan-catalogue") + f"#m-{saved.pk}")
        except StaleEdit:
            template = plan_selectors.catalogue_get(pk=pk)
            field_errors["__all__"] = [
                _("Someone else changed this measure meanwhile; the form now shows their values.")
            ]
            status = 409
        except ValidationError as exc:
            field_errors = exc.message_dict
            status = 422
        values = {k: request.POST.get(k, "")[:5000] for k in CATALOGUE_FIELDS}
        values["sectors"] = request.POST.getlist("sectors")
        values["co_benefits"] = request.POST.getlist("co_benefits")
        if status == 409:
            values = None
    else:
        values = None
    if values is None:
        t = template
        values = {
            k: ("" if t is None else getattr(t, k)) for k in CATALOGUE_FIELDS if k not in ("sources", *PERCENT_FIELDS)
        }
        for k in PERCENT_FIELDS:
            values[k] = "" if t is None else f"{getattr(t, k) * 100:g}"
        values["sources"] = "" if t is None else "\n".join(
            " | ".join(x for x in (s.get("label", ""), s.get("url", ""), s.get("status", "")) if x) for s in t.sources
        )  # fmt: skip
        values["sectors"] = [] if t is None else list(t.sectors)
        values["co_benefits"] = [] if t is None else list(t.co_benefits)
        if t is None:
            values.update(carrier="all", shape="linear", methane_fraction="100", start_year="2025", full_year="2035")
    return render(
        request,
        "climate/plans/catalogue_form.html",
        {
            "template": template, "values": values, "errors": field_errors,
            "topics": [(t, topic_label(t)) for t in TOPICS],
            "mechanisms": pathways_choices("mechanism"), "carriers": pathways_choices("carrier"),
            "sectors": [(s, sector_name(s)) for s in SECTORS], "co_benefits": [(b, co_benefit_label(b)) for b in plan_services.CO_BENEFITS],
            "shapes": pathways_choices("shape"),
        },
        status=status,
    )  # fmt: skip


def topic_label(key: str) -> str:
    return {
        "energy_master_planning": _("Energy master planning"), "green_buildings": _("Green buildings"),
        "clean_energy": _("Clean energy"), "smart_transportation": _("Smart transportation"),
        "waste_and_water": _("Waste and water"), "circular_economy": _("Circular economy"),
    }.get(key, key)  # fmt: skip


def co_benefit_label(key: str) -> str:
    return {
        "air_quality": _("Air quality"), "health": _("Health"), "jobs": _("Jobs"), "energy_bills": _("Energy bills"),
        "energy_security": _("Energy security"), "safety": _("Safety"), "resilience": _("Resilience"),
        "noise": _("Less noise"), "congestion": _("Less congestion"), "soil": _("Soil"),
        "circular_economy": _("Circular economy"),
    }.get(key, key)  # fmt: skip


def pathways_choices(kind: str) -> list[tuple[str, str]]:
    """Translated labels of the engine's mechanisms, carriers and uptake shapes."""
    labels = {
        "mechanism": {
            "activity": _("Reduce activity or energy use by a share"), "methane": _("Capture methane"),
            "fuel_switch": _("Switch fuel (to electricity or another fuel)"), "grid": _("Lower the grid factor"),
            "renewables": _("Add local renewable generation"),
        },
        "carrier": {"all": _("Fuels and electricity"), "fuel": _("Fuels only"), "electricity": _("Electricity only")},
        "shape": {"linear": _("Linear"), "s_curve": _("S-curve")},
    }[kind]  # fmt: skip
    return list(labels.items())


@login_required
@require_POST
def catalogue_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire (or, with ``restore``, bring back) a catalogue measure: staff only."""
    template = plan_selectors.catalogue_get(pk=pk)  # no such measure: 404 first (the catalogue is readable by all)
    if not request.user.has_perm("climate.change_catalogue"):
        raise PermissionDenied
    try:
        plan_services.catalogue_measure_retire(
            actor=request.user, template=template, expected_version=whole_number(request.POST.get("version")),
            retired=not request.POST.get("restore"),
        )  # fmt: skip
    except StaleEdit:
        return HttpResponse(_("Someone else changed this measure meanwhile; reload the page."), status=409)
    except ValidationError as exc:  # no version, or not a number: said on the catalogue page, nothing changed
        add_to_messages(request, exc)
    return redirect(reverse("climate:plan-catalogue") + f"#m-{template.pk}")
