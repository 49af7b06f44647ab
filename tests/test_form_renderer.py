"""The project's form renderer writes plain selects in Python; what it writes must be what Django's
templates write (but for blank lines), escaping included."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from xuncha.core.forms import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(
        required=False,
        choices=[("", "全部"), ("a<b", '县"财政"局 & 办'), ("区域", [("1", "一"), ("2", "二")])],
    )
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二"), ("3", "三")])
    styled = forms.ChoiceField(choices=[("1", "一")], widget=forms.Select(attrs={"class": "form-select", "disabled": True}))


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/input.html"  # any other template: left to Django


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_selects_render_as_django_templates_do():
    form = Sample({"plain": "2", "many": ["1", "3"], "styled": "1"})
    for name in ("plain", "many", "styled"):
        bound = form[name]
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        ours = bound.field.widget.render(bound.html_name, bound.value(), attrs, FormRenderer())
        djangos = bound.field.widget.render(bound.html_name, bound.value(), attrs, DjangoTemplates())
        assert _squash(ours) == _squash(djangos), name
    assert "县&quot;财政&quot;局 &amp; 办" in str(form["plain"]) and 'value="a&lt;b"' in str(form["plain"])
    assert '<option value="2" selected>二</option>' in str(form["plain"])


def test_a_select_with_its_own_option_template_is_rendered_by_django():
    widget = CustomOption(choices=[("1", "一")])
    html = widget.render("x", "1", {}, FormRenderer())
    assert "<option" not in html and "<input" in html


def test_cached_model_choices_render_as_django_does(db):
    from clues.forms.findings import FILTER_TRACKED
    from rounds.models import Unit
    from rounds.tests.factories import UnitFactory
    from xuncha.core.forms import cache_model_choices

    for name in ("县财政局", "县<教育>局", "县审计局"):
        UnitFactory(name=name)

    class Filter(forms.Form):
        unit = forms.ModelChoiceField(queryset=Unit.objects.order_by("name"), required=False, empty_label="全部单位")

    chosen = Unit.objects.get(name="县审计局")
    for data in ({}, {"unit": str(chosen.pk)}):
        plain = Filter(data)
        cached = Filter(data)
        cache_model_choices(cached, ["unit"], tracked=FILTER_TRACKED)
        bound = plain["unit"]
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        djangos = bound.field.widget.render(bound.html_name, bound.value(), attrs, DjangoTemplates())
        assert _squash(cached["unit"]) == _squash(djangos), data
    again = Filter({"unit": str(chosen.pk)})
    cache_model_choices(again, ["unit"], tracked=FILTER_TRACKED)
    assert again.is_valid() and again.cleaned_data["unit"] == chosen


def test_the_short_date_filters_write_what_the_date_filter_writes(settings):
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    aware = timezone.make_aware(datetime.datetime(2026, 12, 2, 23, 30), datetime.UTC)  # 07:30 next day in Shanghai
    template = Template(
        '{% load xuncha %}{{ d|date:"Y-m-d" }}={{ d|ymd }} {{ t|date:"Y-m-d" }}={{ t|ymd }} '
        '{{ t|date:"Y-m-d H:i" }}={{ t|ymdhm }} [{{ none|ymd }}{{ none|ymdhm }}]'
    )
    out = template.render(Context({"d": datetime.date(2026, 1, 5), "t": aware, "none": None}))
    assert out == "2026-01-05=2026-01-05 2026-12-03=2026-12-03 2026-12-03 07:30=2026-12-03 07:30 []"
