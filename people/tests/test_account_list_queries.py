"""The account list costs the same few queries whatever the number of accounts on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.tests.factories import UnitFactory
from teams.tests.factories import CadreFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _people(n):
    for _ in range(n):
        principal, staff, cadre = (UserFactory(roles=[r]) for r in (Role.UNIT, Role.DEPARTMENT, Role.TEAM))
        unit = UnitFactory(principal_user=principal)
        unit.staff.add(staff)
        CadreFactory(user=cadre, home_unit=unit)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("people:account_list")).status_code == 200
    return len(captured)


def test_the_list_reads_roles_and_scopes_in_a_fixed_number_of_queries(client_for):
    client = client_for(UserFactory(roles=[Role.SYSADMIN]))
    _people(1)
    few = _queries(client)
    _people(5)
    assert _queries(client) == few
