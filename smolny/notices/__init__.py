"""Notices by email: what Smolny mails when a sitting is convened or a vote opens.

Mail is never sent inside an action. The action queues its messages in the outbox
(:mod:`smolny.notices.outbox`) in its own transaction, so a message exists exactly when the
change it announces was committed; after the commit a postman sends them, retrying with a
growing pause when the mail server refuses or is down. A failed send never blocks or undoes
the action: the secretary sees the message's state on the organisation's outbox page.
"""
