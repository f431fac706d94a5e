"""Every UI string has a Chinese translation: each app's catalogue is complete and up to date with its source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "citybridge"
APPS = sorted(p.parent.name for p in SRC.glob("*/locale"))
ROOT = SRC.parent.parent


def _untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete_and_current(app, tmp_path):
    committed = SRC / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert committed.exists(), f"{app} has no zh_Hans catalogue: run `make messages`"
    assert not _untranslated(polib.pofile(str(committed))), f"untranslated in {committed}"

    # Extract the strings the source uses now, merged with the committed catalogue, in a copy of the app.
    copy = tmp_path / app
    shutil.copytree(SRC / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "zh_Hans", "--no-obsolete", "--verbosity", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = _untranslated(fresh)
    assert not missing, f"{app}: strings without a Chinese translation (run `make messages`, then translate): {missing}"


def test_a_page_is_served_in_chinese(client_for, staff):
    response = client_for(staff, language="zh-hans").get("/organisations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "机构" in html and 'lang="zh-Hans"' in html


@pytest.mark.parametrize("app", APPS)
def test_our_chinese_is_what_the_user_sees(app):
    """Django merges every installed app's catalogue and the first app in INSTALLED_APPS that translates a message
    wins: contrib.sessions once turned our "Sessions" (a course's classes, 课次) into 会话 (a browser session),
    and other libraries our 创建时间 into 已创建 and 首页 into 主页. Each of our messages reads at run time as our
    catalogue translates it."""
    from django.utils import translation

    po = polib.pofile(str(SRC / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    shadowed = []
    with translation.override("zh-hans"):
        for e in po:
            if e.obsolete or e.msgid_plural or not e.msgstr:
                continue
            got = translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
            if got != e.msgstr:
                shadowed.append(f"{e.msgid!r}: {got} (ours: {e.msgstr})")
    assert not shadowed, shadowed
