"""Bad input is refused with a message and never a 500, and typed text is never cut:
NUL characters in the reasons posted from the ledger's buttons (a 500 on PostgreSQL before), numbers past
the database's integer, dates outside 2000–2100, and over-long text (no `maxlength` in the page; the
server refuses with the limit and shows the text again). Run on PostgreSQL too:
DATABASE_URL=postgres://… pytest tests/test_input_limits.py"""

import datetime

import pytest
from django import forms
from django.urls import reverse

from clues.models import Category
from rectification.models import MeasureStatus, PublicationStatus
from rectification.tests.test_closing import make_world
from rectification.tests.test_publicity_views import _pub
from rounds.models import Term, Unit
from xuncha.accounts.roles import Role
from xuncha.core.forms import BoundedFormMixin, FormRenderer, ReasonForm

pytestmark = pytest.mark.django_db

NUL = "退回\x00理由"


def test_nul_in_a_measure_reason_is_a_message(client):
    w = make_world()
    client.force_login(w.office)
    for name, measure in (("measure_return", w.m21), ("measure_close", w.m22)):
        url = reverse(f"rectification:{name}", args=[w.rect.pk, measure.pk])
        response = client.post(url, {"reason": NUL}, follow=True)
        assert response.status_code == 200, name
        assert "空字符" in response.content.decode(), name
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.OPEN, name


def test_nul_in_a_withdraw_reason_is_a_message(client):
    w = make_world()
    pub = _pub(w)
    client.force_login(w.office)
    url = reverse("rectification:publication_withdraw", args=[w.rect.pk, pub.pk])
    response = client.post(url, {"reason": "撤回\x00"}, follow=True)
    assert response.status_code == 200 and "空字符" in response.content.decode()
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED


def test_nul_in_any_form_text_is_a_message(client_for, make_user):
    client = client_for(make_user(Role.OFFICE))
    response = client.post(reverse("rounds:unit_create"), {"name": "县\x00局", "unit_type": "county_dept"})
    assert response.status_code == 200
    assert "空字符" in response.content.decode()
    assert not Unit.objects.filter(name__contains="局").exists()


def test_a_26_digit_order_is_refused(client_for, make_user):
    client = client_for(make_user(Role.OFFICE))
    response = client.post(
        reverse("clues:category_create"),
        {"scheme": "测试体系", "name": "新类别", "order": "9" * 26, "is_active": "on"},
    )
    assert response.status_code == 200
    assert not Category.objects.filter(name="新类别").exists()
    assert "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_the_plausible_range_are_refused(client_for, make_user, day):
    client = client_for(make_user(Role.OFFICE))
    response = client.post(
        reverse("rounds:term_create"), {"name": "第九十九届县委", "start_date": day, "end_date": "2030-12-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "日期不能早于2000年01月01日" in page or "日期不能晚于2100年12月31日" in page
    assert not Term.objects.filter(name="第九十九届县委").exists()


def test_the_mixin_bounds_every_number_and_date():
    class Sample(BoundedFormMixin, forms.Form):
        day = forms.DateField()
        count = forms.IntegerField()
        small = forms.IntegerField(min_value=0, max_value=10)
        share = forms.DecimalField()

    ok = Sample({"day": "2026-05-01", "count": "12", "small": "3", "share": "1.5"})
    assert ok.is_valid(), ok.errors
    bad = Sample({"day": "1900-01-01", "count": "9" * 26, "small": "11", "share": "1e12"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"day", "count", "small", "share"}
    assert 'min="2000-01-01"' in str(Sample()["day"]) and 'max="2100-12-31"' in str(Sample()["day"])
    assert ReasonForm({"reason": "好的"}).is_valid() and not ReasonForm({"reason": "a\x00"}).is_valid()


def test_no_widget_carries_maxlength_but_the_limit_is_shown(client_for, make_user):
    class Sample(forms.Form):
        name = forms.CharField(max_length=100)
        note = forms.CharField(max_length=500, widget=forms.Textarea)

    html = Sample(renderer=FormRenderer()).as_div()
    assert "maxlength" not in html.replace("data-maxlength", "")
    assert 'data-maxlength="100"' in html and 'data-maxlength="500"' in html
    page = client_for(make_user(Role.OFFICE)).get(reverse("rounds:unit_create")).content.decode()
    assert " maxlength=" not in page and 'data-maxlength="100"' in page


def test_over_long_text_is_refused_with_the_limit_and_kept(client_for, make_user):
    client = client_for(make_user(Role.OFFICE))
    name = "青山县" + "很长的单位名称" * 20 + "管理分局"  # 147 characters
    assert len(name) == 147
    response = client.post(reverse("rounds:unit_create"), {"name": name, "unit_type": "county_dept"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "100" in page and "147" in page  # the limit and what was typed
    assert f'value="{name}"' in page  # nothing lost: the whole text is in the field again
    assert not Unit.objects.filter(name__startswith="青山县很长").exists()


def test_a_date_field_of_a_real_form_is_bounded():
    from rounds.forms.units import TermForm  # noqa: PLC0415 - one of the project's forms

    form = TermForm({"name": "届", "start_date": "9999-12-31", "end_date": "9999-12-31"})
    assert not form.is_valid() and "start_date" in form.errors
    assert TermForm({"name": "届", "start_date": "2021-01-01", "end_date": "2026-12-31"}).is_valid()
    assert datetime.date(2021, 1, 1)
