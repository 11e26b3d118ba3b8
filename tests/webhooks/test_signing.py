"""`X-Twilio-Signature` as Twilio computes it: checked against the twilio library itself."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from twilio.request_validator import RequestValidator

from charter.webhooks.delivery import USER_AGENT, build_request, wire_url
from charter.webhooks.signing import signature
from tests.webhooks.helpers import TOKEN, event


def test_the_library_test_vector() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert signature(TOKEN, url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/status",
        "https://hooks.example.com:8443/status?token=abc&x=1",
        "http://127.0.0.1:9000/",
        "https://hooks.example.com/a%20b/ünïcode?q=a b",
    ],
)
def test_post_signature_equals_the_librarys_and_validates(url: str) -> None:
    request = build_request(event(url, "POST"), TOKEN)
    sent = wire_url(request.url)
    params = dict(parse_qsl(request.content.decode()))
    validator = RequestValidator(TOKEN)
    assert request.headers["X-Twilio-Signature"] == validator.compute_signature(sent, params)
    assert validator.validate(sent, params, request.headers["X-Twilio-Signature"])
    assert not RequestValidator("other").validate(
        sent, params, request.headers["X-Twilio-Signature"]
    )


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/status", "https://hooks.example.com/status?existing=1#frag"],
)
def test_get_puts_params_in_the_query_and_signs_the_url_alone(url: str) -> None:
    request = build_request(event(url, "GET"), TOKEN)
    sent = wire_url(request.url)
    query = dict(parse_qsl(urlsplit(sent).query))
    assert query["MessageStatus"] == "sent"
    assert ("existing" in query) == ("existing=1" in url)
    assert "#" not in sent
    assert request.content == b""
    validator = RequestValidator(TOKEN)
    assert request.headers["X-Twilio-Signature"] == validator.compute_signature(sent, {})
    assert validator.validate(sent, {}, request.headers["X-Twilio-Signature"])


def test_the_signature_also_validates_with_the_default_port_spelled_out() -> None:
    request = build_request(event("https://hooks.example.com:443/status"), TOKEN)
    params = dict(parse_qsl(request.content.decode()))
    signed = request.headers["X-Twilio-Signature"]
    validator = RequestValidator(TOKEN)
    assert validator.validate("https://hooks.example.com/status", params, signed)
    assert validator.validate("https://hooks.example.com:443/status", params, signed)


def test_headers_and_body_of_a_post() -> None:
    e = event()
    request = build_request(e, TOKEN)
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["I-Twilio-Idempotency-Token"] == e.event_id
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("Charter-Webhooks/")
    assert dict(parse_qsl(request.content.decode())) == dict(e.params)


def test_a_path_less_url_is_signed_as_the_receiver_sees_it() -> None:
    request = build_request(event("https://hooks.example.com"), TOKEN)
    assert wire_url(request.url) == "https://hooks.example.com/"
    params = dict(parse_qsl(request.content.decode()))
    assert RequestValidator(TOKEN).validate(
        "https://hooks.example.com/", params, request.headers["X-Twilio-Signature"]
    )
