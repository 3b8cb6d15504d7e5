"""Mask CPR-like numbers in text stored before masking existed: import file names and row reports, the
access log's text and delivery components (``engines.evaluation.cpr.mask_cpr_like``)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from susi.engines.evaluation.cpr import mask_cpr_like

    ImportBatch = apps.get_model("outcomes", "ImportBatch")
    AccessLog = apps.get_model("outcomes", "AccessLog")
    DeliveryRecord = apps.get_model("outcomes", "DeliveryRecord")
    for batch in ImportBatch.objects.all().iterator(chunk_size=500):
        name = mask_cpr_like(batch.file_name)
        report = [
            {**entry, "message": mask_cpr_like(entry["message"])} if "message" in entry else entry
            for entry in (batch.report or [])
        ]
        if name != batch.file_name or report != batch.report:
            ImportBatch.objects.filter(pk=batch.pk).update(file_name=name, report=report)
    for log in AccessLog.objects.all().only("pk", "what").iterator(chunk_size=2000):
        what = mask_cpr_like(log.what)
        if what != log.what:
            AccessLog.objects.filter(pk=log.pk).update(what=what)
    for record in DeliveryRecord.objects.filter(component__regex=r"[0-9]{4}").iterator(chunk_size=2000):
        component = mask_cpr_like(record.component)
        if component != record.component:
            DeliveryRecord.objects.filter(pk=record.pk).update(component=component)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0005_pseudonyms_per_initiative")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
