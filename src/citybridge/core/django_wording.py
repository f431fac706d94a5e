"""Django's own messages in the project's words.

Django ships a zh_Hans catalogue and the project uses it (LANGUAGES has "zh-hans"). A few of its messages use other
words than docs/glossary.md (Django says “Email 地址”, the project 电子邮箱). Listed here, they are extracted into
core's catalogue, whose translation takes precedence over Django's own catalogue at run time. (A contrib app listed
before core in INSTALLED_APPS, such as django.contrib.auth, still wins for its own messages: give such a form field
our own label instead, as core/forms.py does for the password-reset e-mail.) A message Django's catalogue does not
translate at all (the password-length error in Django 5.2) is translated here the same way."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    gettext_noop("Enter a valid email address."),
    ngettext_lazy(  # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
    ),
)
