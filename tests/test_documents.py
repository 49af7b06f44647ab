"""Generated documents: a row first, rendered by the (eager) Celery task after commit; a failure keeps its
error and can be retried; the sweep sends again what a lost task left queued; the pages ask the subject
who may see it."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds.tests.factories import UnitFactory
from xuncha.access.registry import rule as access_rule
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core import documents, tasks
from xuncha.core.crypto import sm3_hex
from xuncha.core.models import DocumentStatus, GeneratedDocument
from xuncha.errors import DomainError

KIND = "test_note"
BROKEN = {"on": False}


def render_note(document) -> bytes:
    if BROKEN["on"]:
        raise RuntimeError("字体缺失")
    return f"NOTE {document.subject.name}".encode()


@access_rule("rounds.unit", "read_test_note")
def may_see_unit(user, unit) -> bool:
    return user.username == "allowed"


# Who may see a document of a kind is an access rule on its subject, named by the kind.
documents.register(
    KIND, label="测试文书", render=render_note, view_action="read_test_note", generate_action="read_test_note", fmt="docx"
)


@pytest.fixture(autouse=True)
def _working_renderer():
    BROKEN["on"] = False
    yield
    BROKEN["on"] = False


@pytest.fixture
def unit(db):
    return UnitFactory(name="县档案馆")


@pytest.fixture
def allowed(db):
    return UserFactory(username="allowed", roles=[Role.OFFICE])


def _request(unit, execute, capture):
    with capture(execute=execute):
        document = documents.document_request(subject=unit, kind=KIND, title="测试文书〔2026〕1号", by=None)
    document.refresh_from_db()
    return document


def test_a_request_is_a_queued_row_until_the_transaction_commits(unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = documents.document_request(subject=unit, kind=KIND, title="测试文书", by=None)
    document.refresh_from_db()
    assert document.status == DocumentStatus.QUEUED and not document.file
    assert document.subject == unit
    assert len(callbacks) == 1


def test_the_task_renders_the_file_with_its_sha256(unit, django_capture_on_commit_callbacks):
    document = _request(unit, True, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.DONE
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content == "NOTE 县档案馆".encode()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.sm3 == sm3_hex(content) and len(document.sm3) == 64
    assert document.attempts == 1 and document.finished_at is not None and document.error == ""


def test_rendering_twice_renders_once(unit, django_capture_on_commit_callbacks):
    document = _request(unit, True, django_capture_on_commit_callbacks)
    assert tasks.render_document.delay(document.pk).get() == "skipped"
    document.refresh_from_db()
    assert document.attempts == 1


def test_a_failing_renderer_leaves_the_error_and_a_retry_renders_it(unit, django_capture_on_commit_callbacks):
    BROKEN["on"] = True
    document = _request(unit, True, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.FAILED
    assert "字体缺失" in document.error and not document.file
    BROKEN["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_retry(document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.error == "" and document.attempts == 2
    with pytest.raises(DomainError):
        documents.document_retry(document=document)


def test_the_sweep_sends_again_what_a_lost_task_left_queued(unit, django_capture_on_commit_callbacks):
    lost = _request(unit, False, django_capture_on_commit_callbacks)
    # (of another unit: asked again for the same unit, the waiting document would be the answer)
    fresh = _request(UnitFactory(name="县史志办"), False, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    assert documents.document_sweep() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == DocumentStatus.DONE
    assert fresh.status == DocumentStatus.QUEUED  # it may still be on its way
    assert tasks.requeue_stuck_documents.delay().get() == 0


def test_a_document_whose_worker_died_is_queued_again(unit, django_capture_on_commit_callbacks):
    stuck = _request(unit, False, django_capture_on_commit_callbacks)
    GeneratedDocument.objects.filter(pk=stuck.pk).update(
        status=DocumentStatus.RENDERING, created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    documents.document_sweep()
    stuck.refresh_from_db()
    assert stuck.status == DocumentStatus.DONE


def test_asked_again_while_it_waits_or_just_after_the_same_document_is_the_answer(
    unit, django_capture_on_commit_callbacks
):
    waiting = _request(unit, False, django_capture_on_commit_callbacks)
    assert _request(unit, False, django_capture_on_commit_callbacks) == waiting  # anyone's: it renders later
    office, colleague = UserFactory(roles=[Role.OFFICE]), UserFactory(roles=[Role.OFFICE])
    other = UnitFactory(name="县史志办")

    def ask(by):
        with django_capture_on_commit_callbacks(execute=True):
            document = documents.document_request(subject=other, kind=KIND, title="测试文书", by=by)
        document.refresh_from_db()
        return document

    done = ask(office)
    assert done.status == DocumentStatus.DONE
    assert ask(office) == done  # his double click
    assert ask(colleague) != done  # a colleague's request is his own
    # Later than that, a new request is a new document (the subject may have changed).
    GeneratedDocument.objects.filter(pk=done.pk).update(
        created_at=timezone.now() - documents.REPEAT_WINDOW - datetime.timedelta(seconds=1)
    )
    again = ask(office)
    assert again != done and again.status == DocumentStatus.DONE


def test_an_unknown_kind_is_refused(unit):
    with pytest.raises(LookupError):
        documents.document_request(subject=unit, kind="no_such_kind", title="x")
    assert not GeneratedDocument.objects.exists()


def test_the_beat_schedule_sweeps_documents(settings):
    tasks_scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "xuncha.core.tasks.requeue_stuck_documents" in tasks_scheduled


# --- the pages ----------------------------------------------------------------------------------------


def test_download_is_for_who_may_see_the_subject(unit, allowed, client, django_capture_on_commit_callbacks):
    document = _request(unit, True, django_capture_on_commit_callbacks)
    url = reverse("core:document_download", args=[document.pk])
    client.force_login(allowed)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "NOTE 县档案馆".encode()
    assert "attachment" in response["Content-Disposition"]
    client.force_login(UserFactory(username="someone", roles=[Role.OFFICE]))
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:document_status", args=[document.pk])).status_code == 404
    assert client.post(reverse("core:document_retry", args=[document.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_document_not_done_cannot_be_downloaded(unit, allowed, client, django_capture_on_commit_callbacks):
    document = _request(unit, False, django_capture_on_commit_callbacks)
    client.force_login(allowed)
    assert client.get(reverse("core:document_download", args=[document.pk])).status_code == 404


def test_the_status_partial_polls_while_queued_and_stops_when_done(
    unit, allowed, client, django_capture_on_commit_callbacks
):
    document = _request(unit, False, django_capture_on_commit_callbacks)
    client.force_login(allowed)
    url = reverse("core:document_status", args=[document.pk])
    queued = client.get(url).content.decode()
    assert "排队" in queued and 'hx-trigger="every 2s"' in queued and f'hx-get="{url}"' in queued
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING)
    assert "生成中" in client.get(url).content.decode()
    GeneratedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.QUEUED)
    tasks.render_document.delay(document.pk)
    done = client.get(url).content.decode()
    assert "完成" in done and "every 2s" not in done
    assert reverse("core:document_download", args=[document.pk]) in done


def test_a_failure_shows_its_error_and_the_retry_button_renders_it(
    unit, allowed, client, django_capture_on_commit_callbacks
):
    BROKEN["on"] = True
    document = _request(unit, True, django_capture_on_commit_callbacks)
    client.force_login(allowed)
    failed = client.get(reverse("core:document_status", args=[document.pk])).content.decode()
    assert (
        "失败" in failed
        and "字体缺失" in failed
        and reverse("core:document_retry", args=[document.pk]) in failed
    )
    BROKEN["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:document_retry", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    # The partial answered from inside the request: what it shows is at least queued, never the failure.
    assert "失败" not in response.content.decode()


def test_a_retry_without_htmx_goes_back_to_the_page(
    unit, allowed, client, django_capture_on_commit_callbacks
):
    BROKEN["on"] = True
    document = _request(unit, True, django_capture_on_commit_callbacks)
    BROKEN["on"] = False
    client.force_login(allowed)
    response = client.post(reverse("core:document_retry", args=[document.pk]), {"next": "/transfers/"})
    assert response.status_code == 302 and response["Location"] == "/transfers/"
    elsewhere = client.post(
        reverse("core:document_retry", args=[document.pk]), {"next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("home")
