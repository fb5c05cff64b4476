"""Schema: a failed job counts its problems (bad_rows, renamed: it always counted problems, not lines) and, apart,
the lines they are on; a job stores the language its errors are written in."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0007_alter_importjob_options'),
    ]

    operations = [
        migrations.RenameField(
            model_name='importjob',
            old_name='bad_rows',
            new_name='problems',
        ),
        migrations.AlterField(
            model_name='importjob',
            name='problems',
            field=models.PositiveIntegerField(default=0, verbose_name='problems'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='bad_lines',
            field=models.PositiveIntegerField(blank=True, help_text='none for a job that failed before lines were counted', null=True, verbose_name='lines with problems'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('hi', 'Hindi')], default='', max_length=5, verbose_name='language'),
        ),
    ]
