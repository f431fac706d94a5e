"""Lecture materials: the plain-Python engines of issue #13 (no Django import here; the app comes later).

- ``materials.deck``: PPTX segments out, translations back in (``extract``, ``write_translation``), bounded input.
- ``materials.tm``: translation memory, exact and fuzzy matches for English and Chinese.
- ``materials.glossary``: bilingual climate and urban terms, CSV and TBX in and out, term lookup.
- ``materials.qa``: checks on a translated segment (glossary terms, numbers, tags, untranslated, empty).
"""
