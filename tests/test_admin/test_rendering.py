"""The admin's form renderer writes the commonest widgets itself: the HTML must be Django's, byte for byte."""

import copy
import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect, RelatedFieldWidgetWrapper
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import DjangoTemplates as DjangoTemplatesBackend
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from biotech_events.admin.rendering import DJANGO_TEMPLATES, INPUT_TEMPLATES, AdminFormRenderer
from biotech_events.models import Citation, Event, EventOrganizer

DJANGO = DjangoTemplates()
FAST = AdminFormRenderer()

ATTRS = {"class": "vTextField", "data-x": 'say "<hi>" & bye', "required": True, "disabled": False, "maxlength": 300}
CHOICES = [("", "---------"), ("a", "Alpha & <Omega>"), (1, gettext_lazy("One")), ("Group", [("g1", "G 1"), ("g2", 2)])]

WIDGETS = [
    (forms.TextInput(attrs=ATTRS), "Chengdu <b>“High-tech”</b> & co"),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), mark_safe("<i>already safe</i>")),
    (forms.HiddenInput(), 42),
    (forms.HiddenInput(), gettext_lazy("Yes")),
    (forms.NumberInput(attrs={"min": 0, "step": "any"}), Decimal("1234.50")),
    (forms.NumberInput(), 0),
    (forms.EmailInput(), "a@example.org"),
    (forms.ColorInput(), "#ff0000"),
    (forms.SearchInput(), "Chengdu & co"),
    (forms.TelInput(), "+86 28 1234"),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "s3cret"),
    (forms.DateInput(), datetime.date(2023, 5, 26)),
    (forms.DateTimeInput(), datetime.datetime(2023, 5, 26, 9, 30)),
    (forms.TimeInput(), datetime.time(9, 30)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.CheckboxInput(attrs={"class": "delete"}), "on"),
    (forms.Select(choices=CHOICES, attrs=ATTRS), "a"),
    (forms.Select(choices=CHOICES), 1),
    (forms.Select(choices=CHOICES), "g2"),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "g1"]),
    (forms.NullBooleanSelect(), True),
    (AdminDateWidget(), datetime.date(2023, 5, 26)),  # its own template: rendered by the templates
    (forms.Textarea(attrs={"rows": 4}), "Line one\nLine <two>"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.RadioSelect(choices=CHOICES), "a"),
]


@pytest.mark.parametrize(
    ("widget", "value"), WIDGETS, ids=lambda v: type(v).__name__ if isinstance(v, forms.Widget) else None
)
def test_a_widget_renders_exactly_as_django_renders_it(widget, value):
    attrs = {"id": "id_field"}
    assert widget.render("field", value, attrs, FAST) == widget.render("field", value, attrs, DJANGO)


@pytest.mark.parametrize("name", sorted(INPUT_TEMPLATES - {"django/forms/widgets/input.html"}))
def test_each_input_template_written_out_is_djangos_single_input_tag(name):
    assert (DJANGO_TEMPLATES / name).read_text().strip() == '{% include "django/forms/widgets/input.html" %}'


@pytest.mark.parametrize("errors", [[], ["This field is required.", "Not <that> & not “this”."]])
def test_an_error_list_renders_exactly_as_django_renders_it(errors):
    fast = forms.utils.ErrorList(errors, renderer=FAST, field_id="id_field")
    django = forms.utils.ErrorList(errors, renderer=DJANGO, field_id="id_field")
    assert fast.as_ul() == django.as_ul()
    assert str(fast) == str(django)


def test_a_whole_form_renders_exactly_as_django_renders_it():
    class EventForm(forms.Form):
        name = forms.CharField(max_length=300)
        kind = forms.ChoiceField(choices=CHOICES)
        count = forms.IntegerField(required=False)
        when = forms.DateField()
        flag = forms.BooleanField(required=False)
        secret = forms.CharField(widget=forms.HiddenInput)

    data = {"name": "", "kind": "zz", "count": "x", "when": "2023-13-01", "flag": "on", "secret": "<s>"}
    assert str(EventForm(data, renderer=FAST)) == str(EventForm(data, renderer=DJANGO))
    assert str(EventForm(renderer=FAST)) == str(EventForm(renderer=DJANGO))


def test_a_template_the_project_overrides_is_rendered_by_the_templates(tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="overridden" name="{{ widget.name }}">')

    class OverridingRenderer(AdminFormRenderer):
        @cached_property
        def engine(self):
            return DjangoTemplatesBackend(
                {"APP_DIRS": True, "DIRS": [tmp_path, DJANGO_TEMPLATES], "NAME": "overridden", "OPTIONS": {}}
            )

    html = forms.TextInput().render("field", "value", renderer=OverridingRenderer())
    assert html == '<input class="overridden" name="field">'
    assert (
        forms.NumberInput().render("n", 1, renderer=OverridingRenderer()) == '<input type="number" name="n" value="1">'
    )


RELATED_FLAGS = ["can_add_related", "can_change_related", "can_delete_related", "can_view_related"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "flags",
    [set(RELATED_FLAGS), set(), {"can_add_related"}, {"can_change_related", "can_view_related"}, {"can_view_related"}],
    ids=lambda flags: "+".join(sorted(flags)) or "none",
)
@pytest.mark.parametrize("relation", ["organizer", "company"])
def test_a_related_widget_wrapper_renders_exactly_as_django_renders_it(flags, relation):
    field = EventOrganizer._meta.get_field(relation)
    for widget in (AutocompleteSelect(field, admin.site), forms.Select(), forms.HiddenInput()):
        box = field.formfield(widget=widget).widget
        wrapper = RelatedFieldWidgetWrapper(
            box, field.remote_field, admin.site, **{f: f in flags for f in RELATED_FLAGS}
        )
        for value in (None, ""):
            fast, django = (wrapper.render(f"organizer_roles-0-{relation}", value, {}, r) for r in (FAST, DJANGO))
            assert fast == django


@pytest.mark.django_db
def test_a_related_widget_wrapper_of_a_limited_relation_renders_exactly_as_django_renders_it():
    field = EventOrganizer._meta.get_field("organizer")
    rel = copy.copy(field.remote_field)
    rel.limit_choices_to = {"kind": "government"}
    wrapper = RelatedFieldWidgetWrapper(forms.Select(), rel, admin.site, can_change_related=True)
    assert wrapper.render("organizer", None, {}, FAST) == wrapper.render("organizer", None, {}, DJANGO)


def test_whole_change_pages_render_exactly_as_with_django_templates(seeded, admin_client, monkeypatch):
    """Every widget of real change forms with their inlines, compared on the whole page."""
    pages = [
        reverse("admin:biotech_events_event_change", args=[Event.objects.order_by("pk").first().pk]),
        reverse("admin:biotech_events_citation_change", args=[Citation.objects.order_by("pk").first().pk]),
        reverse("admin:biotech_events_event_add"),
    ]

    def page(url):
        html = admin_client.get(url).content.decode()
        # What differs from one request to the next: the CSRF token and the time the form was loaded.
        return re.sub(r'name="(csrfmiddlewaretoken|loaded_at)" value="[^"]*"', r'name="\1"', html)

    fast = [page(url) for url in pages]
    monkeypatch.setattr(AdminFormRenderer, "render", DjangoTemplates.render)
    assert [page(url) for url in pages] == fast


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ["organizer", "company"])
def test_the_cached_related_widget_wrapper_renders_as_django_s_and_reverses_each_url_once(relation, monkeypatch):
    from biotech_events.admin import rendering

    field = EventOrganizer._meta.get_field(relation)
    flags = dict.fromkeys(RELATED_FLAGS, True)
    box = field.formfield(widget=AutocompleteSelect(field, admin.site)).widget
    django = RelatedFieldWidgetWrapper(box, field.remote_field, admin.site, **flags)
    cached = copy.deepcopy(django)
    cached.__class__ = rendering.CachedUrlsRelatedFieldWidgetWrapper
    rendering._related_url.cache_clear()
    reversed_urls = []
    real_reverse = rendering.reverse
    monkeypatch.setattr(rendering, "reverse", lambda *a, **k: reversed_urls.append(a) or real_reverse(*a, **k))
    for row in range(5):
        name = f"organizer_roles-{row}-{relation}"
        assert cached.render(name, None, {}, DJANGO) == django.render(name, None, {}, DJANGO)
    assert 0 < len(reversed_urls) == len(set(reversed_urls)), "each URL once, not once per row"


def test_change_forms_use_the_cached_related_widget_wrapper(seeded, admin_client):
    from biotech_events.admin.rendering import CachedUrlsRelatedFieldWidgetWrapper

    event = Event.objects.filter(organizer_roles__isnull=False).first()
    response = admin_client.get(reverse("admin:biotech_events_event_change", args=[event.pk]))
    wrappers = [
        field.widget
        for form in [response.context["adminform"].form]
        + [f for formset in response.context["inline_admin_formsets"] for f in formset.formset.forms]
        for field in form.fields.values()
        if isinstance(field.widget, RelatedFieldWidgetWrapper)
    ]
    assert wrappers and all(type(widget) is CachedUrlsRelatedFieldWidgetWrapper for widget in wrappers)
