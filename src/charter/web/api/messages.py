"""Messages, 2010 API: send (simulated, charged), list, fetch, redact or cancel, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field
from typing_extensions import TypedDict

from charter.domain.errors import InvalidParameter
from charter.domain.ids import parse_sid
from charter.domain.messaging import Message, status_at
from charter.domain.money import format_units
from charter.domain.permissions import MESSAGES
from charter.domain.ports import MessageFilter
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, Params, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"

MessageJSON = TypedDict(
    "MessageJSON",
    {
        "sid": str,
        "account_sid": str,
        "messaging_service_sid": str | None,
        "from": str,
        "to": str,
        "body": str,
        "num_segments": str,
        "num_media": str,
        "direction": str,
        "status": str,
        "error_code": int | None,
        "error_message": str | None,
        "price": str | None,
        "price_unit": str,
        "api_version": str,
        "date_created": str | None,
        "date_updated": str | None,
        "date_sent": str | None,
        "uri": str,
        "subresource_uris": dict[str, str],
    },
)


def message_json(m: Message, now: datetime) -> MessageJSON:
    status = status_at(m, now)
    base = f"/2010-04-01/Accounts/{m.account_sid}/Messages/{m.sid}"
    sent = status in ("sent", "delivered")
    return {
        "sid": m.sid,
        "account_sid": m.account_sid,
        "messaging_service_sid": None,
        "from": m.from_,
        "to": m.to,
        "body": m.body,
        "num_segments": str(m.num_segments),
        "num_media": str(len(m.media_urls)),
        "direction": "outbound-api",
        "status": status,
        "error_code": None,
        "error_message": None,
        "price": f"-{format_units(m.price_units)}" if sent and m.price_units else None,
        "price_unit": "USD",
        "api_version": "2010-04-01",
        "date_created": rfc2822(m.date_created),
        "date_updated": rfc2822(m.date_updated),
        "date_sent": rfc2822(m.date_sent) if sent else None,
        "uri": f"{base}.json",
        "subresource_uris": {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"},
    }


class SendParams(Params):
    To: str = ""
    From: str | None = None
    MessagingServiceSid: str | None = None
    Body: str | None = None
    MediaUrl: list[str] = Field(default_factory=list)
    StatusCallback: str | None = None


class ListMessageParams(PagingParams):
    To: str | None = None
    From: str | None = None
    DateSent: str | None = None
    DateSentBefore: str | None = Field(None, alias="DateSent<")
    DateSentAfter: str | None = Field(None, alias="DateSent>")


class UpdateMessageParams(Params):
    Body: str | None = None
    Status: str | None = None


def parse_instant(value: str, name: str) -> tuple[datetime, bool]:
    """(instant, is_whole_day) from `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`."""
    for fmt, day in (("%Y-%m-%d", True), ("%Y-%m-%dT%H:%M:%SZ", False)):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC), day
        except ValueError:
            continue
    raise InvalidParameter(f"{name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")


async def send_message(call: Call) -> MessageJSON:
    p: SendParams = call.params
    if p.MessagingServiceSid is not None and p.From is None:
        raise InvalidParameter(
            "Charter does not simulate Messaging Services yet; send From a number"
        )
    message = await call.runtime.messages.send(
        call.acting, call.target, p.To, p.From, p.Body, p.MediaUrl, p.StatusCallback
    )
    return message_json(message, call.runtime.clock.now())


async def list_messages(call: Call) -> dict[str, Any]:
    p: ListMessageParams = call.params
    after = before = None
    if p.DateSent is not None:
        after, day = parse_instant(p.DateSent, "DateSent")
        before = after + (timedelta(days=1) if day else timedelta(seconds=1))
    if p.DateSentAfter is not None:
        after = parse_instant(p.DateSentAfter, "DateSent>")[0]
    if p.DateSentBefore is not None:
        before = parse_instant(p.DateSentBefore, "DateSent<")[0]
    request = p.page_request()
    where = MessageFilter(call.target.sid, p.To, p.From, after, before)
    page = await call.runtime.messages.list_messages(where, request)
    now = call.runtime.clock.now()
    path = f"/2010-04-01/Accounts/{call.target.sid}/Messages.json"
    names = ("To", "From", "DateSent", "DateSent<", "DateSent>")
    filters = [(k, v) for k, v in call.query_pairs if k in names]
    items = [message_json(m, now) for m in page.items]
    return list_envelope("messages", items, page, request, path, filters)


def _sid(call: Call) -> str:
    raw = call.request.path_params["Sid"]
    return parse_sid(raw, "MM" if raw.startswith("MM") else "SM")


async def fetch_message(call: Call) -> MessageJSON:
    message = await call.runtime.messages.get(call.target, _sid(call))
    return message_json(message, call.runtime.clock.now())


async def update_message(call: Call) -> MessageJSON:
    p: UpdateMessageParams = call.params
    message = await call.runtime.messages.update(call.target, _sid(call), p.Body, p.Status)
    return message_json(message, call.runtime.clock.now())


async def delete_message(call: Call) -> None:
    await call.runtime.messages.delete(call.target, _sid(call))


TAGS = ("Messages",)

OPERATIONS = [
    Operation(
        "POST", f"{BASE}/Messages.json", "CreateMessage",
        "Send a message (simulated) from one of the account's numbers; charged per segment.",
        send_message, SendParams, MessageJSON, status=201,
        permission=MESSAGES["create"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Messages.json", "ListMessage",
        "Messages, newest first, filtered by To, From and DateSent (also DateSent< / DateSent>).",
        list_messages, ListMessageParams, MessageJSON, list_key="messages",
        permission=MESSAGES["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{BASE}/Messages/{{Sid}}.json", "FetchMessage", "Fetch a message.",
        fetch_message, None, MessageJSON, permission=MESSAGES["read"], tags=TAGS,
    ),
    Operation(
        "POST", f"{BASE}/Messages/{{Sid}}.json", "UpdateMessage",
        "Redact (Body='') or cancel a queued message (Status=canceled, refunded).",
        update_message, UpdateMessageParams, MessageJSON,
        permission=MESSAGES["update"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{BASE}/Messages/{{Sid}}.json", "DeleteMessage",
        "Delete a message that is no longer being sent.", delete_message, None, None,
        status=204, permission=MESSAGES["delete"], tags=TAGS,
    ),
]  # fmt: skip
