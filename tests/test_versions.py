"""The shared mechanism of xuncha.core.concurrency, service by service: versions raised by every save, a
stale save refused, a transition held to the version a page showed, a unique race turned into a form
error, old submission tokens forgotten."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from rounds.forms.units import UnitForm
from rounds.models import Announcement, AnnouncementStatus, Unit
from rounds.services import unit_save
from rounds.tests.factories import AnnouncementFactory, UnitFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.concurrency import StaleObject, expecting, forget_old_tokens, save_form
from xuncha.core.models import SubmissionToken
from xuncha.core.transitions import transition
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


def test_every_save_raises_the_version_and_a_stale_one_is_refused():
    unit = UnitFactory()
    start = unit.version
    unit.note = "一"
    unit.save()
    assert unit.version == start + 1
    stale = Unit.objects.get(pk=unit.pk)
    unit.note = "二"
    unit.save()

    stale._expected_version = start + 1  # loaded before the second save
    stale.note = "三"
    with pytest.raises(StaleObject) as refused:
        stale.save()
    assert refused.value.current == start + 2
    assert Unit.objects.get(pk=unit.pk).note == "二"


def test_a_fresh_copy_saved_by_a_service_is_held_to_the_page_version():
    unit = UnitFactory()
    seen = unit.version
    Unit.objects.get(pk=unit.pk).save()  # a colleague's save
    copy = Unit.objects.get(pk=unit.pk)
    with expecting(unit, seen), pytest.raises(StaleObject):
        copy.save()
    with expecting(unit, seen + 1):
        copy.save()
        copy.save()  # only the first save of the row is held to the page
    assert copy.version == seen + 3


def test_a_transition_is_held_to_the_version_its_page_showed():
    announcement = AnnouncementFactory()
    seen = announcement.version
    transition(announcement, "publish", by=None, version=seen)
    assert announcement.status == AnnouncementStatus.PUBLISHED
    with pytest.raises(DomainError, match="已被办理或修改"):
        transition(announcement, "withdraw", by=None, version=seen)  # the same page, a second click
    assert Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.PUBLISHED


def test_a_race_on_a_unique_field_is_a_form_error():
    office = UserFactory(roles=[Role.OFFICE])
    request = RequestFactory().post("/units/new/")
    request.user = office
    form = UnitForm({"name": "县审计局", "unit_type": "department", "is_active": "on"})
    assert form.is_valid()
    UnitFactory(name="县审计局")  # saved by a colleague after this form was validated
    saved = save_form(
        request, form, lambda: unit_save(unit=form.save(commit=False), staff=form.cleaned_data["staff"], by=office)
    )
    assert not saved.ok
    assert form.errors["name"] == ["已有同名的单位，请核对是否重复录入"]
    assert Unit.objects.filter(name="县审计局").count() == 1


def test_old_submission_tokens_are_forgotten():
    old = SubmissionToken.objects.create(token="a" * 32)
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    SubmissionToken.objects.create(token="b" * 32)
    assert forget_old_tokens() == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["b" * 32]
