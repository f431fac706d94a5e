"""Decks benchmark (issue 13): extract and rebuild a 100-slide, 2,000-segment deck; TM lookup of 2,000 segments
against 100,000 entries — the issue's sizes.

    .venv/bin/python bench/decks.py          # 100 slides (2,000 segments), TM of 100,000 entries, 2,000 queries
    BENCH_QUICK=1 .venv/bin/python bench/decks.py   # 10 slides, 5,000 entries, 200 queries (CI: fails on an error only)

Each figure is printed twice: wall time (the harness: median and p95) and, on the next line, the median CPU time of
this process (time.process_time) over the same number of runs — on a shared, loaded machine the wall time follows
the other programs, the CPU time hardly does.

Floors printed beside the figures, measured in the same run: for the deck, opening and saving it with python-pptx
and nothing else; for the TM, a plain dict lookup of each query's normalised text (exact matches only). The issue's
targets (100 slides / 2,000 segments: extract < 2 s, rebuild < 3 s; 2,000 lookups against 100,000 < 2 s) are
printed for reference; BENCH_SLIDES / BENCH_TM / BENCH_QUERIES change the sizes.
Data are synthetic: English sentences from a Zipf-like vocabulary of 3,000 words, half the TM in Chinese
(from 2,500 characters); queries are 30 % exact repeats, 40 % one-word/one-character edits, 30 % new.
"""

from __future__ import annotations

import io
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
from bench.harness import QUICK, SOLVE_REPEAT, Table, timed  # noqa: E402

SLIDES = int(os.environ.get("BENCH_SLIDES", 10 if QUICK else 100))
TM_SIZE = int(os.environ.get("BENCH_TM", 5_000 if QUICK else 100_000))
QUERIES = int(os.environ.get("BENCH_QUERIES", 200 if QUICK else 2_000))
REPEAT = SOLVE_REPEAT


def cpu(fn: object, repeat: int = REPEAT) -> float:
    """Median CPU milliseconds of this process over ``repeat`` runs (after the harness's warm-up)."""
    import statistics
    import time

    runs = []
    for _ in range(repeat):
        c = time.process_time()
        fn()
        runs.append((time.process_time() - c) * 1000)
    return statistics.median(runs)


def both(t: Table, name: str, fn: object, floor_name: str = "", floor: object = None, floor_cpu: float = 0) -> float:
    """One figure: wall (harness) then CPU on the next line, each with its floor."""
    t.row(name, timed(fn, repeat=REPEAT, warmup=1), floor_name, floor)
    c = cpu(fn)
    ratio = f"{c / floor_cpu:6.1f}" if floor_cpu else ""
    print(
        f"{'  CPU ' + name:58} {c:9.2f} {'':9} {REPEAT:5d}  {floor_name + ' CPU ' + format(floor_cpu, '.2f') if floor_cpu else '':<40} {ratio}"
    )
    return c


def sentences(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    words = [f"{a}{b}" for a in ("en", "ur", "gr", "ca", "po", "wa", "he", "tr", "bu", "ci") for b in range(300)]
    chars = [chr(0x4E00 + i) for i in range(2500)]
    weights_w = [1 / (i + 1) for i in range(len(words))]
    weights_c = [1 / (i + 1) for i in range(len(chars))]
    en = [" ".join(rng.choices(words, weights_w, k=rng.randint(5, 18))) + "." for _ in range(n // 2)]
    zh = ["".join(rng.choices(chars, weights_c, k=rng.randint(8, 30))) + "。" for _ in range(n - n // 2)]
    return en, zh


def queries(rng: random.Random, en: list[str], zh: list[str], n: int) -> list[str]:
    new_en, new_zh = sentences(random.Random(99), n)
    out = []
    for k in range(n):
        roll = rng.random()
        pool = en if k % 2 == 0 else zh
        s = rng.choice(pool)
        if roll < 0.3:
            out.append(s)
        elif roll < 0.7:
            if pool is en:
                w = s.split()
                w[rng.randrange(len(w))] = "changed"
                out.append(" ".join(w))
            else:
                i = rng.randrange(len(s) - 1)
                out.append(s[:i] + "变" + s[i + 1 :])
        else:
            out.append((new_en if k % 2 == 0 else new_zh)[k // 2 % len(new_en)])
    return out


def main() -> int:
    from pptx import Presentation

    from citybridge.materials.deck import extract, write_translation
    from citybridge.materials.tm import TranslationMemory, normalise
    from tests.materials.builders import big_deck

    deck = big_deck(SLIDES, boxes=2, sentences=2)  # 20 segments a slide: 100 slides = 2,000 segments
    segs = extract(deck)
    print(f"deck: {SLIDES} slides, {len(segs)} segments, {len(deck) / 1024:.0f} KiB", flush=True)
    translations = {s.id: s.source.replace("Measure", "措施").replace("Cell", "单元格") + "。" for s in segs}

    def open_save():
        buf = io.BytesIO()
        Presentation(io.BytesIO(deck)).save(buf)

    t = Table(f"Decks: {SLIDES}-slide deck, {len(segs)} segments (targets: extract < 2 s, rebuild < 3 s)")
    floor = timed(open_save, repeat=REPEAT, warmup=1)
    t.row("python-pptx open + save (floor)", floor)
    floor_cpu = cpu(open_save)
    print(f"{'  CPU python-pptx open + save (floor)':58} {floor_cpu:9.2f}")
    both(t, "extract segments", lambda: extract(deck), "open + save", floor, floor_cpu)
    both(
        t,
        "rebuild: write translation (every segment)",
        lambda: write_translation(deck, translations),
        "open + save",
        floor,
        floor_cpu,
    )

    rng = random.Random(13)
    en, zh = sentences(rng, TM_SIZE)
    import time

    start, start_cpu = time.perf_counter(), time.process_time()
    tm = TranslationMemory()
    for s in en:
        tm.add(s, "译文")
    for s in zh:
        tm.add(s, "translation")
    tm.lookup(en[0])  # the index's arrays are built on first use
    build_ms, build_cpu = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
    qs = queries(rng, en, zh, QUERIES)
    exact = {normalise(s): s for s in en + zh}
    hits = sum(1 for q in qs if tm.lookup(q, limit=3, min_score=70))
    print(
        f"TM: {len(tm)} entries built in {build_ms:.0f} ms wall, {build_cpu:.0f} ms CPU; "
        f"{len(qs)} queries, {hits} with a match ≥ 70",
        flush=True,
    )
    t = Table(f"Translation memory: {len(qs)} lookups against {len(tm)} entries (target < 2 s)")
    floor = timed(lambda: [exact.get(normalise(q)) for q in qs], repeat=REPEAT, warmup=1)
    t.row("dict lookup of normalised text (floor)", floor)
    floor_cpu = cpu(lambda: [exact.get(normalise(q)) for q in qs])
    print(f"{'  CPU dict lookup (floor)':58} {floor_cpu:9.2f}")
    both(
        t,
        f"TM lookup ×{len(qs)} (exact + fuzzy ≥ 70, top 3)",
        lambda: [tm.lookup(q, limit=3, min_score=70) for q in qs],
        "dict lookup",
        floor,
        floor_cpu,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
