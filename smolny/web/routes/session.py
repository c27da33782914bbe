"""Routes of the session pages (see :mod:`smolny.web.routes`): chair console, deputy view,
projector, and the fragments each re-reads on a live event."""

from django.urls import URLPattern, path

from smolny.web.views import board, chair, deputy, motion, projector

urlpatterns: list[URLPattern] = [
    path("sessions/<int:session_id>/chair", chair.console, name="session-chair"),
    path(
        "sessions/<int:session_id>/chair/part/<str:part>",
        chair.fragment,
        name="session-chair-part",
    ),
    path("sessions/<int:session_id>/chair/<str:name>", chair.step, name="session-chair-step"),
    path("sessions/<int:session_id>/deputy", deputy.view, name="session-deputy"),
    path("sessions/<int:session_id>/deputy/panel", deputy.panel, name="session-deputy-panel"),
    path("sessions/<int:session_id>/deputy/<str:name>", deputy.step, name="session-deputy-step"),
    path("sessions/<int:session_id>/projector", projector.view, name="session-projector"),
    path(
        "sessions/<int:session_id>/projector/screen",
        projector.screen,
        name="session-projector-screen",
    ),
    path(
        "sessions/<int:session_id>/items/<int:item_id>/motion.pdf",
        motion.motion_pdf,
        name="session-motion-pdf",
    ),
    path(
        "sessions/<int:session_id>/votes/<int:vote_id>/board",
        board.page,
        name="session-vote-board",
    ),
    path(
        "sessions/<int:session_id>/votes/<int:vote_id>/board.json",
        board.download,
        name="session-vote-board-json",
    ),
    # The recall vote's and the election poll's boards, for smolny verify-vote.
    path(
        "o/<int:organisation_id>/recall-votes/<int:vote_id>/board.json",
        board.recall_download,
        name="recall-vote-board-json",
    ),
    path(
        "o/<int:organisation_id>/elections/<int:election_id>/board.json",
        board.election_download,
        name="election-board-json",
    ),
]
