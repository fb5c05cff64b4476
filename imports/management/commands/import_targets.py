from imports.commands import ImportCommand


class Command(ImportCommand):
    help = ("Import targets.csv (division_code,month,target; month as YYYY-MM): each division's revenue target "
            "for the month. All-or-nothing; re-import changes nothing.")
    kind = "targets"
