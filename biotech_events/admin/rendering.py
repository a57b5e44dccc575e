"""The admin's form renderer: Django's templates, with the commonest widgets written out in Python.

A change form with its inlines renders hundreds of inputs and select options, and Django renders each
through two or three nested templates: most of a large change form's server time. For the simplest and
commonest of them (inputs, selects and their options, text areas, an empty error list, the icons beside
a relation's box) this renderer writes the same HTML directly, byte for byte: tests/test_admin/
test_rendering.py compares the two, widget by widget and on whole change pages. Every other template,
and any of these that a project overrides, is rendered by the templates as usual.
"""

import functools
from pathlib import Path

import django.contrib.admin
import django.forms
from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import gettext

DJANGO_TEMPLATES = Path(django.forms.__file__).parent / "templates"
ADMIN_TEMPLATES = Path(django.contrib.admin.__file__).parent / "templates"
WIDGETS = "django/forms/widgets/"
# Each of these is `{% include "django/forms/widgets/input.html" %}`: one <input> tag.
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "color",
        "search",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
    )
}
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"
ERROR_LIST_TEMPLATES = {"django/forms/errors/list/ul.html", "django/forms/errors/list/default.html"}
# The icons beside a relation's box (admin/widgets/related_widget_wrapper.html): change, add, delete, view.
RELATED_WRAPPER_TEMPLATE = "admin/widgets/related_widget_wrapper.html"

_PLAIN = Context()  # how the templates print a value: localized, autoescaped


def _value(value):
    """`{{ value }}`"""
    return render_value_in_context(value, _PLAIN)


def _string(value):
    """`{{ value|stringformat:'s' }}`"""
    return conditional_escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_value(name)}" if value is True else f' {_value(name)}="{_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class AdminFormRenderer(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._own = {}  # template name -> whether Django's own file is the one in use (not overridden)

    def render(self, template_name, context, request=None):
        if self._is_django_own(template_name):
            if template_name in INPUT_TEMPLATES:
                return self._input(context["widget"])
            if template_name == SELECT_TEMPLATE and self._options_are_plain(context["widget"]):
                return self._select(context["widget"])
            if template_name == TEXTAREA_TEMPLATE:
                return self._textarea(context["widget"])
            if template_name in ERROR_LIST_TEMPLATES and not context.get("errors"):
                return ""
            if template_name == RELATED_WRAPPER_TEMPLATE:
                return self._related_wrapper(context)
        return super().render(template_name, context, request)

    def _is_django_own(self, template_name):
        if template_name not in self._own:
            origin = Path(self.get_template(template_name).origin.name)
            self._own[template_name] = origin.is_relative_to(DJANGO_TEMPLATES) or origin.is_relative_to(ADMIN_TEMPLATES)
        return self._own[template_name]

    def _options_are_plain(self, widget):
        return self._is_django_own(OPTION_TEMPLATE) and all(
            option["template_name"] == OPTION_TEMPLATE for _, options, _ in widget["optgroups"] for option in options
        )

    @staticmethod
    def _input(widget):
        value = "" if widget["value"] is None else f' value="{_string(widget["value"])}"'
        attrs = _attrs(widget["attrs"])
        return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{attrs}>'

    @staticmethod
    def _select(widget):
        parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_value(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{_string(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_value(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    @staticmethod
    def _textarea(widget):
        value = _value(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'

    @staticmethod
    def _related_wrapper(context):
        """admin/widgets/related_widget_wrapper.html; its links' block is {% spaceless %}: no space between tags."""
        name, model, params = _value(context["name"]), context["model"], _value(context["url_params"])

        def link(kind, attributes, title, icon, indent=" " * 12):
            """An icon link; `attributes` as (name, value) in the template's order, one per line."""
            lines = "".join(f'\n{indent}{attribute}="{value}"' for attribute, value in attributes)
            return (
                f'<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_{name}"{lines}'
                f'\n{indent}title="{gettext(title) % {"model": _value(model)}}">'
                f'<img src="{_value(static(f"admin/img/icon-{icon}.svg"))}" alt="" width="24" height="24"></a>'
            )

        links = []
        if not context["is_hidden"]:
            change_url = _value(context.get("change_related_template_url", ""))
            if context["can_change_related"]:
                attributes = [("data-href-template", f"{change_url}?{params}"), ("data-popup", "yes")]
                links.append(link("change", attributes, "Change selected %(model)s", "changelink"))
            if context["can_add_related"]:
                attributes = [("data-popup", "yes"), ("href", f"{_value(context['add_related_url'])}?{params}")]
                links.append(link("add", attributes, "Add another %(model)s", "addlink"))
            if context["can_delete_related"]:
                url = f"{_value(context['delete_related_template_url'])}?{params}"
                attributes = [("data-href-template", url), ("data-popup", "yes")]
                links.append(link("delete", attributes, "Delete selected %(model)s", "deletelink"))
            if context["can_view_related"]:
                attributes = [("data-href-template", f"{change_url}?{_value(context['view_related_url_params'])}")]
                links.append(link("view", attributes, "View selected %(model)s", "viewlink", indent=" " * 13))
        reference = "" if context["model_has_limit_choices_to"] else f'data-model-ref="{_value(context["model_name"])}"'
        return (
            f'<div class="related-widget-wrapper" {reference}>\n    {_value(context["rendered_widget"])}\n    '
            f"\n        {''.join(links)}\n    \n</div>"
        )


ADMIN_FORM_RENDERER = AdminFormRenderer()


class AdminModelForm(forms.ModelForm):
    """The base of the admin's change forms: rendered with AdminFormRenderer."""

    default_renderer = ADMIN_FORM_RENDERER


class CachedUrlsRelatedFieldWidgetWrapper(RelatedFieldWidgetWrapper):
    """The icons beside a relation's box, their URLs reversed once per process rather than per box.

    Their URLs hold a placeholder for the chosen record (`__fk__`), so they are the same for every row of
    an inline: on a large change form, hundreds of identical reverse() calls.
    """

    def get_related_url(self, info, action, *args):
        return _related_url(tuple(info), action, args, self.admin_site.name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=1024)
def _related_url(info, action, args, site_name, script_prefix, urlconf):
    return reverse("admin:{}_{}_{}".format(*info, action), current_app=site_name, args=args, urlconf=urlconf)


class CachedRelatedUrlsMixin:
    """For ModelAdmins and inlines: relation boxes use CachedUrlsRelatedFieldWidgetWrapper."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is RelatedFieldWidgetWrapper:
            formfield.widget.__class__ = CachedUrlsRelatedFieldWidgetWrapper  # the same widget, one method cached
        return formfield
