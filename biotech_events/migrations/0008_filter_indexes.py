# Indexes for the list filters at scale: ?city= matches UPPER(city), and ?kind= pages newest first.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("biotech_events", "0007_search_field_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="company",
            name="biotech_eve_hq_city_104d99_idx",
        ),
        migrations.RemoveIndex(
            model_name="deal",
            name="biotech_eve_kind_01e859_idx",
        ),
        migrations.RemoveIndex(
            model_name="event",
            name="biotech_eve_city_8c8305_idx",
        ),
        migrations.RemoveIndex(
            model_name="park",
            name="biotech_eve_city_cf6fd9_idx",
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(django.db.models.functions.text.Upper("hq_city"), name="company_hq_city_upper"),
        ),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(fields=["kind", "date"], name="deal_kind_date"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(django.db.models.functions.text.Upper("city"), name="event_city_upper"),
        ),
        migrations.AddIndex(
            model_name="park",
            index=models.Index(django.db.models.functions.text.Upper("city"), name="park_city_upper"),
        ),
    ]
