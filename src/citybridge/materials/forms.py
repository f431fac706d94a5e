from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    file = forms.FileField(label=_("Deck (PPTX; PDF or DOCX as an attachment)"))

    def __init__(self, *args: object, sessions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))


class GlossaryImportForm(forms.Form):
    file = forms.FileField(label=_("Glossary file (CSV UTF-8 or TBX)"))


class XliffImportForm(forms.Form):
    file = forms.FileField(label=_("Translated XLIFF 2.0 file of this deck version"))
