"""Materials app benchmark: the translator's editor on a 2,000-segment deck, TM lookups per segment, uploads.

    .venv/bin/python bench/materials_app.py       # a 100-slide deck of 2,000 segments; TM of 2,000 reviewed + 20,000
    BENCH_QUICK=1 .venv/bin/python bench/materials_app.py   # 20 slides, TM of 400 + 2,000

Data go to a separate SQLite database under $CITYBRIDGE_VAR_DIR (default /tmp/citybridge-bench-materials-<hash of the migration names>), rebuilt
each run. Floors printed beside the figures: a bare signed-in page; for the TM, a plain dict lookup of the same
2,000 segments (exact matches only), as issue #13 asks.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, SOLVE_REPEAT, Table, install_bare_page, kept_data_dir, timed  # noqa: E402

VAR = kept_data_dir("/tmp/citybridge-bench-materials" + ("-quick" if QUICK else ""))
shutil.rmtree(VAR, ignore_errors=True)
os.environ.setdefault("CITYBRIDGE_VAR_DIR", VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "bench-secret-key-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

SLIDES = 20 if QUICK else 100
EXTRA_TM = 2_000 if QUICK else 20_000


def cpu_row(name: str, fn: object, repeat: int = SOLVE_REPEAT) -> None:
    """The median CPU time of this process for ``fn`` (on a loaded machine the wall time follows the others)."""
    import statistics
    import time

    runs = []
    for _ in range(repeat):
        c = time.process_time()
        fn()
        runs.append((time.process_time() - c) * 1000)
    print(f"{'  CPU ' + name:58} {statistics.median(runs):9.2f} {'':9} {repeat:5d}", flush=True)


def main() -> int:
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from citybridge.academy.models import Academy, Course, Session
    from citybridge.core.models import Organisation, Person, RoleMembership, User
    from citybridge.materials import demo, selectors, services
    from citybridge.materials.models import Segment, SegmentStatus
    from tests.materials.builders import big_deck

    call_command("migrate", verbosity=0)
    demo.load()
    org = Organisation.objects.create(
        name="NAMC", name_en="NAMC", name_zh_hans="全国市长研修学院", type="academy", country="CN"
    )
    academy = Academy.objects.create(organisation=org, official=True, managed_by_program=True)
    course = Course.objects.create(
        academy=academy,
        title="Energy",
        title_en="Energy",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 13),
    )
    person = Person.objects.create(family_name="Hammer", family_name_en="Hammer", given_name_en="Steve")
    session = Session.objects.create(
        course=course,
        date=datetime.date(2026, 3, 2),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        lecturer=person,
    )
    staff = User.objects.create_user(email="staff@bench.local", password="x")
    RoleMembership.objects.create(user=staff, role="program_staff")
    deck = big_deck(slides=SLIDES, boxes=2, sentences=2)  # 20 segments a slide
    upload = lambda: SimpleUploadedFile("deck.pptx", deck)  # noqa: E731

    table = Table(f"materials app: a {SLIDES}-slide deck")

    def create_rolled_back() -> None:
        with transaction.atomic():
            services.material_create(actor=staff, title="Deck", session=session, uploaded_file=upload())
            transaction.set_rollback(True)

    table.row("upload + check + extract + store segments", timed(create_rolled_back, repeat=3, warmup=0))

    first = services.material_create(actor=staff, title="First", session=session, uploaded_file=upload())
    v1 = first.versions.get()
    # the first deck translated and reviewed: its 2,000 segments form the TM, plus EXTRA_TM other reviewed segments
    Segment.objects.filter(doc_version=v1).update(target="译文。", status=SegmentStatus.REVIEWED)
    Segment.objects.bulk_create(
        Segment(
            doc_version=v1,
            sid=f"x{i}",
            position=10_000 + i,
            source=f"Other sentence {i} on transit {i % 97} lines.",
            target=f"关于公交第 {i} 句。",
            status=SegmentStatus.REVIEWED,
            context="slide",
        )
        for i in range(EXTRA_TM)
    )
    services.bump_counter("tm")
    second = services.material_create(actor=staff, title="Second", session=session, uploaded_file=upload())
    second.state, second.translator = "translation", staff
    second.save()
    v2 = second.versions.get()
    n_segments = v2.segments.count()
    print(f"data: {n_segments} segments in the deck, TM of {len(selectors.project_tm())} reviewed units", flush=True)

    c = Client(SERVER_NAME="localhost")
    c.force_login(staff, backend="citybridge.core.auth.EmailBackend")
    bare = install_bare_page()

    def get(url: str) -> None:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)

    floor = timed(lambda: get(bare))
    table.row("floor: bare signed-in page", floor)
    last = (n_segments + 49) // 50
    table.row(
        "editor page 1 (50 segments, TM + glossary + QA)",
        timed(lambda: get(f"/materials/{second.pk}/editor/")),
        "bare page",
        floor,
    )
    table.row(
        f"editor page {last}", timed(lambda: get(f"/materials/{second.pk}/editor/?page={last}")), "bare page", floor
    )
    table.row(
        "segment list API (page of 50)",
        timed(lambda: get(f"/api/v1/materials/versions/{v2.pk}/segments")),
        "bare page",
        floor,
    )
    table.row("material list page", timed(lambda: get("/materials/")), "bare page", floor)

    def rebuild() -> None:
        services.bump_counter("tm")
        selectors.project_tm()

    table.row("TM rebuilt after a reviewed segment changed", timed(rebuild, repeat=SOLVE_REPEAT, warmup=0))
    cpu_row("TM rebuilt after a reviewed segment changed", rebuild)
    seg = v2.segments.order_by("position").first()

    def add_one() -> None:  # the translator marks one more segment reviewed; the next page adds it to the memory
        fresh = Segment.objects.get(pk=seg.pk)
        services.segment_save(
            actor=staff, segment=fresh, target="新译文。", status="draft", expected_version=fresh.version
        )
        fresh.refresh_from_db()
        services.segment_save(
            actor=staff, segment=fresh, target="新译文。", status="reviewed", expected_version=fresh.version
        )

    add_one()
    selectors.project_tm()

    def add_and_lookup() -> None:
        Segment.objects.filter(pk=seg.pk).update(status="draft")  # back to draft without a rebuild, to repeat
        fresh = Segment.objects.get(pk=seg.pk)
        services.segment_save(
            actor=staff, segment=fresh, target="新译文。", status="reviewed", expected_version=fresh.version
        )
        selectors.project_tm()

    table.row("segment saved as reviewed + TM brought up to date", timed(add_and_lookup, repeat=SOLVE_REPEAT))
    table.row("TM cached (one counter query)", timed(selectors.project_tm))

    sources = list(v2.segments.order_by("position").values_list("source", flat=True))
    tm = selectors.project_tm()
    plain = {e.source: e.target for e in tm.entries}
    dict_floor = timed(lambda: [plain.get(s) for s in sources], repeat=SOLVE_REPEAT)
    table.row(
        f"TM lookup of all {len(sources)} segments",
        timed(lambda: [tm.lookup(s) for s in sources], repeat=SOLVE_REPEAT),
        "dict lookup",
        dict_floor,
    )
    cpu_row(f"TM lookup of all {len(sources)} segments", lambda: [tm.lookup(s) for s in sources])
    glossary = selectors.project_glossary()
    table.row(
        f"QA of all {len(sources)} segments (glossary of {len(glossary)})",
        timed(lambda: [selectors.qa_of(s, "译文。", glossary) for s in sources], repeat=SOLVE_REPEAT),
    )
    table.row(
        "translated deck built (task body)",
        timed(lambda: services.version_build(version_id=v1.pk), repeat=SOLVE_REPEAT, warmup=0),
    )
    cpu_row("translated deck built (task body)", lambda: services.version_build(version_id=v1.pk))

    # XLIFF 2.0: export the deck's segments; import the file back with every target filled (rolled back)
    from lxml import etree

    from citybridge.materials import xliff

    exported = selectors.version_xliff(version=v2)
    table.row(
        f"XLIFF export ({n_segments} units)", timed(lambda: selectors.version_xliff(version=v2), repeat=SOLVE_REPEAT)
    )
    root = etree.fromstring(exported, xliff.parser())
    for seg_el in root.iter(f"{{{xliff.NS}}}segment"):
        source_el = seg_el.find(f"{{{xliff.NS}}}source")
        target_el = etree.SubElement(seg_el, f"{{{xliff.NS}}}target")
        target_el.text = source_el.text
        for child in source_el:
            target_el.append(etree.fromstring(etree.tostring(child, with_tail=False)))
            target_el[-1].tail = child.tail
        seg_el.set("state", "translated")
    filled = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def import_rolled_back() -> None:
        with transaction.atomic():
            report = services.version_xliff_import(
                actor=staff, version=v2, uploaded_file=SimpleUploadedFile("t.xlf", filled)
            )
            assert report.ok and report.updated == n_segments, report.errors[:3]
            transaction.set_rollback(True)

    table.row(f"XLIFF import ({n_segments} units, all updated)", timed(import_rolled_back, repeat=SOLVE_REPEAT))
    cpu_row(f"XLIFF import ({n_segments} units, all updated)", import_rolled_back)
    return 0


if __name__ == "__main__":
    sys.exit(main())
