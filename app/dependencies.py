"""Request dependencies shared by the routes: the engine, who is asking, the collection asked
for and the query parameters (the models of app.filters).

They are coroutines: FastAPI runs a plain function dependency on its thread pool, a hop that
cost every request more than the work of these. The one that reads the database does so on the
thread pool itself.
"""

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app import tokens
from app.accounts import User, user_by_id
from app.edits.changes import Actor
from app.errors import NotFound, Unauthorized
from app.filters import ItemParameters, ItemsParameters
from app.layers import LAYERS, Layer
from app.settings import Settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def bearer_token(request: Request) -> str | None:
    """The bearer token; another scheme (a proxy's Basic credentials) is not ours to judge."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    if not token.strip():
        raise Unauthorized("send the token as 'Authorization: Bearer <token>'")
    return token.strip()


async def current_user(request: Request, engine: EngineDep) -> User | None:
    """The signed-in user, None without a token; a bad, expired or revoked token is 401."""
    token = bearer_token(request)
    if token is None:
        return None
    claims = tokens.read(token, "access", request.app.state.signing_key)
    return await run_in_threadpool(user_of, engine, claims)


def user_of(engine: Engine, claims: tokens.Claims) -> User:
    """The user a token names, unless it was revoked (account disabled, password changed)."""
    with engine.connect() as conn:
        user = user_by_id(conn, claims.user_id)
    if user is None or not user.is_active or user.token_generation != claims.generation:
        raise Unauthorized("the token was revoked (account disabled or password changed)")
    return user


MaybeUser = Annotated[User | None, Depends(current_user)]


async def signed_in(user: MaybeUser) -> User:
    if user is None:
        raise Unauthorized("sign in first (POST /auth/token)")
    return user


UserDep = Annotated[User, Depends(signed_in)]


async def reader(request: Request, user: MaybeUser) -> User | None:
    """Readers of the map and the feeds: anyone, unless anonymous reading is switched off."""
    if user is None and not request.app.state.settings.anonymous_read:
        if request.url.path == "/" and "text/html" in request.headers.get("accept", ""):
            return None  # the page itself, so that one can sign in on it
        raise Unauthorized("this map is closed to anonymous readers; sign in first")
    return user


async def actor(request: Request, user: UserDep) -> Actor:
    client = request.client.host if request.client else "unknown"
    agent = request.headers.get("user-agent", "")[:200]
    return Actor(user, f"{client} {agent}".strip())


ActorDep = Annotated[Actor, Depends(actor)]


def token_lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    return (
        timedelta(minutes=settings.access_token_minutes),
        timedelta(hours=settings.refresh_token_hours),
    )


async def get_layer(
    collection_id: Annotated[
        str, Path(alias="collectionId", json_schema_extra={"enum": list(LAYERS)})
    ],
) -> Layer:
    layer = LAYERS.get(collection_id)
    if layer is None:
        raise NotFound(
            f"collection '{collection_id}' does not exist; collections: {', '.join(LAYERS)}"
        )
    return layer


LayerDep = Annotated[Layer, Depends(get_layer)]
ItemsDep = Annotated[ItemsParameters, Query()]
ItemDep = Annotated[ItemParameters, Query()]


def metadata_parameters(request: Request) -> None:
    """The landing page, conformance and collections take no parameters of their own, but GDAL's
    OAPIF driver repeats the query string of its connection URL on every request: the item
    parameters are accepted there (and ignored); any other is refused."""
    ItemsParameters.check_names(request.query_params)
