"""Actions: one function per change of state (permission, write, journal entry, live event).

Views, the API, the command line and world loaders call these; nothing else writes models.
"""
