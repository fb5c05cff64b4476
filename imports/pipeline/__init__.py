"""Imports of the billing system's files: divisions.csv, consumers.csv and ledger.csv.

One code path for the commands and the upload page. A file is streamed into a staging
table (staging.py), checked there with set-based SQL that reports every bad row as
``line N: column: reason`` (checks.py), and only a clean file is written, in one
transaction (consumers.py, ledger.py; first_load.py for the first load of a large
ledger file, bulk.py for the indexes of a large load). Importing the same file twice
changes nothing. divisions.csv, a few dozen rows, is read and written in Python
(divisions.py). reader.py reads the CSV for all of them.
"""

from imports.pipeline.consumers import consumers_import
from imports.pipeline.ledger import ledger_import
from imports.pipeline.reader import CONSUMER_COLUMNS, LEDGER_COLUMNS

__all__ = ["CONSUMER_COLUMNS", "LEDGER_COLUMNS", "consumers_import", "ledger_import"]
