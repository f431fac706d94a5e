"""Django's own messages in the project's words.

Django ships a zh_Hans catalogue and the project uses it (LANGUAGES has "zh-hans"). A few of its messages use other
words than docs/glossary.md (Django says “Email 地址”, the project 电子邮箱). Listed here, they are extracted into
core's catalogue, whose translation takes precedence over Django's own catalogue at run time. (A contrib app listed
before core in INSTALLED_APPS, such as django.contrib.auth, still wins for its own messages: give such a form field
our own label instead, as core/forms.py does for the password-reset e-mail.) A message Django's catalogue does not
translate at all (the password-length error in Django 5.2) is translated here the same way, and so are the labels
of the libraries' models that the admin shows (django-axes and django-tasks-db ship no Chinese)."""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

DJANGO_MESSAGES = (
    gettext_noop("Enter a valid email address."),
    ngettext_lazy(  # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
    ),
)

#: the admin's labels of django-axes' models (axes/models.py) and django-tasks-db's (django_tasks_db/models.py,
#: django_tasks/base.py TaskResultStatus)
LIBRARY_LABELS = (
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
