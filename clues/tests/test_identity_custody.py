"""The reporter's identity survives: changed only by those who may reveal it, with a reason, logged; a wrong
encryption key never lets a save overwrite it, and the pages say so instead of failing."""

import base64
import os

import pytest
from django.db import connection, transaction
from django.urls import reverse

from clues.models import Lead, LeadAttachment, RevealAction, RevealLog
from clues.services.intake import lead_change_identity, lead_reveal_identity, lead_update
from clues.tests.test_confidentiality import IDENTITY, NAME, PHONE, world  # noqa: F401 -- the shared fixture
from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.core.crypto import UNDECRYPTABLE_MESSAGE, Undecryptable, UndecryptableError, sm3_hex
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


def _stored(lead) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_id_number, reporter_work_unit FROM clues_lead WHERE id = %s",
            [lead.pk],
        )
        return cursor.fetchone()


def _post_edit(client, lead, **extra):
    data = {"channel": lead.channel, "received_on": lead.received_on.isoformat(), "content": "更正后的内容"}
    data.update(extra)
    return client.post(reverse("clues:lead_edit", args=[lead.pk]), data)


# --- the ordinary edit form no longer carries the identity ----------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "member"])
def test_the_edit_form_has_no_identity_fields_and_ignores_posted_ones(world, client_for, who):  # noqa: F811
    client = client_for(world[who])
    lead = world["lead"]
    page = client.get(reverse("clues:lead_edit", args=[lead.pk])).content.decode()
    assert 'name="reporter_name"' not in page and 'name="reporter_phone"' not in page
    assert 'data-testid="identity-elsewhere"' in page
    response = _post_edit(client, lead, reporter_name="冒名顶替", reporter_phone="10000000000")
    assert response.status_code == 302
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.content == "更正后的内容"
    assert (lead.reporter_name, lead.reporter_phone) == (NAME, PHONE)


# --- the separate identity form ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "office"])
def test_those_who_may_reveal_change_the_identity_with_a_reason_logged(world, client_for, who):  # noqa: F811
    user = world[who]
    client = client_for(user)
    lead = world["lead"]
    url = reverse("clues:lead_identity", args=[lead.pk])
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    for value in IDENTITY:
        assert value not in page.content.decode()  # write-only: the stored identity is not shown

    # A reason is required; nothing changes without one.
    refused = client.post(url, {"reporter_phone": "13700000000", "reason": ""})
    assert refused.status_code == 200 and "必填" in refused.content.decode()
    assert Lead.objects.get(pk=lead.pk).reporter_phone == PHONE

    response = client.post(url, {"reporter_phone": "13700000000", "reason": "举报人来电更正联系电话"})
    assert response.status_code == 302
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.reporter_phone == "13700000000" and lead.reporter_name == NAME
    log = RevealLog.objects.get(action=RevealAction.CHANGE)
    assert log.user == user and "联系电话" in log.changed and log.reason == "举报人来电更正联系电话"
    assert "13700000000" not in log.reason
    event = SecurityEvent.objects.get(kind=EventKind.IDENTITY_CHANGE)
    assert event.actor == user and event.target == lead.number and "联系电话" in event.detail
    assert "13700000000" not in event.detail and PHONE not in event.detail
    detail = client.get(reverse("clues:lead_detail", args=[lead.pk])).content.decode()
    assert "举报人来电更正联系电话" in detail and "13700000000" not in detail


def test_clearing_a_field_and_nothing_to_change(world):  # noqa: F811
    lead = world["lead"]
    lead_change_identity(lead=lead, identity={}, clear=["reporter_work_unit"], reason="登记有误", by=world["leader"])
    assert Lead.objects.get(pk=lead.pk).reporter_work_unit == ""
    with pytest.raises(DomainError, match="没有需要修改"):
        lead_change_identity(lead=lead, identity={"reporter_name": NAME}, reason="再改", by=world["leader"])


def test_a_member_may_neither_open_nor_use_the_identity_form(world, client_for):  # noqa: F811
    lead = world["lead"]
    client = client_for(world["member"])
    url = reverse("clues:lead_identity", args=[lead.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reporter_name": "冒名顶替", "reason": "x"}).status_code == 403
    with pytest.raises(DomainError):
        lead_change_identity(lead=lead, identity={"reporter_name": "冒名顶替"}, reason="x", by=world["member"])
    assert Lead.objects.get(pk=lead.pk).reporter_name == NAME
    assert not RevealLog.objects.exists() and not SecurityEvent.objects.filter(kind=EventKind.IDENTITY_CHANGE).exists()
    assert client_for(world["other_leader"]).get(url).status_code == 404


def test_a_reveal_is_also_in_the_security_audit_log(world):  # noqa: F811
    lead_reveal_identity(lead=world["lead"], reason="核实", by=world["leader"])
    event = SecurityEvent.objects.get(kind=EventKind.IDENTITY_REVEAL)
    assert event.actor == world["leader"] and "核实" in event.detail and NAME not in event.detail


# --- a wrong key ---------------------------------------------------------------------------------------------


def test_with_a_wrong_key_nothing_can_overwrite_the_identity(world, settings, client_for):  # noqa: F811
    lead = world["lead"]
    before = _stored(lead)
    right_key = settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()

    loaded = Lead.objects.get(pk=lead.pk)
    assert isinstance(loaded.reporter_name, Undecryptable)
    with pytest.raises(UndecryptableError), transaction.atomic():
        loaded.save()
    with pytest.raises(UndecryptableError):
        lead_update(lead=loaded, data={"content": "改"}, by=world["member"])
    with pytest.raises(UndecryptableError):
        lead_reveal_identity(lead=loaded, reason="核实", by=world["leader"])
    with pytest.raises(UndecryptableError):
        lead_change_identity(lead=loaded, identity={"reporter_name": "新"}, reason="x", by=world["leader"])

    # The pages say so instead of failing.
    for who in ("leader", "member"):
        client = client_for(world[who])
        detail = client.get(reverse("clues:lead_detail", args=[lead.pk]))
        assert detail.status_code == 200 and UNDECRYPTABLE_MESSAGE in detail.content.decode()
        assert reverse("clues:lead_edit", args=[lead.pk]) not in detail.content.decode()
        edit = client.get(reverse("clues:lead_edit", args=[lead.pk]), follow=True)
        assert edit.status_code == 200 and UNDECRYPTABLE_MESSAGE in edit.content.decode()
        posted = _post_edit(client, lead)
        assert posted.status_code == 200 and UNDECRYPTABLE_MESSAGE in posted.content.decode()
    leader = client_for(world["leader"])
    revealed = leader.post(reverse("clues:lead_reveal", args=[lead.pk]), {"reason": "核实"}, follow=True)
    assert revealed.status_code == 200 and UNDECRYPTABLE_MESSAGE in revealed.content.decode()
    assert NAME not in revealed.content.decode()
    changed = leader.post(reverse("clues:lead_identity", args=[lead.pk]), {"reporter_name": "新", "reason": "x"})
    assert changed.status_code in (200, 302)
    assert _stored(lead) == before

    # The right key brings everything back.
    settings.FIELD_ENCRYPTION_KEY = right_key
    assert Lead.objects.get(pk=lead.pk).reporter_name == NAME


def test_an_attachment_keeps_an_sm3_beside_its_sha256(world):  # noqa: F811
    attachment = LeadAttachment.objects.get(lead=world["lead"])
    assert attachment.sm3 == sm3_hex(b"%PDF-1.4 test") and len(attachment.sha256) == 64
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 test"  # the digest read the file without consuming it
