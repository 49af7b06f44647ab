import datetime

import factory

from clues.models import Category, Channel, Finding, Lead
from rounds.tests.factories import AssignmentFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    """Tests make their own categories: a transactional test's flush removes the migration's seed."""

    class Meta:
        model = Category

    scheme = "三个聚焦"
    name = factory.Sequence(lambda n: f"问题类别{n}")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    assignment = factory.SubFactory(AssignmentFactory)
    round = factory.LazyAttribute(lambda o: o.assignment.round)
    unit = factory.LazyAttribute(lambda o: o.assignment.unit)
    team = factory.LazyAttribute(lambda o: o.assignment.team)
    serial = factory.Sequence(lambda n: n + 1)
    channel = Channel.LETTER
    received_on = datetime.date(2026, 10, 20)
    subject_name = "钱某某"
    subject_post = "副局长"
    summary = "反映违规发放津补贴"
    content = "反映该单位2025年违规发放津补贴。"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    assignment = factory.SubFactory(AssignmentFactory)
    round = factory.LazyAttribute(lambda o: o.assignment.round)
    unit = factory.LazyAttribute(lambda o: o.assignment.unit)
    team = factory.LazyAttribute(lambda o: o.assignment.team)
    year = 2026
    serial = factory.Sequence(lambda n: n + 1)
    category = factory.SubFactory(CategoryFactory)
    title = "违规发放津补贴"
    manifestation = "2025年违规发放津补贴12万元。"
    basis = "违反《中国共产党纪律处分条例》第一百零三条。"
