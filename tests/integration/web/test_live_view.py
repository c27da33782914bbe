"""The stream view called in process: what a client that reads too slowly is told.

The in-process broker stands in for the transport here (the HTTP tests run the real ones):
the view's subscription holds 1,000 events; a client that lets more pile up has lost some,
and must be told to re-read the state rather than be sent a stream with a hole in it.
"""

from __future__ import annotations

import asyncio

import pytest
from django.test import AsyncRequestFactory

from smolny import live
from smolny.web.live import stream


@pytest.fixture
def local_transport(monkeypatch: pytest.MonkeyPatch) -> live.Broker:
    broker = live.Broker()
    monkeypatch.setattr(live, "_broker", broker)
    monkeypatch.setattr(live, "_transport", live.LocalTransport(broker))
    return broker


async def chunk(content: object) -> str:
    part = await asyncio.wait_for(content.__anext__(), 5)  # type: ignore[attr-defined]
    return part.decode() if isinstance(part, bytes) else str(part)


def test_a_client_that_fell_behind_is_told_to_reset(local_transport: live.Broker) -> None:
    async def main() -> list[str]:
        request = AsyncRequestFactory().get("/live/probe:slow")
        response = await stream(request, "probe:slow")
        content = aiter(response)
        got = [await chunk(content), await chunk(content)]  # retry, ready
        for n in range(live.DEFAULT_MAXSIZE + 5):
            local_transport.publish("probe:slow", {"n": n})
        await asyncio.sleep(0.05)  # the hand-over to the loop
        got.append(await chunk(content))
        local_transport.publish("probe:slow", {"n": "after"})
        got.append(await chunk(content))
        await content.aclose()
        return got

    retry, ready, reset, after = asyncio.run(main())
    assert retry == "retry: 1000\n\n"
    assert "event: ready" in ready
    head = local_transport.head("probe:slow")
    assert (
        reset
        == f'id: {head - 1}\nevent: reset\ndata: {{"channel":"probe:slow","id":{head - 1}}}\n\n'
    )
    assert after == f'id: {head}\nevent: message\ndata: {{"n":"after"}}\n\n'
    assert local_transport.subscriber_count("probe:slow") == 0  # closed with the stream


def test_a_client_that_keeps_up_gets_a_burst_as_one_chunk(local_transport: live.Broker) -> None:
    async def main() -> str:
        response = await stream(AsyncRequestFactory().get("/live/probe:b"), "probe:b")
        content = aiter(response)
        await chunk(content)
        await chunk(content)
        for n in range(3):
            local_transport.publish("probe:b", {"n": n})
        await asyncio.sleep(0.05)
        burst = await chunk(content)
        await content.aclose()
        return burst

    burst = asyncio.run(main())
    assert burst.count("event: message") == 3
    assert [line for line in burst.splitlines() if line.startswith("data:")] == [
        'data: {"n":0}',
        'data: {"n":1}',
        'data: {"n":2}',
    ]
