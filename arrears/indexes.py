"""Indexes that only PostgreSQL can build, written so SQLite (the demo, `make run`) gets a harmless stand-in."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models


class TrigramIndex(GinIndex):
    """A pg_trgm GIN index on an expression (``LIKE '%part%'`` as an index scan, Hindi and English alike).

    On any other database it is a plain index on the same expression under the same name: migrations,
    and SQLite's rebuilds of the table from the model's Meta.indexes, then work there too.
    """

    def __init__(self, expression, *, name: str):
        super().__init__(OpClass(expression, name="gin_trgm_ops"), name=name)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        return path, (self.expressions[0].source_expressions[0],), {"name": self.name}

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(self.expressions[0].source_expressions[0], name=self.name)
        return plain.create_sql(model, schema_editor, **kwargs)
