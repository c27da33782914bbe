"""The admin's one base for every model: read-only.

A change made in the admin's forms would bypass the actions and so the journal; the admin
only shows the rows, and corrections go through admin actions that call the actions (see
:mod:`smolny.councils.admin`). The councils' and the federation's admins both register
their models with this class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

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
