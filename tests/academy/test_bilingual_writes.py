"""Saving in the Chinese interface keeps both languages' text: the per-language columns are written as given.

(With django-modeltranslation, assigning the untranslated attribute — `topic.name = …` — writes the *active*
language's column, so an English fallback assigned there overwrote the Chinese text.)"""

import pytest
from django.utils import translation

from citybridge.academy import services
from citybridge.academy.services import officials


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_topic_keeps_both_names_in_either_interface_language(staff, language):
    with translation.override(language):
        topic = services.topic_save(
            actor=staff, slug=f"clean-energy-{language}", name_en="Clean energy", name_zh_hans="清洁能源"
        )
    topic.refresh_from_db()
    assert (topic.name_en, topic.name_zh_hans) == ("Clean energy", "清洁能源")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_module_keeps_both_titles_in_either_interface_language(staff, language):
    with translation.override(language):
        module = services.module_save(
            actor=staff, title_en="Energy master planning", title_zh_hans="能源总体规划", days=3
        )
    module.refresh_from_db()
    assert (module.title_en, module.title_zh_hans) == ("Energy master planning", "能源总体规划")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("name,province,en,zh", [("Taiyuan", "Shanxi", "Taiyuan", ""), ("太原", "山西", "", "太原")])
def test_new_jurisdiction_lands_in_the_column_of_its_script(db, language, name, province, en, zh):
    with translation.override(language):
        j = officials._jurisdiction_get_or_create(name=name, province=province)
    j.refresh_from_db()
    assert (j.name_en or "", j.name_zh_hans or "") == (en, zh)
