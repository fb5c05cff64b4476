"""The settlements REST API: a module per record (schemes and their quotes, settlements, promises to pay)."""
