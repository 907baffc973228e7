"""Encryption, keyed hashes and masking for sensitive personal data (DESIGN.md, Access).

身份证号, mobile numbers and other sensitive values are stored as AES-GCM ciphertext (a random nonce per
value), so a copy of the database alone reveals nothing. Exact look-ups go through a keyed hash (HMAC-SHA256)
stored next to the ciphertext: the same number always gives the same hash, but without the key the hash
cannot be turned back into the number, nor recomputed from a guess.

The master key comes from `GONGHUI_FIELD_KEY` (base64 of 32 bytes) or, failing that, from
`var/field_key`, created once with mode 0600 like the secret key. Two keys are derived from it, one for
encryption and one for hashing, so neither use weakens the other. Losing the key loses the data: back it up
with the database (`gonghui backup` will include it).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "g1:"  # version tag of the stored format, so keys or algorithms can change later


class DecryptionError(ValueError):
    pass


def _master_key() -> bytes:
    value = os.environ.get("GONGHUI_FIELD_KEY", "").strip()
    if not value:
        path = Path(settings.VAR_DIR) / "field_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(base64.b64encode(os.urandom(32)).decode())
        value = path.read_text().strip()
    key = base64.b64decode(value)
    if len(key) < 32:
        raise RuntimeError("GONGHUI_FIELD_KEY must be the base64 of at least 32 random bytes")
    return key


def derived_keys() -> tuple[bytes, bytes]:
    """The raw encryption and hashing keys, for bulk work in another process (the roster import)."""
    master = _master_key()
    return (hmac.digest(master, b"gonghui field encryption", "sha256"),
            hmac.digest(master, b"gonghui field lookup hash", "sha256"))


@cache
def _keys() -> tuple[AESGCM, bytes]:
    encryption, hashing = derived_keys()
    return AESGCM(encryption), hashing


def reset_keys() -> None:
    """Forget the derived keys (tests that change the key)."""
    _keys.cache_clear()


def encrypt(value: str) -> str:
    """Ciphertext of `value` as text; the empty string stays empty (nothing to hide, nothing to find)."""
    if not value:
        return ""
    cipher, _ = _keys()
    nonce = os.urandom(12)
    return PREFIX + base64.b64encode(nonce + cipher.encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise DecryptionError("unknown ciphertext format")
    cipher, _ = _keys()
    raw = base64.b64decode(token[len(PREFIX):])
    try:
        return cipher.decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag as error:
        raise DecryptionError("ciphertext does not match the key") from error


def encrypt_json(data: Any) -> str:
    return encrypt(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))


def decrypt_json(token: str, default: Any = None) -> Any:
    return json.loads(decrypt(token)) if token else default


def lookup_hash(value: str) -> str:
    """The keyed hash used to find a record by the exact value; empty for an empty value."""
    if not value:
        return ""
    _, key = _keys()
    return hmac.digest(key, value.encode(), "sha256").hex()


def mask_citizen_id(value: str) -> str:
    """110105********1234: the area code and the last four characters, the birth date hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mobile(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
