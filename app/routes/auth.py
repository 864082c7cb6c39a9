"""Sign-in: the OAuth2 password flow and refresh tokens at /auth/token; who am I at /auth/me."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app import accounts, tokens
from app.accounts import User
from app.dependencies import EngineDep, SettingsDep, UserDep, token_lifetimes, user_of
from app.errors import InvalidParameter, Unauthorized
from app.models import Township
from app.routes.openapi import SIGNED_IN, problems

router = APIRouter(prefix="/auth", tags=["Accounts"])


def _tokens(request: Request, user: User, settings: SettingsDep) -> JSONResponse:
    access, refresh = token_lifetimes(settings)
    key = request.app.state.signing_key
    body = {
        "access_token": tokens.issue(user.id, user.token_generation, "access", access, key),
        "token_type": "bearer",
        "expires_in": int(access.total_seconds()),
        "refresh_token": tokens.issue(user.id, user.token_generation, "refresh", refresh, key),
        "refresh_expires_in": int(refresh.total_seconds()),
        "user": user.as_json(),
    }
    # Tokens must not be kept by caches along the way (RFC 6749 §5.1).
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post(
    "/token",
    summary="Sign in (OAuth2 password grant) or refresh a token",
    responses=problems(401, 413, 429),
)
def token(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    grant_type: Annotated[
        str, Form(json_schema_extra={"enum": ["password", "refresh_token"]})
    ] = "password",
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    refresh_token: Annotated[str, Form(max_length=4096)] = "",
) -> JSONResponse:
    if grant_type == "refresh_token":
        claims = tokens.read(refresh_token, "refresh", request.app.state.signing_key)
        return _tokens(request, user_of(engine, claims), settings)
    if grant_type != "password":
        raise InvalidParameter("grant_type must be 'password' or 'refresh_token'")
    address = request.client.host if request.client else "unknown"
    with engine.begin() as conn:  # a failure is recorded even though the answer is 401
        signed_in = accounts.sign_in(
            conn,
            username,
            password,
            address,
            window=settings.sign_in_window_minutes,
            per_user=settings.sign_in_failures_per_user,
            per_address=settings.sign_in_failures_per_address,
        )
    if signed_in is None:
        raise Unauthorized("wrong user name or password, or the account is disabled")
    user = signed_in
    return _tokens(request, user, settings)


@router.get(
    "/me",
    summary="The signed-in user, with role and townships",
    responses=problems(401),
    openapi_extra=SIGNED_IN,
)
def me(user: UserDep, engine: EngineDep) -> JSONResponse:
    with engine.connect() as conn:
        names = {code: name for code, name in conn.execute(select(Township.code, Township.name))}
    return JSONResponse(user.as_json(names), headers={"Cache-Control": "no-store"})
