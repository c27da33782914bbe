"""Routes of the web pages, one module per group, included by :mod:`smolny.web.pages`.

- ``council``: organisation overview, council page (composition charts), journal, minutes
- ``session``: chair console, deputy view, projector
- ``member``: the member portal (constituency, deputies, recall petitions and votes)
- ``federation``: congresses, central executive, commissariat, directives
- ``timeline``: the 1917 world's timeline with its date slider
"""
