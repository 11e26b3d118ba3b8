"""JSON request bodies, as IAM v1's OAuth app endpoints take them (`application/json`).

One object, snake_case names, at most `max_body_bytes`, in UTF-8; no repeated keys, no NaN or
Infinity, no NUL characters or lone surrogates (PostgreSQL text holds neither). Anything else is
a Twilio error (400, or 413/415), never a server error. Validated into a strict Pydantic model.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request

from charter.domain.errors import InvalidParameter, UnsupportedMediaType
from charter.web.twilio import read_body

JSON = "application/json"

P = TypeVar("P", bound=BaseModel)


class JSONParams(BaseModel):
    """Base of every JSON body model: strict types (no "60" for 60, no true for 1), unknown
    fields ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise InvalidParameter(f"Parameter {key} was given more than once")
        obj[key] = value
    return obj


def _constant(name: str) -> None:
    raise InvalidParameter(f"The request body is not valid JSON ({name} is not a number)")


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidParameter("The request body must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidParameter("The request body is not valid UTF-8") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


async def json_object(request: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object; an empty body is `{}`."""
    body = await read_body(request, limit)
    if not body.strip():
        return {}
    media, _, parameters = request.headers.get("content-type", "").partition(";")
    charset = parameters.strip().lower().replace('"', "")
    if media.strip().lower() != JSON or charset not in ("", "charset=utf-8"):
        raise UnsupportedMediaType(f"Request bodies must be {JSON} in UTF-8")
    try:
        data = json.loads(body.decode("utf-8"), object_pairs_hook=_object, parse_constant=_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise InvalidParameter("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidParameter("The request body must be a JSON object")
    _check_strings(data)
    return data


def validate_json(model: type[P], data: dict[str, Any]) -> P:
    """`data` validated into `model`; a wrong type or value is a 400 naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "request"
        raise InvalidParameter(f"Invalid parameter {where}: {first['msg']}") from None
