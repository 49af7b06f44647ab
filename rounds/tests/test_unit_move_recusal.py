import pytest

from rounds.models import UnitType
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, UnitFactory
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


def test_moving_a_unit_under_a_serving_cadres_home_unit_is_refused():
    township = UnitFactory(name="石桥镇", unit_type=UnitType.TOWNSHIP)
    village = UnitFactory(name="向阳村", unit_type=UnitType.VILLAGE)
    team = TeamFactory()
    TeamMemberFactory(team=team, cadre=CadreFactory(name="赵干部", home_unit=township))
    AssignmentFactory(team=team, unit=village)

    village.parent = township
    with pytest.raises(DomainError) as refused:
        unit_save(unit=village)
    assert "向阳村是赵干部所在单位石桥镇的下属单位" in refused.value.full_message()
    village.refresh_from_db()
    assert village.parent_id is None


def test_moving_a_unit_nobody_serves_near_is_allowed():
    township = UnitFactory(name="石桥镇", unit_type=UnitType.TOWNSHIP)
    village = UnitFactory(name="向阳村", unit_type=UnitType.VILLAGE)
    AssignmentFactory(unit=village)

    village.parent = township
    unit_save(unit=village)
    village.refresh_from_db()
    assert village.parent_id == township.pk
