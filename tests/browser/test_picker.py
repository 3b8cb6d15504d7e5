"""The searchable municipality picker: typing narrows the 98 municipalities; choosing one filters the board."""

from susi.organisations.services import ensure_municipalities


def test_typing_narrows_the_municipalities_and_the_choice_filters_the_board(page, login, world):
    ensure_municipalities()
    login("agency")
    page.goto("/")
    select = page.locator("#f-municipality")
    assert select.locator("option:not([hidden])").count() > 90
    page.get_by_label("Søg kommune").fill("aarh")
    visible = select.locator("option:not([hidden])").all_inner_texts()
    assert visible == ["Alle", "Aarhus"]
    page.get_by_label("Søg kommune").fill("københ")
    assert select.locator("option:not([hidden])").all_inner_texts() == ["Alle", "København"]
    page.get_by_label("Søg kommune").fill("aarh")
    select.select_option("751")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url("**municipality=751**")
    assert world.own_initiative.title in page.content()
