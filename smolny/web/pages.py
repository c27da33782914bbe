"""URL map of the web pages; each group of pages keeps its routes in :mod:`smolny.web.routes`."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from smolny.accounts.backends import SignInForm
from smolny.web.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("", include("smolny.accounts.urls")),
    path("", include("smolny.web.routes.council")),
    path("", include("smolny.web.routes.session")),
    path("", include("smolny.web.routes.member")),
    path("", include("smolny.web.routes.federation")),
    path("", include("smolny.web.routes.timeline")),
    path("", include("smolny.web.routes.setup")),
    path("", include("smolny.web.routes.outbox")),
    path("", include("smolny.web.routes.members")),
    path("", include("smolny.web.routes.roles")),
]
