from accounts.services import divisions_import
from kesco.commands import ImportCommand


class Command(ImportCommand):
    help = "Import divisions.csv (code,name,name_hi). All-or-nothing; re-import changes nothing."
    what = "divisions"

    def run_import(self, **kwargs):
        return divisions_import(**kwargs)
