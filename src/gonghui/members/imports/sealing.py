"""Keyed hashes and ciphertexts of many 身份证号 and mobile numbers, as core.crypto computes them one by one.

`Sealer` computes them in this process (the HMAC's padded key states prepared once, the nonces drawn in one
call). For a large roster, `start_helper()` starts a second Python process (`python -m
gonghui.members.imports.sealing`) that does the same work on the other CPU core while this one checks the
rest of the roster: about a second saved on 100,000 rows. The helper gets the two derived keys and the values
through its stdin pipe, never through its command line or environment, and answers on its stdout; if it
cannot be started or fails, the work is done here instead.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pickle
import subprocess
import sys
from typing import BinaryIO

PREFIX = "g1:"  # core.crypto.PREFIX (imported lazily there; the helper process does not load Django)
HELPER_ROWS = 20000  # below this, starting a process costs more than it saves


class Sealer:
    def __init__(self, cipher_key: bytes, hash_key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.cipher = AESGCM(cipher_key)
        block = 64
        key = hash_key if len(hash_key) <= block else hashlib.sha256(hash_key).digest()
        key = key.ljust(block, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    @classmethod
    def from_settings(cls) -> Sealer:
        from gonghui.core import crypto

        cipher_key, hash_key = crypto.derived_keys()
        return cls(cipher_key, hash_key)

    def hash(self, value: str) -> str:
        """crypto.lookup_hash(value): HMAC-SHA256, hex."""
        if not value:
            return ""
        inner = self.inner.copy()
        inner.update(value.encode())
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def hashes(self, values: list[str]) -> list[str]:
        return [self.hash(value) for value in values]

    def encrypt_all(self, values: list[str]) -> list[str]:
        """crypto.encrypt(value) for each value: a fresh random nonce each, the same stored format."""
        nonces = os.urandom(12 * len(values))
        encrypt, encode = self.cipher.encrypt, base64.b64encode
        out = []
        for index, value in enumerate(values):
            if not value:
                out.append("")
                continue
            nonce = nonces[12 * index:12 * index + 12]
            out.append(PREFIX + encode(nonce + encrypt(nonce, value.encode(), None)).decode())
        return out

    def seal(self, ids: list[str], mobiles: list[str], *, ciphers: bool = True) -> dict[str, list[str]]:
        """The IDs' hashes (to find who is registered), and for an import that writes, the ciphertexts of both
        and the mobiles' hashes."""
        sealed = {"id_hash": self.hashes(ids)}
        if ciphers:
            sealed.update(id_cipher=self.encrypt_all(ids), mobile_cipher=self.encrypt_all(mobiles),
                          mobile_hash=self.hashes(mobiles))
        return sealed


class Helper:
    """The second process; `send()` hands it the values, `result()` waits for its answer (None: failed)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gonghui.members.imports.sealing"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
        )
        self.sent = False

    def send(self, ids: list[str], mobiles: list[str], *, ciphers: bool) -> None:
        from gonghui.core import crypto

        try:
            pickle.dump((crypto.derived_keys(), ids, mobiles, ciphers), self.process.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.close()
            self.sent = True
        except OSError:
            self.close()

    def result(self) -> dict[str, list[str]] | None:
        if not self.sent:
            self.close()
            return None
        try:
            count, packed = pickle.load(self.process.stdout)
            answer = {name: text.split("\n") if count else [] for name, text in packed.items()}
        except Exception:  # the helper died: the caller does the work itself
            answer = None
        self.close()
        return answer

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream and not stream.closed:
                    stream.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def start_helper(rows: int) -> Helper | None:
    if rows < HELPER_ROWS:
        return None
    try:
        return Helper()
    except OSError:
        return None


def _serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    (cipher_key, hash_key), ids, mobiles, ciphers = pickle.load(stdin)
    answer = Sealer(cipher_key, hash_key).seal(ids, mobiles, ciphers=ciphers)
    # one string per list (hashes and base64 hold no line breaks): far quicker to unpickle than 400,000 strings
    packed = {name: "\n".join(values) for name, values in answer.items()}
    pickle.dump((len(ids), packed), stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
