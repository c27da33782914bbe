"""The accounts' forms: Django's own where it has one, with the fields Smolny adds."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from smolny.councils.models import Organisation


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
    return [(z, z.replace("_", " ")) for z in zones]


class SignUpForm(UserCreationForm):  # type: ignore[type-arg]
    """A user name, an email address (to be verified) and a password, twice."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send a link to this address; follow it to confirm the account."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        """One account per address: a password reset for it must reach one account only."""
        email: str = self.cleaned_data["email"].strip()
        if get_user_model()._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account has this address already: sign in, or ask for a new password."),
                code="taken",
            )
        return email


class AcceptInvitationForm(UserCreationForm):  # type: ignore[type-arg]
    """The invited member chooses a user name and a password (the address came with the
    invitation). Only checked here: the account is made by the action."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


class OrganisationForm(forms.Form):
    """An organisation's settings, as founded and as changed later."""

    name = forms.CharField(label=_("Name"), max_length=200)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Times on the organisation's pages are shown in this zone."),
        initial="UTC",
    )
    language = forms.ChoiceField(
        label=_("The organisation's language"),
        help_text=_("The language of the invitations its secretaries send."),
        initial="en",
    )
    calendar = forms.ChoiceField(
        label=_("Calendar"),
        widget=forms.RadioSelect,
        initial=Organisation.NEW_STYLE,
        choices=(
            (Organisation.NEW_STYLE, _("New Style (Gregorian) dates only")),
            (
                Organisation.DUAL,
                _("Old Style and New Style dates, as Russia's record before February 1918"),
            ),
        ),
    )
    public_record = forms.BooleanField(
        label=_("Public record"),
        required=False,
        help_text=_(
            "Anyone, signed in or not, may read its councils, sessions, votes and journal."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        self.fields["language"].choices = settings.LANGUAGES  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    """Invite one member (found by name on the invitations page) at the address given, or at
    the one on the roll."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Email address"), required=False)
