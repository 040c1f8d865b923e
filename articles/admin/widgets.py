"""The article list's editable cells, rendered without the template engine (same markup, a fraction of the time)."""

from __future__ import annotations

from django import forms
from django.forms.models import BaseModelFormSet
from django.forms.utils import ErrorList, flatatt
from django.utils.html import format_html
from django.utils.text import capfirst


class PlainRenderMixin:
    """Render the ``<input>`` with ``format_html`` instead of the template engine.

    The changelist's editable columns render three inputs and two (empty) error lists per row:
    through the form renderer's templates they were 40% of the page's time. Same markup.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value_attr, flatatt(widget["attrs"])
        )


class PlainNumberInput(PlainRenderMixin, forms.NumberInput):
    pass


class PlainCheckboxInput(PlainRenderMixin, forms.CheckboxInput):
    pass


class PlainHiddenInput(PlainRenderMixin, forms.HiddenInput):
    pass


class QuietErrorList(ErrorList):
    """An error list that renders nothing, without a template, when empty (most cells of the list)."""

    def render(self, *args, **kwargs):
        return super().render(*args, **kwargs) if self.data else ""


class ArticleListForm(forms.ModelForm):
    """One row of the changelist's editable columns."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)
        # A cell has no label and shows no help text: with help text, Django would point the input's
        # aria-describedby at an element the list never renders. The input names itself instead.
        for field in self.fields.values():
            if field.help_text:
                label = capfirst(field.label)
                field.widget.attrs.update({"aria-label": f"{label}: {self.instance}", "title": field.help_text})
                field.help_text = ""


class ArticleListFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self.model._meta.pk.name].widget = PlainHiddenInput()
