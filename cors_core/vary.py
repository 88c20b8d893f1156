"""Merging the decision's Vary names into the one Vary field an application already set (R30, R33).

Framework-neutral text surgery shared by every adapter, so that all of them merge the same way.
"""

from __future__ import annotations

from collections.abc import Iterable


def merge_vary(app_values: Iterable[str], ours: tuple[str, ...]) -> str:
    """One Vary value: the application's names first (spelling kept), then ours, deduplicated case-insensitively.

    A ``*`` the application sent already means "varies on everything", so ours are not added to it (R33).
    """
    names: list[str] = []
    seen: set[str] = set()
    for value in app_values:
        for item in value.split(","):
            item = item.strip(" \t")
            key = item.lower()
            if item and key not in seen:
                seen.add(key)
                names.append(item)
    if "*" not in seen:
        for item in ours:
            key = item.lower()
            if key not in seen:
                seen.add(key)
                names.append(item)
    return ", ".join(names)
