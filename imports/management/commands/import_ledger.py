from imports.commands import ImportCommand


class Command(ImportCommand):
    help = ("Import ledger.csv (account_no,entry_date,kind,amount,reference,due_date). All-or-nothing; "
            "(kind, reference) is the re-import key, so importing a file twice changes nothing.")
    kind = "ledger"
