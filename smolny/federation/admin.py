"""Django admin registrations for the federation app: read-only, like the councils' admin.

Changes go through :mod:`smolny.federation.actions` so that each lands in the journal; the
admin shows the rows. Sealed private keys are never displayed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from smolny.federation import models

if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[Any]
else:
    ModelAdminBase = admin.ModelAdmin


class ReadOnlyAdmin(ModelAdminBase):
    """Inspect only: no add, change or delete through the admin's forms."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeyAdmin(ReadOnlyAdmin):
    exclude = ("private_sealed",)


for model in (
    models.CongressSettings,
    models.ConvocationDemand,
    models.Convocation,
    models.Credential,
    models.CentralExecutive,
    models.Decision,
    models.Commissariat,
    models.CommissarAppointment,
    models.Unit,
    models.Subordination,
    models.AuthorityRule,
    models.VetoGrant,
    models.Directive,
    models.DirectiveAct,
):
    admin.site.register(model, ReadOnlyAdmin)
admin.site.register(models.RootKey, KeyAdmin)
admin.site.register(models.OrganKey, KeyAdmin)
