"""Routes of the member pages (see :mod:`smolny.web.routes`)."""

from django.urls import URLPattern, path

from smolny.web.views import member

urlpatterns: list[URLPattern] = [
    path("o/<int:organisation_id>/portal/", member.portal, name="portal"),
    path("o/<int:organisation_id>/portal/recall", member.recall_fragment, name="portal-recall"),
    path(
        "o/<int:organisation_id>/portal/petitions/open",
        member.open_petition,
        name="portal-open-petition",
    ),
    path(
        "o/<int:organisation_id>/portal/petitions/<int:petition_id>/sign",
        member.sign_petition,
        name="portal-sign",
    ),
    path(
        "o/<int:organisation_id>/portal/petitions/<int:petition_id>/withdraw",
        member.withdraw,
        name="portal-withdraw",
    ),
    path(
        "o/<int:organisation_id>/portal/recall-votes/<int:vote_id>/cast",
        member.cast,
        name="portal-cast",
    ),
    path(
        "o/<int:organisation_id>/portal/recall-votes/<int:vote_id>/close",
        member.close,
        name="portal-close",
    ),
    path(
        "o/<int:organisation_id>/portal/elections/<int:election_id>/ballot",
        member.cast_ballot,
        name="portal-election-ballot",
    ),
    path(
        "o/<int:organisation_id>/portal/elections/<int:election_id>/close",
        member.close_poll,
        name="portal-election-close",
    ),
    path(
        "o/<int:organisation_id>/portal/elections/<int:election_id>/nominate",
        member.nominate,
        name="portal-election-nominate",
    ),
    path(
        "o/<int:organisation_id>/portal/elections/<int:election_id>/candidates/<int:member_id>/withdraw",
        member.withdraw_nominee,
        name="portal-election-withdraw",
    ),
]
