"""Pages of the climate collaborative: factor library, inventories and their entries, imports, exports, targets.

Objects come from the scoped selectors first (404 outside the user's scope); permission to act is checked after
(403), then one service is called."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from citybridge.cities.zones import city_time_zone
from citybridge.core.concurrency import StaleEdit, current_values
from citybridge.core.converters import whole_number
from citybridge.core.files import XLSX, file_response
from citybridge.core.models import User
from citybridge.core.templatetags.listing import colon, lparen, rparen
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate

from . import charts, exports, gpc, importers, selectors, services, uploads
from .forms import EntryForm, FactorForm, ImportForm, InventoryCreateForm, InventoryEditForm, SupersedeForm, TargetForm
from .labels import SECTORS, line_label, sector_label, source_text, subsector_label, unit_words
from .messages import issue_message, rule_label
from .models import DataQuality, EmissionFactor, Gas, Inventory, Status, TargetKind

# --------------------------------------------------------------------------- inventories


@login_required
def inventory_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "") if request.GET.get("status") in Status.values else ""
    year = whole_number(request.GET.get("year"))
    qs = selectors.inventory_list(user=request.user, year=year, status=status)
    page = paginate(request, qs)
    labels = dict(Status.choices)
    for inv in page["page_obj"].object_list:
        inv.status_label = labels.get(inv.status, inv.status)
    return render(
        request,
        "climate/inventory_list.html",
        {
            **page,
            "status": status,
            "year": year or "",
            "statuses": Status.choices,
            "can_create": request.user.has_perm("climate.create_anything"),
            "reviews": list(selectors.review_inventories(user=request.user)[:20])
            if request.user.has_role("expert")
            else [],
        },
    )


@login_required
def inventory_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("climate.create_anything"):
        raise PermissionDenied
    form = InventoryCreateForm(request.POST or None, cities=selectors.city_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            inventory = services.inventory_create(actor=request.user, **data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The inventory was created. Add its lines below."))
            return redirect("climate:inventory", pk=inventory.pk)
    return render(request, "climate/form.html", {"form": form, "title": _("New GHG inventory")})


@login_required
def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    page = selectors.inventory_page(user=request.user, inventory=inventory)
    # per-row labels and links set once here, not by {% url %} / get_FOO_display in the row loop
    user = request.user
    can_edit = inventory.is_editable and user.has_perm("climate.change_inventory", inventory)
    totals = inventory.totals or {}
    sector_rows = [
        (sector_label(k), v)
        for k, v in sorted(
            (totals.get("by_sector") or {}).items(),
            key=lambda kv: list(SECTORS).index(kv[0]) if kv[0] in SECTORS else 99,
        )
    ]
    return render(
        request,
        "climate/inventory_detail.html",
        {
            "inventory": inventory,
            "page": page,
            "status_label": dict(Status.choices).get(inventory.status),
            "sector_rows": sector_rows,
            "scope_rows": sorted((totals.get("by_scope") or {}).items()),
            "gas_rows": sorted((totals.get("by_gas") or {}).items()),
            "gas_co2e": totals.get("by_gas_co2e") or {},
            "rules": {k: rule_label(v.get("code", "")) for k, v in (totals.get("rules") or {}).items()},
            "reported": totals.get("reported") or {},
            "breakdown_spec": charts.breakdown_spec(page.entries) if page.entries else None,
            "series_spec": charts.series_spec(page.series) if page.series else None,
            "can_edit": can_edit,
            "lines_html": _lines_html(inventory, page, can_edit) if inventory.origin == "entered" else "",
            "gpc_citation": source_text(gpc.GPC_CITATION),
            "can_submit": inventory.is_editable and user.has_perm("climate.submit_inventory", inventory),
            "can_ask_review": inventory.status == Status.SUBMITTED
            and user.has_perm("climate.request_review", inventory),
            "can_review": inventory.status == Status.SUBMITTED and user.has_perm("climate.review_inventory", inventory),
            "can_publish": inventory.status == Status.REVIEWED
            and user.has_perm("climate.publish_inventory", inventory),
            "can_revise": inventory.status == Status.PUBLISHED
            and inventory.origin == "entered"
            and user.has_perm("climate.change_inventory", inventory),
            "history": inventory.history.select_related("history_user__person").order_by("-history_date")[:10],
            # the history's times in the city's own zone, named once above them
            "history_zone": city_time_zone(inventory.city),
            "runs": selectors.inventory_runs(user=user, inventory=inventory),
        },
    )


def _lines_html(inventory: object, page: selectors.InventoryPage, can_edit: bool) -> str:
    """The rows of the "Lines by GPC reference number" table, built here in one pass: with every GPC line filled,
    the template's per-row tag and variable lookups were most of the page's time (docs/architecture.md, climate)."""
    quality = dict(DataQuality.choices)
    base = reverse("climate:inventory", args=[inventory.pk])
    empty = format_html('<span class="muted">{}</span>', _("empty"))
    by_gas = _("reported by gas")
    edit = _("Edit")
    source = _("Emission factor source")
    rows = []
    for row in page.lines:
        entry = row.entry
        if entry is None and not row.required:
            continue
        if entry is None:
            cell = empty
        else:
            if entry.notation_key:
                cell = format_html("<strong>{}</strong>{}{}", entry.notation_key, colon(), entry.explanation)
                if entry.included_in:
                    cell += format_html("{}{}{}", lparen(), entry.included_in, rparen())
            elif entry.activity_value is not None:
                cell = format_html("{} {}", floatformat(entry.activity_value, "-4g"), unit_words(entry.activity_unit))
                cell += format_html_join(
                    "", " × {}{}v{}{}", ((f.display_name(), lparen(), f.version, rparen()) for f in entry.factors.all())
                )
                cell += format_html_join(
                    "", "<br><small>{}</small>", ((unit_words(c),) for c in entry.conversion or ())
                )
                # every factor says where it comes from: the library's by their citation (once for the gases of
                # one publication), the city's own by the source the city gave
                library = dict.fromkeys(f.display_citation() for f in entry.factors.all() if f.citation)
                cell += format_html_join("", "<br><small>{}{}{}</small>", ((source, colon(), c) for c in library))
                cited = dict.fromkeys(f.get("citation", "") for f in entry.own_factors or () if f.get("citation"))
                cell += format_html_join(
                    "", "<br><small>{}{}{}</small>", ((_("source of your factors"), colon(), c) for c in cited)
                )
            else:
                cell = conditional_escape(by_gas)
            if entry.source:
                cell += format_html("<br><small>{}</small>", entry.source)
            if can_edit:
                cell += format_html('<br><a href="{}entries/{}/">{}</a>', base, entry.pk, edit)
        rows.append(
            format_html(
                '<tr><td class="num">{}{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td></tr>',
                row.line.ref,
                mark_safe(" <small>*</small>") if row.required else "",  # noqa: S308 (a constant)
                row.line.scope,
                cell,
                floatformat(entry.co2e, "2g") if entry is not None and not entry.notation_key else "",
                quality.get(entry.data_quality, "") if entry is not None else "",
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (each row built by format_html)


@login_required
def inventory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    if not request.user.has_perm("climate.change_inventory", inventory):
        raise PermissionDenied
    form = InventoryEditForm(
        request.POST or None,
        version=inventory.version,
        initial={"gwp_set": inventory.gwp_set, "level": inventory.level, "boundary": inventory.boundary},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.inventory_update(
                actor=request.user,
                inventory=inventory,
                expected_version=form.expected_version,
                data=form.data_without_version(),
            )
        except StaleEdit as exc:
            form.show_stale(exc, current_values(exc.instance, ("gwp_set", "level", "boundary")))
            status = 409
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Saved; the entries were recomputed."))
            return redirect("climate:inventory", pk=inventory.pk)
    return render(
        request, "climate/form.html", {"form": form, "title": _("Edit the inventory"), "back": inventory}, status=status
    )


STEPS = {
    "submit": (services.inventory_submit, _lazy("The inventory was submitted for review.")),
    "review": (services.inventory_review, _lazy("The inventory was marked as reviewed.")),
    "return": (services.inventory_return, _lazy("The inventory was returned to draft.")),
    "publish": (services.inventory_publish, _lazy("The inventory was published; it is now frozen.")),
}


@login_required
@require_POST
def inventory_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    if step == "revise":
        try:
            new = services.inventory_new_version(actor=request.user, inventory=inventory)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("climate:inventory", pk=inventory.pk)
        messages.success(request, _("A new revision was made; correct it, then submit it."))
        return redirect("climate:inventory", pk=new.pk)
    if step not in STEPS:
        raise Http404
    service, done = STEPS[step]
    version = request.POST.get("version", "")
    try:
        service(
            actor=request.user,
            inventory=inventory,
            expected_version=whole_number(version),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("climate:inventory", pk=inventory.pk)


# --------------------------------------------------------------------------- entries


def _factor_choices(user: User, inventory: Inventory | None) -> object:
    from django.db.models import Q

    return (
        EmissionFactor.objects.visible_to(user)
        .current()
        .filter(Q(city__isnull=True) | Q(city=inventory.city_id))
        .order_by("code")
    )


@login_required
def entry_form(request: HttpRequest, pk: int, entry_id: int | None = None) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    entry = selectors.entry_get(user=request.user, inventory=inventory, pk=entry_id) if entry_id else None
    if not request.user.has_perm("climate.change_inventory", inventory):
        raise PermissionDenied
    initial = EntryForm.initial_for(entry) if entry else {"gpc_ref": request.GET.get("ref", "")[:10]}
    form = EntryForm(
        request.POST or None,
        initial=initial,
        factors=_factor_choices(request.user, inventory),
        version=entry.version if entry else None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_save(
                actor=request.user,
                inventory=inventory,
                entry=entry,
                expected_version=form.expected_version,
                data=form.entry_data(),
            )
        except StaleEdit as exc:
            form.show_stale(exc, EntryForm.initial_for(exc.instance))
            status = 409
        except ValidationError as exc:
            _entry_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Line %(ref)s was saved.") % {"ref": form.cleaned_data["gpc_ref"]})
            return redirect("climate:inventory", pk=inventory.pk)
    title = _("Edit line %(line)s") % {"line": line_label(entry.gpc_ref)} if entry else _("New line")
    return render(
        request,
        "climate/entry_form.html",
        {"form": form, "title": title, "inventory": inventory, "entry": entry},
        status=status,
    )


_ENTRY_FIELD_MAP = {
    "factor_id": "factor",
    "factors": "own_unit",
    "emissions": "reported_co2",
    "density": "density_value",
    "ncv": "ncv_value",
}


def _entry_errors(form: EntryForm, exc: ValidationError) -> None:
    for name, errs in exc.message_dict.items():
        head = name.split(".")[0]
        target = _ENTRY_FIELD_MAP.get(head, head)
        form.add_error(target if target in form.fields else None, errs)


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    entry = selectors.entry_get(user=request.user, inventory=inventory, pk=entry_id)
    try:
        services.entry_delete(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The line was removed."))
    return redirect("climate:inventory", pk=inventory.pk)


# --------------------------------------------------------------------------- imports and exports


@login_required
def inventory_import(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    if not request.user.has_perm("climate.change_inventory", inventory):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = uploads.inventory_import(
                actor=request.user, inventory=inventory, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_to_form(form, exc)
            status = 422
        else:
            if report.ok:
                messages.success(request, _("%(n)s lines were imported.") % {"n": report.imported})
            else:
                status = 422
    return render(
        request, "climate/import.html", {"form": form, "inventory": inventory, "report": report}, status=status
    )


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    with translation.override("zh-hans"):
        names_zh = {line.ref: (sector_label(line.sector_prefix), subsector_label(line)) for line in gpc.gpc_lines()}
    return file_response(importers.template_workbook(names_zh=names_zh), "gpc-inventory-template.xlsx", XLSX)


@login_required
def inventory_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    entries = selectors.entry_list(inventory=inventory)
    return file_response(
        exports.gpc_table_xlsx(inventory, entries),
        f"gpc-{inventory.city_id}-{inventory.year}-r{inventory.revision}.xlsx",
        XLSX,
    )


@login_required
def inventory_cdp(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    return file_response(
        exports.cdp_summary_xlsx(inventory), f"cdp-summary-{inventory.city_id}-{inventory.year}.xlsx", XLSX
    )


# --------------------------------------------------------------------------- factors


@login_required
def factor_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    gas = request.GET.get("gas", "") if request.GET.get("gas") in Gas.values else ""
    page = paginate(request, selectors.factor_list(user=request.user, q=q, gas=gas))
    return render(
        request,
        "climate/factor_list.html",
        {
            **page,
            "q": q,
            "gas": gas,
            "gases": Gas.choices,
            "can_manage": request.user.has_perm("climate.manage_factors"),
        },
    )


@login_required
def factor_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("climate.manage_factors"):
        raise PermissionDenied
    form = FactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            factor = services.factor_add(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The factor was added to the library."))
            return redirect("climate:factor", pk=factor.pk)
    return render(request, "climate/form.html", {"form": form, "title": _("New emission factor")})


@login_required
def factor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    factor = selectors.factor_get(user=request.user, pk=pk)
    can_manage = request.user.has_perm("climate.manage_factors")
    form = None
    status = 200
    if can_manage and factor.is_current:
        initial = {name: getattr(factor, name) for name in services.FACTOR_FIELDS if name != "code"}
        form = SupersedeForm(request.POST or None, initial=initial, version=factor.version)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.factor_supersede(
                    actor=request.user,
                    factor=factor,
                    expected_version=form.expected_version,
                    data=form.data_without_version(),
                )
            except StaleEdit as exc:
                form.show_stale(exc, current_values(exc.instance, services.FACTOR_FIELDS))
                status = 409
            except ValidationError as exc:
                add_to_form(form, exc)
                status = 422
            else:
                messages.success(
                    request, _("A new version was saved; the old one stays. Recompute the inventories that use it.")
                )
                return redirect("climate:factor", pk=new.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "climate/factor_detail.html",
        {
            "factor": factor,
            "versions": selectors.factor_versions(factor=factor),
            "inventories": selectors.factor_inventories(user=request.user, factor=factor)[:100],
            "form": form,
            "runs": selectors.runs_for(user=request.user, factor=factor) if can_manage else [],
            "can_recompute": request.user.has_perm("climate.recompute"),
        },
        status=status,
    )


@login_required
@require_POST
def factor_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    factor = selectors.factor_get(user=request.user, pk=pk)
    if not request.user.has_perm("climate.recompute"):
        raise PermissionDenied
    run = services.recompute_run_create(actor=request.user, factor=factor)
    messages.success(request, _("The recomputation of %(n)s inventories was queued.") % {"n": run.total})
    return redirect("climate:factor", pk=factor.pk)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    return render(request, "climate/_run_status.html", {"run": run})


class ReviewRequestForm(forms.Form):
    expert = forms.ModelChoiceField(label=_lazy("expert"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, experts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts


@login_required
def review_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff ask an expert to review a submitted inventory (the same service as POST .../review-requests)."""
    inventory = selectors.inventory_get(user=request.user, pk=pk)
    if not request.user.has_perm("climate.request_review", inventory):
        raise PermissionDenied
    experts = selectors.expert_choices(user=request.user)
    form = ReviewRequestForm(request.POST or None, experts=experts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_request_add(actor=request.user, inventory=inventory, expert=form.cleaned_data["expert"])
            except ValidationError as exc:
                add_to_form(form, exc)
                status = 422
            else:
                messages.success(request, _("The expert was asked to review this inventory."))
                return redirect("climate:inventory-review-requests", pk=inventory.pk)
        else:
            status = 422
    return render(
        request,
        "climate/review_requests.html",
        {
            "inventory": inventory,
            "form": form,
            "requests": selectors.review_requests_for(user=request.user, inventory=inventory),
            "submitted": inventory.status == Status.SUBMITTED,
            "has_experts": experts.exists(),
        },
        status=status,
    )


# --------------------------------------------------------------------------- targets


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.target_list(user=request.user))
    kinds = dict(TargetKind.choices)
    for t in page["page_obj"].object_list:
        t.kind_label = kinds.get(t.kind, t.kind)
    return render(
        request, "climate/target_list.html", {**page, "can_create": request.user.has_perm("climate.create_anything")}
    )


def _countries() -> dict[str, str]:
    return {"US": _("United States"), "CN": _("China")}


@login_required
def ambition(request: HttpRequest) -> HttpResponse:
    """Cities ranked by their most ambitious comparable target, with the 1.5 °C benchmark as a reference row; read by
    every participant, as the targets list (Target.objects.visible_to)."""
    country = request.GET.get("country", "")
    country = country if country in selectors.AMBITION_COUNTRIES else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TargetKind.values else ""
    board = selectors.ambition_board(user=request.user, country=country, kind=kind)
    kinds = dict(TargetKind.choices)
    countries = _countries()
    mine = request.user.scoped_city_ids() if request.user.has_role("city_coordinator") else set()
    lines: list[Any] = []
    for i, row in enumerate(board.rows):
        if i == board.benchmark_at:
            lines.append({"is_benchmark": True})
        row.kind_label = kinds.get(row.target.kind, row.target.kind)
        row.country_label = countries.get(row.city.country, row.city.country)
        row.mine = row.target.city_id in mine
        lines.append(row)
    if board.benchmark_at >= len(board.rows):
        lines.append({"is_benchmark": True})
    unranked = [
        {
            "target": t,
            "kind_label": kinds.get(t.kind, t.kind),
            "country_label": countries.get(t.city.country, t.city.country),
            "mine": t.city_id in mine,
            "reasons": [issue_message(code) for code in codes],
        }
        for t, codes in board.unranked
    ]
    return render(
        request,
        "climate/ambition.html",
        {
            "board": board,
            "lines": lines,
            "unranked": unranked,
            "own": [row for row in board.rows if row.target.city_id in mine],
            "is_coordinator": bool(mine),
            "country": country,
            "kind": kind,
            "countries": list(countries.items()),
            "kinds": list(TargetKind.choices),
        },
    )


@login_required
def target_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk) if pk else None
    if target is not None and not request.user.has_perm("climate.change_target", target.city):
        raise PermissionDenied
    if target is None and not request.user.has_perm("climate.create_anything"):
        raise PermissionDenied
    initial = {}
    if target:
        initial = {name: getattr(target, name) for name in services.TARGET_FIELDS if name != "milestones"}
        initial["city"] = target.city_id
        if target.milestones:
            initial["milestone_year"] = target.milestones[0]["year"]
            initial["milestone_pct"] = target.milestones[0]["reduction_pct"]
    form = TargetForm(
        request.POST or None,
        initial=initial,
        cities=selectors.city_choices(user=request.user),
        version=target.version if target else None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.target_save(
                actor=request.user,
                city=form.cleaned_data["city"],
                target=target,
                expected_version=form.expected_version,
                data=form.target_data(),
            )
        except StaleEdit as exc:
            form.show_stale(exc, current_values(exc.instance, services.TARGET_FIELDS))
            status = 409
        except ValidationError as exc:
            add_to_form(form, exc)
            status = 422
        else:
            messages.success(request, _("The target was saved with its ambition figures."))
            return redirect("climate:target", pk=saved.pk)
    return render(request, "climate/form.html", {"form": form, "title": _("Target")}, status=status)


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    return render(
        request,
        "climate/target_detail.html",
        {
            "target": target,
            "kind_label": dict(TargetKind.choices).get(target.kind, target.kind),
            "coverage": [str(SECTORS.get(s, s)) for s in target.coverage],
            "can_edit": request.user.has_perm("climate.change_target", target.city),
            "notes": _ambition_notes(target.ambition),
            "benchmark_source": source_text(((target.ambition or {}).get("benchmark") or {}).get("definition", "")),
            "peers": selectors.ambition_peers(user=request.user, city=target.city),
            "country_label": _countries().get(target.city.country, target.city.country),
        },
    )


def _ambition_notes(ambition: dict | None) -> list[str]:
    """The ambition engine's notes on the stored result, as sentences in the user's language."""
    notes = []
    for note in (ambition or {}).get("notes") or []:
        params = dict(note.get("params") or {})
        if isinstance(params.get("ratio"), float):
            params["ratio"] = f"{params['ratio']:.2f}"
        notes.append(issue_message(note.get("code", ""), params))
    return notes
