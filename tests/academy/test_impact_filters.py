"""Impact for every academy: coordinators see their own academy's figures, filters by year / academy / topic /
province (hand-worked), exports as XLSX, PNG and PDF in both languages."""

import io
import shutil
import subprocess
import tempfile
from datetime import date

import pytest
from openpyxl import load_workbook

from citybridge.academy import services
from citybridge.academy.models import (
    Course,
    CourseModule,
    ImpactSnapshot,
    Jurisdiction,
    JurisdictionPopulation,
    Module,
    Topic,
)
from citybridge.core.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def impact_world(staff, academy, other_academy, make_official):
    energy = Topic.objects.create(slug="energy", name="Energy", name_en="Energy", name_zh_hans="能源")
    waste = Topic.objects.create(slug="waste", name="Waste", name_en="Waste", name_zh_hans="垃圾")
    m1 = Module.objects.create(title="M1", title_en="M1", days=3)
    m1.topics.set([energy])
    m2 = Module.objects.create(title="M2", title_en="M2", days=3)
    m2.topics.set([energy, waste])
    m3 = Module.objects.create(title="M3", title_en="M3", days=3)
    m3.topics.set([waste])
    a = Jurisdiction.objects.create(name="A", name_en="A", province="Hebei", province_en="Hebei")
    b = Jurisdiction.objects.create(name="B", name_en="B", province="Jiangsu", province_en="Jiangsu")
    JurisdictionPopulation.objects.create(jurisdiction=a, valid_from=date(2010, 1, 1), population=5_000_000)
    JurisdictionPopulation.objects.create(jurisdiction=a, valid_from=date(2021, 1, 1), population=6_000_000)
    JurisdictionPopulation.objects.create(jurisdiction=b, valid_from=date(2010, 1, 1), population=1_000_000)
    soe = Organisation.objects.create(name="Grid", name_en="Grid", type="soe", country="CN")
    mayor_a = make_official(position="mayor", jurisdiction=a, province="Hebei")
    exec_ = make_official(position="soe_executive", company=soe, company_employees=900, province="Hebei")
    mayor_b = make_official(position="mayor", jurisdiction=b, province="Jiangsu")
    vice_b = make_official(position="vice_mayor", jurisdiction=b, province="Jiangsu")

    def course(acad, start, end, modules, people):
        c = Course.objects.create(academy=acad, title="C", title_en="C", start_date=start, end_date=end, status="open")
        for i, m in enumerate(modules):
            CourseModule.objects.create(course=c, module=m, order=i)
        for o in people:
            services.enrolment_create(actor=staff, course=c, official=o)
        Course.objects.filter(pk=c.pk).update(status="completed")
        return c

    # the coordinator's academy: 2019 energy (A's mayor at 5M, the executive), 2022 waste (B's vice mayor, 1M)
    course(academy, date(2019, 5, 6), date(2019, 5, 19), [m1], [mayor_a, exec_])
    course(academy, date(2022, 6, 6), date(2022, 6, 19), [m3], [vice_b])
    # the other academy: 2022 energy + waste (A's mayor again, now 6M; B's mayor)
    course(other_academy, date(2022, 5, 9), date(2022, 5, 22), [m2], [mayor_a, mayor_b])
    services.impact_refresh()
    return {"energy": energy, "waste": waste}


def api(api_for, user, query="", language="en"):
    r = api_for(user, language).get(f"/api/v1/academy/impact{query}")
    assert r.status_code == 200, r.content
    return r.json()


def headline(body):
    t = body["total"]
    return t["officials"], t["population"], t["companies"]


def test_staff_unfiltered_is_the_snapshot(impact_world, staff, api_for, client_for):
    body = api(api_for, staff)
    assert body["total"] == ImpactSnapshot.objects.get(key="all").data["total"]
    assert headline(body) == (4, 7_000_000, 1)  # A at its latest training (6M) + B (1M)
    html = client_for(staff).get("/academy/impact/").content.decode()
    assert 'data-figure="officials">4<' in html and "7,000,000" in html


def test_coordinator_sees_only_their_academy(impact_world, coordinator, academy, other_academy, api_for, client_for):
    # their academy: A's mayor (2019: 5M), the executive, B's vice mayor (1M)
    body = api(api_for, coordinator)
    assert body["filter"]["academies"] == [academy.pk]
    assert headline(body) == (3, 6_000_000, 1)
    assert set(body["by_academy"]) == {str(academy.pk)}
    # asking for the other academy is ignored: still their own figures, never the other's (2 officials, 7M)
    body = api(api_for, coordinator, f"?academy={other_academy.pk}")
    assert body["filter"]["academies"] == [academy.pk]
    assert headline(body) == (3, 6_000_000, 1)
    html = client_for(coordinator).get(f"/academy/impact/?academy={other_academy.pk}").content.decode()
    assert 'data-figure="officials">3<' in html and "6,000,000" in html
    assert "China Executive Leadership Academy Pudong" not in html  # not offered, not charted
    ws = load_workbook(
        io.BytesIO(client_for(coordinator).get(f"/academy/impact.xlsx?academy={other_academy.pk}").content)
    )["Figures"]
    assert [r for r in ws.iter_rows(values_only=True) if r[0] == "Officials trained"][0][1] == 3


@pytest.mark.parametrize(
    "query,expected",
    [
        ("?year=2022", (3, 7_000_000, 0)),  # A's mayor (6M), B's mayor and vice mayor (B once, 1M)
        ("?year=2019", (2, 5_000_000, 1)),
        ("?topic={waste}", (3, 7_000_000, 0)),  # the 2022 courses
        ("?topic={energy}", (3, 7_000_000, 1)),  # 2019 + the other academy's 2022: A latest at 6M, B 1M
        ("?province=Jiangsu", (2, 1_000_000, 0)),
        ("?year=2022&academy={other}", (2, 7_000_000, 0)),
    ],
)
def test_staff_filters_hand_worked(impact_world, staff, other_academy, api_for, query, expected):
    q = query.format(waste=impact_world["waste"].pk, energy=impact_world["energy"].pk, other=other_academy.pk)
    assert headline(api(api_for, staff, q)) == expected


def test_coordinator_filters_and_reads_write_nothing(impact_world, coordinator, api_for, client_for):
    before = ImpactSnapshot.objects.values_list("computed_at", "stale", "data").get()
    assert headline(api(api_for, coordinator, "?province=Hebei")) == (2, 5_000_000, 1)
    assert headline(api(api_for, coordinator, "?year=2022")) == (1, 1_000_000, 0)
    html = client_for(coordinator).get("/academy/impact/?year=2019").content.decode()
    assert 'data-figure="officials">2<' in html and "5,000,000" in html
    assert ImpactSnapshot.objects.values_list("computed_at", "stale", "data").get() == before


def test_a_change_is_seen_by_the_filtered_figures_after_the_refresh(
    impact_world, staff, coordinator, academy, api_for, make_official
):
    assert headline(api(api_for, coordinator, "?year=2019")) == (2, 5_000_000, 1)
    c = Course.objects.filter(academy=academy, end_date__year=2019).get()
    Course.objects.filter(pk=c.pk).update(status="open")
    services.enrolment_create(actor=staff, course=c, official=make_official(position="other"))
    Course.objects.filter(pk=c.pk).update(status="completed")
    services.impact_refresh()
    assert headline(api(api_for, coordinator, "?year=2019")) == (3, 5_000_000, 1)


@pytest.mark.parametrize("role", ["lecturer", "partner", "translator"])
def test_other_roles_refused(impact_world, role, make_user, lecturer, client_for, api_for):
    user = (
        lecturer
        if role == "lecturer"
        else make_user(
            role,
            organisation=Organisation.objects.create(name="P", name_en="P", type="partner", country="CN")
            if role == "partner"
            else None,
        )
    )
    for url in ("/academy/impact/", "/academy/impact.xlsx", "/academy/impact.png", "/academy/impact.pdf"):
        assert client_for(user).get(url).status_code in (403, 404)
    assert api_for(user).get("/api/v1/academy/impact").status_code in (403, 404)


@pytest.mark.parametrize(
    "language,sheet,header,label",
    [
        ("en", "By year", "Officials trained", "Official (Chinese)"),
        ("zh-hans", "按年度", "受训官员", "官员（中文）"),
    ],
)
def test_xlsx_in_both_languages(impact_world, coordinator, client_for, language, sheet, header, label):
    r = client_for(coordinator, language).get("/academy/impact.xlsx?year=2019")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(r.content))
    assert sheet in wb.sheetnames and len(wb.sheetnames) == 7
    assert list(wb[sheet].iter_rows(values_only=True))[0][1] == header
    records = list(wb.worksheets[5].iter_rows(values_only=True))
    assert records[0][1] == label and len(records) == 3  # header + A's mayor + the executive
    assert any("员" in (r[1] or "") for r in records[1:])
    method = [r[0] for r in wb.worksheets[6].iter_rows(values_only=True)]
    assert len(method) >= 8


def test_png_is_a_real_png(impact_world, coordinator, client_for):
    r = client_for(coordinator, "zh-hans").get("/academy/impact.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    body = r.content
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR" and len(body) > 1000
    width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
    assert width > 400 and height > 300
    try:
        from PIL import Image
    except ImportError:
        return
    assert Image.open(io.BytesIO(body)).size == (width, height)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(
    "language,words",
    [
        (
            "en",
            [
                "Impact",
                "Officials trained by academy",
                "National Academy for Mayors of China",
                "Year: 2019",
                "Computed",
            ],
        ),
        ("zh-hans", ["成效", "受训官员", "全国市长研修学院", "年份：2019", "的记录计算"]),
    ],
)
def test_pdf_has_the_labels(impact_world, coordinator, client_for, language, words):
    r = client_for(coordinator, language).get("/academy/impact.pdf?year=2019")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.content)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True, text=True).stdout
    for w in words:
        assert w in text, (w, text)


def test_out_of_range_filters_are_refused_or_ignored(impact_world, staff, api_for, client_for):
    for query in ("?year=99999", "?academy=99999999999999999999", "?topic=0", f"?province={'x' * 101}"):
        assert api_for(staff).get(f"/api/v1/academy/impact{query}").status_code == 422
        assert client_for(staff).get(f"/academy/impact/{query}").status_code == 200  # ignored by the page
    assert 'data-figure="officials">4<' in client_for(staff).get("/academy/impact/?year=99999").content.decode()


def test_province_is_one_of_the_controlled_list_in_either_language(impact_world, staff, api_for, client_for):
    """Issue 9: "Hebei" and "河北省" are one province. The API takes the code or either name and answers the code;
    a province it does not know is refused in the caller's language, never read as "everything". The page offers
    the controlled list in the reader's language and its exports name the province in it."""
    for q in ("?province=CN-HE", "?province=Hebei", "?province=%E6%B2%B3%E5%8C%97%E7%9C%81", "?province=hebei"):
        body = api(api_for, staff, q)
        assert headline(body) == (2, 6_000_000, 1) and body["filter"]["province"] == "CN-HE", q  # A's mayor at 6M
    r = api_for(staff, "zh-hans").get("/api/v1/academy/impact?province=Atlantis")
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "province", "message": "未知的省份或州：Atlantis。"}
    ]

    html = client_for(staff, "zh-hans").get("/academy/impact/?province=CN-HE").content.decode()
    assert (
        '<option value="CN-HE" selected>河北省</option>' in html
        and '<option value="US-CA">加利福尼亚州</option>' in html
    )
    assert 'data-figure="officials">2<' in html
    assert 'data-figure="officials">4<' in client_for(staff).get("/academy/impact/?province=Atlantis").content.decode()
    ws = load_workbook(io.BytesIO(client_for(staff, "zh-hans").get("/academy/impact.xlsx?province=CN-HE").content))
    cells = [c for row in ws.worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("河北省" in c for c in cells), cells
