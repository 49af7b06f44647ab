"""The bulk helper every bulk page uses (xuncha.core.bulk), tried on a plain model: each row in its own
savepoint (EACH), or all or nothing (ALL)."""

import pytest

from rounds.models import Unit, UnitType
from xuncha.core.bulk import ALL, EACH, BulkRefused, run_each
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


def make(name):
    if name.startswith("坏"):
        Unit.objects.create(name=name, unit_type=UnitType.OTHER)  # written, then refused: must roll back
        raise DomainError(f"{name}不能办理")
    return Unit.objects.create(name=name, unit_type=UnitType.OTHER)


def test_each_row_in_its_own_savepoint_refused_rows_rolled_back_alone():
    rows = run_each(["甲", "坏乙", "丙"], make, label=lambda x: x if isinstance(x, str) else x.name, mode=EACH)
    assert [(r.label, r.ok, r.message) for r in rows] == [
        ("甲", True, ""),
        ("坏乙", False, "坏乙不能办理"),
        ("丙", True, ""),
    ]
    assert sorted(Unit.objects.values_list("name", flat=True)) == ["丙", "甲"]


def test_all_or_nothing_tries_every_row_then_saves_none():
    with pytest.raises(BulkRefused) as refused:
        run_each(["甲", "坏乙", "坏丙"], make, label=lambda x: x if isinstance(x, str) else x.name, mode=ALL)
    assert refused.value.message == "共3项，其中2项未通过，全部未保存"
    assert refused.value.reasons == ["坏乙：坏乙不能办理", "坏丙：坏丙不能办理"]
    assert not Unit.objects.exists()


def test_all_or_nothing_saves_all_when_none_is_refused():
    run_each(["甲", "乙"], make, label=str, mode=ALL)
    assert Unit.objects.count() == 2
