"""Support for the migrations that moved models between apps (the layout of DESIGN.md)."""


def content_types_relabel(apps, *, old: str, new: str, models: list[str]) -> None:
    """Moves the content types of ``models`` from app ``old`` to ``new``, with the admin log and permissions
    that point at them. Only where the new label is not taken yet (a database where it was made already)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
