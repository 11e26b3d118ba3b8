"""Secret generation, digests, constant-time comparison, encryption at rest and password hashing.

Generated secrets are high-entropy (128 bits or more, RFC 6749 §10.10), so a SHA-256 digest is the
right way to keep them for comparison; passwords are people's and get argon2id. Secrets that must be
read back (auth tokens sign webhooks) are encrypted with AES-256-GCM under the settings' key, bound
to the row and column they belong to so a ciphertext cannot be moved elsewhere.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_BASE62 = string.digits + string.ascii_letters


def new_auth_token() -> str:
    """A Twilio-shaped auth token: 32 lowercase hex characters (128 bits)."""
    return secrets.token_hex(16)


def new_key_secret() -> str:
    """A Twilio-shaped API key secret: 32 base62 characters (about 190 bits)."""
    return "".join(secrets.choice(_BASE62) for _ in range(32))


def digest(secret: str) -> bytes:
    """SHA-256 of a generated secret, the form in which it is stored and compared."""
    return hashlib.sha256(secret.encode("utf-8")).digest()


def same_digest(candidate: str, stored: bytes) -> bool:
    """Constant-time check of `candidate` against a stored digest."""
    return hmac.compare_digest(digest(candidate), stored)


class DecryptionError(Exception):
    """Raised when a stored ciphertext does not open under the configured key."""


class Cipher:
    """AES-256-GCM with associated data; ciphertexts are `v1.` + base64url(nonce ‖ sealed)."""

    _PREFIX = "v1."

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the encryption key must be 32 bytes")
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "Cipher(<key hidden>)"

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return self._PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, ciphertext: str, context: str) -> str:
        if not ciphertext.startswith(self._PREFIX):
            raise DecryptionError("unknown ciphertext format")
        try:
            raw = base64.urlsafe_b64decode(ciphertext[len(self._PREFIX) :])
            plain = self._aead.decrypt(raw[:12], raw[12:], context.encode("utf-8"))
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("ciphertext does not open under this key") from exc
        return plain.decode("utf-8")


def new_encryption_key() -> str:
    """A fresh base64url key suitable for CHARTER_SECRET_KEY."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when no user matches, so an unknown email costs what a wrong password
    does; made on first use rather than at import (argon2 takes a noticeable moment)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """argon2id hash of a person's password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; with no hash, spends the same time and returns False."""
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False
