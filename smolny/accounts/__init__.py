"""Accounts: signing up, verifying an email address, passwords, and invitations from the roll.

Built on Django's own authentication views and forms; the pages here add what Django leaves
to a project: the sign-up (open, or by invitation only: ``SMOLNY_SIGNUP``), the verification
link, and the invitation a secretary sends a member on the roll. The writes that concern an
organisation (founding it, its settings, invitations) are actions in
:mod:`smolny.councils.actions.founding`, journalled like every other change.
"""
