"""Recompute the stored end of contracts that start on 29 February: end_of_term used to give 27 February of a
year without 29 February (a day short); it is now 28 February (民法典 §202)."""

from django.db import migrations


def recompute(apps, schema_editor):
    from gonghui.rights.models import end_of_term

    CollectiveContract = apps.get_model("rights", "CollectiveContract")
    for contract in CollectiveContract.objects.filter(starts_on__month=2, starts_on__day=29):
        ends_on = end_of_term(contract.starts_on, contract.term_years)
        if contract.ends_on != ends_on:
            CollectiveContract.objects.filter(pk=contract.pk).update(ends_on=ends_on)


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_collective_contracts")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
