"""Small things users noticed (issue 14 §5): selects say 请选择 (filter bars 全部) instead of "---------";
the public portal's two columns link to each other and a logged-in user finds his way back to the
工作台; hashes and formats sit behind a 校验信息 disclosure."""

from types import SimpleNamespace

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from rounds.models import Assignment, Unit
from xuncha.core.forms import BoundedFormMixin

pytestmark = pytest.mark.django_db


class UnitParentForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["parent", "unit_type"]


class AssignmentModeForm(BoundedFormMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["unit"]


def test_a_forms_selects_say_please_choose():
    html = str(UnitParentForm()) + str(AssignmentModeForm())
    assert "---------" not in html
    assert html.count(">请选择</option>") == 3


def test_a_pages_selects_and_filter_bars_never_show_dashes(client_for, office_user):
    client = client_for(office_user)
    for url in (reverse("rounds:unit_create"), reverse("rounds:unit_list"), reverse("clues:finding_list")):
        page = client.get(url).content.decode()
        assert "---------" not in page, url


def test_the_public_columns_link_to_each_other(client):
    gonggao, zhenggai = reverse("rounds:public_announcements"), reverse("rectification:public_rectifications")
    for url in (gonggao, zhenggai):
        page = client.get(url).content.decode()
        assert f'href="{gonggao}"' in page and f'href="{zhenggai}"' in page
        assert "返回工作台" not in page


def test_a_logged_in_user_finds_the_workbench_from_a_public_page(client_for, office_user):
    client = client_for(office_user)
    page = client.get(reverse("rectification:public_rectifications")).content.decode()
    assert 'data-testid="public-back-to-workbench"' in page and f'href="{reverse("home")}"' in page


def test_hashes_sit_behind_the_checksum_disclosure():
    version = SimpleNamespace(signer_name="王局长", signed_at=None, sha256="ab" * 32, sm3="cd" * 32)
    html = render_to_string("rectification/_report_seal.html", {"version": version})
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary" in details and "校验信息" in details
    assert "ab" * 32 in details and "cd" * 32 in details
    assert "ab" * 32 not in html.replace(details, "")
    assert "{#" not in html and "include with" not in html  # the partial's own comment never shows
