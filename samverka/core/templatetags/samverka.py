from django import forms, template
from django.utils.safestring import SafeString

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
