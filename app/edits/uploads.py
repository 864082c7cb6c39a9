"""Evidence files uploaded with edits: a photo or a PDF, checked by its first bytes (not by the
name or type the browser claims), kept outside the web root under a name made from its sha256,
and registered as a document that evidence can point at."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, insert, select

from app.edits.changes import Actor, write_audit
from app.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from app.models import Document

# (leading bytes, media type, extension)
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
STORED_NAME = re.compile(r"[0-9a-f]{64}\.(jpg|png|pdf)")  # used with fullmatch


def sniff(head: bytes) -> tuple[str, str]:
    for signature, media_type, extension in SIGNATURES:
        if head.startswith(signature):
            return media_type, extension
    raise UnsupportedMediaType("evidence files may be JPEG or PNG photos, or PDF documents")


def display_name(name: str | None) -> str:
    """The sender's file name, for people only: no folders, no control characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "upload"


def store(
    conn: Connection,
    actor: Actor,
    data: bytes,
    file_name: str | None,
    title: str | None,
    directory: Path,
    max_bytes: int,
) -> dict[str, Any]:
    """Keep the file and register it as a document (the same file twice is one document)."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"a file may have at most {max_bytes // (1024 * 1024)} MiB")
    if not data:
        raise UnsupportedMediaType("the file is empty")
    media_type, extension = sniff(data[:16])
    sha256 = hashlib.sha256(data).hexdigest()
    existing = conn.execute(select(Document.id).where(Document.sha256 == sha256)).scalar()
    if existing is None:
        stored_name = sha256 + extension
        _write(directory, stored_name, data)
        name = display_name(file_name)
        values = {
            "id": f"upload-{sha256[:16]}",
            "title": (title or "").strip()[:300] or name,
            "date": date.today().isoformat(),
            "file_name": name,
            "sha256": sha256,
            "media_type": media_type,
            "stored_name": stored_name,
        }
        conn.execute(insert(Document).values(**values))
        write_audit(conn, actor, "create", "document", values["id"], None, values, None)
        existing = values["id"]
    return document_json(conn, existing)


def _write(directory: Path, stored_name: str, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    final = directory / stored_name
    if final.exists():
        return
    partial = directory / f".{stored_name}.{os.getpid()}.part"
    partial.write_bytes(data)
    partial.chmod(0o640)
    partial.replace(final)


def document_json(conn: Connection, document_id: str) -> dict[str, Any]:
    row = conn.execute(
        select(Document.id, Document.title, Document.date, Document.file_name,
               Document.media_type, Document.sha256).where(Document.id == document_id)
    ).first()  # fmt: skip
    if row is None:
        raise NotFound(f"no document '{document_id}'")
    return dict(row._mapping)


def stored_file(conn: Connection, document_id: str, directory: Path) -> tuple[Path, str, str]:
    """(path, media type, file name) of an uploaded document."""
    row = conn.execute(
        select(Document.stored_name, Document.media_type, Document.file_name).where(
            Document.id == document_id
        )
    ).first()
    if row is None or row.stored_name is None or not STORED_NAME.fullmatch(row.stored_name):
        raise NotFound(f"no uploaded file '{document_id}'")
    path = directory / row.stored_name
    if not path.is_file():
        raise NotFound(f"the file of '{document_id}' is missing from the uploads folder")
    return path, row.media_type, row.file_name or row.stored_name
