"""Template helpers for reports and comparisons."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or the key itself when it is missing."""
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return key


@register.filter
def has_kind(change, kind):
    """Whether a row change (measures.compare.RowChange) includes this kind of change."""
    return change.has(kind)
