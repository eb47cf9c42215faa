from django import forms, template
from django.utils.safestring import SafeString

from samverka.lib import numbers

register = template.Library()


@register.simple_tag
def widget(bound_field: forms.BoundField) -> SafeString:
    """Render a field's widget tied to its help text and errors for screen readers."""
    attrs: dict[str, str | bool] = {}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def thousands(value: object) -> str:
    """26939 → "26 939" (a no-break space between groups, as Swedish writes numbers)."""
    if value is None:
        return ""
    return numbers.count(value)  # type: ignore[arg-type]


@register.filter
def number(value: object, digits: int = 0) -> str:
    """A number rounded half away from zero to ``digits`` decimals, in the page's
    language: ``{{ x|number:1 }}`` → "5,7" (see :mod:`samverka.lib.numbers`)."""
    return numbers.number(value, int(digits), empty="")  # type: ignore[arg-type]


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """``mapping[key]`` in a template (empty when missing)."""
    return mapping.get(key, "")
