"""Give each initiative's evaluation data its own pseudonym space.

Until now a person had one pseudonym in every initiative: HMAC(key, CPR). From now on the pseudonym in an
initiative is HMAC(space key, that value) (``engines.evaluation.cpr.pseudonymise_in_space``), so existing
pseudonyms can be moved without the CPR numbers. A person enrolled in several initiatives becomes one
citizen row per initiative. A database with citizens needs the pseudonym key to run this migration.
"""

from django.conf import settings
from django.db import migrations


def _keys():
    from susi.engines.evaluation.cpr import load_keys
    from susi.engines.evaluation.errors import EvaluationError

    try:
        return load_keys(getattr(settings, "SUSI_PSEUDONYM_KEY_FILE", None))
    except EvaluationError as exc:
        raise RuntimeError(
            "Moving the pseudonyms into one space per initiative needs the pseudonym key "
            f"(SUSI_PSEUDONYM_KEY or SUSI_PSEUDONYM_KEY_FILE): {exc.message.en}"
        ) from None


def forwards(apps, schema_editor):
    from susi.engines.evaluation.cpr import key_fingerprint, rekey, space_key

    Citizen = apps.get_model("outcomes", "Citizen")
    Enrolment = apps.get_model("outcomes", "Enrolment")
    Fingerprint = apps.get_model("outcomes", "PseudonymKeyFingerprint")
    if not Citizen.objects.exists():
        return
    keys = _keys()
    record = Fingerprint.objects.order_by("pk").first()
    if record is None:
        Fingerprint.objects.create(fingerprint=key_fingerprint(keys), generations=len(keys))
    elif record.fingerprint != key_fingerprint(keys):
        raise RuntimeError("The pseudonym key is not the one the stored pseudonyms were made with.")
    if len(keys) != 1:
        raise RuntimeError("The pseudonyms were re-keyed before they were moved into spaces: not supported.")
    space_keys: dict[int, bytes] = {}

    def moved(pseudonym: str, initiative_id: int) -> str:
        if initiative_id not in space_keys:
            space_keys[initiative_id] = space_key(keys[0], f"initiative:{initiative_id}")
        return rekey(pseudonym, space_keys[initiative_id])

    initiatives_of: dict[int, list[int]] = {}
    for citizen_id, initiative_id in (
        Enrolment.objects.values_list("citizen_id", "initiative_id")
        .distinct()
        .order_by("citizen_id", "initiative_id")
    ):
        initiatives_of.setdefault(citizen_id, []).append(initiative_id)
    for citizen in Citizen.objects.filter(pk__in=list(initiatives_of)).iterator(chunk_size=2000):
        first, *others = initiatives_of[citizen.pk]
        old = citizen.pseudonym
        for initiative_id in others:
            twin = Citizen.objects.create(
                pseudonym=moved(old, initiative_id), birth_year=citizen.birth_year, sex=citizen.sex
            )
            Enrolment.objects.filter(citizen_id=citizen.pk, initiative_id=initiative_id).update(
                citizen_id=twin.pk
            )
        Citizen.objects.filter(pk=citizen.pk).update(pseudonym=moved(old, first))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_shared_pseudonym_space")]

    # Irreversible on purpose: going back would link each person's data across initiatives again.
    operations = [migrations.RunPython(forwards)]
