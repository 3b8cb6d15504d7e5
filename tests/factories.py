"""factory_boy factories shared by every app's tests."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from susi.accounts.models import Role, User
from susi.organisations.models import Organisation
from susi.portfolio.models import Area, Initiative, Intervention, Programme


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name")

    kind = Organisation.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Organisation {n}")


class MunicipalityFactory(OrganisationFactory):
    kind = Organisation.Kind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Kommune {n}")
    code = factory.Sequence(lambda n: f"{900 + n % 99}")
    region = "Hovedstaden"


class EvaluatorOrgFactory(OrganisationFactory):
    kind = Organisation.Kind.EVALUATOR
    name = factory.Sequence(lambda n: f"Evaluator {n}")


class FoundationOrgFactory(OrganisationFactory):
    kind = Organisation.Kind.FOUNDATION
    name = factory.Sequence(lambda n: f"Fond {n}")


class AgencyOrgFactory(OrganisationFactory):
    kind = Organisation.Kind.AGENCY
    name = "Social- og Boligstyrelsen"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruger {n}")
    role = Role.STEERING
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Indsats {n}")
    area = Area.ADULTS


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    intervention = factory.SubFactory(InterventionFactory)
    title = factory.Sequence(lambda n: f"Initiativ {n}")
    phase = "screening"
    track = "track1"
    programme = Programme.UIP_ADULTS
    area = Area.ADULTS
    start_date = date(2024, 1, 1)
    phase_started_on = date(2024, 1, 1)
    budget_dkk = 1_000_000

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)


def user_for(role: str, organisation: Organisation | None = None, username: str | None = None) -> User:
    return UserFactory(
        username=username or f"{role}-{organisation.pk if organisation else 'x'}",
        role=role,
        organisation=organisation,
    )
