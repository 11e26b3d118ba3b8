"""The OpenAPI 3.1 document, generated from the route table, and a plain HTML rendering of it."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

from charter import __version__
from charter.web.routing import Operation

_ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "more_info": {"type": "string"},
        "status": {"type": "integer"},
    },
    "required": ["code", "message", "more_info", "status"],
}


def _schema(kind: Any) -> dict[str, Any]:
    return TypeAdapter(kind).json_schema(ref_template="#/components/schemas/{model}")


def _list_schema(key: str, item: dict[str, Any], path: str) -> dict[str, Any]:
    if path.startswith("/2010-04-01/"):
        paging: dict[str, Any] = {
            name: {"type": kind}
            for name, kind in (
                ("page", "integer"),
                ("page_size", "integer"),
                ("start", "integer"),
                ("end", "integer"),
                ("uri", "string"),
                ("first_page_uri", "string"),
            )
        }
        paging |= {
            "next_page_uri": {"type": ["string", "null"]},
            "previous_page_uri": {"type": ["string", "null"]},
        }
    else:
        paging = {"meta": {"type": "object"}}  # the v1 envelope
    return {"type": "object", "properties": {key: {"type": "array", "items": item}, **paging}}


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.name, "summary": op.summary, "tags": list(op.tags)}
    if op.permission:
        doc["x-twilio-permission"] = op.permission.name
    if op.auth:
        doc["security"] = [{"accountSid_authToken": []}]
    names = re.findall(r"{(\w+)}", op.path)
    doc["parameters"] = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
    ]
    if op.params is not None:
        schema = op.params.model_json_schema(by_alias=True)
        if op.method in ("POST", "PUT"):
            media = "application/json" if op.body == "json" else "application/x-www-form-urlencoded"
            doc["requestBody"] = {"content": {media: {"schema": schema}}}
        else:
            doc["parameters"] += [
                {"name": name, "in": "query", "required": False, "schema": prop}
                for name, prop in schema.get("properties", {}).items()
            ]
    responses: dict[str, Any] = {}
    if op.status == 204:
        responses["204"] = {"description": "Deleted"}
    else:
        body = _schema(op.response) if op.response is not None else {"type": "object"}
        if op.list_key:
            body = _list_schema(op.list_key, body, op.path)
        responses[str(op.status)] = {
            "description": "OK",
            "content": {"application/json": {"schema": body}},
        }
    error = {"description": "Twilio error", "content": {"application/json": {"schema": _ERROR}}}
    responses["4XX"] = error
    doc["responses"] = responses
    return doc


def openapi_document(operations: Sequence[Operation], server_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Charter",
            "version": __version__,
            "description": "A self-hostable, Twilio-compatible delegated-access platform.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "securitySchemes": {"accountSid_authToken": {"type": "http", "scheme": "basic"}}
        },
    }


def docs_page(operations: Sequence[Operation]) -> str:
    """A self-contained HTML reference (no scripts, no third-party resources)."""
    rows = []
    for op in operations:
        params = ""
        if op.params is not None:
            params = ", ".join(
                html.escape(n)
                for n in op.params.model_json_schema(by_alias=True).get("properties", {})
            )
        rows.append(
            f"<tr><td><code>{op.method}</code></td><td><code>{html.escape(op.path)}</code></td>"
            f"<td>{html.escape(op.summary)}</td><td>{params}</td>"
            f"<td><code>{html.escape(op.permission.name if op.permission else '')}</code></td>"
            f"<td>{op.status}</td></tr>"
        )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Charter API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .6em;"
        "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}</style></head><body>"
        "<h1>Charter API</h1><p>Generated from the route table; machine-readable at "
        "<a href=/openapi.json>/openapi.json</a>.</p><table><tr><th>Method</th><th>Path</th>"
        "<th>What it does</th><th>Parameters</th><th>Permission</th><th>Status</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )


def permissions_table(operations: Sequence[Operation]) -> str:
    """The Markdown table in `docs/permissions.md`: every route and the permission it needs."""
    lines = [
        "| Permission | Grantable | Method | Path |",
        "|---|---|---|---|",
    ]
    ordered = sorted(
        (op for op in operations if op.permission is not None),
        key=lambda op: (op.permission.name if op.permission else "", op.path, op.method),
    )
    for op in ordered:
        assert op.permission is not None  # noqa: S101 - filtered above
        grantable = "yes" if op.permission.grantable else "no (auth token or main key)"
        lines.append(f"| `{op.permission.name}` | {grantable} | {op.method} | `{op.path}` |")
    return "\n".join(lines) + "\n"
