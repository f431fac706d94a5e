from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import provinces
from .auth import account_attempt_allowed, account_failure, account_success, is_known_device, normalise_email
from .concurrency import VersionedForm
from .converters import whole_number
from .models import Organisation, Person
from .services import PERSON_FIELDS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.tokens import PasswordResetTokenGenerator
    from django.db.models import Model
    from django.http import HttpRequest

    from .models import User


#: the widgets of every date and time field: the browser's picker, given ISO values in every language (with the
#: Chinese input formats a date would be written 2024/10/16, which a date input cannot read: it showed empty)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but a key that is not a whole number of at most 18 digits (core.converters.MAX_ID) is an invalid
    choice before any query: Django looks the posted keys up with `pk__in`, and one above 2**63 overflowed the
    database's integer (a 500 on every form with a multi-select). Every multi-select of the project is one of
    these (tests/core/test_form_keys.py)."""

    def _check_values(self, value: Any) -> Any:  # noqa: ANN401 - Django's signature
        if (self.to_field_name or "pk") == "pk" and isinstance(value, (list, tuple)):
            for key in value:
                if whole_number(str(key)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super()._check_values(value)


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by e-mail. The e-mail is normalised (stripped, lower-cased) before django-axes or the per-account
    cool-off sees it, so changing its letter case gives a guesser no fresh attempts."""

    username = forms.EmailField(label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many attempts for this account. Sign-in is paused for up to a minute: please wait "
            "and try again, or reset your password."
        ),
    }

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        if self.request is not None and not AxesProxyHandler.is_allowed(self.request, {"username": email}):
            return super().clean()  # the address is locked: django-axes refuses, and no account gate is spent
        if not is_known_device(self.request, email) and not account_attempt_allowed(email):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" and not getattr(self.request, "axes_locked_out", False):
                account_failure(email)
            raise
        account_success(email)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Queues the reset e-mail for the background worker, in the language the user asked in.

    The task gets the user's id, never a token or link (task arguments are stored in clear and shown in the
    admin): it makes the token itself when it sends the e-mail."""

    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def save(
        self,
        domain_override: str | None = None,
        subject_template_name: str | None = None,
        email_template_name: str | None = None,
        use_https: bool = False,
        token_generator: PasswordResetTokenGenerator | None = None,
        from_email: str | None = None,
        request: HttpRequest | None = None,
        html_email_template_name: str | None = None,
        extra_email_context: dict | None = None,
    ) -> None:
        from django.contrib.sites.shortcuts import get_current_site
        from django.utils.translation import get_language

        from .tasks import send_password_reset_email

        domain = domain_override or get_current_site(request).domain
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_email.enqueue(
                user_id=user.pk, domain=domain, use_https=use_https, language=get_language() or "en"
            )


def _bilingual_labels(form: forms.ModelForm, labels: dict[str, str]) -> None:
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label


def _https_urls(field: models.Field, **kwargs) -> forms.Field | None:
    """URLs typed without a scheme get https:// (Django 6's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ProvinceChoiceField(forms.ChoiceField):
    """A select of province codes that also takes a name as typed ("江苏", "Hebei Province"): mapped to its code."""

    def to_python(self, value: object) -> str:
        value = super().to_python(value)
        return provinces.province_code(value) or value if value else value


def province_field(instance: Model | None = None, label: str | None = None) -> forms.ChoiceField:
    """A select of the controlled list (China's provinces, the US states), grouped by country, in the page's
    language. A province written before the list existed and not on it is named in the help text (it is kept)."""
    field = ProvinceChoiceField(
        label=label or _("Province or state"), required=False, choices=[("", "—"), *provinces.grouped_choices()]
    )
    if instance is not None and not instance.province_code:
        legacy = getattr(instance, "province_en", None) or getattr(instance, "province_zh_hans", None) or ""
        if legacy:
            field.help_text = _(
                "Recorded as “%(text)s”, which is not on the list: it is kept until you choose one."
            ) % {"text": legacy}
    return field


class OrganisationForm(VersionedForm, forms.ModelForm):
    """`fields`: the subset this user may change (services.organisation_fields_for); the others are not shown."""

    class Meta:
        model = Organisation
        formfield_callback = _https_urls
        fields = [
            "name_en",
            "name_zh_hans",
            "short_name_en",
            "short_name_zh_hans",
            "type",
            "country",
            "province_code",
            "city_en",
            "city_zh_hans",
            "website",
            "parent",
        ]

    def __init__(self, *args, fields: Iterable[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if "province_code" in self.fields:
            self.fields["province_code"] = province_field(self.instance)
        if fields is not None:
            for name in [n for n in self.fields if n not in fields and n != "version"]:
                del self.fields[name]
        _bilingual_labels(
            self,
            {
                "name_en": _("Name (English)"),
                "name_zh_hans": _("Name (Chinese)"),
                "short_name_en": _("Short name (English)"),
                "short_name_zh_hans": _("Short name (Chinese)"),
                "province_en": _("Province or state (English)"),
                "province_zh_hans": _("Province or state (Chinese)"),
                "city_en": _("City (English)"),
                "city_zh_hans": _("City (Chinese)"),
            },
        )
        if "parent" in self.fields:
            self.fields["parent"].queryset = Organisation.objects.only("id", "name_en", "name_zh_hans")
        if "name_en" in self.fields:
            self.fields["name_en"].required = False

    def validate_unique(self) -> None:
        """Uniqueness (same name and country) is checked by the service, with its own message."""

    def clean(self) -> dict[str, Any]:
        """The service's name rule checked here too, so that it shows with the other fields' errors at once."""
        data = super().clean()
        if (
            "name_en" in self.fields
            and not (data.get("name_en") or data.get("name_zh_hans"))
            and "name_en" not in self.errors
        ):
            self.add_error("name_en", _("Give the name in at least one language."))
        return data


class PersonForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)  # the fields the service accepts
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bilingual_labels(
            self,
            {
                "family_name_en": _("Family name (English)"),
                "given_name_en": _("Given name (English)"),
                "family_name_zh_hans": _("Family name (Chinese)"),
                "given_name_zh_hans": _("Given name (Chinese)"),
                "title_en": _("Title or position (English)"),
                "title_zh_hans": _("Title or position (Chinese)"),
            },
        )
        self.fields["organisation"].queryset = Organisation.objects.only("id", "name_en", "name_zh_hans")
        self.fields["family_name_en"].required = False


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: the names, e-mail, phone and notes of this person are removed everywhere, including "
            "the change history, and cannot be restored."
        ),
        required=True,
    )


class RoleMembershipForm(forms.Form):
    """A role and its scope. The scope is chosen from search results (radio buttons carrying the id), never typed."""

    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, widget=forms.RadioSelect
    )
    city = forms.ModelChoiceField(
        label=pgettext_lazy("place", "City"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        from citybridge.cities.models import City

        from .models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *Role.choices]
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        self.fields["city"].queryset = City.objects.visible_to(user)


class AccountCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
