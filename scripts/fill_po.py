"""Fill a .po catalogue from a Python dict of translations: `fill_po.py CATALOGUE.po TRANSLATIONS.py`.

TRANSLATIONS.py defines ZH = {msgid: msgstr, (msgctxt, msgid): msgstr, (msgid, msgid_plural): [msgstr, ...]}.
Entries already translated are kept; prints what is still missing.
"""

import runpy
import sys

import polib

po = polib.pofile(sys.argv[1])
table = runpy.run_path(sys.argv[2])["ZH"]
missing = []
for entry in po:
    if entry.obsolete:
        continue
    key = (
        (entry.msgid, entry.msgid_plural)
        if entry.msgid_plural
        else ((entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid)
    )
    value = table.get(key)
    if value is None:
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(key)
        continue
    if entry.msgid_plural:
        entry.msgstr_plural = {i: v for i, v in enumerate(value)}
    else:
        entry.msgstr = value
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Language"] = "zh_Hans"
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
for key in missing:
    print("missing:", key)
