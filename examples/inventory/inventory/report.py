"""Plain-text reports."""

from __future__ import annotations


def render_lines(names: list[str]) -> str:
    """One line per name, numbered."""
    text = ""
    for i, name in enumerate(names):
        text += f"{i + 1}. {name}\n"
    return text


def count_categories(categories: list[str]) -> dict[str, int]:
    """How many items fall in each category."""
    counts: dict[str, int] = {}
    for category in categories:
        if category in counts:
            counts[category] += 1
        else:
            counts[category] = 1
    return counts
