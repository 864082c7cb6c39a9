"""Registering a document's text, so that evidence can point into it and the app can quote it.

A report read in the app (`/extract/changes`, `tzmap extract --apply`) is registered before the
changes whose evidence lies in it are submitted; like every other write, it leaves an audit row.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app.edits.changes import Actor, write_audit
from app.errors import Conflict
from app.models import Document


def register_document(
    conn: Connection,
    actor: Actor,
    *,
    document_id: str,
    title: str,
    date: str,
    sha256: str,
    file_name: str | None,
    text: str,
) -> bool:
    """Keep the document and its text; False when its text is kept already (nothing written).

    A document the catalogue lists without its text (`tzmap load` found no file) gets the text
    now and keeps its title and date; another document under the same id is a conflict."""
    row = conn.execute(
        select(Document.sha256, Document.text.is_not(None).label("has_text")).where(
            Document.id == document_id
        )
    ).first()
    if row is not None and row.sha256 != sha256:
        raise Conflict(f"another document is registered as '{document_id}'")
    if row is not None and row.has_text:
        return False
    if row is None:
        values = {"title": title, "date": date, "sha256": sha256, "file_name": file_name}
        inserted = conn.execute(
            pg_insert(Document)
            .values(id=document_id, **values, text=text, registered_at=func.now())
            .on_conflict_do_nothing()
            .returning(Document.id)
        ).first()
        if inserted is None:
            # Registered meanwhile by someone else (the insert waited for them to commit).
            raise Conflict(f"'{document_id}' was registered meanwhile; read the report again")
        # The audit keeps what identifies the text (its sha256), not the text itself.
        after = values | {"text": "registered"}
        write_audit(conn, actor, "create", "document", document_id, None, after, None)
    else:
        conn.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(text=text, registered_at=func.now())
        )
        write_audit(conn, actor, "update", "document", document_id,
                    {"sha256": sha256, "text": None}, {"sha256": sha256, "text": "registered"},
                    None)  # fmt: skip
    return True
