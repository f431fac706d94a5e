"""Chinese lists sort names by pinyin (core.pinyin), as Chinese users expect: 李, 王, 张, not the code-point order of
the CJK block (张, 李, 王). Hand-worked keys, the registry's Chinese cities against their romanisations, the key kept
on every write path, and the people, organisations and cities lists in both languages."""

from __future__ import annotations

import re

import pytest

from citybridge.core import pinyin
from citybridge.core.models import Organisation, Person


@pytest.mark.parametrize(
    ("text", "surname", "key"),
    [
        ("张伟", False, "zhang1wei3"),
        ("单", True, "shan4"),  # the surname Shàn; dān as a word
        ("单", False, "dan1"),
        ("曾", True, "zeng1"),
        ("尉迟恭", True, "yu4chi2gong1"),  # a compound surname, read as one
        ("重庆市", False, "chong2qing4shi4"),  # a place read as its romanisation, zhòng as a word
        ("厦门大学", False, "xia4men2da4xue2"),
        ("阿什兰", False, "a1shi2lan2"),  # 什 in names and transliterations is shí
        ("Ürümqi", False, "urumqi"),  # Latin: lower case, no accents
        ("Anna de Vries", False, "annadevries"),  # no spaces or punctuation: every collation compares them alike
        ("ＡＢＣ 公司", False, "abcgong1si1"),  # full-width letters are letters
        ("", False, ""),
    ],
)
def test_hand_worked_keys(text, surname, key):
    assert pinyin.sort_key(text, surname=surname) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("中国银行", "zhong1guo2yin2hang2"),  # 行 is xíng as a word of its own, háng in 银行
        ("中国银行行长", "zhong1guo2yin2hang2hang2zhang3"),
        ("城市更新", "cheng2shi4geng1xin1"),  # 更 gèng ("more") is gēng in 更新
        ("气候适应", "qi4hou4shi4ying4"),
        ("长期规划", "chang2qi1gui1hua4"),  # 长 zhǎng is cháng in 长期
        ("市长期望", "shi4zhang3qi1wang4"),  # 市长 + 期望, not 市 + 长期
        ("进行业务", "jin4xing2ye4wu4"),  # 进行 + 业务, not 进 + 行业
        ("社会计划", "she4hui4ji4hua4"),  # 社会 + 计划, not 社 + 会计
        ("会计师事务所", "kuai4ji4shi1shi4wu4suo3"),
        ("给水排水", "ji3shui3pai2shui3"),
        ("首都", "shou3du1"),
        ("西藏", "xi1zang4"),
        ("长滩", "chang2tan1"),  # Long Beach
    ],
)
def test_words_read_as_words(text, key):
    assert pinyin.sort_key(text) == key


def test_words_put_chinese_lists_in_dictionary_order():
    """银行 yínháng before 银联 yínlián; 西宁 before 西藏 (xīzàng, not xīcáng); 长滩 (cháng) among the c's."""
    assert sorted(["中国银联", "中国银行"], key=pinyin.sort_key) == ["中国银行", "中国银联"]
    assert sorted(["西藏", "西宁", "西安"], key=pinyin.sort_key) == ["西安", "西宁", "西藏"]
    assert sorted(["张家口", "长滩", "成都"], key=pinyin.sort_key) == ["长滩", "成都", "张家口"]
    assert set(pinyin.WORDS).isdisjoint(pinyin.PLACES)
    assert all(re.fullmatch(r"([a-z]+[1-5])+", reading) for reading in {**pinyin.WORDS, **pinyin.PLACES}.values())
    assert all(len(word) == len(re.findall(r"[1-5]", reading)) for word, reading in pinyin.WORDS.items())


def test_dictionary_order_and_prefixes():
    """A tone number ends each syllable: 西安 xī'ān before 夏 xià (as a dictionary has it), a name before the
    longer names it begins, and a name in Latin letters among the Chinese ones by its letters."""
    names = ["张伟明", "夏", "Smith", "张伟", "西安", "李娜", "王芳", "单田芳"]
    ordered = sorted(names, key=lambda n: pinyin.sort_key(n, surname=True))
    assert ordered == ["李娜", "单田芳", "Smith", "王芳", "西安", "夏", "张伟", "张伟明"]


def test_a_person_key_reads_the_family_name_as_a_surname_and_falls_back_to_latin():
    assert pinyin.name_sort_key("曾", "国藩", "Zeng", "Guofan") == "zeng1guo2fan1"
    assert pinyin.name_sort_key("", "", "Smith", "Anna") == "smithanna"
    assert pinyin.name_sort_key("海默", "史蒂夫", "Heimer", "Steve") == "hai3mo4shi3di4fu1"  # by family name
    assert len(pinyin.name_sort_key("张" * 100, "伟" * 100, "", "")) == 255  # the column's length


# English names of the registry's Chinese cities that are not Hanyu Pinyin (Tibetan, Uyghur and Mongolian names;
# GeoNames' names of a district or a town for the city), checked by hand against the Chinese name's reading
NOT_PINYIN = {
    "Shigatse", "Chamdo", "Nagqu", "Lhasa", "Kashgar", "Gujangbagh", "Nyingchi", "Artux", "Ürümqi", "Turpan",
    "Korla", "Karamay", "Ghulja", "Jinshanlu", "Aqsu", "Yulinshi", "Heshan", "Bayan Hot", "Ulanhot", "Qiqihar",
    "Longshan", "Hohhot", "Harbin", "Xilinhot", "Ulanqab", "Ordos", "Wenshan City", "Bayan Nur", "Hulunbuir",
}  # fmt: skip


def test_every_chinese_city_of_the_registry_reads_as_its_romanisation():
    """The key of each Chinese city's name, without its tones, is its Hanyu Pinyin name: 重庆 chongqing (not
    zhongqing), 长沙 changsha, 厦门 xiamen, 成都 chengdu, 蚌埠 bengbu, 六安 lu'an … A place name read by its
    characters' first readings is the error this guards against."""
    from citybridge.cities import sources

    geo = [g for g in sources.read_geonames() if g.country == "CN" and g.name_zh]
    assert len(geo) > 300
    wrong = []
    for g in geo:
        read = re.sub(r"\d", "", pinyin.sort_key(g.name_zh)).replace("v", "u")
        if g.name_en not in NOT_PINYIN and read != re.sub(r"[^a-z]", "", pinyin.sort_key(g.name_en)):
            wrong.append((g.name_zh, g.name_en, read))
    assert wrong == []
    assert {g.name_en for g in geo} >= NOT_PINYIN  # every exception is one of the registry's names


# --------------------------------------------------------------------------- the key on every write path


@pytest.mark.django_db
def test_the_key_follows_every_orm_write():
    org = Organisation.objects.create(name="Chongqing University", name_en="Chongqing University",
                                      name_zh_hans="重庆大学", type="university", country="CN")  # fmt: skip
    assert org.pinyin_name == "chong2qing4da4xue2"
    org.name_zh_hans = "厦门大学"
    org.save(update_fields=["name_zh_hans"])
    org.refresh_from_db()
    assert org.pinyin_name == "xia4men2da4xue2"
    Organisation.objects.filter(pk=org.pk).update(name_zh_hans=None)  # falls back to the English name
    assert Organisation.objects.get(pk=org.pk).pinyin_name == "chongqinguniversity"

    made = Person.objects.bulk_create(
        [Person(family_name_en="Shan", family_name_zh_hans="单", given_name_zh_hans="田芳")]
    )
    assert Person.objects.get(pk=made[0].pk).pinyin_name == "shan4tian2fang1"
    p = Person.objects.get(pk=made[0].pk)
    p.family_name_zh_hans = "曾"
    Person.objects.bulk_update([p], ["family_name_zh_hans"])
    assert Person.objects.get(pk=p.pk).pinyin_name == "zeng1tian2fang1"


# --------------------------------------------------------------------------- the lists


def _ids(client, path: str) -> list[int]:
    response = client.get(path)
    assert response.status_code == 200
    return [row.id for row in response.context["page_obj"].object_list]


@pytest.mark.django_db
def test_people_list_in_chinese_sorts_by_pinyin(staff, client_for):
    made = {
        key: Person.objects.create(family_name=en, family_name_en=en, given_name_en=g, family_name_zh_hans=fz,
                                   given_name_zh_hans=gz)
        for key, (en, g, fz, gz) in {
            "zhang": ("Zhang", "Wei", "张", "伟"), "li": ("Li", "Na", "李", "娜"), "wang": ("Wang", "Fang", "王", "芳"),
            "shan": ("Shan", "Tianfang", "单", "田芳"), "zeng": ("Zeng", "Qiang", "曾", "强"), "smith": ("Smith", "Anna", None, None),
        }.items()
    }  # fmt: skip
    ids = {k: p.pk for k, p in made.items()}
    mine = set(ids.values())
    zh, en = client_for(staff, "zh-hans"), client_for(staff, "en")
    pinyin_order = [ids[k] for k in ("li", "shan", "smith", "wang", "zeng", "zhang")]
    assert [i for i in _ids(zh, "/people/?sort=name") if i in mine] == pinyin_order
    assert [i for i in _ids(zh, "/people/?sort=-name") if i in mine] == pinyin_order[::-1]
    # English keeps the Latin names' order
    english = [ids[k] for k in ("li", "shan", "smith", "wang", "zeng", "zhang")]
    assert [i for i in _ids(en, "/people/?sort=name") if i in mine] == english


@pytest.mark.django_db
def test_organisations_and_cities_in_chinese_sort_by_pinyin(staff, client_for):
    from citybridge.cities.models import City

    names = [("Xiamen University", "厦门大学"), ("Peking University", "北京大学"), ("Chongqing University", "重庆大学"),
             ("Changsha University", "长沙学院"), ("Arup", None)]  # fmt: skip
    orgs = [Organisation.objects.create(name=en, name_en=en, name_zh_hans=zh, type="university", country="CN")
            for en, zh in names]  # fmt: skip
    zh = client_for(staff, "zh-hans")
    mine = {o.pk for o in orgs}
    by_name = {o.name_en: o.pk for o in orgs}
    expected = [by_name[n] for n in ("Arup", "Peking University", "Changsha University", "Chongqing University",
                                     "Xiamen University")]  # fmt: skip
    assert [i for i in _ids(zh, "/organisations/?sort=name") if i in mine] == expected

    cities = [City.objects.create(name=en, name_en=en, name_zh_hans=zh, country="CN")
              for en, zh in (("Xiamen", "厦门"), ("Chongqing", "重庆"), ("Changsha", "长沙"), ("Beijing", "北京"))]  # fmt: skip
    by_city = {c.name_en: c.pk for c in cities}
    mine = set(by_city.values())
    expected = [by_city[n] for n in ("Beijing", "Changsha", "Chongqing", "Xiamen")]
    assert [i for i in _ids(zh, "/cities/?sort=name") if i in mine] == expected


@pytest.mark.django_db
def test_the_migration_reads_every_stale_key_again():
    """core 0012 gives every row the key the words give it (written only where it changes), as save() would."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from citybridge.academy.models import Academy, Course
    from citybridge.cities.models import City

    refill = importlib.import_module("citybridge.core.migrations.0012_pinyin_words").refill
    org = Organisation.objects.create(name="Bank of China", name_en="Bank of China", name_zh_hans="中国银行")
    person = Person.objects.create(family_name_en="Wang", given_name_en="Changjiang", family_name_zh_hans="王",
                                   given_name_zh_hans="长江")  # fmt: skip
    city = City.objects.create(name="Long Beach", name_en="Long Beach", name_zh_hans="长滩", country="US")
    academy = Academy.objects.create(organisation=Organisation.objects.create(name="Academy", type="academy"))
    course = Course.objects.create(academy=academy, title="Urban renewal", title_en="Urban renewal",
                                   title_zh_hans="城市更新", start_date="2026-03-02", end_date="2026-03-06")  # fmt: skip
    stale = [(org, "zhong1guo2yin2xing2"), (person, "wang2zhang3jiang1"), (city, "zhang3tan1"),
             (course, "cheng2shi4geng4xin1")]  # fmt: skip
    with connection.cursor() as cursor:  # as the keys were before the words (raw: save() would key them again)
        for row, key in stale:
            cursor.execute(f"UPDATE {row._meta.db_table} SET pinyin_name = %s WHERE id = %s", [key, row.pk])
    apps = MigrationExecutor(connection).loader.project_state(("core", "0012_pinyin_words")).apps  # as migrate has them
    refill(apps, SimpleNamespace(connection=connection))  # only its connection is used
    for row, _key in stale:
        row.refresh_from_db()
        assert row.pinyin_name == row.pinyin_key() != _key
    assert [org.pinyin_name, person.pinyin_name, city.pinyin_name, course.pinyin_name] == [
        "zhong1guo2yin2hang2", "wang2chang2jiang1", "chang2tan1", "cheng2shi4geng1xin1"
    ]  # fmt: skip
