"""Valid identifiers for generated data: check digits computed by the same rules the validators use."""

import random
from functools import lru_cache

from stdnum.cn import ric, uscc

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# registration authority + kind (GB 32100 §4): 11 机关, 12 事业单位, 51 社会团体, 52 民办非企业, 91 企业
AUTHORITY_BY_KIND = {
    "government": "11",
    "public_institution": "12",
    "social_organisation": "52",
    "enterprise": "91",
}


def _org_code_check(body: str) -> str:
    """GB 11714 check character of the 8-character organisation code inside a credit code."""
    total = sum(int(ch, 36) * weight for ch, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, *, kind: str, area: str) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = AUTHORITY_BY_KIND[kind] + area + body + _org_code_check(body)
    return first17 + uscc.calc_check_digit(first17)


def citizen_id(rng: random.Random, *, area: str, birth_year: int, female: bool) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    sequence = rng.randint(0, 49) * 2 + (0 if female else 1)
    first17 = f"{area}{birth_year:04d}{month:02d}{day:02d}{rng.randint(10, 99)}{sequence % 10}"
    return first17 + ric.calc_check_digit(first17 + "0")


CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11 (GB 11643)

# Real county-level division codes: where the local members were born, and where migrant workers come from.
LOCAL_AREAS = ("320115", "320102", "320104", "320106", "320111", "320113", "320114", "320116", "320117",
               "320118", "321081", "321181")
MIGRANT_AREAS = ("341221", "341222", "341621", "341622", "341623", "340104", "411522", "412721", "412724",
                 "511321", "511322", "513722", "522225", "362430", "430124", "421127")
# Mobile number prefixes of the three carriers, as handed out.
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183",
                   "186", "187", "188", "189", "191", "198", "199")


@lru_cache(maxsize=65536)
def _weighted(digits: str, offset: int) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, CITIZEN_ID_WEIGHTS[offset:], strict=False))


def citizen_id_from(area: str, birth: str, sequence: int) -> str:
    """A 身份证号 from its parts: area code, birth date as YYYYMMDD, and the 3-digit sequence (odd for men).
    The check digit is computed here, from cached partial sums (the hot path of the district build); tests
    compare it with stdnum's."""
    tail = f"{sequence:03d}"
    total = _weighted(area, 0) + _weighted(birth, 6) + _weighted(tail, 14)
    return f"{area}{birth}{tail}{CITIZEN_ID_CHECK[total % 11]}"


def mobile(rng: random.Random) -> str:
    return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{int(rng.random() * 100_000_000):08d}"
