"""批量审核 on the ledger: each chosen finding goes through `finding_review` at its own step, in its own
transaction; refused rows are reported with their reason; a confirmation comes first; a repeated post
acts once; nobody acts beyond his rights."""

import re

import pytest
from django.urls import reverse

from clues.models import FindingStatus
from clues.services.findings import finding_review
from clues.tests.test_findings import build_world, write

pytestmark = pytest.mark.django_db

S = FindingStatus
URL = reverse("clues:finding_bulk_review")


@pytest.fixture
def world(db):
    return build_world()


def submitted(world, n=2, **kw):
    out = []
    for i in range(n):
        f = write(world, title=f"问题{i + 1}", **kw)
        finding_review(finding=f, action="submit", by=world.writer)
        out.append(f)
    return out


def confirm_then_run(client, data):
    """Post the selection, read the confirmation page's token, post the confirmation."""
    page = client.post(URL, data)
    assert page.status_code == 200, page
    html = page.content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', html).group(1)
    final = {**data, "confirmed": "True", "submission_token": token}
    return page, final, client.post(URL, final)


def test_the_deputy_approves_several_at_once_each_recorded(client, world):
    a, b = submitted(world)
    client.force_login(world.deputy)
    page, _, done = confirm_then_run(client, {"ids": [a.pk, b.pk], "action": "approve", "reason": "事实清楚"})
    assert "确认批量审核问题底稿" in page.content.decode()
    # Nothing happens before the confirmation.
    a.refresh_from_db()
    assert done.status_code == 302 and done.url.startswith("/bulk/")
    for f in (a, b):
        f.refresh_from_db()
        assert f.status == S.DEPUTY_APPROVED
        assert list(f.reviews.filter(by=world.deputy).values_list("action", "reason")) == [("approve", "事实清楚")]
        assert f.history.count() >= 3  # one history row per finding, as a single review writes
    result = client.get(done.url).content.decode()
    assert "已办理 <strong>2</strong> 行" in result
    assert result.count("现为“待组长审批”") == 2


def test_the_confirmation_page_changes_nothing(client, world):
    (a,) = submitted(world, 1)
    client.force_login(world.deputy)
    client.post(URL, {"ids": [a.pk], "action": "approve"})
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_refused_rows_are_reported_with_their_reason_and_the_others_done(client, world):
    a, b = submitted(world)
    draft = write(world, title="草稿")
    client.force_login(world.deputy)
    _, _, done = confirm_then_run(client, {"ids": [a.pk, b.pk, draft.pk], "action": "approve"})
    result = client.get(done.url).content.decode()
    assert "已办理 <strong>2</strong> 行，未办理 <strong>1</strong> 行" in result
    assert "底稿当前状态为“起草中”，不能“通过”" in result
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.reviews.count() == 0


def test_a_member_cannot_bulk_approve_beyond_his_step(client, world):
    (a,) = submitted(world, 1)
    client.force_login(world.leader)  # the team has a 副组长: the 组长 is not at this step
    _, _, done = confirm_then_run(client, {"ids": [a.pk], "action": "approve"})
    result = client.get(done.url).content.decode()
    assert "“副组长审核”环节只能由" in result
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_a_plain_member_or_unit_user_gets_no_bulk_page(client, world):
    (a,) = submitted(world, 1)
    client.force_login(world.writer)
    assert client.post(URL, {"ids": [a.pk], "action": "approve"}).status_code == 403
    client.force_login(world.unit_user)
    assert client.post(URL, {"ids": [a.pk], "action": "approve"}).status_code == 403
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_another_teams_findings_cannot_be_chosen(client, world):
    (a,) = submitted(world, 1)
    client.force_login(world.other_member)  # 组长 of team 2: team 1's findings are not his to see
    response = client.post(URL, {"ids": [a.pk], "action": "approve"}, follow=True)
    assert "无权查看" in response.content.decode()
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_a_bulk_return_needs_a_reason(client, world):
    (a,) = submitted(world, 1)
    client.force_login(world.deputy)
    response = client.post(URL, {"ids": [a.pk], "action": "return", "reason": " "}, follow=True)
    assert "批量退回须填写退回理由" in response.content.decode()
    _, _, done = confirm_then_run(client, {"ids": [a.pk], "action": "return", "reason": "金额需核实"})
    a.refresh_from_db()
    assert a.status == S.RETURNED and a.reviews.get(action="return").reason == "金额需核实"


def test_a_repeated_confirmation_acts_once(client, world):
    a, b = submitted(world)
    client.force_login(world.deputy)
    _, final, first = confirm_then_run(client, {"ids": [a.pk, b.pk], "action": "approve"})
    second = client.post(URL, final)
    assert second.status_code == 302 and second.url == first.url
    a.refresh_from_db()
    assert a.status == S.DEPUTY_APPROVED and a.reviews.filter(action="approve").count() == 1


def test_the_ledger_shows_the_bar_to_reviewers_only(client, world):
    submitted(world, 1)
    client.force_login(world.deputy)
    assert 'data-testid="bulk-bar"' in client.get(reverse("clues:finding_list")).content.decode()
    client.force_login(world.writer)
    assert 'data-testid="bulk-bar"' not in client.get(reverse("clues:finding_list")).content.decode()
