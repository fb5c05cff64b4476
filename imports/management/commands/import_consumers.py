from imports.commands import ImportCommand


class Command(ImportCommand):
    help = ("Import consumers.csv (account_no,name,address,division_code,category,sanctioned_load_kw,phone,"
            "meter_no,is_protected). All-or-nothing; re-import changes nothing.")
    kind = "consumers"
