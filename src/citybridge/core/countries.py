"""Countries CityBridge works with, ISO 3166-1 alpha-2, with bilingual names (extend as programs grow)."""

from django.utils.translation import gettext_lazy as _

COUNTRIES = [
    ("CN", _("China")),
    ("US", _("United States")),
    ("GB", _("United Kingdom")),
    ("KR", _("South Korea")),
    ("JP", _("Japan")),
    ("SG", _("Singapore")),
    ("DE", _("Germany")),
    ("FR", _("France")),
    ("NL", _("Netherlands")),
    ("DK", _("Denmark")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
    ("CA", _("Canada")),
    ("AU", _("Australia")),
    ("IN", _("India")),
    ("BR", _("Brazil")),
    ("ZZ", _("International")),
]
