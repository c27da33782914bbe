"""The live probe: a minimal page and two helpers that prove the browser path works.

``/live/probe/<name>`` is a page whose few lines of plain JavaScript open an ``EventSource``
on the channel ``probe:<name>`` and list what arrives; the browser tests and the benchmark
use it before the real pages exist, and an operator can use it to check that events reach
browsers through whatever proxy stands in front of Smolny.

Publishing by HTTP (``POST /live/probe/<name>/publish``) and the subscriber count
(``GET /live/probe/<name>/stats``) exist only when the environment sets
``SMOLNY_LIVE_PROBE=1`` (the test and benchmark servers do); they can only reach ``probe:``
channels, never an organisation's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.template import Context, Engine
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from smolny import live
from smolny.web.live import CHANNEL_PATTERN

_ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")], autoescape=True)


def _enabled() -> bool:
    return os.environ.get("SMOLNY_LIVE_PROBE", "") == "1"


def _channel(name: str) -> str | None:
    channel = f"probe:{name}"
    return channel if CHANNEL_PATTERN.fullmatch(channel) else None


@require_GET
def page(request: HttpRequest, name: str) -> HttpResponse:
    """The probe page for channel ``probe:<name>``."""
    channel = _channel(name)
    if channel is None:
        return HttpResponseNotFound("no such channel", content_type="text/plain")
    html = _ENGINE.get_template("web/live_probe.html").render(
        Context(
            {
                "channel": channel,
                "stream_url": f"/live/{channel}",
                # Files, not inline code, so that the Content-Security-Policy allows them.
                "script_url": static("web/live_probe.js"),
                "style_url": static("web/live_probe.css"),
            }
        )
    )
    return HttpResponse(html)


@csrf_exempt
@require_POST
def publish(request: HttpRequest, name: str) -> HttpResponse:
    """Publish the request's JSON object on ``probe:<name>``; answer its id and this pid."""
    channel = _channel(name)
    if not _enabled() or channel is None:
        return HttpResponseNotFound("not found", content_type="text/plain")
    try:
        event: Any = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "body: not JSON"}, status=400)
    if not isinstance(event, dict):
        return JsonResponse({"error": "body: a JSON object is needed"}, status=400)
    delivered = live.publish(channel, event)
    return JsonResponse(
        {"channel": channel, "head": live.head(channel), "delivered": delivered, "pid": os.getpid()}
    )


@require_GET
def stats(request: HttpRequest, name: str) -> HttpResponse:
    """How many streams this process holds on ``probe:<name>``, and its pid."""
    channel = _channel(name)
    if not _enabled() or channel is None:
        return HttpResponseNotFound("not found", content_type="text/plain")
    return JsonResponse({"subscribers": live.subscriber_count(channel), "pid": os.getpid()})
