"""Demo data of Outreach, so that a newcomer sees every outreach page populated: evaluations with answers for the
academy demo's courses (some asking for follow-up, which become follow-ups by themselves), follow-ups by hand (some
overdue), two corporate partners (Philips Lighting and GE, organisations of the core demo) with contacts, interests,
agreements, contributions and engagements of the demo courses (the coming course's appears in its timetable), a
China Energy Forum-style event with its programme, registrations and attendance, and the public record (press
mentions, supporters with thank-yous, testimonials with consent, the public impact figures).

Everything here is fictional demo content (the people, quotes, press titles, amounts and links; links point to
example.org) on real organisation names from the core demo. Every write goes through the outreach services with the
demo's program-staff account as actor, so the demo holds nothing the application would refuse.
Deterministic (a seeded random generator) and idempotent: when the Philips partner record exists, nothing is added.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from citybridge.academy.models import Course, Enrolment, Topic
from citybridge.core.models import Organisation, Person, Role, RoleMembership, User

from . import services
from .models import Partner
from .selectors.evaluations import form_items

STAFF_EMAIL = "staff@citybridge.local"
PARTNER_EMAIL = "philips@citybridge.local"

# fmt: off
# (relevance, delivery, expectations) weights for 1..5: most answers are good, a few are not
WEIGHTS = [1, 2, 6, 18, 14]
COMMENTS = [
    ("The district heating case from Denmark is directly useful for our city.", "en"),
    ("讲课内容与我市的实际情况结合得很好，希望多一些中国本地案例。", "zh-hans"),
    ("The site visit was the best part; more time for questions please.", "en"),
    ("翻译质量很高，但幻灯片文字太多。", "zh-hans"),
    ("I would like the data on building retrofits in Chinese as well.", "en"),
    ("希望能介绍绿色金融项目的具体融资流程。", "zh-hans"),
]
FOLLOWUPS = [
    "Introduce us to a company that builds waste-to-energy plants.",
    "希望了解LED路灯改造的供应商和成本。",
    "Send the slides on green bonds and put us in touch with the lecturer.",
]
# fmt: on


def _user(email: str) -> User:
    from citybridge.core.demo import DEMO_PASSWORD

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD)
    return user


def _contact(
    org: Organisation, family: str, given: str, family_zh: str, given_zh: str, title: str, title_zh: str
) -> Person:
    person = Person.objects.filter(organisation=org, family_name_en=family, given_name_en=given).first()
    if person is None:
        person = Person.objects.create(
            family_name=family,
            family_name_en=family,
            given_name_en=given,
            family_name_zh_hans=family_zh,
            given_name_zh_hans=given_zh,
            title_en=title,
            title_zh_hans=title_zh,
            organisation=org,
        )
    return person


def _evaluations(staff: User, course: Course, rnd: random.Random) -> tuple[int, int]:
    """About two officials in three hand in the paper form; each answers some sessions and the course overall."""
    items = form_items(course)
    officials = [e.official for e in Enrolment.objects.filter(course=course).select_related("official").order_by("id")]
    topics = list(Topic.objects.order_by("order", "id")[:12])
    n_eval = n_answers = 0
    for official in officials:
        if rnd.random() > 0.65:
            continue
        chosen = rnd.sample(items[:-1], min(len(items) - 1, rnd.randint(4, 9))) + [items[-1]]
        answers = []
        for item in chosen:
            comment, _lang = rnd.choice(COMMENTS) if rnd.random() < 0.15 else ("", "")
            answers.append(
                services.AnswerIn(
                    session_id=item.session_id,
                    module_id=None if item.session_id else item.module_id,
                    relevance=rnd.choices(range(1, 6), WEIGHTS)[0],
                    delivery=rnd.choices(range(1, 6), WEIGHTS)[0],
                    expectations=rnd.choices(range(1, 6), WEIGHTS)[0],
                    comment=comment,
                )
            )
        wants = rnd.random() < 0.08
        services.evaluation_enter(
            actor=staff,
            course=course,
            answers=answers,
            official=official if wants else None,  # named only when they ask for follow-up
            followup_topics=[rnd.choice(topics).pk] if wants and topics else [],
            followup_note=rnd.choice(FOLLOWUPS) if wants else "",
        )
        n_eval += 1
        n_answers += len(answers)
    return n_eval, n_answers


def _sessions_day(course: Course, day_index: int) -> date:
    """A weekday of the course (the academy demo rests every 7th day)."""
    d = course.start_date + timedelta(days=day_index)
    return min(d, course.end_date)


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    philips = Organisation.objects.filter(name_en="Philips Lighting").first()
    ge = Organisation.objects.filter(name_en="GE").first()
    courses = list(Course.objects.filter(title_en__in=_COURSE_TITLES).order_by("start_date"))
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if philips is None or ge is None or staff is None or len(courses) < 2:
        if stdout:
            stdout.write("outreach: the core and academy demo data are needed first; nothing added\n")
        return
    if Partner.objects.filter(organisation=philips).exists():
        if stdout:
            stdout.write("outreach: demo data already loaded\n")
        return
    rnd = random.Random(2014)
    today = timezone.localdate()

    # --- evaluations (answers feed the lecturer, module, course and academy results)
    n_eval = n_answers = 0
    for course in courses:
        e, a = _evaluations(staff, course, rnd)
        n_eval, n_answers = n_eval + e, n_answers + a
    services.evaluation_link_create(actor=staff, course=courses[-1])  # the online link / QR code of the latest

    # --- partners
    hosts = {
        philips: _contact(
            philips,
            "de Vries",
            "Anna",
            "德弗里斯",
            "安娜",
            "Director, Government Relations China",
            "中国区政府关系总监",
        ),
        ge: _contact(
            ge, "Chen", "Wei", "陈", "伟", "Head of Power Solutions, Greater China", "大中华区电力解决方案负责人"
        ),
    }
    topics = {t.slug: t for t in Topic.objects.all()}
    p_philips = services.partner_create(
        actor=staff,
        organisation=philips,
        contacts=[hosts[philips]],
        topics=[t for s, t in topics.items() if s in ("green-buildings", "eco-cities")],
        technologies_en="LED street lighting, smart lighting controls",
        technologies_zh_hans="LED路灯, 智能照明控制",
        notes_en="Hosts a dinner for each Low-carbon Cities class.",
        notes_zh_hans="每期低碳城市班举办一次晚宴。",
    )
    p_ge = services.partner_create(
        actor=staff,
        organisation=ge,
        contacts=[hosts[ge]],
        topics=[t for s, t in topics.items() if s in ("clean-energy", "energy-master-planning")],
        technologies_en="gas turbines, grid software, wind turbines",
        technologies_zh_hans="燃气轮机, 电网软件, 风力发电机组",
    )
    services.agreement_add(
        actor=staff,
        partner=p_philips,
        title_en="Memorandum of understanding 2023–2025",
        title_zh_hans="2023–2025年合作谅解备忘录",
        scope_en="One dinner and one lighting workshop per course; speakers for the forum.",
        scope_zh_hans="每期课程举办一次晚宴和一次照明研讨会；为论坛推荐演讲嘉宾。",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    services.agreement_add(
        actor=staff,
        partner=p_ge,
        title_en="Site visit agreement",
        title_zh_hans="实地考察协议",
        scope_en="A visit of the Shenyang service centre during courses held in the north-east.",
        scope_zh_hans="在东北地区举办的课程期间参观沈阳服务中心。",
        starts_on=date(2022, 6, 1),
    )
    services.contribution_add(
        actor=staff,
        partner=p_philips,
        kind="money",
        description_en="Sponsorship of the China Energy Forum",
        description_zh_hans="赞助中国能源论坛",
        amount="150000.00",
        currency="CNY",
        received_on=date(2024, 9, 1),
    )
    services.contribution_add(
        actor=staff,
        partner=p_ge,
        kind="in_kind",
        description_en="Bus, lunch and guides for the site visit",
        description_zh_hans="实地考察的大巴、午餐和讲解员",
        amount="3200.00",
        currency="USD",
        received_on=date(2023, 4, 20),
    )

    # --- engagements: the dinner and the visit of past courses are recorded with the partner (a completed course's
    # timetable is closed); the workshop proposed for the coming course becomes a session of its timetable
    latest, previous = courses[-1], courses[-2]
    coming = Course.objects.filter(title_en=_COMING_COURSE).first()
    attended = [e.official for e in Enrolment.objects.filter(course=latest).select_related("official")[:14]]
    dinner = services.engagement_create(
        actor=staff,
        partner=p_philips,
        course=latest,
        kind="dinner",
        title_en="Philips dinner: lighting the low-carbon city",
        title_zh_hans="飞利浦晚宴：照亮低碳城市",
        date=_sessions_day(latest, 2),
        start_time=time(18, 30),
        end_time=time(20, 30),
        venue_en="Beijing, hotel restaurant",
        venue_zh_hans="北京，酒店餐厅",
        hosts=[hosts[philips]],
        officials=attended,
        cost="8600.00",
        cost_currency="CNY",
        status="confirmed",
    )
    dinner = services.engagement_transition(
        actor=staff,
        engagement=dinner,
        expected_version=dinner.version,
        status="held",
        outcomes_en="Three mayors asked for street-lighting retrofit figures.",
        outcomes_zh_hans="三位市长索要了路灯改造的数据。",
    )
    services.engagement_followup(
        actor=staff,
        engagement=dinner,
        subject="Send LED retrofit case studies to the three mayors",
        due_date=today + timedelta(days=5),
        assignee=staff,
    )
    visit_officials = [e.official for e in Enrolment.objects.filter(course=previous).select_related("official")[:20]]
    visit = services.engagement_create(
        actor=staff,
        partner=p_ge,
        course=previous,
        kind="site_visit",
        title_en="GE service centre visit",
        title_zh_hans="参观通用电气服务中心",
        date=_sessions_day(previous, 3),
        start_time=time(19),
        end_time=time(21),
        venue_en="Service centre",
        venue_zh_hans="服务中心",
        hosts=[hosts[ge]],
        officials=visit_officials,
        status="confirmed",
    )
    services.engagement_transition(actor=staff, engagement=visit, expected_version=visit.version, status="held")
    services.engagement_create(
        actor=staff,
        partner=p_philips,
        course=coming or latest,
        kind="workshop",
        title_en="Smart lighting controls workshop",
        title_zh_hans="智能照明控制研讨会",
        date=_sessions_day(coming or latest, 9),
        start_time=time(19),
        end_time=time(20, 30),
        status="proposed",
    )

    # --- follow-ups by hand: one overdue, one due soon, one done (a chain)
    first = services.activity_create(
        actor=staff,
        type="call",
        subject="Call the Baoding vice mayor about the heat pump pilot",
        assignee=staff,
        officials=attended[:1],
    )
    services.activity_create(
        actor=staff,
        type="introduction",
        subject="Introduce Baoding to GE's grid software team",
        assignee=staff,
        organisation=ge,
        parent=first,
        due_date=today + timedelta(days=14),
    )
    from .models import Activity

    Activity.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=20))
    Activity.objects.filter(pk=first.pk).update(due_date=today - timedelta(days=3))  # overdue, shown first

    # --- an event with a programme, registrations and attendance
    liu = Person.objects.filter(family_name_en="Liu", given_name_en="Peggy").first()
    hammer = Person.objects.filter(family_name_en="Hammer").first()
    juccce = Organisation.objects.filter(name_en="Joint US-China Collaboration on Clean Energy").first()
    forum = services.event_create(
        actor=staff,
        title_en="China Energy Forum (demo)",
        title_zh_hans="中国能源论坛（演示）",
        starts_on=date(2024, 11, 18),
        ends_on=date(2024, 11, 19),
        venue_en="Conference centre",
        venue_zh_hans="会议中心",
        city_en="Shanghai",
        city_zh_hans="上海",
        capacity=300,
        organisers=[juccce] if juccce else [],
    )
    programme = [
        (0, 9, 10, "Opening: cities lead the energy transition", "开幕：城市引领能源转型", [liu], []),
        (0, 10, 12, "Panel: financing low-carbon cities", "圆桌：低碳城市融资", [hammer], [philips, ge]),
        (0, 14, 16, "Workshop: smart street lighting", "工作坊：智慧路灯", [hosts[philips]], [philips]),
        (1, 9, 11, "Grid flexibility for city leaders", "城市领导者的电网灵活性", [hosts[ge]], [ge]),
        (1, 11, 12, "Closing and thank-yous", "闭幕与致谢", [liu], []),
    ]
    for day, start, end, en, zh, speakers, orgs in programme:
        services.event_session_add(
            actor=staff,
            event=forum,
            date=forum.starts_on + timedelta(days=day),
            start_time=time(start),
            end_time=time(end),
            title_en=en,
            title_zh_hans=zh,
            speakers=[p for p in speakers if p],
            speaker_organisations=orgs,
        )
    people = [o.person for o in attended] + [hosts[philips], hosts[ge]]
    for i, person in enumerate(people):
        reg = services.registration_create(actor=staff, event=forum, person=person)
        if i % 4 != 3:
            services.registration_set_attended(actor=staff, registration=reg, attended=True)

    # --- the public record
    for en, zh, outlet, on in (
        (
            "Mayors study low-carbon city planning",
            "市长们学习低碳城市规划",
            "City Energy Review (demo)",
            date(2024, 10, 30),
        ),
        (
            "A forum on financing clean energy in cities",
            "城市清洁能源融资论坛",
            "Urban Times (demo)",
            date(2024, 11, 20),
        ),
    ):
        services.press_create(
            actor=staff, title_en=en, title_zh_hans=zh, outlet=outlet, published_on=on, url="https://example.org/"
        )
    services.supporter_create(
        actor=staff,
        organisation=philips,
        thanks_en="Thank you for sponsoring the China Energy Forum.",
        thanks_zh_hans="感谢您赞助中国能源论坛。",
        since=date(2023, 1, 1),
    )
    services.supporter_create(
        actor=staff,
        organisation=ge,
        thanks_en="Thank you for opening your service centre to our classes.",
        thanks_zh_hans="感谢您向我们的学员开放服务中心。",
        since=date(2022, 6, 1),
    )
    quotes = [
        (
            "The site visits showed us what our city can do in five years.",
            "实地考察让我们看到了城市五年内能做到的事情。",
        ),
        ("I came back with three projects for our next five-year plan.", "我带回了三个可以写进下一个五年规划的项目。"),
    ]
    for official, (en, zh) in zip(attended[1:3], quotes, strict=False):
        services.testimonial_create(
            actor=staff,
            person=official.person,
            quote_en=en,
            quote_zh_hans=zh,
            consent=True,
            consent_on=date(2024, 11, 1),
            published=True,
        )
    services.testimonial_create(  # not published: no consent yet (only staff see it)
        actor=staff,
        person=attended[3].person,
        quote_en="Very practical.",
        quote_zh_hans="非常实用。",
    )

    # --- a partner's sign-in: sees Philips' engagements with aggregated attendance, never officials' names
    partner_user = _user(PARTNER_EMAIL)
    RoleMembership.objects.get_or_create(user=partner_user, role=Role.PARTNER, organisation=philips)

    transaction.on_commit(services.public_impact_refresh)
    if stdout:
        stdout.write(
            f"outreach: {n_eval} evaluations ({n_answers} answers), 2 partners, 3 engagements, 1 event, "
            f"press, supporters and testimonials; partner sign-in {PARTNER_EMAIL}\n"
        )


_COMING_COURSE = "Climate Action Planning for City Leaders"  # the academy demo's open course
_COURSE_TITLES = [
    "Energy Smart Cities 2019",
    "Sustainable Urbanisation 2021",
    "Green Growth for City Leaders 2023",
    "Low-carbon Cities 2024",
]
