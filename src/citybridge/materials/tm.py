"""Translation memory: exact and fuzzy matches for English and Chinese segments, plain Python (rapidfuzz).

Matching ignores inline tags, case, width (NFKC: ``１２`` = ``12``) and white space. The similarity is rapidfuzz's
``fuzz.ratio`` (normalised Indel similarity, 100 × 2·LCS / (len a + len b)) computed on **characters** when the
query holds Chinese (Chinese has no spaces between words) and on **words** when it does not (each word is mapped
to one private code point, so "cut energy use" vs "cut water use" is 1 word of 3 different, not 6 letters of 14).
A match's target comes back with the query's tags where the shapes agree (``tags_restored``).

Index (fast at 50,000+ entries): a dict of normalised text for exact matches; for fuzzy ones an inverted index of
units (characters or words) as numpy arrays. For a query of L units, one ``bincount`` over the postings of its units
gives each entry's count of shared units, an upper bound of their longest common subsequence; a score ≥ c (0–1)
needs LCS ≥ c·(L + M)/2 and a length M within [L·c/(2−c), L·(2−c)/c], so every other entry is dropped before
rapidfuzz scores what is left with ``score_cutoff``. The filter is exact: it never drops an entry that would reach
``min_score`` (tests compare it with a scan of every entry).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from citybridge.core.han import has_han

from .deck.tags import escape, plain, retag, tag_list

_WORD_RE = re.compile(r"\w+")
_SPACE_RE = re.compile(r"\s+")


def normalise(tagged: str) -> str:
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", plain(tagged))).strip().casefold()


@dataclass(frozen=True)
class TMEntry:
    source: str  # tagged
    target: str  # tagged
    key: object = None  # the app's id for the stored unit


@dataclass(frozen=True)
class Match:
    entry: TMEntry
    score: float  # 0–100
    exact: bool
    target: str  # the entry's target, with the query's tags where they could be restored
    tags_restored: bool


class _Index:
    """Units → entry ids (an id once per occurrence of the unit), entry lengths; numpy arrays built on first use
    after an ``add``."""

    common = 4  # a unit in more than 1/common of the entries counts as slack, not as postings (see candidates)

    def __init__(self) -> None:
        self._lists: dict[str, list[int]] = defaultdict(list)
        self.strings: list[str] = []
        self.ids: list[int] = []  # the memory's entry number of each of this index's entries
        self._arrays: dict[str, np.ndarray] | None = None
        self._lengths: np.ndarray | None = None
        self._ids: np.ndarray | None = None
        self._strings: np.ndarray | None = None

    def add(self, entry: int, units: str) -> None:
        idx = len(self.strings)
        self.strings.append(units)
        self.ids.append(entry)
        for u in units:
            self._lists[u].append(idx)
        self._arrays = None

    def _freeze(self) -> None:
        if self._arrays is None:
            self._arrays = {u: np.fromiter(ids, dtype=np.int32, count=len(ids)) for u, ids in self._lists.items()}
            self._lengths = np.fromiter((len(s) for s in self.strings), dtype=np.float64, count=len(self.strings))
            self._ids = np.asarray(self.ids, dtype=np.int64)
            self._strings = np.asarray(self.strings, dtype=object)

    def shortlist(self, units: str, cutoff: float, exclude: set[int]) -> tuple[np.ndarray, list[str]]:
        """The memory's entry numbers and unit strings of ``candidates``, without the entries in ``exclude``."""
        found = self.candidates(units, cutoff)
        if not len(found):
            return found, []
        ids = self._ids[found]
        if exclude:
            keep = ~np.isin(ids, np.fromiter(exclude, dtype=np.int64, count=len(exclude)))
            found, ids = found[keep], ids[keep]
        return ids, self._strings[found].tolist()

    def candidates(self, units: str, cutoff: float) -> np.ndarray:
        """Ids of the entries that may score ≥ ``cutoff`` (0–1): never drops one that does."""
        length = len(units)
        if length == 0 or not self.strings:
            return np.empty(0, dtype=np.int64)
        self._freeze()
        n = len(self.strings)
        # a ratio ≥ c needs LCS ≥ c·(L + M)/2 ≥ c·L/(2 − c) (the shortest M allowed): the least overlap any
        # candidate has with the query
        least = cutoff * length / (2 - cutoff)
        found = []
        for u, m in Counter(units).items():
            posting = self._arrays.get(u)
            if posting is not None:
                found.append((len(posting), m, posting))
        found.sort(key=lambda t: -t[0])
        arrays, slack = [], 0
        # a very common unit (in more than 1/common of the entries) is not counted but added to every entry's bound
        # as ``slack`` (its count in the query), as long as the slack stays below the least overlap (an entry
        # sharing only slack units could not qualify): the long postings are skipped, the filter stays tight
        for size, m, posting in found:
            if size * self.common > n and slack + m <= least - 1:
                slack += m
            else:
                arrays.append(posting)
        # shared[i] + slack ≥ the multiset overlap of query and entry i ≥ their LCS (an entry id is in a unit's
        # postings once per occurrence); a ratio ≥ c needs LCS ≥ c·(L + M)/2 and M within [L·c/(2−c), L·(2−c)/c]
        if arrays:
            shared = np.bincount(np.concatenate(arrays), minlength=n) + slack
        else:
            shared = np.full(n, slack)
        lengths = self._lengths
        ok = shared >= cutoff * (length + lengths) / 2 - 1e-9
        ok &= lengths >= length * cutoff / (2 - cutoff) - 1e-9
        ok &= lengths <= length * (2 - cutoff) / cutoff + 1e-9
        return np.flatnonzero(ok)


class TranslationMemory:
    """Entries added with ``add``; ``lookup`` gives the best matches of a tagged query segment."""

    def __init__(self) -> None:
        self.entries: list[TMEntry] = []
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._chars = _Index()
        self._words = _Index()
        self._vocab: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _chars_of(self, norm: str) -> str:
        return norm.replace(" ", "")

    def _words_of(self, norm: str, *, grow: bool) -> str:
        out = []
        for w in _WORD_RE.findall(norm):
            code = self._vocab.get(w)
            if code is None:
                if not grow:
                    code = "\U0010ffff"  # a word no entry has: matches nothing, still counts in the length
                elif len(self._vocab) >= 0xFFFF0:  # a million words: later ones share a code (scores only blur)
                    code = "\U0010fffe"
                else:
                    code = chr(0x10000 + len(self._vocab))  # one code point per word, above the BMP's surrogates
                    self._vocab[w] = code
            out.append(code)
        return "".join(out)

    def add(self, source: str, target: str, key: object = None) -> None:
        idx = len(self.entries)
        self.entries.append(TMEntry(source, target, key))
        norm = normalise(source)
        self._exact[norm].append(idx)
        if has_han(norm):  # Chinese is compared on characters, the rest on words: each entry in one index
            self._chars.add(idx, self._chars_of(norm))
        else:
            self._words.add(idx, self._words_of(norm, grow=True))

    def lookup(self, query: str, *, limit: int = 3, min_score: float = 70.0) -> list[Match]:
        """Best matches first: exact ones (score 100, or 99 when only case, width or spacing differ), then
        fuzzy ones scoring at least ``min_score``."""
        norm = normalise(query)
        if not norm:
            return []
        out: list[Match] = []
        taken: set[int] = set()
        query_plain = plain(query)
        for idx in self._exact.get(norm, ()):
            entry = self.entries[idx]
            score = 100.0 if plain(entry.source) == query_plain else 99.0
            out.append(self._match(entry, query, score, True))
            taken.add(idx)
        if len(out) >= limit:
            return sorted(out, key=lambda m: -m.score)[:limit]
        if has_han(norm):
            index, units = self._chars, self._chars_of(norm)
        else:
            index, units = self._words, self._words_of(norm, grow=False)
        ids, strings = index.shortlist(units, min_score / 100, taken)
        if strings:
            for _choice, score, k in process.extract(
                units, strings, scorer=fuzz.ratio, score_cutoff=min_score, limit=limit - len(out)
            ):
                out.append(self._match(self.entries[int(ids[k])], query, round(score, 1), False))
        out.sort(key=lambda m: (-m.score, m.entry.source))
        return out[:limit]

    def exact(self, query: str) -> TMEntry | None:
        found = self._exact.get(normalise(query))
        return self.entries[found[0]] if found else None

    @staticmethod
    def _match(entry: TMEntry, query: str, score: float, exact: bool) -> Match:
        target, restored = restore_tags(query, entry.source, entry.target)
        return Match(entry, score, exact, target, restored)


def restore_tags(query: str, entry_source: str, entry_target: str) -> tuple[str, bool]:
    """The entry's target carrying the query's tags: as is when the tags are the same; with attributes swapped
    when the tags have the same names in the same order (another link, another colour); else the bare text
    (``False``: the translator places the tags)."""
    q_tags, s_tags = tag_list(query), tag_list(entry_source)
    if q_tags == s_tags:
        return entry_target, True
    if not q_tags:
        return escape(plain(entry_target)), True
    if [t.name for t in q_tags] == [t.name for t in s_tags]:
        return retag(entry_target, s_tags, q_tags), True
    return escape(plain(entry_target)), False


def similarity(a: str, b: str) -> float:
    """The score ``lookup`` gives for ``a`` against ``b`` (characters for Chinese, words otherwise)."""
    na, nb = normalise(a), normalise(b)
    if has_han(na) or has_han(nb):
        return round(fuzz.ratio(na.replace(" ", ""), nb.replace(" ", "")), 1)
    vocab: dict[str, str] = {}
    enc = ["".join(vocab.setdefault(w, chr(0x10000 + len(vocab))) for w in _WORD_RE.findall(s)) for s in (na, nb)]
    return round(fuzz.ratio(enc[0], enc[1]), 1)
