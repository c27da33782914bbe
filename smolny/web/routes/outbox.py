"""Routes of the organisation's outbox of notices by email (secretaries only)."""

from django.urls import URLPattern, path

from smolny.web.views import outbox

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/outbox/", outbox.outbox, name="outbox"),
    path("o/<int:organisation_id>/outbox/retry", outbox.retry, name="outbox-retry"),
]
