"""Errors of the backbone loaders (torch-free, so callers can catch them without importing torch)."""

from __future__ import annotations

from atelier_common.errors import UserError


class BackboneError(UserError, ValueError):
    """A backbone's weights are missing, unreadable or not what they claim to be. The message names the file."""
