"""Demo data for the foundation: the real organisations named in the program texts (shared/seeds/).

Chinese names are given only where they are certain (several appear in the seeds themselves); otherwise empty.
Idempotent: run it again and it updates the same rows. Organisations and people go through the core services;
the demo accounts are made directly (the first program-staff account is the actor of everything else).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from . import services
from .models import Organisation, Person, Role, RoleMembership, User

if TYPE_CHECKING:
    from typing import TextIO

# data tables: one record a line reads better than one field a line
# fmt: off
# key, name_en, name_zh, short_en, short_zh, type, country, province_en, province_zh, city_en, city_zh, website, parent
ORGANISATIONS = [
    ("juccce", "Joint US-China Collaboration on Clean Energy", "聚思", "JUCCCE", "聚思", "ngo", "CN",
     "Shanghai", "上海", "Shanghai", "上海", "https://www.juccce.org", None),
    ("mohurd", "Ministry of Housing and Urban-Rural Development", "中华人民共和国住房和城乡建设部", "MOHURD", "住建部",
     "ministry", "CN", "Beijing", "北京", "Beijing", "北京", "", None),
    ("namc", "National Academy for Mayors of China", "全国市长研修学院", "NAMC", "", "academy", "CN",
     "Beijing", "北京", "Beijing", "北京", "", "mohurd"),
    ("cod", "Central Organization Department", "中共中央组织部", "", "中组部", "ministry", "CN",
     "Beijing", "北京", "Beijing", "北京", "", None),
    ("celap", "China Executive Leadership Academy Pudong", "中国浦东干部学院", "CELAP", "", "academy", "CN",
     "Shanghai", "上海", "Shanghai", "上海", "", None),
    ("cag", "Chinese Academy of Governance", "国家行政学院", "", "", "academy", "CN",
     "Beijing", "北京", "Beijing", "北京", "", None),
    ("ndrc", "National Development and Reform Commission", "国家发展和改革委员会", "NDRC", "国家发改委", "ministry", "CN",
     "Beijing", "北京", "Beijing", "北京", "", None),
    ("doe", "US Department of Energy", "美国能源部", "DOE", "", "ministry", "US", "", "", "Washington, DC", "华盛顿",
     "https://www.energy.gov", None),
    ("epa", "US Environmental Protection Agency", "美国国家环境保护局", "EPA", "", "ministry", "US", "", "",
     "Washington, DC", "华盛顿", "https://www.epa.gov", None),
    ("worldbank", "World Bank", "世界银行", "", "", "international", "ZZ", "", "", "Washington, DC", "华盛顿",
     "https://www.worldbank.org", None),
    ("lbnl", "Lawrence Berkeley National Laboratory", "劳伦斯伯克利国家实验室", "Berkeley Lab", "", "research_lab", "US",
     "California", "加利福尼亚州", "Berkeley", "伯克利", "https://www.lbl.gov", "doe"),
    ("iclei", "ICLEI – Local Governments for Sustainability", "宜可城－地方可持续发展协会", "ICLEI", "宜可城", "international", "ZZ", "", "", "", "",
     "https://iclei.org", None),
    ("efchina", "Energy Foundation China", "能源基金会", "", "", "ngo", "CN", "Beijing", "北京", "Beijing", "北京",
     "https://www.efchina.org", None),
    ("asiasociety", "Asia Society", "亚洲协会", "", "", "ngo", "US", "New York", "纽约州", "New York", "纽约", "", None),
    ("bayarea", "Bay Area Council", "湾区委员会", "", "", "ngo", "US", "California", "加利福尼亚州", "San Francisco", "旧金山", "",
     None),
    ("cacoti", "California-China Office of Trade and Investment", "加州中国贸易与投资办公室", "", "", "ministry", "US", "California",
     "加利福尼亚州", "", "", "", None),
    ("mckinsey", "McKinsey & Company", "麦肯锡公司", "McKinsey", "麦肯锡", "company", "US", "", "", "", "", "", None),
    ("philips", "Philips Lighting", "飞利浦照明", "", "", "company", "NL", "", "", "", "", "", None),
    ("covanta", "Covanta", "卡万塔", "", "", "company", "US", "", "", "", "", "", None),
    ("arup", "Arup", "奥雅纳", "", "", "company", "GB", "", "", "London", "伦敦", "", None),
    ("ase", "Alliance to Save Energy", "美国节能联盟", "", "", "ngo", "US", "", "", "Washington, DC", "华盛顿", "", None),
    ("wwf", "WWF", "世界自然基金会", "", "", "ngo", "ZZ", "", "", "", "", "", None),
    ("bsr", "BSR", "商务社会责任国际协会", "", "", "ngo", "US", "", "", "", "", "", None),
    ("shuion", "Shui On Land", "瑞安房地产", "", "", "company", "CN", "Shanghai", "上海", "Shanghai", "上海", "", None),
    ("owenscorning", "Owens Corning", "欧文斯科宁", "", "", "company", "US", "", "", "", "", "", None),
    ("ge", "GE", "通用电气", "", "", "company", "US", "", "", "", "", "", None),
    ("columbia", "Columbia University", "哥伦比亚大学", "", "", "university", "US", "New York", "纽约州", "New York",
     "纽约", "", None),
    ("tongji", "Tongji University", "同济大学", "", "", "university", "CN", "Shanghai", "上海", "Shanghai", "上海", "",
     None),
    ("nyc", "City of New York", "纽约市政府", "NYC", "", "city_government", "US", "New York", "纽约州", "New York",
     "纽约", "", None),
    ("seoul", "Seoul Metropolitan Government", "首尔特别市政府", "", "", "city_government", "KR", "", "", "Seoul", "首尔", "",
     None),
    ("gla", "Greater London Authority", "大伦敦政府", "", "", "city_government", "GB", "", "", "London", "伦敦", "", None),
    ("chinadaily", "China Daily", "中国日报", "", "", "media", "CN", "Beijing", "北京", "Beijing", "北京", "", None),
    ("chinadialogue", "China Dialogue", "中外对话", "", "", "media", "ZZ", "", "", "", "", "", None),
    ("cbn", "China Business News", "第一财经", "", "", "media", "CN", "Shanghai", "上海", "Shanghai", "上海", "", None),
]

# key, family_en, given_en, family_zh, given_zh, title_en, title_zh, organisation key
PEOPLE = [
    ("liu", "Liu", "Peggy", "刘", "佩琪", "Founder and Chair", "创始人、主席", "juccce"),
    ("hammer", "Hammer", "Steve", "海默", "史蒂夫", "Professor; director of the mayoral training program",
     "教授，市长培训项目负责人", "columbia"),
    # the demo's program-staff sign-in belongs to this person, so history lines say who did what by name
    ("officer", "Chen", "Lin", "陈", "琳", "Program officer (demo)", "项目官员（演示）", "juccce"),
    # and the academy coordinator's to this one
    ("coordinator", "Zhao", "Min", "赵", "敏", "Training coordinator (demo)", "培训协调员（演示）", "namc"),
]

DEMO_PASSWORD = "citybridge-demo-2026"
DEMO_USERS = [
    ("staff@citybridge.local", Role.PROGRAM_STAFF, None, "Program staff"),
    ("namc@citybridge.local", Role.ACADEMY_COORDINATOR, "namc", "Academy coordinator (NAMC)"),
]
# fmt: on


# the tables' columns between the key and the last (parent, organisation key): the services' first fields, in order
ORGANISATION_COLUMNS = services.ORGANISATION_FIELDS[: services.ORGANISATION_FIELDS.index("website") + 1]
PERSON_COLUMNS = services.PERSON_FIELDS[: services.PERSON_FIELDS.index("title_zh_hans") + 1]


def _write(staff: User, found: Organisation | Person | None, entity: str, fields: dict) -> Organisation | Person:
    """Create through the `<entity>_create` service, or update what an earlier run made (from its version)."""
    if found is None:
        return getattr(services, f"{entity}_create")(actor=staff, **fields)
    update = getattr(services, f"{entity}_update")
    return update(actor=staff, **{entity: found}, expected_version=found.version, **fields)


def _staff(email: str) -> User:
    """The first program-staff account: the bootstrap every later write names as its actor (no service can create
    the first actor, so this one account is made directly, like `createsuperuser`)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, is_staff=True, is_superuser=True)
    RoleMembership.objects.get_or_create(user=user, role=Role.PROGRAM_STAFF, organisation=None)
    return user


@transaction.atomic
def load(stdout: TextIO | None = None) -> dict[str, Organisation]:
    """Organisations and people through the core services (their validation and history), in the name of the
    program-staff demo account; found by name and updated when run again."""
    staff = _staff(DEMO_USERS[0][0])
    orgs: dict[str, Organisation] = {}
    people: dict[str, Person] = {}
    for key, *values, parent in ORGANISATIONS:
        fields = dict(zip(ORGANISATION_COLUMNS, values, strict=True), parent=orgs.get(parent) if parent else None)
        found = Organisation.objects.filter(name_en=fields["name_en"], country=fields["country"]).first()
        orgs[key] = _write(staff, found, "organisation", fields)
    for _key, *values, org_key in PEOPLE:
        fields = dict(zip(PERSON_COLUMNS, values, strict=True), organisation=orgs[org_key])
        found = Person.objects.filter(
            family_name_en=fields["family_name_en"], given_name_en=fields["given_name_en"], organisation=orgs[org_key]
        ).first()
        people[_key] = person = _write(staff, found, "person", fields)
        if _key == "officer" and staff.person_id is None:
            staff.person = person
            staff.save(update_fields=["person"])
    for email, role, org_key, _label in DEMO_USERS[1:]:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD)
        if role == Role.ACADEMY_COORDINATOR and user.person_id is None:  # history lines name them too
            user.person = people["coordinator"]
            user.save(update_fields=["person"])
        RoleMembership.objects.get_or_create(user=user, role=role, organisation=orgs.get(org_key) if org_key else None)
    if stdout:
        stdout.write(f"core: {len(orgs)} organisations, {len(PEOPLE)} people, {len(DEMO_USERS)} demo users")
    return orgs


def sign_ins() -> list[tuple[str, str]]:
    """(label, e-mail) of every demo account, all with DEMO_PASSWORD: DEMO_USERS first, then each account the
    apps' demos made (a lecturer, a city coordinator, a partner …) labelled by its roles and their scopes, so
    whoever tries the demo can act as each role without asking staff to make accounts first."""
    from django.db.models import Prefetch

    listed = {email for email, *_rest in DEMO_USERS}
    lines = [(label, email) for email, _role, _org, label in DEMO_USERS]
    others = (
        User.objects.filter(email__endswith="@citybridge.local", is_active=True)
        .exclude(email__in=listed)
        .prefetch_related(
            Prefetch("role_memberships", RoleMembership.objects.select_related("organisation", "city").order_by("role"))
        )
        .order_by("email")
    )
    for user in others:
        roles = [
            f"{Role(m.role).label} ({scope.display_name('en')})"
            if (scope := m.organisation or m.city)
            else str(Role(m.role).label)
            for m in user.role_memberships.all()
        ]
        if roles:
            lines.append(("; ".join(roles), user.email))
    return lines
