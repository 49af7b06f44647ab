import pytest

from archive.services.imports import archive_confirm, archive_upload
from archive.tests.world import World, sheets_two_rounds, upload, workbook_bytes
from rounds.models import ArchiveImportStatus, Round, RoundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def test_dry_run_then_confirm(world, office_user):
    imp = archive_upload(file=upload(workbook_bytes(sheets_two_rounds())), by=office_user)
    assert imp.summary["errors"] == [], imp.summary["errors"]
    assert imp.status == ArchiveImportStatus.CHECKED
    assert not Round.objects.exists()
    tally = imp.summary["tally"]
    assert tally["轮次"]["created"] == 2
    assert tally["整改措施"]["created"] == 5
    before, after = imp.summary["before"][str(world.term.pk)], imp.summary["after"][str(world.term.pk)]
    assert (before["units_covered"], after["units_covered"]) == (0, 2)
    assert (before["findings"], after["findings"]) == (0, 4)
    archive_confirm(record=imp, token=imp.token, by=office_user)
    r1 = Round.objects.get(number=1)
    assert r1.status == RoundStatus.DONE and r1.is_archival
