import cProfile, pstats, io
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from citybridge.climate import gpc
from citybridge.climate.models import InventoryEntry

pytestmark = pytest.mark.django_db

def test_profile(inventory, factors, client_for, coordinator):
    InventoryEntry.objects.bulk_create([InventoryEntry(inventory=inventory, gpc_ref=l.ref, activity_value=10, activity_unit="MWh", by_gas={"CO2": 5.5}, co2e=5.5) for l in gpc.gpc_lines()])
    through = InventoryEntry.factors.through
    through.objects.bulk_create([through(inventoryentry_id=e.pk, emissionfactor_id=factors["east_china"].pk) for e in inventory.entries.all()])
    from citybridge.climate import services
    services.recompute_totals(inventory)
    c = client_for(coordinator)
    url = f"/climate/inventories/{inventory.pk}/"
    c.get(url)
    with CaptureQueriesContext(connection) as q:
        c.get(url)
    for x in q.captured_queries: print(x["sql"][:150])
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5): c.get(url)
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(45); print(s.getvalue())
