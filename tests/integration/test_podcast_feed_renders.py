"""A published feed's renders and the changes that race them, on moto in-process: a render never
clears a request for another render that a change committed while it was rendering."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.integration.conftest import Lambda
from tests.integration.tenancy import signed_up

BASE = "https://api.example.com/v1"
CHANNEL = {
    "title": "Kontor Funk",
    "description": "D",
    "language": "de",
    "author": "A",
    "category": "Business",
    "explicit": False,
    "platforms": (),
}
EPISODE = {
    "title": "Folge 1",
    "description": "D",
    "episode_number": None,
    "season_number": None,
    "published_at": "2026-01-05T06:00:00Z",
}


@pytest.fixture
def tenant(invoke: Lambda) -> Any:
    _, tenant_id = signed_up(invoke)
    return SimpleNamespace(tenant_id=tenant_id, caller=SimpleNamespace(user_id="user-1"))


def _published(tenant: Any) -> Any:
    from podcasts import channels

    channel = channels.create(tenant, dict(CHANNEL))
    return channels.publish(tenant, channel.id, BASE)


def _changing_while_rendering(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """The next render of a feed runs `change` (a committed change) after it read the episodes."""
    from podcasts import feeds

    render = feeds.render_and_store
    done: list[bool] = []

    def racing(tenant_id: str, channel: Any, base_url: str) -> Any:
        fresh = render(tenant_id, channel, base_url)
        if not done:
            done.append(True)
            change()
        return fresh

    monkeypatch.setattr(feeds, "render_and_store", racing)


def test_a_render_keeps_a_request_made_while_it_ran(
    invoke: Lambda, tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podcasts import channels, episodes, store

    # Given a published channel whose feed an episode change made due
    channel = _published(tenant)
    made = episodes.create(tenant, channel.id, dict(EPISODE))
    first = store.channels.get(tenant.tenant_id, channel.id).render_token
    assert first is not None
    # When the feed job renders it while another change to the episode is committed
    _changing_while_rendering(
        monkeypatch, lambda: episodes.update(tenant, channel.id, made.id, made.version, {"title": "Neu"})
    )

    assert channels.republish_due(tenant.tenant_id) == 0

    # Then the channel stays due with the later change's request, and the next run renders it
    due = store.channels.get(tenant.tenant_id, channel.id)
    assert due.render_token not in (None, first) and due.next_render_at is not None
    assert channels.republish_due(tenant.tenant_id) == 1
    done = store.channels.get(tenant.tenant_id, channel.id)
    assert done.render_token is None and done.next_render_at is None
    assert channels.republish_due(tenant.tenant_id) == 0  # nothing left: running again does nothing


def test_publishing_does_not_clear_a_request_it_did_not_see(
    invoke: Lambda, tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podcasts import channels, episodes, store

    from kontor.errors import PreconditionFailed

    channel = _published(tenant)
    _changing_while_rendering(
        monkeypatch, lambda: episodes.create(tenant, channel.id, {**EPISODE, "title": "Dazwischen"})
    )

    with pytest.raises(PreconditionFailed):
        channels.publish(tenant, channel.id, BASE)

    still = store.channels.get(tenant.tenant_id, channel.id)
    assert still.render_token is not None and still.next_render_at is not None
    assert still.version == channel.version  # the publish wrote nothing
