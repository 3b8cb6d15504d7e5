"""The language follows the cookie for one request only."""


def test_a_request_in_english_does_not_leave_english_active_afterwards(client, world):
    from django.utils import translation

    client.force_login(world.users["agency"])
    client.cookies["django_language"] = "en"
    assert "Portfolio of initiatives" in client.get("/").content.decode()
    assert translation.get_language() == "da"
