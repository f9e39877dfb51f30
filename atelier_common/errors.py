"""Errors meant for a person.

Raise a :class:`UserError` (or a subclass) when the message says what went wrong in words a painter can act
on ("photo.jpg: the file is truncated"); the error reporter and the CLI show it as it is. Anything else
that escapes is a bug or an environment problem and is shown as an unexpected error, with details.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure whose ``str()`` is written for the user: one line, naming the file or setting at fault."""
