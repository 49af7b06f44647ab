import pytest
from django.core import mail
from django.urls import reverse

from xuncha.accounts.roles import Role
from xuncha.notifications import delivery, services
from xuncha.notifications.models import EmailStatus, Notification

pytestmark = pytest.mark.django_db


def test_notify_with_a_key_reaches_each_recipient_once(make_user):
    a, b = make_user(Role.OFFICE), make_user(Role.OFFICE)
    assert services.notify(recipients=[a, b], title="节点将到期", dedupe_key="k1") == 2
    assert services.notify(recipients=[a, b], title="节点将到期", dedupe_key="k1") == 0
    assert Notification.objects.filter(dedupe_key="k1").count() == 2


def test_notify_mails_a_copy_after_commit(make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.OFFICE, email="staff@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[user], title="测试提醒", body="正文", link="/rounds/1/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.org"]
    assert "测试提醒" in mail.outbox[0].subject
    n = Notification.objects.get()
    assert n.email_status == EmailStatus.SENT and n.emailed_at is not None


def test_a_mail_that_fails_stays_pending_and_goes_on_a_later_run(make_user, monkeypatch):
    user = make_user(Role.OFFICE, email="staff@example.org")
    services.notify(recipients=[user], title="提醒")

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(delivery, "send_mail", broken)
    assert services.deliver_pending() == 0
    assert Notification.objects.get().email_status == EmailStatus.PENDING
    monkeypatch.undo()
    assert services.deliver_pending() == 1
    assert Notification.objects.get().email_status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_user_without_email_gets_the_inbox_message_only(make_user):
    user = make_user(Role.OFFICE, email="")
    services.notify(recipients=[user], title="提醒")
    assert Notification.objects.get().email_status == EmailStatus.NONE
    assert services.deliver_pending() == 0


def test_inbox_lists_only_own_messages_and_marks_read_on_open(make_user, client_for):
    me, other = make_user(Role.OFFICE), make_user(Role.OFFICE)
    services.notify(recipients=[me], title="给我的消息", link="/inbox/")
    services.notify(recipients=[other], title="别人的消息")
    client = client_for(me)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "给我的消息" in page and "别人的消息" not in page
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_open_refuses_to_redirect_off_site(make_user, client_for):
    me = make_user(Role.OFFICE)
    services.notify(recipients=[me], title="外链", link="https://evil.example/")
    n = Notification.objects.get()
    response = client_for(me).get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_read_all_clears_the_unread_count(make_user, client_for):
    me = make_user(Role.OFFICE)
    services.notify(recipients=[me], title="一")
    services.notify(recipients=[me], title="二")
    client = client_for(me)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
