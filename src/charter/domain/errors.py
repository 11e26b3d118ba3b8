"""Every error a client can cause, each with its Twilio `code` and HTTP `status`.

```
DomainError
├── InvalidParameter (400, 20001)
│   ├── ConstraintViolation (400, 70001)
│   ├── InvalidSid (400, 70002)
│   │   └── InvalidPermission (400, 70002)
│   ├── SubaccountCannotHaveSubaccounts (400, 21101)
│   └── AccountClosed (400, 20001)
├── AuthenticationRequired (401, 20003)
│   └── AccountNotActive (401, 20005)
├── PermissionMissing (401, 70051)
├── InsufficientFunds (402, 20402)
├── FullAccountRequired (403, 20403)
├── NotFound (404, 20404)
├── MethodNotAllowed (405, 20004)
├── Conflict (409, 20409)
├── RequestTooLarge (413, 20001)
├── UnsupportedMediaType (415, 20001)
└── TooManyRequests (429, 20429)
```

The web layer renders them in one place (`charter.web.errors`) as
`{"code", "message", "more_info", "status"}`.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every error a request can cause; never a server fault."""

    code: int = 20001
    status: int = 400

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})


class InvalidParameter(DomainError):
    """Raised when a parameter is missing, malformed or out of range."""


class ConstraintViolation(InvalidParameter):
    """Raised when a value breaks a length or format constraint Twilio reports as 70001."""

    code = 70001


class InvalidSid(InvalidParameter):
    """Raised when a SID in the path or a parameter does not have its resource's shape."""

    code = 70002


class SubaccountCannotHaveSubaccounts(InvalidParameter):
    """Raised when a subaccount tries to create a subaccount."""

    code = 21101


class AccountClosed(InvalidParameter):
    """Raised when a closed account is asked to change; closing is final."""


class AuthenticationRequired(DomainError):
    """Raised when credentials are missing or wrong, or may not be used for this request."""

    code = 20003
    status = 401


class InvalidAccessToken(AuthenticationRequired):
    """Raised for a Bearer token that is malformed, not ours, expired, revoked, or whose app is
    gone (RFC 6750 `invalid_token`; one message for every reason)."""

    def __init__(self) -> None:
        super().__init__(
            "Authenticate",
            headers={"WWW-Authenticate": 'Bearer realm="Charter", error="invalid_token"'},
        )


class AccountNotActive(AuthenticationRequired):
    """Raised when the credentials are right but their account is suspended or closed."""

    code = 20005


class PermissionMissing(DomainError):
    """Raised when a restricted credential lacks the permission a request needs."""

    code = 70051
    status = 401


class InvalidPermission(InvalidSid):
    """Raised when a policy names a permission that does not exist (Twilio: 70002)."""


class InsufficientFunds(DomainError):
    """Raised when a charge would take the main account's balance below zero (Charter's 402)."""

    code = 20402
    status = 402


class FullAccountRequired(DomainError):
    """Raised when a Trial account asks for what only Full accounts may have (Connect apps)."""

    code = 20403
    status = 403


class NotFound(DomainError):
    """Raised when a resource does not exist or the caller may not know it exists."""

    code = 20404
    status = 404


class MethodNotAllowed(DomainError):
    """Raised when a path exists but not with this HTTP method."""

    code = 20004
    status = 405


class Conflict(DomainError):
    """Raised when a concurrent change to the same resource won and this one was not applied
    (Charter's code: Twilio publishes no REST code for it); retrying is safe."""

    code = 20409
    status = 409


class RequestTooLarge(DomainError):
    """Raised when a request body is larger than the configured limit."""

    status = 413


class UnsupportedMediaType(DomainError):
    """Raised when a request body is not in a format the endpoint reads."""

    status = 415


class TooManyRequests(DomainError):
    """Raised when a client has failed authentication too often and must wait."""

    code = 20429
    status = 429
