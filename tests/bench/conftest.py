"""The small data set, generated and loaded by the "imports" part into a database of a test module's own."""

import pytest
from django.conf import settings

from bench import imports
from bench.common import Context, database_recreate
from bench.data import data_set


def small_bench(tmp_path_factory, name: str) -> tuple[Context, list]:
    """(context, the imports part's figures): the small data set loaded into ``<test database>_bench_<name>``,
    named after the test database so that test runs side by side don't share it. PostgreSQL only."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    server = f"postgres://{db['USER']}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@{db['HOST']}:{db['PORT']}"
    ctx = Context(size="small", data=data_set("small", root=tmp_path_factory.mktemp("bench-data")), server=server,
                  database=f"{db['NAME']}_bench_{name}")
    database_recreate(ctx)
    return ctx, imports.run(ctx)
