"""Federation: congresses built from councils, central executives, commissariats, directives.

A Django app of its own beside :mod:`smolny.councils` (whose congresses, constituencies,
mandates and organs it uses through foreign keys and through the councils' actions). Its
writes go through :mod:`smolny.federation.actions`, each one action per change of state with
its entry in the councils' hash-chained journal.
"""
