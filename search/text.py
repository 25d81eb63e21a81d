"""Japanese text as the search index and a query read it: plain functions.

Japanese has no spaces between words, so the index holds every pair of
neighbouring characters (bigrams) of a run of kanji and kana instead of words:
除雪対策 is 除雪 雪対 対策, and a query matches where its own bigrams stand in
the same order, next to each other (a phrase). A two-character word (除雪,
防災) is one bigram, found wherever it is written, with no dictionary to miss
new words (a tokenizer such as SudachiPy would split 除雪車 and need its
dictionary updated). Letters and digits form words of their own (rpa, 2022).

Before that, text and query are folded alike: NFKC turns full-width letters
and digits into half-width ones (ＲＰＡ is RPA, ２０２２ is 2022) and
half-width kana into full-width ones; case is folded; and a 和暦 year
(令和3, R3, 平成31, 令和元) is written as its 西暦 year, so 令和3年度 and
2021年度 are the same words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from onechamber.jdates import ERAS

# Era names and letters; the letter only where no letter or digit comes before
# it (R3, not 'SR3' or the 'r' of 'for3').
_ERA_YEAR = re.compile(
    r"(?:(?P<name>" + "|".join(e.name for e in ERAS) + r")"
    r"|(?<![a-z0-9])(?P<letter>[" + "".join(e.letter.lower() for e in ERAS) + r"]))"
    r"\s*(?P<year>元|\d{1,2})(?![0-9])"
)
_ERA_BASE = {e.name: e.start.year - 1 for e in ERAS} | {
    e.letter.lower(): e.start.year - 1 for e in ERAS
}


def _is_cjk(ch: str) -> bool:
    """Kanji, kana, the long vowel mark and 々: characters written without spaces."""
    code = ord(ch)
    return (
        (0x3041 <= code <= 0x30FF and ch not in "゠・")  # hiragana, katakana, ー
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # extensions B–F, supplement
        or ch in "々〆ヵヶ"
    )


def _is_word(ch: str) -> bool:
    return "a" <= ch <= "z"


def _is_run(ch: str) -> bool:
    """Kanji, kana and digits: read in bigrams together (第4回 is 第4 4回)."""
    return _is_cjk(ch) or "0" <= ch <= "9"


# A date with its year first, after 和暦 years are 西暦: 2022/1/20, 2022.01.20.
_DATE = re.compile(r"(?<![0-9])(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?![0-9])")


def fold(text: str) -> str:
    """Full- and half-width forms alike, case folded, 和暦 years as 西暦, and
    dates as 2022年1月20日 however written (R4.1.20, 令和4年1月20日, 2022/01/20)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _ERA_YEAR.sub(_western_year, text)
    return _DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text)


def _western_year(match: re.Match) -> str:
    era = match["name"] or match["letter"]
    year = 1 if match["year"] == "元" else int(match["year"])
    return str(_ERA_BASE[era] + year)


def _runs(folded: str) -> list[tuple[str, str]]:
    """(kind, text) runs of word characters ('w') and of CJK characters ('c')."""
    runs: list[tuple[str, str]] = []
    kind, start = "", 0
    for i, ch in enumerate(folded + " "):
        now = "w" if _is_word(ch) else "c" if _is_run(ch) else ""
        if now != kind:
            if kind:
                runs.append((kind, folded[start:i]))
            kind, start = now, i
    return runs


def _run_tokens(kind: str, text: str) -> list[str]:
    if kind == "w" or len(text) == 1:
        return [text]
    return [text[i : i + 2] for i in range(len(text) - 1)]


def tokens(text: str) -> list[str]:
    """The words and bigrams of `text`, in order."""
    return [t for kind, run in _runs(fold(text)) for t in _run_tokens(kind, run)]


def characters(text: str) -> list[str]:
    """Each kanji, kana and digit of `text` once: what a one-character query finds."""
    return list(dict.fromkeys(ch for ch in fold(text) if _is_run(ch)))


@dataclass(frozen=True)
class Term:
    """One word of a query: tokens that must stand together in this order.

    `prefix`: the last token may be the start of a longer one (a query's last
    latin word, or a last kanji standing alone: rp finds rpa). `character`: the
    whole term is one kanji or kana, looked up in the index of characters.
    `runs`: the word's runs of letters and of kanji, to find it in a text.
    """

    tokens: tuple[str, ...]
    runs: tuple[str, ...]
    prefix: bool = False
    character: bool = False


# A query's length in characters, beyond which the rest is ignored.
MAX_QUERY = 200
MAX_TERMS = 10


def parse_query(query: str) -> list[Term]:
    """The terms of a query typed by a person; empty when it holds no word.

    Words are separated by spaces (full- or half-width); all must match.
    """
    terms: list[Term] = []
    for word in fold(query[:MAX_QUERY]).split():
        runs = _runs(word)
        if not runs:
            continue
        texts = tuple(run for _kind, run in runs)
        if len(runs) == 1 and runs[0][0] == "c" and len(runs[0][1]) == 1:
            terms.append(Term(texts, texts, character=True))
        else:
            last_kind, last_run = runs[-1]
            prefix = last_kind == "w" or len(last_run) == 1
            toks = tuple(t for kind, run in runs for t in _run_tokens(kind, run))
            terms.append(Term(toks, texts, prefix=prefix))
        if len(terms) == MAX_TERMS:
            break
    return list(dict.fromkeys(terms))


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character (its 和暦 left as written), and
    where each folded character came from (NFKC may make one into several)."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower()
        out.append(folded)
        offsets.extend([i] * len(folded))
    return "".join(out), offsets


# Between the runs of a term, as a text may write it: 2021.11.10, R3・4.
_BETWEEN = (
    r"[^0-9a-z\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u9fff\uf900-\ufaff々〆]*"
)


def _year_spellings(year: int) -> list[str]:
    """A 西暦 year and the 和暦 years it may be written as (2019: 令和元, 平成31)."""
    forms = [str(year)]
    end = 9999
    for era in ERAS:
        if era.start.year <= year <= end:
            n = year - era.start.year + 1
            number = "(?:元|1)" if n == 1 else str(n)
            forms.append(f"{era.name}\\s*{number}(?![0-9])")
            forms.append(f"(?<![a-z0-9]){era.letter.lower()}\\s*{number}(?![0-9])")
        end = era.start.year
    return forms


_YEAR_IN_RUN = re.compile(r"(?<![0-9])(1[89]\d\d|2[01]\d\d)(?![0-9])")
_MONTH_DAY = re.compile(r"年(\d{1,2})月(\d{1,2})日")


def _run_pattern(run: str) -> str:
    """A run of a query as a text may write it: its 西暦 years also in 和暦,
    a date also as R4.1.20 or 2022/01/20."""
    out, pos = [], 0
    for m in _YEAR_IN_RUN.finditer(run):
        out.append(re.escape(run[pos : m.start()]))
        out.append("(?:" + "|".join(_year_spellings(int(m[1]))) + ")")
        pos = m.end()
    out.append(re.escape(run[pos:]))
    pattern = "".join(out)
    return _MONTH_DAY.sub(
        lambda m: f"(?:年|[./-])0?{m[1]}(?:月|[./-])0?{m[2]}日?",
        pattern,
    )


def _pattern(term: Term) -> re.Pattern:
    """Where a term stands in text folded by _folded_with_offsets."""
    return re.compile(_BETWEEN.join(_run_pattern(run) for run in term.runs))


def matches(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """(start, end) spans of `text` where the terms stand, merged and sorted."""
    folded, offsets = _folded_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for m in _pattern(term).finditer(folded):
            if m.end() > m.start():
                spans.append((offsets[m.start()], offsets[m.end() - 1] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, terms: list[Term], *, width: int = 120) -> str:
    """HTML: the part of `text` around its first match (at most `width`
    characters, … where cut), every match in <mark>; the start when none."""
    text = " ".join(text.split())
    spans = matches(text, terms)
    if not spans:
        cut = text[:width]
        return html.escape(cut) + ("…" if len(text) > width else "")
    # The window of `width` characters holding the most matches.
    best, best_count = 0, 0
    for i, (start, _end) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best, best_count = i, count
    first = spans[best][0]
    begin = max(0, min(first - width // 4, len(text) - width))
    end = min(len(text), begin + width)
    out = ["…" if begin > 0 else ""]
    pos = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(html.escape(text[pos:start]))
        out.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        pos = stop
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
