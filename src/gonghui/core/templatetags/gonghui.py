from django import forms, template

register = template.Library()


@register.simple_tag
def bs_widget(field):
    """Render a bound field's widget with the Bootstrap class that fits it, marked invalid on errors."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} {widget.attrs.get('class', '')}".strip()}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def readable_changes(entry) -> list[tuple[str, str, str]]:
    from gonghui.core.audit import readable_changes as describe

    return describe(entry)
