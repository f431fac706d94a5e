"""Demo data for Government Training: academies, the 12 curriculum topics (bilingual), modules, and demo courses
with fictional officials, timetables, attendance and certificates, so every page has something to show.

The topics, formats and rules come from the program's texts (shared/seeds/001_…, 002_…). Academies named there are
marked as managed by the program; the other national cadre academies are well-known public facts (context).
Officials are fictional. Jurisdictions are real Chinese cities; their population is taken from the cities app's
GeoNames import when it is there (source recorded), otherwise left out -- never invented.
Idempotent: run it again and nothing is duplicated.

Reference data (academies, topics, modules, jurisdictions and their populations, the SOEs) is upserted directly:
it is what the services' rules refer to. Everything the rules govern goes through the services, with the demo's
program-staff account as the actor: officials, courses and their sessions, status changes, enrolment, attendance and
certificates, so the demo can hold nothing the application itself would refuse (tests/academy/test_demo.py checks the
result against the rules again).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from citybridge.core.models import Organisation, Person, Role, RoleMembership, User

from . import services
from .models import (
    Academy,
    Course,
    Jurisdiction,
    JurisdictionPopulation,
    Module,
    Topic,
)

if TYPE_CHECKING:
    from typing import TextIO

# data tables: one record a line reads better than one field a line
# fmt: off
# slug, English, Chinese, motivations
TOPICS = [
    ("energy-master-planning", "Energy master planning", "能源总体规划", ["mandatory", "five_year_plan"]),
    ("smart-transportation", "Smart transportation", "智慧交通", ["local_growth", "community_health"]),
    ("waste-and-water", "Municipal waste and water treatment", "城市垃圾与污水处理", ["five_year_plan", "community_health"]),
    ("eco-heritage-tourism", "Eco-heritage tourism", "生态遗产旅游", ["local_growth", "differentiation"]),
    ("climate-resilient-design", "Climate resilient city design", "气候适应型城市设计", ["community_health", "differentiation"]),
    ("pollution-reduction", "Pollution reduction", "污染减排", ["five_year_plan", "community_health"]),
    ("green-financing", "Green financing", "绿色金融", ["local_growth"]),
    ("clean-energy", "Clean energy", "清洁能源", ["five_year_plan", "local_growth"]),
    ("sustainable-lifestyles", "Sustainable lifestyles", "可持续生活方式", ["community_health"]),
    ("circular-economy", "Circular economy", "循环经济", ["five_year_plan", "local_growth"]),
    ("green-buildings", "Green buildings", "绿色建筑", ["five_year_plan", "differentiation"]),
    ("eco-cities", "Eco-cities", "生态城市", ["mandatory", "differentiation", "community_health"]),
]

# key in core demo (or new org), English, Chinese, managed by the program
ACADEMIES = [
    ("namc", "National Academy for Mayors of China", "全国市长研修学院", True),
    ("celap", "China Executive Leadership Academy Pudong", "中国浦东干部学院", True),
    ("cag", "Chinese Academy of Governance", "国家行政学院", True),
    # context: the other national executive leadership academies and the SOE executives' academy
    (None, "China Executive Leadership Academy Jinggangshan", "中国井冈山干部学院", False),
    (None, "China Executive Leadership Academy Yan'an", "中国延安干部学院", False),
    (None, "China Business Executives Academy Dalian", "中国大连高级经理学院", False),
]

# English, Chinese, days, formats, topic slugs
MODULES = [
    ("Energy Smart Cities", "能源智慧城市", 5, ["lecture", "site_visit", "workshop"], ["energy-master-planning", "clean-energy"]),
    ("Green Buildings in Practice", "绿色建筑实践", 3, ["lecture", "site_visit"], ["green-buildings"]),
    ("Waste and Water: From Cost to Resource", "垃圾与污水：变成本为资源", 4, ["lecture", "site_visit", "dinner"], ["waste-and-water", "circular-economy"]),
    ("Financing the Green City", "绿色城市融资", 2, ["lecture", "workshop"], ["green-financing"]),
    ("Smart Transportation and Clean Air", "智慧交通与清洁空气", 4, ["lecture", "site_visit"], ["smart-transportation", "pollution-reduction"]),
    ("Eco-cities and Climate Resilience", "生态城市与气候韧性", 5, ["lecture", "workshop", "exhibition"], ["eco-cities", "climate-resilient-design"]),
    ("Eco-heritage Tourism", "生态遗产旅游", 3, ["lecture", "site_visit", "lunch"], ["eco-heritage-tourism", "sustainable-lifestyles"]),
]

# title en, zh, academy index, start, status, module indexes
COURSES = [
    ("Energy Smart Cities 2019", "能源智慧城市 2019", 0, date(2019, 5, 6), "completed", [0, 1, 3]),
    ("Sustainable Urbanisation 2021", "可持续城镇化 2021", 1, date(2021, 9, 6), "completed", [2, 4, 6]),
    ("Green Growth for City Leaders 2023", "城市领导者绿色增长 2023", 2, date(2023, 4, 10), "completed", [3, 5, 1]),
    ("Low-carbon Cities 2024", "低碳城市 2024", 0, date(2024, 10, 14), "completed", [0, 5, 4]),
]

CITIES = [("Zhenjiang", "镇江", "Jiangsu"), ("Yangzhou", "扬州", "Jiangsu"), ("Wuxi", "无锡", "Jiangsu"),
          ("Baoding", "保定", "Hebei"), ("Tangshan", "唐山", "Hebei"), ("Shenzhen", "深圳", "Guangdong"),
          ("Zhuhai", "珠海", "Guangdong"), ("Chengdu", "成都", "Sichuan"), ("Mianyang", "绵阳", "Sichuan"),
          ("Hangzhou", "杭州", "Zhejiang"), ("Ningbo", "宁波", "Zhejiang"), ("Xiamen", "厦门", "Fujian"),
          ("Qingdao", "青岛", "Shandong"), ("Jinan", "济南", "Shandong"), ("Kunming", "昆明", "Yunnan"),
          ("Guiyang", "贵阳", "Guizhou"), ("Lanzhou", "兰州", "Gansu"), ("Taiyuan", "太原", "Shanxi")]
SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
            ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
            ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin")]
GIVEN = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("强", "Qiang"),
         ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"),
         ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("华", "Hua"), ("平", "Ping"), ("刚", "Gang")]
SOES = [("State Grid Corporation of China", "国家电网有限公司", 1_500_000),
        ("China Huaneng Group", "中国华能集团有限公司", 130_000),
        ("China State Construction Engineering", "中国建筑集团有限公司", 380_000)]
# fmt: on

# Lecturers (issue #11): the program's texts (shared/seeds/002_…) name the kinds of people who lecture -- heads of
# sustainability in New York City and Seoul, a former deputy mayor of London, the US EPA, the US DOE, the World
# Bank, McKinsey, professors from top universities, Lawrence Berkeley National Lab. The people below are fictional
# stand-ins of those kinds, at the organisations the core demo holds (Steve Hammer is the core demo's own lecturer).
# fmt: off
# family en, given en, family zh, given zh, title en, title zh, organisation (name_en), home time zone, visiting,
# preferred weekdays (0 = Monday), topic slugs
LECTURERS = [
    ("Hammer", "Steve", "海默", "史蒂夫", "", "", "Columbia University", "America/New_York", False, [0, 1, 2],
     ["energy-master-planning", "eco-cities"]),
    ("Carver", "Dana", "卡弗", "达娜", "Head of sustainability (demo)", "可持续发展主管（演示）", "City of New York",
     "America/New_York", True, [1, 2], ["green-buildings", "climate-resilient-design"]),
    ("Han", "Soo-min", "韩", "秀敏", "Head of sustainability (demo)", "可持续发展主管（演示）",
     "Seoul Metropolitan Government", "Asia/Seoul", True, [2, 3], ["smart-transportation", "eco-cities"]),
    ("Ashby", "Margaret", "阿什比", "玛格丽特", "Former deputy mayor (demo)", "前副市长（演示）",
     "Greater London Authority", "Europe/London", True, [0, 1], ["pollution-reduction", "smart-transportation"]),
    ("Reyes", "Daniel", "雷耶斯", "丹尼尔", "Senior adviser (demo)", "高级顾问（演示）",
     "US Environmental Protection Agency", "America/New_York", True, [], ["pollution-reduction", "waste-and-water"]),
    ("Okafor", "Grace", "奥卡福", "格蕾丝", "Program manager (demo)", "项目经理（演示）", "US Department of Energy",
     "America/New_York", True, [3, 4], ["energy-master-planning", "clean-energy"]),
    ("Lindqvist", "Erik", "林德奎斯特", "埃里克", "Urban finance specialist (demo)", "城市金融专家（演示）", "World Bank",
     "America/New_York", True, [0, 1], ["green-financing"]),
    ("Zhou", "Wen", "周", "文", "Partner (demo)", "合伙人（演示）", "McKinsey & Company", "Asia/Shanghai", False,
     [], ["green-financing", "circular-economy"]),
    ("Lin", "Hui", "林", "慧", "Professor (demo)", "教授（演示）", "Tongji University", "Asia/Shanghai", False,
     [1, 3], ["green-buildings", "eco-cities"]),
    ("Moreau", "Claire", "莫罗", "克莱尔", "Staff scientist (demo)", "研究员（演示）",
     "Lawrence Berkeley National Laboratory", "America/Los_Angeles", True, [2, 3], ["green-buildings", "clean-energy"]),
]
# fmt: on

LECTURER_EMAIL = "lecturer@citybridge.local"
STAFF_EMAIL = "staff@citybridge.local"


def _academy(
    org_key: str | None, en: str, zh: str, managed: bool, core_orgs: dict[str, Organisation | None]
) -> Academy:
    org = core_orgs.get(org_key) if org_key else None
    if org is None:
        org, _c = Organisation.objects.get_or_create(
            name_en=en, country="CN", defaults={"name": en, "name_zh_hans": zh, "type": "academy"}
        )
    academy, _c = Academy.objects.update_or_create(
        organisation=org, defaults={"official": True, "managed_by_program": managed}
    )
    return academy


def _timetable(actor: User, course: Course, modules: list[Module], lecturer: Person | None) -> None:
    """Sessions day by day: morning lecture, afternoon site visit or workshop; every 7th day is a rest day."""
    d, day_index, mi, used = course.start_date, 0, 0, 0
    while d <= course.end_date:
        if day_index % 7 != 6:
            module = modules[mi % len(modules)]
            formats = module.formats or ["lecture"]
            afternoon = formats[(day_index % len(formats))] if len(formats) > 1 else "lecture"
            for start, end, format_, extra in (
                (9, 12, "lecture", {"lecturer": lecturer if day_index % 3 == 0 else None}),
                (14, 17, afternoon, {}),  # at the course's location (its page's heading names it): no site
            ):
                services.session_save(
                    actor=actor,
                    course=course,
                    date=d,
                    start_time=time(start),
                    end_time=time(end),
                    format=format_,
                    module=module,
                    **extra,
                )
            used += 1
            if used >= module.days:
                mi, used = mi + 1, 0
        d += timedelta(days=1)
        day_index += 1


def _course(actor: User, academy: Academy, en: str, zh: str, start: date, days: int, modules: list[Module]) -> Course:
    """A course in planning, through the service (its dates and module rules apply)."""
    org = academy.organisation
    return services.course_create(
        actor=actor,
        academy=academy,
        modules=modules,
        title_en=en,
        title_zh_hans=zh,
        start_date=start,
        end_date=start + timedelta(days=days),
        location_en=org.city_en or "",
        location_zh_hans=org.city_zh_hans or "",
    )


def _lecturers(staff: User, topics: dict[str, Topic]) -> dict[str, Person]:
    """Lecturer profiles, through the core and lecturer services; keyed by English family name."""
    from citybridge.core import services as core_services

    from .services import lecturers as lsvc

    out = {}
    for fam, given, fam_zh, given_zh, title, title_zh, org_en, tz, visiting, weekdays, slugs in LECTURERS:
        org = Organisation.objects.filter(name_en=org_en).first()
        person = Person.objects.filter(family_name_en=fam, given_name_en=given).first()
        if person is None:
            person = core_services.person_create(
                actor=staff,
                family_name_en=fam,
                given_name_en=given,
                family_name_zh_hans=fam_zh,
                given_name_zh_hans=given_zh,
                title_en=title,
                title_zh_hans=title_zh,
                organisation=org,
            )
        if not hasattr(person, "lecturer_profile"):
            lsvc.lecturer_create(
                actor=staff,
                person=person,
                home_timezone=tz,
                visiting=visiting,
                group_sessions=visiting,
                preferred_weekdays=weekdays,
                languages=["zh"] if tz == "Asia/Shanghai" else ["en"],
                needs_interpretation=tz != "Asia/Shanghai",
                topics=[topics[t] for t in slugs],
            )
        out[fam] = person
    return out


def _planning_course(
    staff: User, academy: Academy, modules: list[Module], lecturers: dict[str, Person], start: date
) -> Course:
    """A course in planning that is ready for "Generate timetable": its modules' session needs (with lecturers and a
    site-visit host), the lecturers' availability windows, a partner dinner and an academy closure day; no sessions
    yet -- the timetable engine places them."""
    from .services import lecturers as lsvc
    from .services import timetable as tsvc

    course = _course(
        staff,
        academy,
        "Energy Master Planning for City Leaders",
        "城市领导者能源总体规划",
        start,
        13,
        modules,
    )
    end = course.end_date
    for person in lecturers.values():
        profile = person.lecturer_profile
        # the visiting lecturers come for the course's two weeks on their working days; the others any day
        weekdays = [0, 1, 2, 3, 4] if profile.visiting else []
        lsvc.availability_save(
            actor=staff, lecturer=profile, start_date=start - timedelta(days=7), end_date=end, weekdays=weekdays
        )
    grid = Organisation.objects.get(name_en="State Grid Corporation of China")
    host = tsvc.site_host_save(actor=staff, organisation=grid, weekdays=[0, 1, 2, 3, 4])
    shui_on = Organisation.objects.filter(name_en="Shui On Land").first()
    cms = list(course.course_modules.select_related("module").order_by("order", "id"))
    # module → (format, count, lecturer family name or None, host); sessions fit the module's days (2 a day)
    needs = {
        0: [("lecture", 2, "Okafor", None), ("lecture", 1, "Moreau", None), ("lecture", 1, "Hammer", None),
            ("site_visit", 2, None, host), ("workshop", 1, "Han", None)],
        1: [("lecture", 1, "Lin", None), ("lecture", 1, "Carver", None), ("site_visit", 1, None, None)],
        2: [("lecture", 1, "Lindqvist", None), ("lecture", 1, "Zhou", None), ("workshop", 1, "Ashby", None)],
    }  # fmt: skip
    for i, cm in enumerate(cms):
        for format_, count, fam, site in needs.get(i, []):
            tsvc.need_save(
                actor=staff,
                course_module=cm,
                format=format_,
                count=count,
                lecturer=lecturers[fam] if fam else None,
                host=site.organisation if site else None,
            )
    if shui_on is not None:
        tsvc.partner_event_save(
            actor=staff,
            course=course,
            partner=shui_on,
            format="dinner",
            title_en="Partners' welcome dinner",
            title_zh_hans="合作伙伴欢迎晚宴",
            requested_date=start + timedelta(days=1),
        )
    tsvc.blackout_save(
        actor=staff,
        academy=academy,
        day=start + timedelta(days=9),
        reason_en="Academy staff day",
        reason_zh_hans="学院职工日",
    )
    return course


def _demo_actor() -> User:
    """The program-staff account the core demo creates: every rule-governed write below is made in its name."""
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None:
        from citybridge.core import demo as core_demo

        core_demo.load()
        staff = User.objects.get(email=STAFF_EMAIL)
    return staff


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    rnd = random.Random(2009)
    core_orgs = {
        k: Organisation.objects.filter(name_en=en).first()
        for k, en in (
            ("namc", "National Academy for Mayors of China"),
            ("celap", "China Executive Leadership Academy Pudong"),
            ("cag", "Chinese Academy of Governance"),
        )
    }
    academies = [_academy(*a, core_orgs) for a in ACADEMIES]

    topics = {}
    for order, (slug, en, zh, motivations) in enumerate(TOPICS):
        topics[slug], _c = Topic.objects.update_or_create(
            slug=slug,
            defaults={"name": en, "name_en": en, "name_zh_hans": zh, "motivations": motivations, "order": order},
        )
    modules = []
    for en, zh, days, formats, slugs in MODULES:
        m, _c = Module.objects.update_or_create(
            title_en=en, defaults={"title": en, "title_zh_hans": zh, "days": days, "formats": formats}
        )
        m.topics.set([topics[s] for s in slugs])
        modules.append(m)

    hammer = Person.objects.filter(family_name_en="Hammer").first()
    if hammer is not None:
        user = User.objects.filter(email=LECTURER_EMAIL).first()
        if user is None:
            from citybridge.core.demo import DEMO_PASSWORD

            user = User.objects.create_user(LECTURER_EMAIL, DEMO_PASSWORD, person=hammer)
        RoleMembership.objects.get_or_create(user=user, role=Role.LECTURER)

    if Course.objects.filter(title_en=COURSES[0][0]).exists():
        if stdout:
            stdout.write("academy: demo data already loaded")
        return

    staff = _demo_actor()
    # jurisdictions, with population from the cities app when it has the city
    from citybridge.cities.models import City

    jurisdictions = []
    for en, zh, prov in CITIES:
        j, _c = Jurisdiction.objects.get_or_create(
            name_en=en, country="CN", defaults={"name": en, "name_zh_hans": zh, "province": prov, "province_en": prov}
        )
        city = City.objects.filter(country="CN", name_en=en).exclude(population=None).first()
        if city is not None:
            JurisdictionPopulation.objects.get_or_create(
                jurisdiction=j,
                valid_from=date(2010, 1, 1),
                defaults={"population": city.population, "source": "GeoNames (cities app import)"},
            )
        jurisdictions.append(j)
    soes = []
    for en, zh, employees in SOES:
        org, _c = Organisation.objects.get_or_create(
            name_en=en, country="CN", defaults={"name": en, "name_zh_hans": zh, "type": "soe"}
        )
        soes.append((org, employees))

    # fictional officials
    officials = []
    used_names = set()
    for i in range(150):
        while True:
            (fz, fe), (gz, ge) = rnd.choice(SURNAMES), rnd.choice(GIVEN)
            (gz2, ge2) = rnd.choice(GIVEN)
            key = (fz, gz + gz2)
            if key not in used_names:
                used_names.add(key)
                break
        position = rnd.choices(["mayor", "vice_mayor", "bureau_officer", "soe_executive"], [3, 5, 2, 2])[0]
        j = jurisdictions[i % len(jurisdictions)] if position in ("mayor", "vice_mayor") else None
        company, employees = rnd.choice(soes) if position == "soe_executive" else (None, None)
        officials.append(
            services.official_create_with_person(
                actor=staff,
                family_name_en=fe,
                given_name_en=ge + ge2.lower(),
                family_name_zh_hans=fz,
                given_name_zh_hans=gz + gz2,
                email=f"official{i + 1}@demo.citybridge.local",
                position=position,
                jurisdiction=j.name_en if j else "",
                province=j.province_en if j else "",
                company=company,
                company_employees=employees,
                service_start=date(rnd.randint(2004, 2022), rnd.randint(1, 12), 1),
            )
        )

    lecturer = hammer
    today = timezone.localdate()
    for en, zh, ai, start, status, mods in COURSES:
        course = _course(staff, academies[ai], en, zh, start, 20, [modules[m] for m in mods])
        _timetable(staff, course, [modules[m] for m in mods], lecturer)
        services.course_set_status(actor=staff, course=course, status="open")
        klass = rnd.sample(officials, rnd.randint(32, 48))
        for o in klass:
            services.enrolment_create(actor=staff, course=course, official=o)
        services.course_set_status(actor=staff, course=course, status="running")
        marks = []
        for o in klass:
            diligence = rnd.random()
            for s in course.sessions.all():
                r = rnd.random()
                status_ = (
                    "present"
                    if r < 0.55 + diligence * 0.4
                    else "late"
                    if r < 0.9
                    else "excused"
                    if r < 0.95
                    else "absent"
                )
                marks.append(services.Mark(official_id=o.pk, session_id=s.pk, status=status_))
        services.attendance_record(actor=staff, course=course, marks=marks)
        services.course_set_status(actor=staff, course=course, status=status)
        if status == "completed":
            services.certificate_issue_all(actor=staff, course=course)
    # an open course at NAMC in the coming months, with a timetable and a class still filling up
    upcoming_start = today + timedelta(days=(7 - today.weekday()) % 7 + 28)
    climate = [modules[5], modules[0]]
    en, zh = "Climate Action Planning for City Leaders", "城市领导者气候行动规划"
    course = _course(staff, academies[0], en, zh, upcoming_start, 13, climate)
    _timetable(staff, course, climate, lecturer)
    services.course_set_status(actor=staff, course=course, status="open")
    for o in officials[:24]:
        services.enrolment_create(actor=staff, course=course, official=o)

    # lecturer profiles and a course in planning whose timetable the engine makes ("Generate timetable")
    lecturers = _lecturers(staff, topics)
    plan_modules = [modules[0], modules[1], modules[3]]  # 5 + 3 + 2 = 10 teaching days in 14
    _planning_course(staff, academies[0], plan_modules, lecturers, upcoming_start + timedelta(days=21))

    # the stored summaries are kept by the services above; "who is behind" lists a year once it is prepared
    services.compliance_prepare_year(year=today.year)
    services.impact_refresh()
    if stdout:
        stdout.write(
            f"academy: {len(academies)} academies, {len(topics)} topics, {len(modules)} modules, "
            f"{Course.objects.count()} courses, {len(officials)} officials"
        )
