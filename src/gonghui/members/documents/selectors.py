"""Reads behind the documents: whose card a user may print, and what a card's QR code says about it."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import MEMBER_STATUSES, Member
from .tokens import BadCardToken, read_card_token


def card_is_valid(member: Member) -> bool:
    """A card is valid while its holder is a member: active, retained or in transfer."""
    return member.status in MEMBER_STATUSES


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class CardCheck:
    """What the public verification page may say about a card: nothing beyond these."""

    card_no: str
    masked_name: str
    union_name: str
    status_label: str
    valid: bool
    replaced: bool  # the member's card number has changed since this card was printed


def check_card(token: str) -> CardCheck:
    """The verdict on a scanned card. BadCardToken for a token this system did not sign (forged, altered,
    truncated) or for a member who no longer exists."""
    payload = read_card_token(token)
    member = Member.objects.select_related("union").filter(pk=payload.member_id).first()
    if member is None:
        raise BadCardToken("no such member")
    replaced = member.card_no != payload.card_no
    return CardCheck(
        card_no=payload.card_no,
        masked_name=mask_name(member.name),
        union_name=member.union.name,
        status_label=str(member.get_status_display()),
        valid=card_is_valid(member) and not replaced,
        replaced=replaced,
    )
