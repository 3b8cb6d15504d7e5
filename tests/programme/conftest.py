import pytest

from susi.accounts.models import Role
from susi.programme import services
from susi.programme.models import Programme
from tests.factories import UserFactory


@pytest.fixture
def adults(world) -> Programme:
    return Programme.objects.create(code="uip_adults")


@pytest.fixture
def year_2027(world, adults):
    """UIP Voksne 2027 with a frame of 65.000.000 kr."""
    return services.set_frame(world.users[Role.AGENCY], adults, year=2027, frame_dkk=65_000_000)


@pytest.fixture
def second_member(world):
    return UserFactory(username="steering2", role=Role.STEERING, email="s2@example.dk")
