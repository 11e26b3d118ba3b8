"""`X-Twilio-Signature`: HMAC-SHA1 over the URL and the sorted POST parameters, keyed with the
receiving account's auth token, exactly as Twilio signs its webhooks (and as
`twilio.request_validator.RequestValidator.compute_signature` checks them).

1. Start from the full URL as requested: scheme, host, port if not the default, path and query.
2. For a form POST, append each parameter name followed by its value, names sorted (for a name
   with several values, each distinct value in sorted order).
3. HMAC-SHA1 of that string with the auth token as key (both UTF-8), base64-encoded.

A GET carries its parameters in the query, so it is signed as a URL with no parameters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

SIGNATURE_HEADER = "X-Twilio-Signature"


def signature(auth_token: str, url: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """The `X-Twilio-Signature` value of a request to `url` with form `params` (empty for GET)."""
    message = url
    for name in sorted(set(params)):
        value = params[name]
        values = [value] if isinstance(value, str) else value
        for each in sorted(set(values)):
            message += name + each
    digest = hmac.new(auth_token.encode("utf-8"), message.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(digest.digest()).decode("ascii")
