import factory

from xuncha.accounts.models import User
from xuncha.accounts.roles import role_group

PASSWORD = "pass-12345"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.OFFICE]) puts the user in those role groups."""
        self.save()
        for name in extracted or []:
            self.groups.add(role_group(name))
