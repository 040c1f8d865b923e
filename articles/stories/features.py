"""What an article says, reduced to weighted words, and how alike two articles are (pure: no database).

A word weighs what it tells: its rarity in English (``wordfreq``'s Zipf scale, the same for every
catalogue and every import order), more for a name, almost nothing for "police" or "says". Two
articles report the same event when the weighted words of their titles and excerpts are largely
shared, each side's found somewhere in the other's text, and neither names something rare that the
other never mentions (Croydon against Stratford, the same day, the same police force).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass

from wordfreq import get_frequency_dict

# How far apart two articles of one event may be dated, and the days a candidate is looked up on.
PAIR_WINDOW_HOURS = 72
LOOKUP_DAYS = 3
# The words of an article that are its candidate keys: its heaviest ones.
KEY_WORDS = 12
BODY_CHARACTERS = 1200
# Words are compared by their first letters: "derailment" and "derails", "cancelled" and "cancellation".
PREFIX = 6

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "dozen": "12",
}  # fmt: skip
STOP_WORDS = frozenset(
    """
    a about above across after again against all almost also although always am amid among an and another any
    are around as at be because been before being below between both but by can could did do does doing done down
    during each either even ever every few first for from further get gets got had has have having he her here hers
    him his how however i if in into is it its itself just last late latest least less like made make makes many may
    me might more most much must my near new news next no nor not now of off on once one only onto or other our out
    over own per said say says saying see seen she should since so some still such than that the their them then
    there these they this those though through to too toward towards under until up upon us very via was we week
    were what when where whether which while who whom whose why will with within without would year years yet you
    your today yesterday tomorrow report reports reported according update updates live watch video read
    """.split()
)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


@functools.cache
def _english_frequencies() -> dict[str, float]:
    # The 29,000 commonest words, read once per process (10 ms, a few MB): a lookup is then a dict's, with
    # no cache to grow. A word it lacks is rarer than one in a million, as rare as a name for matching.
    return get_frequency_dict("en", wordlist="small")


def rarity(word: str) -> float:
    """0 (the commonest words) to 6 (a word English almost never uses, such as most names): 7 less its Zipf value."""
    frequency = _english_frequencies().get(word, 0.0)
    zipf = math.log10(frequency) + 9 if frequency > 0 else 0.0
    return min(6.0, max(0.0, 7.0 - round(zipf, 2)))


@functools.lru_cache(maxsize=16_384)
def stem(word: str) -> str:
    """A light English stem, so that "arrests", "arrested" and "arrest" match; numbers as digits."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            return (word[: len(word) - len(suffix)] + replacement)[:PREFIX]
    return word[:PREFIX]


def _word_weight(word: str, *, name: bool) -> float:
    if word.isdigit():
        # A year or a small count says little alone; a longer figure (a score, a sum) more.
        return 1.0 if len(word) <= 2 or (len(word) == 4 and word[:2] in ("19", "20")) else 3.0
    weight = rarity(word)
    return min(6.0, weight * 1.25) if name else weight


def _weighted_words(text: str, *, names_in_title_case: bool, names: set | None = None) -> dict[str, float]:
    """{stem: weight} of a text's content words; a capitalised word inside a sentence counts as a name
    (added to ``names`` when it is rare enough to tell one place or body from another)."""
    words: dict[str, float] = {}
    if not text:
        return words
    tokens = WORD.findall(text)
    capitalised = sum(1 for token in tokens if token[:1].isupper())
    # A headline in Title Case capitalises every word: its capitals say nothing about names.
    title_case = names_in_title_case and len(tokens) > 3 and capitalised >= 0.6 * len(tokens)
    sentence_start = True
    for token in tokens:
        for part in token.replace("’", "'").split("'")[:1]:  # "Met's" → "Met"
            lower = part.lower()
            if len(lower) < 2 and not lower.isdigit():
                continue
            name = not title_case and not sentence_start and part[:1].isupper()
            if part.isupper() and len(part) >= 2:
                name = True  # an acronym: LFR, NHS
            if lower in STOP_WORDS:
                continue
            key = stem(lower)
            weight = _word_weight(NUMBER_WORDS.get(lower, lower), name=name)
            if name and names is not None and rarity(lower) >= NAME_RARITY:
                names.add(key)
            if weight > words.get(key, 0.0):
                words[key] = weight
        sentence_start = False
    return words


@dataclass(frozen=True)
class Features:
    summary: dict[str, float]  # title and excerpt
    body: frozenset[str]  # further words of the body, for "mentioned somewhere"
    names: frozenset[str] = frozenset()  # rare names in the title and excerpt: places, bodies, people

    @functools.cached_property
    def total(self) -> float:
        return sum(self.summary.values()) or 1.0

    def encode(self) -> str:
        """A compact, stable text form, stored on the article (``story_features``)."""
        return self._encoded

    @functools.cached_property
    def _encoded(self) -> str:
        summary = " ".join(f"{word}:{weight:.2f}" for word, weight in sorted(self.summary.items()))
        return "|".join((summary, " ".join(sorted(self.body)), " ".join(sorted(self.names))))

    @classmethod
    def decode(cls, text: str) -> Features:
        summary_text, body_text, names_text, *_ = (text or "").split("|") + ["", "", ""]
        summary = {}
        for item in summary_text.split():
            word, _, weight = item.rpartition(":")
            summary[word] = float(weight)
        features = cls(summary=summary, body=frozenset(body_text.split()), names=frozenset(names_text.split()))
        if text:
            features.__dict__["_encoded"] = text  # what ``encode`` wrote: not worked out again
        return features

    def key_words(self) -> list[str]:
        """The heaviest words, ties by the word: the same for the same text, whatever else is stored."""
        return self._key_words

    @functools.cached_property
    def _key_words(self) -> list[str]:
        ranked = sorted(self.summary.items(), key=lambda item: (-item[1], item[0]))
        return [word for word, _ in ranked[:KEY_WORDS]]


def features_of(title: str, excerpt: str, body: str) -> Features:
    title_names: set[str] = set()
    excerpt_names: set[str] = set()
    summary = _weighted_words(title, names_in_title_case=True, names=title_names)
    for word, weight in _weighted_words(excerpt, names_in_title_case=False, names=excerpt_names).items():
        if weight > summary.get(word, 0.0):
            summary[word] = weight
    # The names a headline carries; where its capitals say nothing (Title Case, its first word), those
    # the excerpt capitalises too.
    capitalised = {stem(token.lower()) for token in WORD.findall(title or "") if token[:1].isupper()}
    names = title_names | (capitalised & excerpt_names)
    body_words = _weighted_words((body or "")[:BODY_CHARACTERS], names_in_title_case=False)
    return Features(summary=summary, body=frozenset(body_words) - summary.keys(), names=frozenset(names))


def candidate_keys(words, day: int) -> list[int]:
    """The index keys of words on a day (a signed 64-bit integer each, as the database stores them)."""
    return _keys(words, (day,))


def lookup_keys(features: Features, day: int) -> list[int]:
    """The keys of an article's key words on the days around its own."""
    return _keys(features.key_words(), range(day - LOOKUP_DAYS, day + LOOKUP_DAYS + 1))


@functools.lru_cache(maxsize=65_536)
def _word_key(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def _keys(words, days) -> list[int]:
    # Each word's stable hash mixed with the day (Fibonacci hashing), as a signed 64-bit integer; every
    # word hashed once, whatever the number of days (this runs for every article placed).
    hashes = [_word_key(word) for word in words]
    keys = []
    for day in days:
        mix = day * 0x9E3779B97F4A7C15
        for word_hash in hashes:
            mixed = (word_hash ^ mix) & 0xFFFFFFFFFFFFFFFF
            keys.append(mixed - (1 << 64) if mixed >= 1 << 63 else mixed)
    return keys


# --- How alike two articles are ---------------------------------------------------------------------

# The threshold and the conflict's discount were chosen on labelled sets (bench/story_bench.py).
SAME_EVENT_THRESHOLD = 0.15
CONFLICT_DISCOUNT = 0.3
# A name this rare in English (Croydon, Stratford; not London or Police) tells one event's place apart.
NAME_RARITY = 3.5


def similarity(a: Features, b: Features) -> float:
    """0 to 1: the weighted share of the two summaries' words, discounted when each side names
    something rare the other never mentions (Croydon against Stratford, the same day, the same police)."""
    return _names_discounted(a, b, _shared_score(a, b))


def _names_discounted(a: Features, b: Features, score: float) -> float:
    if score and _names_unmatched(a, b) and _names_unmatched(b, a):
        return score * CONFLICT_DISCOUNT
    return score


def _shared_score(a: Features, b: Features) -> float:
    """``similarity`` before the names' discount (set operations: this runs for every candidate pair)."""
    a_words, b_words = a.summary, b.summary
    shared = a_words.keys() & b_words.keys()
    if not shared:
        return 0.0
    shared_weight = sum(a_words[word] + b_words[word] for word in shared) / 2
    a_found = shared_weight + sum(a_words[word] for word in (a_words.keys() - shared) & b.body)
    b_found = shared_weight + sum(b_words[word] for word in (b_words.keys() - shared) & a.body)
    cover = min(a_found / a.total, b_found / b.total)
    overlap = (a_found + b_found) / (a.total + b.total)
    return 0.5 * cover + 0.5 * overlap


def _names_unmatched(a: Features, b: Features) -> bool:
    return any(name not in b.summary and name not in b.body for name in a.names)


def same_event(a: Features, b: Features, hours_apart: float | None) -> bool:
    return match_score(a, b, hours_apart) is not None


def match_score(a: Features, b: Features, hours_apart: float | None) -> float | None:
    """Their similarity when they report the same event, else None."""
    if hours_apart is not None and hours_apart > PAIR_WINDOW_HOURS:
        return None
    score = _shared_score(a, b)
    if score < SAME_EVENT_THRESHOLD:
        return None  # the names' discount only lowers it
    score = _names_discounted(a, b, score)
    return score if score >= SAME_EVENT_THRESHOLD else None
