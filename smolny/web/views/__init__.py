"""The web pages' views, one module per group of pages (see :mod:`smolny.web.routes`).

Views read through :mod:`smolny.councils.queries` and friends and change state only by calling
actions; a refused action comes back to the page as a message, never as a half-done change.
"""
