"""Each scope's total of a CDP 2021 inventory: where CDP's TOTAL column is blank, the sum of the two parts the row
reports (excluding the generation of grid-supplied energy, and that generation), not the first part alone
(climate.cdp._scope_total). Worked from the published figures the inventory keeps in `totals["reported"]`; a frozen
copy of the rule, as migrations keep theirs. Backwards: the first part alone, as before."""

from decimal import Decimal

from django.db import migrations


def _totals(reported: dict, with_generation: bool) -> tuple[dict, float | None]:
    by_scope = {}
    for k in "123":
        total = reported.get(f"total_scope{k}")
        if total is None:
            parts = [reported.get(f"scope{k}_excl_generation")]
            if with_generation:
                parts.append(reported.get(f"scope{k}_generation"))
            parts = [v for v in parts if v is not None]
            total = float(sum(Decimal(str(v)) for v in parts)) if parts else None
        if total is not None:
            by_scope[k] = total
    if with_generation:
        known = reported.get("total_scope1") is not None or reported.get("scope1_generation") is not None
        territorial = by_scope.get("1") if known else None
    else:
        territorial = reported.get("total_scope1")
    return by_scope, territorial


def _rewrite(apps, with_generation: bool) -> None:
    Inventory = apps.get_model("climate", "Inventory")
    for inv in Inventory.objects.filter(origin="cdp2021").only("id", "totals", "total_territorial"):
        totals = dict(inv.totals or {})
        reported = totals.get("reported")
        if not isinstance(reported, dict):
            continue
        by_scope, territorial = _totals(reported, with_generation)
        totals["by_scope"], totals["territorial_scope1"] = by_scope, territorial
        Inventory.objects.filter(pk=inv.pk).update(totals=totals, total_territorial=territorial)


class Migration(migrations.Migration):
    dependencies = [("climate", "0006_published_on_label")]

    operations = [
        migrations.RunPython(lambda apps, _schema: _rewrite(apps, True), lambda apps, _schema: _rewrite(apps, False))
    ]
