"""Messages, simulated: validation, GSM-7/UCS-2 segment counting and the status timeline.

A message is accepted as `queued` and moves on the server's clock: `sending` after 1 s, `sent`
after 2 s (its `date_sent`), `delivered` after 4 s. Nothing is sent anywhere. Twilio's magic test
numbers decide failures: To `+15005550001` is invalid (21211), `+15005550009` cannot receive SMS
(21614), `+15005550004` is blocked (21610).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from charter.domain.errors import InvalidParameter
from charter.domain.numbers import E164

# GSM 03.38 basic character set, and the extension table whose characters take two septets.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
MAX_BODY = 1600

TIMELINE = ((timedelta(seconds=4), "delivered"), (timedelta(seconds=2), "sent"),
            (timedelta(seconds=1), "sending"))  # fmt: skip
SENT_AFTER = timedelta(seconds=2)


class MessageError(InvalidParameter):
    """A message Twilio would refuse; `code` is Twilio's."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Message:
    sid: str
    account_sid: str
    from_: str
    to: str
    body: str
    num_segments: int
    media_urls: tuple[str, ...]
    status: str  # stored status: queued, or canceled; the timeline gives the rest
    price_units: int | None
    status_callback: str | None
    date_created: datetime
    date_updated: datetime

    @property
    def date_sent(self) -> datetime | None:
        return None if self.status == "canceled" else self.date_created + SENT_AFTER


def segments(body: str) -> tuple[int, str]:
    """(segments, encoding) as GSM-7 or UCS-2 carriers count them."""
    if not body:
        return 0, "GSM"
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in body):
        septets = sum(2 if c in GSM_EXTENDED else 1 for c in body)
        return (1 if septets <= 160 else -(-septets // 153)), "GSM"
    units = len(body.encode("utf-16-le")) // 2
    return (1 if units <= 70 else -(-units // 67)), "UCS-2"


def check_message(to: str, from_: str | None, body: str | None, media: list[str]) -> None:
    """Twilio's refusals for a new message, in Twilio's order."""
    if not to:
        raise MessageError(21604, "A 'To' phone number is required.")
    if not from_:
        raise MessageError(21603, "A 'From' phone number is required.")
    if not body and not media:
        raise MessageError(21602, "Message body is required.")
    if not E164.match(to) or to == "+15005550001":
        raise MessageError(21211, f"The 'To' number {to} is not a valid phone number.")
    if to == "+15005550009":
        raise MessageError(21614, f"'To' number {to} is not a valid mobile number")
    if to == "+15005550004":
        raise MessageError(21610, "Attempt to send to unsubscribed recipient")
    if body is not None and len(body) > MAX_BODY:
        raise MessageError(21617, "The concatenated message body exceeds the 1600 character limit")
    for url in media:
        if not url.startswith(("http://", "https://")):
            raise MessageError(21620, f"Invalid media URL(s): {url}")
    if len(media) > 10:
        raise MessageError(21623, "Number of media files exceeds allowed limit")


def status_at(message: Message, now: datetime) -> str:
    """The message's status at `now` on the simulated timeline."""
    if message.status != "queued":
        return message.status
    age = now - message.date_created
    for after, status in TIMELINE:
        if age >= after:
            return status
    return "queued"


def status_changes(message: Message) -> list[tuple[datetime, str]]:
    """When each later status is reached (for status callbacks)."""
    return sorted((message.date_created + after, status) for after, status in TIMELINE)
