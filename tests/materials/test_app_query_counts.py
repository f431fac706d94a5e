"""Material list and segment list (page and API): query counts pinned, the same for 3 rows and for 30."""

from __future__ import annotations

import pytest

from citybridge.materials import services
from citybridge.materials.models import Material, Segment

from .conftest import deck_bytes, upload

pytestmark = pytest.mark.django_db

LIMITS = {
    "/materials/": 8,
    "/materials/{m}/editor/": 14,
    "/materials/glossary/": 7,
    "/api/v1/materials/materials": 5,
    "/api/v1/materials/versions/{v}/segments": 6,
    "/api/v1/materials/glossary": 4,
}


def build(n: int, world) -> Material:
    first = services.material_create(
        actor=world["lecturer"],
        title="Deck",
        session=world["session"],
        uploaded_file=upload(deck_bytes(["Cities emit carbon."])),
    )
    for i in range(n - 1):
        Material.objects.create(
            title=f"Deck {i}", lecturer=first.lecturer, session=first.session, translator=world["translator"]
        )
    version = first.versions.get()
    Segment.objects.bulk_create(
        Segment(
            doc_version=version,
            sid=f"s{i + 2}/sh1/p0/s0",
            position=i + 1,
            source=f"Heat pump number {i} saves energy.",
            target=f"第 {i} 台热泵节能。" if i % 2 else "",
            status="draft" if i % 2 else "untranslated",
            context="slide",
            slide=i + 2,
        )
        for i in range(n - 1)
    )
    from citybridge.materials.models import GlossaryTerm

    GlossaryTerm.objects.bulk_create(GlossaryTerm(en=f"heat pump {i}", zh=f"热泵{i}") for i in range(n))
    services.bump_counter("glossary")
    first.state = "translation"
    first.translator = world["translator"]
    first.save()
    return first


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_count_does_not_grow(n, path, world, client_for, api_for, django_assert_max_num_queries):
    m = build(n, world)
    url = path.format(m=m.pk, v=m.versions.get().pk)
    client = api_for(world["staff"]) if url.startswith("/api/") else client_for(world["staff"])
    client.get(url)  # warm the per-process TM and glossary caches as a running server has them
    with django_assert_max_num_queries(LIMITS[path]):
        r = client.get(url)
    assert r.status_code == 200
    if "segments" in url:
        assert r.json()["count"] == n
    if url == "/materials/":
        assert r.content.decode().count('href="/materials/') >= n
