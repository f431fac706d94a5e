"""A multi-select's posted keys are checked before any query (core.forms.ModelMultipleChoiceField): Django looks
them up with `pk__in`, and a key above 2**63 overflowed the database's integer, a 500 on every form with one (found
by a hostile-input walk: course modules, lecturers' topics, follow-up officials, partner contacts, engagement hosts,
event speakers, the cohort selection's must-include cities)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from citybridge.core.forms import ModelMultipleChoiceField

from ._forms import project_forms


def test_every_multi_select_checks_its_keys():
    classes = project_forms()
    assert len(classes) > 40
    multi = [
        (cls, name, field)
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.ModelMultipleChoiceField)
    ]
    assert len(multi) >= 8  # the walk found them
    assert [
        f"{c.__module__}.{c.__name__}.{n}" for c, n, f in multi if not isinstance(f, ModelMultipleChoiceField)
    ] == []


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["99999999999999999999", str(2**63), "-1", "1.5", "²", "abc"])
def test_an_absurd_key_is_an_invalid_choice_in_the_users_language(staff, key):
    from citybridge.core.models import Person

    field = ModelMultipleChoiceField(queryset=Person.objects.all())
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            field.clean([str(staff.person_id or 1), key])
        assert exc.value.code == "invalid_pk_value"
        assert exc.value.messages == [f"“{key}”不是一个有效的值"]  # Django's own Chinese


@pytest.mark.django_db
def test_existing_keys_still_choose(staff):
    from citybridge.core.models import Organisation

    org = Organisation.objects.create(name="A", name_en="A", type="company", country="CN")
    field = ModelMultipleChoiceField(queryset=Organisation.objects.all())
    assert list(field.clean([str(org.pk)])) == [org]
