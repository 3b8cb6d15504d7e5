"""The effect-estimate page: an invalid base rate is named as such (not "choose instrument, method and
follow-up"), and the saved estimates show their method."""

from django.urls import reverse

from susi.outcomes.models import EffectEvaluation

from .test_pages_and_api import load


def test_an_invalid_base_rate_is_named_and_saved_estimates_show_their_method(client, world):
    load(world, world.aarhus, n=40)
    client.force_login(world.evaluator)
    url = reverse("outcomes:estimate", args=[world.initiative.pk])
    for bad in ("1,5", "abc"):
        partial = client.get(
            url,
            {"instrument": "trivsel", "design": "rct_means", "followup": 1, "baseline_rate": bad},
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert "Grundrate uden indsatsen" in partial, bad
        assert "Vælg måleredskab, metode og opfølgning" not in partial
    client.post(
        reverse("outcomes:save_estimate", args=[world.initiative.pk]),
        {"instrument": "trivsel", "design": "rct_means", "followup": 1},
    )
    assert EffectEvaluation.objects.get().method_label == "Forskel i gennemsnit (lodtrækning)"
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "<td>Forskel i gennemsnit (lodtrækning)</td>" in page
