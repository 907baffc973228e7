"""The venue's QR code: a link to the activity's check-in page carrying a signed, expiring token.

The token is `django.core.signing.TimestampSigner` over the activity's id, with a salt of its own per
activity, so a token of one activity does not open another and a token cannot be made without the secret
key. It expires after settings.GONGHUI_RULES["ACTIVITY_CHECKIN_HOURS"] hours (4 by default): a photo of the
code taken today does not check anyone in next week.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from .models import Activity


class TokenRefused(Exception):
    """A check-in link that is expired, forged or for another activity; the message says which, in Chinese."""


def max_age_seconds() -> int:
    return int(float(settings.GONGHUI_RULES.get("ACTIVITY_CHECKIN_HOURS", 4)) * 3600)


def _signer(activity: Activity) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"gonghui.activities.checkin.{activity.pk}")


def make_token(activity: Activity) -> str:
    return _signer(activity).sign(str(activity.pk))


def check_token(activity: Activity, token: str, *, max_age: int | None = None) -> None:
    """Raise TokenRefused unless `token` was made for `activity` within the allowed time."""
    if not token:
        raise TokenRefused(_("This check-in link has no code. Scan the QR code shown at the venue."))
    try:
        value = _signer(activity).unsign(token, max_age=max_age if max_age is not None else max_age_seconds())
    except signing.SignatureExpired:
        raise TokenRefused(_("This check-in code has expired. Scan the QR code shown at the venue now.")) from None
    except signing.BadSignature:
        raise TokenRefused(_("This check-in code is not valid. Scan the QR code shown at the venue.")) from None
    if value != str(activity.pk):
        raise TokenRefused(_("This check-in code is not valid. Scan the QR code shown at the venue."))


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline SVG (scales to any screen or print size)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    svg = buffer.getvalue().decode()
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg.strip()
