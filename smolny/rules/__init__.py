"""The council system's rules as pure functions over plain data.

No Django, no I/O, exact arithmetic. A tie is never broken silently: it is reported, and
broken only by an explicit rule whose use is recorded in the result.
"""
