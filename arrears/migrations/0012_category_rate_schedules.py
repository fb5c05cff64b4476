"""A consumer's category may be a UPPCL rate schedule (LMV-1 … HV-4) as the billing system
writes it; category_group, the broad group it belongs to, is a generated column derived
from it (arrears.tariffs), and a check constraint holds every writer to the accepted values.

No data migration: existing rows hold a broad word, which stays a valid category, and the
database fills category_group for them as it adds the column (on PostgreSQL a rewrite of
the consumers table).
"""

from django.db import migrations, models

SCHEDULES = [
    ("LMV-1", "domestic light, fan and power"), ("LMV-2", "non-domestic light, fan and power"),
    ("LMV-3", "public lamps"), ("LMV-4", "institutions"), ("LMV-4A", "public institutions"),
    ("LMV-4B", "private institutions"), ("LMV-5", "private tube wells"), ("LMV-6", "small and medium power"),
    ("LMV-7", "public water works"), ("LMV-8", "state tube wells"), ("LMV-9", "temporary supply"),
    ("LMV-10", "departmental employees"), ("LMV-11", "electric vehicle charging"),
    ("HV-1", "non-industrial bulk load"), ("HV-2", "large and heavy power"), ("HV-3", "railway traction"),
    ("HV-4", "lift irrigation"),
]
GROUPS = {
    "domestic": ["LMV-1", "LMV-10"],
    "commercial": ["LMV-2", "LMV-9", "LMV-11", "HV-1"],
    "industrial": ["LMV-6", "HV-2"],
    "institutional": ["LMV-4", "LMV-4A", "LMV-4B"],
    "agricultural": ["LMV-5", "LMV-8", "HV-4"],
    "government": ["LMV-3", "LMV-7", "HV-3"],
}
GROUP_CHOICES = [(group, group.title()) for group in GROUPS]
CATEGORY_CHOICES = [(code, f"{code} · {label}") for code, label in SCHEDULES] + GROUP_CHOICES
CATEGORY_GROUP = models.Case(
    *(models.When(category__in=[*codes, group], then=models.Value(group)) for group, codes in GROUPS.items()),
    output_field=models.CharField(max_length=20))


class Migration(migrations.Migration):

    dependencies = [
        ("arrears", "0011_models_moved_out"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consumer", name="category",
            field=models.CharField(choices=CATEGORY_CHOICES, max_length=20, verbose_name="category")),
        migrations.AlterField(
            model_name="historicalconsumer", name="category",
            field=models.CharField(choices=CATEGORY_CHOICES, max_length=20, verbose_name="category")),
        migrations.AddField(
            model_name="consumer", name="category_group",
            field=models.GeneratedField(choices=GROUP_CHOICES, db_persist=True, expression=CATEGORY_GROUP,
                                        output_field=models.CharField(max_length=20),
                                        verbose_name="category group")),
        migrations.AddConstraint(
            model_name="consumer",
            constraint=models.CheckConstraint(
                condition=models.Q(category__in=[code for code, _label in CATEGORY_CHOICES]),
                name="consumer_category_known")),
    ]
