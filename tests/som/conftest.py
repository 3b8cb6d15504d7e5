import pytest
from django.test import Client

from susi.accounts.models import Role


@pytest.fixture
def knowledge(world):
    """The shared test world (Aarhus = code 751) plus the illustrative SØM knowledge database."""
    from susi.som import demo

    demo._load_knowledge(lambda line: None)
    return world


@pytest.fixture
def client_for(knowledge):
    def _client(role: str) -> Client:
        client = Client()
        client.force_login(knowledge.users[role])
        return client

    return _client


@pytest.fixture
def municipality_client(client_for):
    return client_for(Role.MUNICIPALITY)
