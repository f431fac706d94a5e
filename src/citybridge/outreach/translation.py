"""Per-language columns (django-modeltranslation), then history, so historical rows keep both languages."""
