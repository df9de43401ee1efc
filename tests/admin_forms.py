"""Helpers to post admin forms as a browser would: the data of a rendered change form."""

import datetime


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _add_form(data, form):
    for name in form.fields:
        value = _value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value


def form_data(response, **changes):
    """The POST data of the admin change form in `response`, with `changes` applied."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add_inline_form(data, prefix, **fields):
    """Append one new form to the inline formset with this prefix."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{total}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data
