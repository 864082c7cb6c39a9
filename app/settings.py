"""Configuration from the environment: one settings object, prefix TZMAP_ (DATABASE_URL as is)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TZMAP_", env_file=".env", extra="ignore")

    # libpq form, postgresql://user:pass@host:port/db. Unset: a private local cluster is used.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "TZMAP_DATABASE_URL")
    )
    # What the server connects as, when not DATABASE_URL's user (who then only migrates and
    # loads). Unset with the private cluster: its app role, which may not alter the schema.
    app_database_url: str | None = None
    host: str = "127.0.0.1"
    # The server's database limits: a statement running longer, a lock waited on longer, or a
    # free pooled connection waited on longer is given up, and the request answered 503.
    statement_timeout_seconds: float = Field(default=30, gt=0)
    lock_timeout_seconds: float = Field(default=5, gt=0)
    pool_timeout_seconds: float = Field(default=5, gt=0)
    port: int = Field(default=8000, ge=1, le=65535)
    # Server processes; unset: one per CPU.
    workers: int | None = Field(default=None, ge=1, le=64)
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    # Where the private cluster keeps its state (port, password); its data directory is
    # beside it, or under /var/lib/tzmap when run as root (PostgreSQL refuses to run as root).
    data_dir: Path = REPO_ROOT / ".tzmap"
    geodata_dir: Path = REPO_ROOT / "geodata"
    # Texts of the source documents (matched by sha256), so the app can quote its evidence.
    # By default the shared seed folder beside the clone, when there is one.
    documents_dir: Path | None = REPO_ROOT.parent / "shared" / "seeds"

    # Key of the Tianditu (天地图) tile service; without it that base map is not offered.
    tianditu_key: str | None = None
    # The address people reach the app at (https://map.example.gov.cn/), used in every link the
    # API writes. Unset: taken from each request's Host header, which a client can set at will.
    public_url: str | None = None
    # Host names the app answers to (the Host header); others get 400. ["*"]: any.
    allowed_hosts: list[str] = ["*"]
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are believed; empty: none.
    trusted_proxies: list[str] = []
    # Origins allowed to call the API from other web pages (CORS); empty: same origin only.
    cors_origins: list[str] = []
    # Printed sheets: the map approval number (审图号) when one was issued, and the
    # "内部资料" marking for sheets that must not leave the office.
    print_approval_number: str | None = None
    print_internal_use: bool = False

    # Accounts. The key that signs tokens; unset: generated once and kept in data_dir (mode 600).
    secret_key: SecretStr | None = None
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    refresh_token_hours: int = Field(default=12, ge=1, le=30 * 24)
    # Whether people who have not signed in may read the map and the feeds; off for a closed
    # intranet, where every read then needs a token.
    anonymous_read: bool = True
    # Who sees every change in the log (/collections/changes/items, a project's history): anyone
    # who may read ("readers"), or planners and admins ("reviewers"); the others see the approved
    # changes and their own.
    changes_readers: Literal["readers", "reviewers"] = "reviewers"
    # Failed sign-ins allowed in the window before further attempts are refused (429).
    sign_in_window_minutes: int = Field(default=15, ge=1)
    sign_in_failures_per_user: int = Field(default=5, ge=1)
    sign_in_failures_per_address: int = Field(default=20, ge=1)
    # Reports one user may have read (POST /extract, /extract/changes) in any hour; more is 429.
    extract_readings_per_hour: int = Field(default=20, ge=1)
    # Evidence files (photos, PDFs) uploaded with edits: where they are kept (outside the web
    # root), and how large one may be.
    uploads_dir: Path | None = None
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)

    def uploads_path(self) -> Path:
        return self.uploads_dir or self.data_dir / "uploads"

    @field_validator("database_url", "app_database_url")
    @classmethod
    def _libpq_form(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must look like postgresql://user:pass@host:port/db")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
