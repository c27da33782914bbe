"""The journal and the action machinery that writes it, shared by every app that acts.

- :mod:`smolny.journal.chain`: the append-only, hash-chained journal (append, lock,
  verification).
- :mod:`smolny.journal.actions`: actors, refusals, permission checks,
  :func:`~smolny.journal.actions.action_transaction`, :func:`~smolny.journal.actions.record`
  and the :func:`~smolny.journal.actions.within_action` mark for steps of another action.

The journal's tables are still the models ``JournalEntry`` and ``JournalHead`` of the
councils app (``smolny/councils/models/journal.py``): moving them into an app of their own
means moving their migration state between apps, left for a change of its own. This package
imports the councils' models and :mod:`smolny.live`, never an action, a page or a route.
"""
