"""The round's dashboard PDF (issue 14 §4): the office and the leadership ask for it and it renders in the
background, shown with its status and download next to the button; a team member downloads his own part
directly; no page of the PDF is left near-empty."""

import itertools
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.documents import exports
from dashboards.selectors.figures import Scope, dashboard
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha.accounts.roles import Role
from xuncha.core.models import DocumentStatus, GeneratedDocument

from .test_dashboard_views_queries import World

pytestmark = pytest.mark.django_db

# A page of the landscape A4 PDF holds about 2,000 characters of text; a page under this share of the
# fullest one is the near-empty page the forced break before the charts used to leave.
NEAR_EMPTY = 0.25


@pytest.fixture
def world():
    w = World()
    w.add(3)
    return w


def _pages_text(content: bytes) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return ["".join(page.split()) for page in text.decode().split("\f") if page.strip()]


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER])
def test_the_whole_round_renders_in_the_background_next_to_the_button(
    client_for, make_user, world, role, django_capture_on_commit_callbacks
):
    client = client_for(make_user(role))
    round = world.rectifying
    page = client.get(reverse("dashboards:round", args=[round.pk])).content.decode()
    request_url = reverse("dashboards:round_pdf_request", args=[round.pk])
    assert f'action="{request_url}"' in page and 'data-testid="round-pdf"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url)
    assert response.status_code == 302 and response["Location"].endswith("#round-pdf")
    document = GeneratedDocument.objects.get(kind=exports.KIND_ROUND_PDF)
    assert document.subject == round and document.fmt == "pdf"
    assert document.status == DocumentStatus.DONE, document.error
    page = client.get(reverse("dashboards:round", args=[round.pk])).content.decode()
    assert 'data-testid="round-pdf"' in page and document.title in page
    download = reverse("core:document_download", args=[document.pk])
    assert download in page
    response = client.get(download)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    text = "".join(_pages_text(content))
    assert f"{round}领导驾驶舱" in text and "按巡察组" in text and "统计口径" in text


def test_a_team_member_downloads_his_part_directly_and_not_the_whole_round(
    client_for, make_user, world, django_capture_on_commit_callbacks
):
    round = world.rectifying
    member = make_user(Role.TEAM)
    TeamMemberFactory(team=world.teams[round.pk][0], cadre=CadreFactory(user=member), role=MemberRole.LEADER)
    office = client_for(make_user(Role.OFFICE))
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("dashboards:round_pdf_request", args=[round.pk]))
    document = GeneratedDocument.objects.get(kind=exports.KIND_ROUND_PDF)
    client = client_for(member)
    page = client.get(reverse("dashboards:round", args=[round.pk])).content.decode()
    assert reverse("dashboards:round_pdf", args=[round.pk]) in page
    assert reverse("dashboards:round_pdf_request", args=[round.pk]) not in page and document.title not in page
    assert client.post(reverse("dashboards:round_pdf_request", args=[round.pk])).status_code == 403
    assert client.get(reverse("core:document_download", args=[document.pk])).status_code in (403, 404)
    assert GeneratedDocument.objects.filter(kind=exports.KIND_ROUND_PDF).count() == 1


def test_no_page_of_the_round_pdf_is_near_empty(world):
    """Rounds of two to eight teams: however far the first tables run, no page is left near-empty (the
    forced break before the charts left a page with a table's last two rows on it)."""
    round = world.rectifying
    numbers = itertools.count(3)
    seen = []
    for extra in range(7):
        if extra:
            TeamFactory(round=round, number=next(numbers))
        pages = _pages_text(exports.round_pdf(dashboard(Scope(round.term, round), timezone.localdate())))
        fullest = max(len(p) for p in pages)
        sparse = [(i + 1, len(p)) for i, p in enumerate(pages) if len(p) < fullest * NEAR_EMPTY]
        seen.append([len(p) for p in pages])
        assert sparse == [], f"{2 + extra} teams: near-empty pages (number, characters) {sparse} of {seen[-1]}"
