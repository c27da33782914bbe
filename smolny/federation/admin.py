"""Django admin registrations for the federation app: read-only, like the councils' admin.

Changes go through :mod:`smolny.federation.actions` so that each lands in the journal; the
admin shows the rows. Sealed private keys are never displayed.
"""

from __future__ import annotations

from django.contrib import admin

from smolny.federation import models
from smolny.journal.admin import ReadOnlyAdmin


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
