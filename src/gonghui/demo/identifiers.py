"""Valid identifiers for generated data: check digits computed by the same rules the validators use."""

import random

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
