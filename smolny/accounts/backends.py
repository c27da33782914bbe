"""Sign-in with a password, throttled per account and per address.

Throttling lives in the authentication backend rather than in one view so that every way to
sign in with a password (the sign-in page, ``POST /api/auth/login``, the admin's own login
page) counts against the same limits (:mod:`smolny.accounts.throttle`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.forms import ValidationError

from smolny.accounts import throttle


class ThrottledModelBackend(ModelBackend):
    """Django's user-and-password backend, refusing to even try once a limit is reached.

    A refused attempt leaves the :class:`~smolny.accounts.throttle.Throttled` refusal on the
    request (``request.smolny_throttled``) so that the page or the API can say why, and raises
    ``PermissionDenied``, which makes Django stop at once: no other backend is asked.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        try:
            throttle.check_sign_in(request, username)
        except throttle.Throttled as refused:
            request.smolny_throttled = refused
            raise PermissionDenied(str(refused)) from None
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.failed_sign_in(request, username)
        else:
            throttle.forget("sign-in:account", username)
        return user


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when the attempt was refused for too many failures."""

    def get_invalid_login_error(self) -> ValidationError:
        refused = getattr(self.request, "smolny_throttled", None)
        if refused is not None:
            return ValidationError(str(refused), code="throttled")
        return super().get_invalid_login_error()
