"""Product files are private: served only through the permission-checked view, never from /media/."""

import pytest
from django.urls import Resolver404, resolve

from susi.accounts.models import Role
from tests.accounts.test_permission_matrix import _product_version


def _url(version):
    return f"/initiativer/{version.product.initiative_id}/produkter/filer/{version.pk}/"


def test_no_url_serves_the_media_directory(world):
    version = _product_version(world.own_initiative)
    with pytest.raises(Resolver404):
        resolve("/media/" + version.file.name)


def test_a_permitted_user_gets_the_file_as_an_attachment(client, world):
    version = _product_version(world.own_initiative)
    client.force_login(world.users[Role.MUNICIPALITY])
    response = client.get(_url(version))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 fortroligt"
    assert response["Content-Disposition"].startswith("attachment")
    assert "rapport" in response["Content-Disposition"]


def test_the_initiative_page_links_to_the_view_not_to_media(client, world):
    version = _product_version(world.own_initiative)
    client.force_login(world.users[Role.AGENCY])
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    assert _url(version) in page
    assert "/media/" not in page


def test_anonymous_users_are_sent_to_login(client, world):
    version = _product_version(world.own_initiative)
    response = client.get(_url(version))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_version_of_another_initiative_is_not_found_under_a_visible_one(client, world):
    other = _product_version(world.other_initiative)
    client.force_login(world.users[Role.MUNICIPALITY])
    response = client.get(f"/initiativer/{world.own_initiative.pk}/produkter/filer/{other.pk}/")
    assert response.status_code == 404


def test_x_accel_redirect_hands_the_file_to_nginx(client, world, settings):
    settings.SUSI_PRIVATE_FILE_SERVING = "x-accel-redirect"
    settings.SUSI_X_ACCEL_PREFIX = "/protected-media/"
    version = _product_version(world.own_initiative)
    client.force_login(world.users[Role.EVALUATOR])
    response = client.get(_url(version))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + version.file.name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment")


def test_x_sendfile_hands_the_absolute_path_to_the_server(client, world, settings):
    settings.SUSI_PRIVATE_FILE_SERVING = "x-sendfile"
    version = _product_version(world.own_initiative)
    client.force_login(world.users[Role.AGENCY])
    response = client.get(_url(version))
    assert response["X-Sendfile"] == version.file.path
    assert response.content == b""


def test_the_web_server_is_not_told_about_a_file_the_user_may_not_see(client, world, settings):
    settings.SUSI_PRIVATE_FILE_SERVING = "x-accel-redirect"
    version = _product_version(world.other_initiative)
    client.force_login(world.users[Role.MUNICIPALITY])
    response = client.get(_url(version))
    assert response.status_code in {403, 404}
    assert "X-Accel-Redirect" not in response


def test_the_admin_links_to_the_view_not_to_media(client, world):
    version = _product_version(world.own_initiative)
    client.force_login(world.users[Role.ADMIN])
    page = client.get(f"/admin/portfolio/product/{version.product_id}/change/").content.decode()
    assert _url(version) in page
    assert "/media/" not in page


def test_a_misspelt_serving_mode_is_reported_by_the_system_check(settings):
    from susi.web.files import check_serving_mode

    assert check_serving_mode() == []
    settings.SUSI_PRIVATE_FILE_SERVING = "x-accel"
    errors = check_serving_mode()
    assert [e.id for e in errors] == ["susi.E001"] and "x-accel-redirect" in errors[0].msg
