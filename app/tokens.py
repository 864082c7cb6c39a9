"""Signed, short-lived bearer tokens (JWT, HS256): an access token and a refresh token.

A token names the user and the generation of their credentials; disabling the user or setting a
new password moves the generation on, so older tokens stop working at once.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from app.errors import Unauthorized
from app.settings import Settings

ALGORITHM = "HS256"
ISSUER = "tzmap"
KEY_FILE = "signing-key"


@dataclass(frozen=True)
class Claims:
    user_id: int
    generation: int


MIN_KEY_LENGTH = 32


def signing_key(settings: Settings) -> str:
    """TZMAP_SECRET_KEY, else a key generated once and kept in the data directory (mode 600),
    so that every worker and every restart signs with the same key."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
    else:
        path = settings.data_dir / KEY_FILE
        if not path.exists():
            _write_once(path, secrets.token_urlsafe(48))
        key = path.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"the token signing key needs at least {MIN_KEY_LENGTH} characters")
    return key


def _write_once(path: Path, value: str) -> None:
    """Write the file whole, or leave the one another worker wrote first: it is written under a
    private name and linked into place, so no reader ever sees it half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    with open(partial, "w", opener=lambda p, flags: os.open(p, flags, 0o600)) as f:
        f.write(value)
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink()


def issue(user_id: int, generation: int, kind: str, lifetime: timedelta, key: str) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "gen": generation,
        "typ": kind,
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read(token: str, kind: str, key: str) -> Claims:
    """The claims of a valid token of this kind; Unauthorized for any fault, with its reason."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the token has expired; sign in again") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("the token is not valid") from exc
    if claims.get("typ") != kind:
        raise Unauthorized(f"not an {kind} token")
    try:
        return Claims(int(claims["sub"]), int(claims["gen"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise Unauthorized("the token is not valid") from exc
