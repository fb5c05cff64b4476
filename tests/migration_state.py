"""A database taken back to some migrations of drives and payments for a data migration's test, with the models
as they stood then (later migrations add columns the models of today would write)."""

from collections.abc import Iterator

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# reports too: its field day book (reports 0005) stands on drives' and payments' newest migrations, so taking
# them back takes it back, and its state would bring theirs of today into the models of then. recovery likewise
# (its first migration stands on drives 0017 and payments 0014).
ROLLED_BACK = {"payments", "drives", "reports", "recovery"}


def models_before(nodes: list[tuple[str, str]]) -> Iterator[Apps]:
    """Migrates back to ``nodes`` (of drives and payments), yields the models of then, and migrates forward
    to the end again afterwards (the test itself runs the migrations under test, forward)."""
    executor = MigrationExecutor(connection)
    executor.migrate(nodes)
    executor.loader.build_graph()
    # The other apps as they stand (migrating back leaves them where they are).
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ROLLED_BACK]
    yield executor.loader.project_state([*others, *nodes]).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
