import factory

from rounds.tests.factories import RoundFactory, UnitFactory
from teams.models import Cadre, MemberRole, Team, TeamMember, parse_specialties


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    home_unit = factory.SubFactory(UnitFactory)
    post = "科员"
    specialty = "财务审计"
    # the structured list, as the migration derives it from the text
    specialties = factory.LazyAttribute(lambda c: "、".join(parse_specialties(c.specialty)[0]))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: n + 1)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    round = factory.LazyAttribute(lambda m: m.team.round)
    cadre = factory.SubFactory(CadreFactory)
    role = MemberRole.MEMBER
