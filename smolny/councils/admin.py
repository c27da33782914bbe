"""Django admin registrations for the councils app.

Every model is registered so a secretary can inspect the data; the journal is read-only
(no add, change or delete), because nothing may rewrite it. Corrections to the other records
go through the actions, which write the journal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from smolny.councils import models

if TYPE_CHECKING:
    MemberAdminBase = admin.ModelAdmin[models.Member]
    JournalAdminBase = admin.ModelAdmin[models.JournalEntry]
    HeadAdminBase = admin.ModelAdmin[models.JournalHead]
else:
    MemberAdminBase = JournalAdminBase = HeadAdminBase = admin.ModelAdmin

SIMPLE = [
    models.Organisation,
    models.OrganisationRole,
    models.Council,
    models.RepresentationRule,
    models.Constituency,
    models.Apportionment,
    models.ApportionedSeats,
    models.Election,
    models.ElectionWinner,
    models.Mandate,
    models.Fraction,
    models.FractionMembership,
    models.Organ,
    models.OrganSeat,
    models.RecallPetition,
    models.RecallSignature,
    models.RecallVote,
    models.RecallBallot,
]

for model in SIMPLE:
    admin.site.register(model)


@admin.register(models.Member)
class MemberAdmin(MemberAdminBase):
    list_display = ("external_id", "name", "constituency", "start", "end")
    search_fields = ("external_id", "name")
    raw_id_fields = ("constituency", "user")


@admin.register(models.JournalEntry)
class JournalEntryAdmin(JournalAdminBase):
    list_display = ("seq", "time", "actor", "action", "hash")
    list_filter = ("action",)
    search_fields = ("actor", "action", "payload")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.JournalHead)
class JournalHeadAdmin(HeadAdminBase):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
