"""Impact dashboard and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from citybridge.core.converters import whole_number
from citybridge.core.files import XLSX, file_response
from citybridge.core.paging import province_options

from .. import charts, impact_exports, selectors


def _impact_filter(request: HttpRequest) -> selectors.ImpactFilter:
    """The filter from the query string, held to what the user may see (a coordinator: their academies)."""
    if not request.user.has_perm("academy.view_impact"):
        raise PermissionDenied

    year = whole_number(request.GET.get("year"))
    return selectors.impact_filter_for(
        user=request.user,
        year=year if year is not None and 1990 <= year <= 2100 else None,
        academy=whole_number(request.GET.get("academy")) or None,
        topic=whole_number(request.GET.get("topic")) or None,
        province=request.GET.get("province", ""),
    )


@login_required
def impact(request: HttpRequest) -> HttpResponse:
    flt = _impact_filter(request)
    # unfiltered: the stored snapshot (the worker recomputes it after a change); filtered: from records, cached
    ctx = selectors.impact_dashboard(flt)
    data = ctx["data"]
    query = request.GET.urlencode()
    return render(
        request,
        "academy/impact.html",
        {
            **ctx,
            "total": data["total"],
            "specs": charts.impact_specs(ctx),
            "by_year": sorted(data["by_year"].items()),
            "by_academy": sorted(
                ((ctx["academy_names"].get(k, k), f) for k, f in data["by_academy"].items()),
                key=lambda kv: -kv[1]["officials"],
            ),
            "by_topic": sorted(
                ((ctx["topic_names"].get(k, k), f) for k, f in data["by_topic"].items()),
                key=lambda kv: -kv[1]["officials"],
            ),
            **{f"choice_{k}": v for k, v in selectors.impact_filter_choices(user=request.user, dashboard=ctx).items()},
            "selected_academy": flt.academies[0] if flt.academies and len(flt.academies) == 1 else None,
            "can_pick_any_academy": request.user.is_program_staff,
            "export_query": f"?{query}" if query else "",
            "province_options": province_options(),
        },
    )


@login_required
def impact_export(request: HttpRequest, fmt: str) -> HttpResponse:
    flt = _impact_filter(request)
    ctx = selectors.impact_dashboard(flt)
    name = f"impact-{flt.year or 'all'}"
    if fmt == "xlsx":
        return file_response(impact_exports.impact_xlsx(ctx, flt), f"{name}.xlsx", XLSX)
    if fmt == "png":
        return file_response(impact_exports.impact_png(ctx, flt), f"{name}.png", "image/png")
    return file_response(impact_exports.impact_pdf(ctx, flt), f"{name}.pdf", "application/pdf")
