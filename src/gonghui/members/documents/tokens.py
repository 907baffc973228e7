"""The signed token in a member card's QR code.

The token carries the member's database id and card number, nothing else: no name, no 身份证号. It is
signed with the project's SECRET_KEY and a salt used for nothing but cards, so it cannot be forged or
altered, nor replayed as another kind of signed value. It is signed, not encrypted: anyone can read the two
values inside, which is why nothing personal goes in. A card stays valid for as long as the member's 会籍
does, so the token has no expiry; a card number that has changed since (a re-issued card) no longer matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "gonghui.members.card"


class BadCardToken(ValueError):
    """The token was not signed by this system, was altered, or is not a card token."""


@dataclass(frozen=True)
class CardPayload:
    member_id: int
    card_no: str


def card_token(member) -> str:
    # a plain Signer (no timestamp) keeps the token, and so the QR code, short
    return signing.Signer(salt=SALT).sign_object([member.pk, member.card_no])


def read_card_token(token: str) -> CardPayload:
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadCardToken(str(error)) from error
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or isinstance(value[0], bool) or not isinstance(value[1], str)):
        raise BadCardToken("not a card token")
    return CardPayload(member_id=value[0], card_no=value[1])
