"""Small pure helpers every path that writes members shares (the form, the roster import, the demo seed):
the pinyin search keys of a name, the generated 会员证号, and the checks on a mobile number.

会员证号 rule (README, Members): when a roster or form gives no card number, the number is
`<union code>-<six-digit sequence>`, the sequence counting up from 000001 within that union (for example
HBYZ-000042). Numbers given by the union are kept as they are; every number is unique across the platform.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's most common one (百家姓 readings).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "覃": "qin", "缪": "miao", "翟": "zhai", "盖": "ge", "尉": "yu", "种": "chong", "燕": "yan", "繁": "po",
    "黑": "he", "召": "shao", "秘": "bi", "员": "yun", "都": "du", "莘": "shen", "句": "gou", "重": "chong",
}

CARD_SEQUENCE_DIGITS = 6
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@lru_cache(maxsize=32768)
def char_pinyin(char: str) -> str:
    reading = lazy_pinyin(char)[0]
    return reading if reading.isascii() and reading.isalpha() else ""


def clean_name(value: str) -> str:
    """A person's name as stored: full-width folded, spaces used for alignment removed (`万  梅` → 万梅), the
    middle dot of Uyghur and Kazakh names kept as `·`."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\ufeff")
    return text.replace("•", "·").replace("‧", "·").replace("・", "·").replace(".", "·")


@lru_cache(maxsize=65536)
def name_search_keys(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三: lower-case pinyin without tones, and its initials."""
    syllables = []
    for index, char in enumerate(name):
        if char.isascii():
            if char.isalpha():
                syllables.append(char.lower())
            continue
        reading = SURNAME_READINGS.get(char) if index == 0 else None
        reading = reading or char_pinyin(char)
        if reading:
            syllables.append(reading)
    return "".join(syllables)[:255], "".join(s[0] for s in syllables)[:64]


def clean_mobile(value: str) -> str:
    """An 11-digit mainland mobile number, from text or a number cell, full-width or spaced; else ValidationError."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if text.endswith(".0"):  # a number cell read as a float
        text = text[:-2]
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE_RE.match(digits):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19; %(value)s is not one.") % {"value": text},
            code="mobile",
        )
    return digits


def card_prefix(union_code: str) -> str:
    return f"{union_code}-"


def card_number(union_code: str, sequence: int) -> str:
    return f"{card_prefix(union_code)}{sequence:0{CARD_SEQUENCE_DIGITS}d}"


def card_sequence(union_code: str, card_no: str | None) -> int:
    """The sequence of a card number generated for this union (0 for none, or for a number the union gave)."""
    prefix = card_prefix(union_code)
    if card_no and card_no.startswith(prefix) and card_no[len(prefix):].isdigit():
        return int(card_no[len(prefix):])
    return 0


def card_numbers(union_code: str, last_used: str | None) -> Iterator[str]:
    """Generated card numbers for a union, after `last_used` (the highest generated one so far, or None)."""
    number = card_sequence(union_code, last_used)
    while True:
        number += 1
        yield card_number(union_code, number)
