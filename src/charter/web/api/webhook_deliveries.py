"""Webhook deliveries, 2010 API (Charter's extension): the delivery log of an account's webhooks.

`GET /2010-04-01/Accounts/{AccountSid}/WebhookDeliveries.json` lists them newest first;
`…/WebhookDeliveries/{Sid}.json` fetches one by its event id (`EV…`, the idempotency token the
receiver saw). Each carries its attempts with status codes, errors, durations and times; see
docs/webhooks.md and `charter.services.webhooks` for which account sees which deliveries.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.ids import parse_sid
from charter.domain.permissions import WEBHOOK_DELIVERIES
from charter.domain.webhooks import WebhookAttempt, WebhookDelivery
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"


class WebhookAttemptJSON(TypedDict):
    attempt: int
    url: str
    method: str
    status_code: int | None
    error: str | None
    duration_ms: int
    date_attempted: str | None


class WebhookDeliveryJSON(TypedDict):
    sid: str
    account_sid: str
    kind: str
    subject_sid: str | None
    url: str
    method: str
    params: dict[str, str]
    status: str
    attempt_count: int
    last_error: str | None
    date_created: str | None
    date_delivered: str | None
    date_failed: str | None
    next_attempt_date: str | None
    attempts: list[WebhookAttemptJSON]
    uri: str


def attempt_json(a: WebhookAttempt) -> WebhookAttemptJSON:
    return {
        "attempt": a.attempt,
        "url": a.url,
        "method": a.method,
        "status_code": a.status_code,
        "error": a.error,
        "duration_ms": a.duration_ms,
        "date_attempted": rfc2822(a.attempted_at),
    }


def delivery_json(d: WebhookDelivery) -> WebhookDeliveryJSON:
    return {
        "sid": d.sid,
        "account_sid": d.account_sid,
        "kind": d.kind,
        "subject_sid": d.subject_sid,
        "url": d.url,
        "method": d.method,
        "params": dict(d.params),
        "status": d.status,
        "attempt_count": d.attempt_count,
        "last_error": d.last_error,
        "date_created": rfc2822(d.date_created),
        "date_delivered": rfc2822(d.delivered_at),
        "date_failed": rfc2822(d.given_up_at),
        "next_attempt_date": rfc2822(d.next_attempt_at),
        "attempts": [attempt_json(a) for a in d.attempts],
        "uri": f"/2010-04-01/Accounts/{d.account_sid}/WebhookDeliveries/{d.sid}.json",
    }


async def list_deliveries(call: Call) -> dict[str, Any]:
    params: PagingParams = call.params
    request = params.page_request()
    page = await call.runtime.webhooks.deliveries(call.target.sid, request)
    path = f"/2010-04-01/Accounts/{call.target.sid}/WebhookDeliveries.json"
    items = [delivery_json(d) for d in page.items]
    return list_envelope("webhook_deliveries", items, page, request, path, [])


async def fetch_delivery(call: Call) -> WebhookDeliveryJSON:
    sid = parse_sid(call.request.path_params["Sid"], "EV")
    return delivery_json(await call.runtime.webhooks.get(call.target.sid, sid))


TAGS = ("Webhook deliveries",)

OPERATIONS = [
    Operation(
        "GET", f"{BASE}/WebhookDeliveries.json", "ListWebhookDelivery",
        "The account's webhook deliveries (status and deauthorization callbacks), newest first, "
        "each with every attempt. Charter's extension.",
        list_deliveries, PagingParams, WebhookDeliveryJSON, list_key="webhook_deliveries",
        permission=WEBHOOK_DELIVERIES["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/WebhookDeliveries/{{Sid}}.json", "FetchWebhookDelivery",
        "One webhook delivery by its event id (the I-Twilio-Idempotency-Token it was sent "
        "with). Charter's extension.",
        fetch_delivery, None, WebhookDeliveryJSON, permission=WEBHOOK_DELIVERIES["read"],
        tags=TAGS,
    ),
]  # fmt: skip
