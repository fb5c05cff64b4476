from imports.commands import ImportCommand


class Command(ImportCommand):
    help = "Import divisions.csv (code,name,name_hi). All-or-nothing; re-import changes nothing."
    kind = "divisions"
