"""Phone numbers, 2010 API: AvailablePhoneNumbers (search) and IncomingPhoneNumbers (owned).

Simulated: see `charter.domain.numbers` for the inventory Charter offers.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from charter.domain.errors import InvalidParameter
from charter.domain.ids import parse_account_sid, parse_sid
from charter.domain.numbers import (
    CONFIG_FIELDS,
    COUNTRIES,
    AvailableNumber,
    PhoneNumber,
    formatted,
)
from charter.domain.paging import Page
from charter.domain.permissions import ACTIVE_NUMBERS, AVAILABLE_NUMBERS
from charter.domain.ports import NumberFilter
from charter.web.routing import Call, Operation
from charter.web.twilio import PagingParams, Params, list_envelope, rfc2822

BASE = "/2010-04-01/Accounts/{AccountSid}"
CAPABILITIES = {"voice": True, "sms": True, "mms": True, "fax": False}
_TYPE_PATHS = {"Local": "local", "Mobile": "mobile", "TollFree": "toll_free"}
_KIND_OF_PATH = {"Local": "local", "Mobile": "mobile", "TollFree": "tollfree"}


class AvailableNumberJSON(TypedDict):
    friendly_name: str
    phone_number: str
    lata: str | None
    locality: str | None
    rate_center: str | None
    latitude: str | None
    longitude: str | None
    region: str | None
    postal_code: str | None
    iso_country: str
    address_requirements: str
    beta: bool
    capabilities: dict[str, bool]


class PhoneNumberJSON(TypedDict, total=False):
    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    origin: str
    beta: bool
    capabilities: dict[str, bool]
    status: str
    type: str
    api_version: str
    address_requirements: str
    emergency_address_status: str
    date_created: str | None
    date_updated: str | None
    uri: str
    subresource_uris: dict[str, str]


def available_json(n: AvailableNumber) -> AvailableNumberJSON:
    p = n.place
    return {
        "friendly_name": formatted(n.phone_number),
        "phone_number": n.phone_number,
        "lata": p.lata if p else None,
        "locality": p.locality if p else None,
        "rate_center": p.rate_center if p else None,
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "region": p.region if p else None,
        "postal_code": p.postal_code if p else None,
        "iso_country": n.iso_country,
        "address_requirements": "none",
        "beta": False,
        "capabilities": CAPABILITIES,
    }


def number_json(n: PhoneNumber) -> PhoneNumberJSON:
    base = f"/2010-04-01/Accounts/{n.account_sid}/IncomingPhoneNumbers/{n.sid}"
    body: dict[str, Any] = {
        "sid": n.sid,
        "account_sid": n.account_sid,
        "phone_number": n.phone_number,
        "friendly_name": n.friendly_name,
        "origin": "twilio",
        "beta": False,
        "capabilities": CAPABILITIES,
        "status": "in-use",
        "type": n.number_type,
        "api_version": "2010-04-01",
        "address_requirements": "none",
        "emergency_address_status": "unregistered",
        "date_created": rfc2822(n.date_created),
        "date_updated": rfc2822(n.date_updated),
        "uri": f"{base}.json",
        "subresource_uris": {"assigned_add_ons": f"{base}/AssignedAddOns.json"},
    }
    for name in CONFIG_FIELDS:
        body[name] = n.config.get(name)
    body["voice_method"] = body["voice_method"] or "POST"
    body["sms_method"] = body["sms_method"] or "POST"
    return body  # type: ignore[return-value]


class NumberConfigParams(Params):
    FriendlyName: str | None = None
    VoiceUrl: str | None = None
    VoiceMethod: str | None = None
    VoiceFallbackUrl: str | None = None
    VoiceFallbackMethod: str | None = None
    VoiceApplicationSid: str | None = None
    VoiceCallerIdLookup: str | None = None
    VoiceReceiveMode: str | None = None
    SmsUrl: str | None = None
    SmsMethod: str | None = None
    SmsFallbackUrl: str | None = None
    SmsFallbackMethod: str | None = None
    SmsApplicationSid: str | None = None
    StatusCallback: str | None = None
    StatusCallbackMethod: str | None = None
    AddressSid: str | None = None
    BundleSid: str | None = None
    IdentitySid: str | None = None
    TrunkSid: str | None = None
    EmergencyStatus: str | None = None
    EmergencyAddressSid: str | None = None

    def config(self) -> dict[str, str | None]:
        values = {}
        for field in CONFIG_FIELDS:
            alias = "".join(w.capitalize() for w in field.split("_"))
            value = getattr(self, alias)
            if value is not None:
                values[field] = value
        return values


class BuyNumberParams(NumberConfigParams):
    PhoneNumber: str | None = None
    AreaCode: str | None = None


class UpdateNumberParams(NumberConfigParams):
    AccountSid: str | None = None


class ListNumberParams(PagingParams):
    PhoneNumber: str | None = None
    FriendlyName: str | None = None


class AvailableParams(PagingParams):
    AreaCode: str | None = None
    Contains: str | None = None


def _country(call: Call) -> str:
    iso = str(call.request.path_params["CountryCode"]).upper()
    if iso not in COUNTRIES:
        raise InvalidParameter(f"Country {iso} is not offered")
    return iso


def _country_json(call: Call, iso: str) -> dict[str, Any]:
    base = f"/2010-04-01/Accounts/{call.target.sid}/AvailablePhoneNumbers/{iso}"
    return {
        "country_code": iso,
        "country": COUNTRIES[iso][0],
        "uri": f"{base}.json",
        "beta": False,
        "subresource_uris": {_TYPE_PATHS[t]: f"{base}/{t}.json" for t in COUNTRIES[iso][1]},
    }


async def list_countries(call: Call) -> dict[str, Any]:
    return {
        "countries": [_country_json(call, iso) for iso in COUNTRIES],
        "uri": f"/2010-04-01/Accounts/{call.target.sid}/AvailablePhoneNumbers.json",
    }


async def fetch_country(call: Call) -> dict[str, Any]:
    return _country_json(call, _country(call))


async def search_available(call: Call) -> dict[str, Any]:
    params: AvailableParams = call.params
    iso, kind = _country(call), call.request.path_params["Type"]
    request = params.page_request()
    found = await call.runtime.numbers.available(
        iso, kind, params.AreaCode, params.Contains, request.size
    )
    path = f"/2010-04-01/Accounts/{call.target.sid}/AvailablePhoneNumbers/{iso}/{kind}.json"
    filters = [(k, v) for k, v in call.query_pairs if k in ("AreaCode", "Contains")]
    items = [available_json(n) for n in found]
    return list_envelope(
        "available_phone_numbers", items, Page(items, False, False), request, path, filters
    )


def _buy(required_type: str | None) -> Any:
    async def handler(call: Call) -> PhoneNumberJSON:
        p: BuyNumberParams = call.params
        number = await call.runtime.numbers.buy(
            call.acting, call.target, p.PhoneNumber, p.AreaCode, p.FriendlyName, p.config(),
            required_type,
        )  # fmt: skip
        return number_json(number)

    return handler


async def list_numbers(call: Call) -> dict[str, Any]:
    params: ListNumberParams = call.params
    request = params.page_request()
    where = NumberFilter(call.target.sid, params.PhoneNumber, params.FriendlyName)
    page = await call.runtime.numbers.list_numbers(where, request)
    path = f"/2010-04-01/Accounts/{call.target.sid}/IncomingPhoneNumbers.json"
    filters = [(k, v) for k, v in call.query_pairs if k in ("PhoneNumber", "FriendlyName")]
    items = [number_json(n) for n in page.items]
    return list_envelope("incoming_phone_numbers", items, page, request, path, filters)


def _number_sid(call: Call) -> str:
    return parse_sid(call.request.path_params["Sid"], "PN")


async def fetch_number(call: Call) -> PhoneNumberJSON:
    return number_json(await call.runtime.numbers.get(call.target, _number_sid(call)))


async def update_number(call: Call) -> PhoneNumberJSON:
    p: UpdateNumberParams = call.params
    owner = None
    if p.AccountSid is not None:
        owner = await call.runtime.accounts.resolve(call.acting, parse_account_sid(p.AccountSid))
    number = await call.runtime.numbers.update(
        call.target, _number_sid(call), p.FriendlyName, p.config(), owner
    )
    return number_json(number)


async def release_number(call: Call) -> None:
    await call.runtime.numbers.release(call.target, _number_sid(call))


TAGS = ("IncomingPhoneNumbers",)
IPN = f"{BASE}/IncomingPhoneNumbers"

OPERATIONS = [
    Operation(
        "GET", f"{BASE}/AvailablePhoneNumbers.json", "ListAvailablePhoneNumberCountry",
        "Countries Charter offers numbers in.", list_countries, None, None,
        permission=AVAILABLE_NUMBERS["list"], tags=("AvailablePhoneNumbers",),
    ),
    Operation(
        "GET", f"{BASE}/AvailablePhoneNumbers/{{CountryCode}}.json",
        "FetchAvailablePhoneNumberCountry", "One country and its number types.",
        fetch_country, None, None, permission=AVAILABLE_NUMBERS["list"],
        tags=("AvailablePhoneNumbers",),
    ),
    Operation(
        "GET", f"{BASE}/AvailablePhoneNumbers/{{CountryCode}}/{{Type}}.json",
        "ListAvailablePhoneNumber",
        "Search numbers to buy (Local, Mobile, TollFree; AreaCode, Contains): deterministic.",
        search_available, AvailableParams, AvailableNumberJSON,
        list_key="available_phone_numbers", permission=AVAILABLE_NUMBERS["list"],
        tags=("AvailablePhoneNumbers",),
    ),
    *[
        Operation(
            "POST", f"{IPN}/{kind}.json", f"CreateIncomingPhoneNumber{kind}",
            f"Buy a {kind} number (PhoneNumber or AreaCode); the first month is charged.",
            _buy(_KIND_OF_PATH[kind]), BuyNumberParams, PhoneNumberJSON, status=201,
            permission=ACTIVE_NUMBERS["create"], tags=TAGS,
        )
        for kind in ("Local", "Mobile", "TollFree")
    ],
    Operation(
        "POST", f"{IPN}.json", "CreateIncomingPhoneNumber",
        "Buy a number (PhoneNumber or AreaCode); the first month is charged to the main account.",
        _buy(None), BuyNumberParams, PhoneNumberJSON, status=201,
        permission=ACTIVE_NUMBERS["create"], tags=TAGS,
    ),
    Operation(
        "GET", f"{IPN}.json", "ListIncomingPhoneNumber",
        "The account's numbers, filtered by PhoneNumber and FriendlyName.",
        list_numbers, ListNumberParams, PhoneNumberJSON, list_key="incoming_phone_numbers",
        permission=ACTIVE_NUMBERS["list"], tags=TAGS,
    ),
    Operation(
        "GET", f"{IPN}/{{Sid}}.json", "FetchIncomingPhoneNumber", "Fetch a number.",
        fetch_number, None, PhoneNumberJSON, permission=ACTIVE_NUMBERS["read"], tags=TAGS,
    ),
    Operation(
        "POST", f"{IPN}/{{Sid}}.json", "UpdateIncomingPhoneNumber",
        "Change a number's URLs and settings, or move it (AccountSid) within the main account.",
        update_number, UpdateNumberParams, PhoneNumberJSON,
        permission=ACTIVE_NUMBERS["update"], tags=TAGS,
    ),
    Operation(
        "DELETE", f"{IPN}/{{Sid}}.json", "DeleteIncomingPhoneNumber",
        "Release a number.", release_number, None, None, status=204,
        permission=ACTIVE_NUMBERS["delete"], tags=TAGS,
    ),
]  # fmt: skip
