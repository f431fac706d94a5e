"""Impact endpoint."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from citybridge.core import provinces
from citybridge.core.api import Id

from .. import selectors

router = Router()


@router.get("/impact")
def impact(
    request: HttpRequest,
    year: int | None = Query(None, ge=1990, le=2100),
    academy: Id | None = None,
    topic: Id | None = None,
    province: str = Query("", max_length=100),
) -> dict:
    """The impact figures computed from records (total, by year, cumulative, by academy, by topic). Unfiltered:
    as last computed by the background worker; `stale` is true while a change is being taken into account.
    Filtered by `year`, `academy`, `topic`, `province` (a code such as `CN-HE`, or the name in English or Chinese:
    "Hebei", "河北省"; `filter.province` answers the code): computed from records (cached a few minutes). A
    coordinator's figures are always their own academies' (another academy asked for is ignored); `filter` says
    what was counted."""
    if not request.auth.has_perm("academy.view_impact"):
        raise PermissionDenied
    if province and not provinces.province_code(province):
        raise ValidationError({"province": _("Unknown province or state: %(name)s.") % {"name": province}})
    flt = selectors.impact_filter_for(user=request.auth, year=year, academy=academy, topic=topic, province=province)
    ctx = selectors.impact_dashboard(flt)
    snap = ctx["snapshot"]
    return {
        "computed_at": snap.computed_at if snap else None,
        "stale": ctx["updating"],
        **ctx["data"],
        "filter": {
            "year": flt.year,
            "academies": list(flt.academies) if flt.academies is not None else None,
            "topic": flt.topic,
            "province": flt.province,
        },
        "academy_names": ctx["academy_names"],
        "topic_names": ctx["topic_names"],
    }
