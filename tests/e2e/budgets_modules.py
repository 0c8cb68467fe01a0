"""Call budgets of the licensed modules' routes: scenarios and pinned AWS calls.

`test_call_budget.py` merges these into its tables; each scenario sets up what its route needs
(licence, sheets; those calls are not counted) and returns the one reply whose calls are pinned.
The licence check adds no call: it reads the tenant row the gate's BatchGetItem brings anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e.conftest import Account, Api, HttpReply

AUTH = {"dynamodb.BatchGetItem": 1}  # the tenant gate: membership and tenant row (with its licences)
READ_ONE = {**AUTH, "dynamodb.GetItem": 1}
LIST = {**AUTH, "dynamodb.Query": 1}
WRITE = {**AUTH, "dynamodb.TransactWriteItems": 1}
CHANGE = {**AUTH, "dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1}

BUDGETS: dict[str, dict[str, int]] = {
    "POST /tenants/{tenantId}/price-calculations": WRITE,  # the sheet and the supplier's check
    "GET /tenants/{tenantId}/price-calculations": LIST,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": READ_ONE,
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": CHANGE,
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": CHANGE,
}

_granted: set[tuple[str, str]] = set()


def grant(api: Api, account: Account, module: str = "price_calculation") -> None:
    """An operator grants `module` to the account's tenant (once per tenant here)."""
    if (account.tenant_id, module) in _granted:
        return
    reply = api.call(
        "POST",
        f"/operator/tenants/{account.tenant_id}/licences",
        token=api.operator().token,
        json_body={"module": module, "period": "P12M", "note": "Beratung"},
    )
    assert reply.status == 201, reply.body
    _granted.add((account.tenant_id, module))


SHEET = {
    "name": "Bürostuhl",
    "direction": "forward",
    "purchase_cost_cents": 12000,
    "overhead_pct": "25",
    "margin_pct": "12.5",
    "cash_discount_pct": "2",
    "discount_pct": "10",
}


def _sheet(api: Api, account: Account) -> str:
    grant(api, account)
    made = api.call(
        "POST", f"/tenants/{account.tenant_id}/price-calculations", token=account.token, json_body=SHEET
    )
    assert made.status == 201, made.body
    return f"/tenants/{account.tenant_id}/price-calculations/{made.body['id']}"


def _create(api: Api, account: Account) -> HttpReply:
    grant(api, account)
    supplier = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/contacts",
        token=account.token,
        json_body={"kind": "company", "name": "Lieferant"},
    ).body["id"]
    return api.call(
        "POST",
        f"/tenants/{account.tenant_id}/price-calculations",
        token=account.token,
        json_body={**SHEET, "supplier_contact_id": supplier},
    )


def _list(api: Api, account: Account) -> HttpReply:
    _sheet(api, account)
    return api.call(
        "GET", f"/tenants/{account.tenant_id}/price-calculations?prefix=buro", token=account.token
    )


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "POST /tenants/{tenantId}/price-calculations": _create,
    "GET /tenants/{tenantId}/price-calculations": _list,
    "GET /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "GET", _sheet(api, account), token=account.token
    ),
    "PATCH /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "PATCH",
        _sheet(api, account),
        token=account.token,
        json_body={"direction": "backward"},
        headers={"If-Match": '"1"'},
    ),
    "DELETE /tenants/{tenantId}/price-calculations/{calculationId}": lambda api, account: api.call(
        "DELETE", _sheet(api, account), token=account.token
    ),
}


# ---------------------------------------------------------------- podcasts
_podcasting: set[str] = set()


def _podcasts(api: Api, account: Account) -> None:
    if account.tenant_id not in _podcasting:
        api.book(account, "podcasts")
        _podcasting.add(account.tenant_id)


def _channel(api: Api, account: Account) -> str:
    from tests.e2e import podcasting

    _podcasts(api, account)
    return f"{podcasting.channels(account)}/{podcasting.channel(api, account)['id']}"


def _episode(api: Api, account: Account) -> str:
    from tests.e2e import podcasting

    channel = _channel(api, account)
    return f"{channel}/episodes/{podcasting.episode(api, account, channel.rsplit('/', 1)[1])['id']}"


def _confirm(api: Api, account: Account) -> HttpReply:
    from tests.audio import mp3
    from tests.e2e import podcasting

    episode = _episode(api, account)
    channel_id, episode_id = episode.split("/")[5], episode.split("/")[7]
    upload_id = podcasting.upload(api, account, channel_id, episode_id, mp3(10), "audio/mpeg")
    return podcasting.confirm(api, account, channel_id, episode_id, upload_id)


def _published(api: Api, account: Account) -> tuple[str, str]:
    """A published channel with one episode with audio: (channel id, episode id)."""
    from tests.e2e import podcasting

    _podcasts(api, account)
    channel_id = podcasting.channel(api, account)["id"]
    episode = podcasting.with_audio(api, account, channel_id)
    podcasting.publish(api, account, channel_id)
    return channel_id, episode["id"]


def _publish(api: Api, account: Account) -> HttpReply:
    from tests.e2e import podcasting

    _podcasts(api, account)
    channel_id = podcasting.channel(api, account)["id"]
    podcasting.with_audio(api, account, channel_id)
    return api.call("POST", f"{podcasting.channels(account)}/{channel_id}/publish", token=account.token)


def _enclosure(api: Api, account: Account) -> HttpReply:
    """The redirect itself, not the audio it leads to."""
    import json

    import requests

    from local.gateway import CALLS_HEADER

    channel_id, episode_id = _published(api, account)
    reply = requests.get(
        f"{api.url}/feeds/{channel_id}/episodes/{episode_id}.mp3", allow_redirects=False, timeout=30
    )
    assert reply.status_code == 302, reply.text
    return HttpReply(302, reply.text, dict(reply.headers), json.loads(reply.headers.get(CALLS_HEADER, "{}")))


def _cover_confirm(api: Api, account: Account) -> HttpReply:
    from tests.e2e import podcasting

    channel_id = _channel(api, account).rsplit("/", 1)[1]
    upload_id = podcasting.cover_upload(api, account, channel_id, podcasting.image(1400), "image/jpeg")
    return podcasting.cover_confirm(api, account, channel_id, upload_id)


def _cover_image(api: Api, account: Account) -> HttpReply:
    """The redirect to a published channel's cover."""
    import json

    import requests

    from local.gateway import CALLS_HEADER
    from tests.e2e import podcasting

    _podcasts(api, account)
    channel_id = podcasting.channel(api, account)["id"]
    podcasting.with_audio(api, account, channel_id)
    podcasting.publish(api, account, channel_id)
    url = podcasting.with_cover(api, account, channel_id)["cover"]["url"]
    reply = requests.get(url, allow_redirects=False, timeout=30)
    assert reply.status_code == 302, reply.text
    return HttpReply(302, reply.text, dict(reply.headers), json.loads(reply.headers.get(CALLS_HEADER, "{}")))


CHANNELS = "/tenants/{tenantId}/podcasts/channels"
EPISODES = CHANNELS + "/{channelId}/episodes"
AUDIO = EPISODES + "/{episodeId}/audio"
COVER = CHANNELS + "/{channelId}/cover"
SCENARIOS.update(
    {
        f"POST {CHANNELS}": lambda api, account: (
            _podcasts(api, account),
            api.call(
                "POST",
                f"/tenants/{account.tenant_id}/podcasts/channels",
                token=account.token,
                json_body={"title": "T", "description": "D", "author": "A", "category": "Business"},
            ),
        )[1],
        f"GET {CHANNELS}": lambda api, account: (
            _channel(api, account),
            api.call("GET", f"/tenants/{account.tenant_id}/podcasts/channels", token=account.token),
        )[1],
        f"GET {CHANNELS}/{{channelId}}": lambda api, account: api.call(
            "GET", _channel(api, account), token=account.token
        ),
        f"PATCH {CHANNELS}/{{channelId}}": lambda api, account: api.call(
            "PATCH",
            _channel(api, account),
            token=account.token,
            json_body={"title": "Neu"},
            headers={"If-Match": '"1"'},
        ),
        f"DELETE {CHANNELS}/{{channelId}}": lambda api, account: api.call(
            "DELETE", _channel(api, account), token=account.token
        ),
        f"POST {CHANNELS}/{{channelId}}/publish": _publish,
        f"POST {EPISODES}": lambda api, account: api.call(
            "POST",
            _channel(api, account) + "/episodes",
            token=account.token,
            json_body={"title": "T", "description": "D"},
        ),
        f"GET {EPISODES}": lambda api, account: api.call(
            "GET", _episode(api, account).rsplit("/", 1)[0], token=account.token
        ),
        f"GET {EPISODES}/{{episodeId}}": lambda api, account: api.call(
            "GET", _episode(api, account), token=account.token
        ),
        f"PATCH {EPISODES}/{{episodeId}}": lambda api, account: api.call(
            "PATCH",
            _episode(api, account),
            token=account.token,
            json_body={"title": "Neu"},
            headers={"If-Match": '"1"'},
        ),
        f"DELETE {EPISODES}/{{episodeId}}": lambda api, account: api.call(
            "DELETE", _episode(api, account), token=account.token
        ),
        f"POST {AUDIO}/upload": lambda api, account: api.call(
            "POST",
            _episode(api, account) + "/audio/upload",
            token=account.token,
            json_body={"content_type": "audio/mpeg"},
        ),
        f"POST {AUDIO}/confirm": _confirm,
        "GET /feeds/{channelId}": lambda api, account: api.call(
            "GET", f"/feeds/{_published(api, account)[0]}.xml"
        ),
        "GET /feeds/{channelId}/episodes/{episodeFile}": _enclosure,
        f"POST {COVER}/upload": lambda api, account: api.call(
            "POST",
            _channel(api, account) + "/cover/upload",
            token=account.token,
            json_body={"content_type": "image/png"},
        ),
        f"POST {COVER}/confirm": _cover_confirm,
        "GET /feeds/{channelId}/covers/{coverFile}": _cover_image,
    }
)

BUDGETS.update(
    {
        f"POST {CHANNELS}": WRITE,
        f"GET {CHANNELS}": LIST,  # one Query of the tenant's range: a tenant has a handful of channels
        f"GET {CHANNELS}/{{channelId}}": READ_ONE,
        f"PATCH {CHANNELS}/{{channelId}}": CHANGE,
        # and whether it has episodes (one item of one Query), and its stored feed
        f"DELETE {CHANNELS}/{{channelId}}": {**CHANGE, "dynamodb.Query": 1, "s3.DeleteObject": 1},
        # the channel, its episodes (one Query), the feed stored, the channel written
        f"POST {CHANNELS}/{{channelId}}/publish": {**CHANGE, "dynamodb.Query": 1, "s3.PutObject": 1},
        # Each episode change reads its channel: when it is published, the same transaction makes
        # its feed due, and one message asks the feed job (`sqs.SendMessage`; not for a draft channel).
        f"POST {EPISODES}": CHANGE,  # the episode, with the check that its channel exists
        f"GET {EPISODES}": {**LIST, "dynamodb.GetItem": 1},  # an unknown channel is a 404, not a list
        f"GET {EPISODES}/{{episodeId}}": READ_ONE,
        f"PATCH {EPISODES}/{{episodeId}}": {**CHANGE, "dynamodb.GetItem": 2},
        f"DELETE {EPISODES}/{{episodeId}}": {**CHANGE, "dynamodb.GetItem": 2},
        f"POST {AUDIO}/upload": READ_ONE,  # signing the form is local
        # the upload's size and type, its header in ranges of 64 KiB (a 10 s MP3: the start, the
        # end for an ID3v1 tag and the frame count), the move, the episode written
        f"POST {AUDIO}/confirm": {
            **CHANGE,
            "dynamodb.GetItem": 2,  # the episode and its channel
            "s3.HeadObject": 1,
            "s3.GetObject": 3,
            "s3.CopyObject": 1,
            "s3.DeleteObject": 1,
        },
        # public: the channel by id (gsi1), the tenant's status and licence, the stored feed
        "GET /feeds/{channelId}": {"dynamodb.Query": 1, "dynamodb.GetItem": 1, "s3.GetObject": 1},
        # and the episode; the link is signed locally
        "GET /feeds/{channelId}/episodes/{episodeFile}": {"dynamodb.Query": 1, "dynamodb.GetItem": 2},
        f"POST {COVER}/upload": READ_ONE,  # the channel; signing the form is local
        # the channel, the upload's size and type, its bytes (at most 8 MiB), the re-encoded copy
        # stored, the upload deleted, the channel written
        f"POST {COVER}/confirm": {
            **CHANGE,
            "s3.HeadObject": 1,
            "s3.GetObject": 1,
            "s3.PutObject": 1,
            "s3.DeleteObject": 1,
        },
        # public: the channel by id (gsi1), the tenant's status and licence; the link is signed locally
        "GET /feeds/{channelId}/covers/{coverFile}": {"dynamodb.Query": 1, "dynamodb.GetItem": 1},
    }
)
