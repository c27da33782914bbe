"""Routes of the accounts' pages, included by :mod:`smolny.web.pages`.

Password change and reset are Django's own views with Smolny's templates (named here so that
the admin's templates of the same name never stand in for them)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path, reverse_lazy

from smolny.accounts import views

T = "accounts/"

urlpatterns: list[URLPattern] = [
    path("sign-up/", views.sign_up, name="sign-up"),
    path("account/", views.account, name="account"),
    path("account/verify/resend", views.resend_verification, name="resend-verification"),
    path("account/verify/<str:token>/", views.verify_email, name="verify-email"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name=T + "password_change.html",
            success_url=reverse_lazy("password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name=T + "password_change_done.html"),
        name="password-change-done",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name=T + "password_reset.html",
            email_template_name=T + "email/password_reset.txt",
            subject_template_name=T + "email/password_reset_subject.txt",
            success_url=reverse_lazy("password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name=T + "password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name=T + "password_reset_confirm.html",
            success_url=reverse_lazy("password-reset-done"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name=T + "password_reset_done.html"),
        name="password-reset-done",
    ),
    path("found/", views.found, name="found"),
    path(
        "o/<int:organisation_id>/settings/",
        views.organisation_settings,
        name="organisation-settings",
    ),
    path("o/<int:organisation_id>/invitations/", views.invitations, name="invitations"),
    path("o/<int:organisation_id>/invitations/invite", views.invite, name="invite"),
    path(
        "o/<int:organisation_id>/invitations/rolls/<int:constituency_id>",
        views.invite_roll,
        name="invite-roll",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
