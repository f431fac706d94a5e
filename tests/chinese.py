"""One test for "this text is in Chinese": it holds at least one CJK ideograph (U+4E00–U+9FFF, the unified block
every translated message draws on)."""

from collections.abc import Iterable


def has_chinese(*texts: str | Iterable[str]) -> bool:
    """True when any of the texts (strings, or iterables of strings such as a field's messages) has a Chinese
    character."""
    for text in texts:
        parts = [text] if isinstance(text, str) else list(text)
        if any("\u4e00" <= ch <= "\u9fff" for part in parts for ch in str(part)):
            return True
    return False
