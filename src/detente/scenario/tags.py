"""Setting tags (``key:value`` in ``meta.tags``) that choose a layer's reading: one reader for all of them."""

from __future__ import annotations

from collections.abc import Sequence

from detente.errors import InputError


def tag_choice(tags: Sequence[str], tag: str, choices: Sequence[str], default: str, given: str | None = None,
               where: str = "", label: str | None = None) -> str:
    """``given`` if not None, else the last tag ``<tag>:<choice>``, else ``default``; a value outside ``choices``
    is an input error naming ``meta.tags`` (``label``: how the message names the setting, default ``tag``)."""
    if given is None:
        tagged = [t.split(":", 1)[1] for t in tags if t.startswith(tag + ":")]
        given = tagged[-1] if tagged else default
    if given not in choices:
        raise InputError(f"{label or tag} must be one of {', '.join(choices)}, got '{given}'", where,
                         field="meta.tags")
    return given
