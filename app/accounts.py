"""Accounts: who may sign in, in which role, for which townships; passwords and throttling.

Passwords are hashed with argon2id. A failed sign-in is recorded, and once a user or an address
has failed too often within the window, further attempts are refused until the window moves on,
whether or not the password would be right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Select, delete, func, insert, or_, select, update

from app import vocab
from app.errors import InvalidParameter, NotFound, TooManyRequests, Unauthorized
from app.models import AppUser, AuditLog, SignInFailure, UserTownship
from app.queries.townships import loaded_townships

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = r"[a-z0-9_.-]{2,64}"  # as the app_user table's check
_hasher = PasswordHasher()
# Verified against when the user is unknown, so that the answer takes as long either way.
_UNKNOWN_USER_HASH = _hasher.hash("no such user, no such password")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    townships: tuple[str, ...]  # township codes; empty unless a township editor
    is_active: bool
    token_generation: int

    @property
    def is_reviewer(self) -> bool:
        return self.role in vocab.REVIEWER_ROLES

    def as_json(self, township_names: dict[str, str] | None = None) -> dict[str, object]:
        names = township_names or {}
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "townships": [{"code": c, "name": names.get(c, c)} for c in self.townships],
            "active": self.is_active,
        }


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    conn: Connection,
    username: str,
    role: str,
    password: str,
    townships: list[str] | None = None,
    display_name: str = "",
    actor: str = "tzmap user",
) -> User:
    if role not in vocab.USER_ROLES:
        raise InvalidParameter(f"role must be one of {', '.join(vocab.USER_ROLES)}")
    codes = sorted(set(loaded_townships(conn).codes(townships or [])))
    if role == "township_editor" and not codes:
        raise InvalidParameter("a township editor needs at least one township (--township)")
    if role != "township_editor" and codes:
        raise InvalidParameter("only a township editor is bound to townships")
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise InvalidParameter("a user name is 2–64 of a–z, 0–9, '_', '.', '-'")
    _check_password(password)
    if conn.execute(select(AppUser.id).where(AppUser.username == username)).first():
        raise InvalidParameter(f"user '{username}' exists already")
    user_id = conn.execute(
        insert(AppUser)
        .values(
            username=username,
            role=role,
            display_name=display_name,
            password_hash=_hasher.hash(password),
        )
        .returning(AppUser.id)
    ).scalar_one()
    for code in codes:
        conn.execute(insert(UserTownship).values(user_id=user_id, township_code=code))
    user = get_user(conn, username)
    _audit(conn, actor, "create", user, None, user.as_json())
    return user


def _audit(
    conn: Connection,
    actor: str,
    action: str,
    user: User,
    before: dict[str, object] | None,
    after: dict[str, object],
) -> None:
    """Accounts are audited like every other change (the password hash never is)."""
    conn.execute(
        insert(AuditLog).values(
            actor=actor,
            action=action,
            entity="app_user",
            entity_id=user.username,
            before=before,
            after=after,
        )
    )


def _user_query() -> Select[Any]:
    townships = (
        select(func.coalesce(func.array_agg(UserTownship.township_code), []))
        .where(UserTownship.user_id == AppUser.id)
        .scalar_subquery()
    )
    return select(
        AppUser.id,
        AppUser.username,
        AppUser.display_name,
        AppUser.role,
        townships,
        AppUser.is_active,
        AppUser.token_generation,
    )


def _user(row: tuple[object, ...]) -> User:
    uid, username, display, role, codes, active, generation = row
    return User(
        int(uid),  # type: ignore[call-overload]
        str(username),
        str(display),
        str(role),
        tuple(sorted(codes or [])),  # type: ignore[call-overload]
        bool(active),
        int(generation),  # type: ignore[call-overload]
    )


def get_user(conn: Connection, username: str) -> User:
    row = conn.execute(_user_query().where(AppUser.username == username)).first()
    if row is None:
        raise NotFound(f"no user '{username}'")
    return _user(tuple(row))


def user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(_user_query().where(AppUser.id == user_id)).first()
    return _user(tuple(row)) if row else None


def list_users(conn: Connection) -> list[User]:
    return [_user(tuple(r)) for r in conn.execute(_user_query().order_by(AppUser.username))]


def set_password(conn: Connection, username: str, password: str, actor: str = "tzmap user") -> None:
    """A new password; every token issued before stops working."""
    _check_password(password)
    user = get_user(conn, username)
    conn.execute(
        update(AppUser)
        .where(AppUser.username == username)
        .values(
            password_hash=_hasher.hash(password),
            token_generation=AppUser.token_generation + 1,
        )
    )
    conn.execute(delete(SignInFailure).where(SignInFailure.username == username))
    _audit(conn, actor, "update", user, None, {"password": "set", "tokens": "revoked"})


def set_active(conn: Connection, username: str, active: bool, actor: str = "tzmap user") -> None:
    """Disable (or enable again) a user; disabling revokes every token issued before."""
    user = get_user(conn, username)
    conn.execute(
        update(AppUser)
        .where(AppUser.username == username)
        .values(is_active=active, token_generation=AppUser.token_generation + 1)
    )
    _audit(conn, actor, "update", user, {"active": user.is_active}, {"active": active})


def throttle(
    conn: Connection, username: str, address: str, window: int, per_user: int, per_address: int
) -> None:
    """Refuse (429) a sign-in when the user or the address failed too often lately."""
    since = func.now() - timedelta(minutes=window)
    recent = SignInFailure.at > since
    by_user, by_address = conn.execute(
        select(
            func.count().filter(SignInFailure.username == username),
            func.count().filter(SignInFailure.address == address),
        ).where(recent, or_(SignInFailure.username == username, SignInFailure.address == address))
    ).one()
    if by_user >= per_user or by_address >= per_address:
        raise TooManyRequests(
            f"too many failed sign-ins; try again in {window} minutes", retry_after=window * 60
        )


def record_failure(conn: Connection, username: str, address: str, window: int) -> None:
    # Failures older than the window count no more: forget them, so the table stays small.
    conn.execute(
        delete(SignInFailure).where(SignInFailure.at < func.now() - timedelta(minutes=window))
    )
    conn.execute(insert(SignInFailure).values(username=username[:64], address=address))


def sign_in(
    conn: Connection,
    username: str,
    password: str,
    address: str,
    *,
    window: int,
    per_user: int,
    per_address: int,
) -> User | None:
    """The user, or None once the failure is recorded; 429 when throttled. Sign-ins of one user
    name queue behind a lock, so that parallel guesses cannot all pass the same count."""
    conn.execute(select(func.pg_advisory_xact_lock(func.hashtext("sign-in:" + username))))
    throttle(conn, username, address, window, per_user, per_address)
    try:
        return authenticate(conn, username, password)
    except Unauthorized:
        record_failure(conn, username, address, window)
        return None


def authenticate(conn: Connection, username: str, password: str) -> User:
    """The active user with this password, or Unauthorized (the same answer for every cause)."""
    row = conn.execute(
        select(AppUser.password_hash, AppUser.is_active).where(AppUser.username == username)
    ).first()
    stored = row[0] if row and row[0] else _UNKNOWN_USER_HASH
    try:
        _hasher.verify(stored, password)
        verified = row is not None and row[0] is not None
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or row is None or not row[1]:
        raise Unauthorized("wrong user name or password, or the account is disabled")
    return get_user(conn, username)
