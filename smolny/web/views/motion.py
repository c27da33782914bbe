"""A motion as a PDF document: the text moved, its amendments and their fate, the votes and
the text adopted (:func:`smolny.councils.minutes.motion_blocks`, drawn as the minutes are).

Readable as the sitting's records are (:func:`smolny.web.access.reader_page`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smolny.councils.minutes import blocks_pdf, motion_blocks
from smolny.councils.models import AgendaItem
from smolny.web.access import reader_page


@reader_page
@require_GET
def motion_pdf(request: HttpRequest, session_id: int, item_id: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_id, session_id=session_id)
    title = _("Item %(position)s: %(title)s") % {"position": item.position, "title": item.title}
    document = blocks_pdf(motion_blocks(item), title)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="motion-{session_id}-item-{item.position}.pdf"'
    )
    return response
