"""The read model: every published project as the feeds, tiles and prints show it, stored per
range of years in which nothing it shows changes (table `project_feature`), with its GeoJSON
Feature ready to send. Reads never recompute a status; writes refresh what they touched.

As of year Y a project shows:
- its status: the latest status event with year <= Y (within one year the higher status wins);
  nothing before its first event;
- its planned status: the highest target status with year <= Y;
- its target: the next one due (year >= Y), else the latest one;
- behind plan: a target whose year has passed (<= Y, and no later than the latest year an annual
  report covers, since later years cannot be judged yet) promised more than its status.

A project the documents only mention (project_mention: named, no stage given) shows no status in
any year; its mentions are among its evidence with kind `mention` and no year.

These change only in the years of the project's events and targets and the year after a target,
so the model evaluates them in those years (and the year before the first) and keeps one row per
run of years with the same state: the first range is open below, the last open above.

`refresh` is called in the transaction of every write (the loader, boundary imports, approved
changes); it also refreshes every project when the latest reported year moves, since that moves
every behind-plan judgement. `rebuild` (`tzmap rebuild`) recomputes all of it, for data written
in SQL, restores and repairs. Every refresh bumps the data version and notifies it at its commit
(`StateWatch` keeps the version in each server process without a query per request).
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    cast,
    column,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, INT4RANGE, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app import vocab
from app.crs import DEFAULT_CRS
from app.db import reading
from app.models import ProjectFeature, ReadModelState, StatusEvent
from app.queries.features import feature_json

# The properties of a project feature, in the order feeds show them.
PROPERTIES = (
    "name",
    "aliases",
    "category",
    "status",
    "status_year",
    "milestone",
    "planned_status",
    "planned_year",
    "target_status",
    "target_year",
    "behind_plan",
    "townships",
    "township_codes",
    "geometry_quality",
    "placement",
    "placement_zh",
    "cross_border",
    "length_km",
    "area_ha",
    "programmes",
    "description",
    "description_zh",
    "evidence",
)

# Serialises refreshes: two writers rebuilding the same rows would collide on the primary key.
_LOCK_KEY = 0x7A6D6170  # "zmap"
NOTIFY_CHANNEL = "tzmap_read_model"


def _rank(value: str) -> str:
    """planned=1 … in_service=4; NULL (nothing reported yet) counts as 0."""
    return f"coalesce(array_position(CAST(:statuses AS text[]), {value}), 0)"


ROWS_SQL = f"""
WITH scope AS (
    SELECT * FROM project
    WHERE retired_at IS NULL AND (CAST(:ids AS text[]) IS NULL OR id = ANY(CAST(:ids AS text[])))
),
reported AS (
    SELECT max(year) AS year FROM status_event WHERE origin <> 'edit'
),
breaks AS (
    SELECT s.id, b.year FROM scope s CROSS JOIN LATERAL (
        SELECT year FROM status_event WHERE project_id = s.id
        UNION SELECT year FROM target WHERE project_id = s.id
        UNION SELECT year + 1 FROM target WHERE project_id = s.id
    ) AS b
),
as_of AS (
    SELECT id, year FROM breaks
    UNION
    SELECT s.id, coalesce(first.year - 1, 0)
    FROM scope s LEFT JOIN (SELECT id, min(year) AS year FROM breaks GROUP BY id) AS first
        ON first.id = s.id
),
states AS (
    SELECT a.id, a.year,
           e.status, e.year AS status_year, e.milestone,
           pl.status AS planned_status, pl.year AS planned_year,
           tg.status AS target_status, tg.year AS target_year,
           EXISTS (
               SELECT FROM target t, reported r
               WHERE t.project_id = a.id AND t.year <= a.year AND t.year <= r.year
                   AND {_rank("t.status")} > {_rank("e.status")}
           ) AS behind_plan
    FROM as_of a
    LEFT JOIN LATERAL (
        SELECT status, year, milestone FROM status_event
        WHERE project_id = a.id AND year <= a.year
        ORDER BY year DESC, {_rank("status")} DESC LIMIT 1
    ) AS e ON true
    LEFT JOIN LATERAL (
        SELECT status, year FROM target
        WHERE project_id = a.id AND year <= a.year
        ORDER BY {_rank("status")} DESC, year DESC LIMIT 1
    ) AS pl ON true
    LEFT JOIN LATERAL (
        SELECT status, year FROM target
        WHERE project_id = a.id
        ORDER BY year < a.year, abs(year - a.year), {_rank("status")} DESC LIMIT 1
    ) AS tg ON true
),
marked AS (
    SELECT *,
           lag(row(status, status_year, milestone, planned_status, planned_year,
                   target_status, target_year, behind_plan))
               OVER (PARTITION BY id ORDER BY year)
           IS DISTINCT FROM row(status, status_year, milestone, planned_status, planned_year,
                                target_status, target_year, behind_plan) AS changes,
           year = min(year) OVER (PARTITION BY id) AS first
    FROM states
),
runs AS (
    SELECT *, int4range(CASE WHEN first THEN NULL ELSE year END,
                        lead(year) OVER (PARTITION BY id ORDER BY year)) AS years
    FROM marked WHERE changes
)
SELECT r.id, r.years, s.geom, s.name,
       ARRAY(SELECT alias FROM project_alias WHERE project_id = s.id ORDER BY alias) AS aliases,
       s.category, s.description, s.description_zh,
       r.status, r.status_year, r.milestone, r.planned_status, r.planned_year,
       r.target_status, r.target_year, r.behind_plan,
       ARRAY(SELECT t.name FROM project_township pt JOIN township t ON t.code = pt.township_code
             WHERE pt.project_id = s.id ORDER BY t.code) AS townships,
       ARRAY(SELECT township_code FROM project_township
             WHERE project_id = s.id ORDER BY township_code) AS township_codes,
       s.geometry_quality, s.placement, s.placement_zh, s.cross_border,
       CASE WHEN ST_Dimension(s.geom) = 1 THEN
           round(CAST(ST_Length(ST_Transform(s.geom, :metric_srid)) / 1000 AS numeric), 3)
       END AS length_km,
       CASE WHEN ST_Dimension(s.geom) = 2 THEN
           round(CAST(ST_Area(ST_Transform(s.geom, :metric_srid)) / 10000 AS numeric), 3)
       END AS area_ha,
       ARRAY(SELECT programme_id FROM programme_member
             WHERE project_id = s.id ORDER BY programme_id) AS programmes,
       coalesce((
           SELECT jsonb_agg(jsonb_build_object(
                      'kind', f.kind, 'year', f.year, 'status', f.status,
                      'document', ev.document_id, 'start', ev.char_start, 'end', ev.char_end)
                  ORDER BY f.year, f.kind, f.status, ev.document_id, ev.char_start)
           FROM (SELECT 'event' AS kind, year, status, evidence_id
                 FROM status_event WHERE project_id = s.id
                 UNION ALL
                 SELECT 'target', year, status, evidence_id
                 FROM target WHERE project_id = s.id
                 UNION ALL
                 SELECT 'mention', NULL, NULL, evidence_id
                 FROM project_mention WHERE project_id = s.id) AS f
           JOIN evidence ev ON ev.id = f.evidence_id
       ), '[]') AS evidence
FROM runs r JOIN scope s ON s.id = r.id
"""

_COLUMN_TYPES: dict[str, Any] = {
    "years": INT4RANGE,
    "aliases": ARRAY(Text),
    "townships": ARRAY(Text),
    "township_codes": ARRAY(Text),
    "programmes": ARRAY(Text),
    "evidence": JSONB,
}


COLUMNS = ("id", "years", "geom", *PROPERTIES)  # of ROWS_SQL; project_feature adds two


def _rows(project_ids: list[str] | None) -> Any:
    statement = text(ROWS_SQL).bindparams(
        ids=project_ids, statuses=list(vocab.STATUSES), metric_srid=vocab.METRIC_SRID
    )
    columns = [column(name, _COLUMN_TYPES.get(name)) for name in COLUMNS]
    return statement.columns(*columns).subquery("rows")


def _write(conn: Connection, project_ids: list[str] | None) -> None:
    stale = delete(ProjectFeature)
    if project_ids is not None:
        stale = stale.where(ProjectFeature.id.in_(project_ids))
    conn.execute(stale)
    rows = _rows(project_ids)
    feature = cast(feature_json(rows.c, PROPERTIES, DEFAULT_CRS), Text)
    tile_geom = func.ST_Transform(rows.c.geom, vocab.WEB_MERCATOR_SRID).label("tile_geom")
    built = select(*[rows.c[n] for n in COLUMNS], feature.label("feature"), tile_geom).subquery()
    # Collapsed parts kept: a small building stays a dot rather than vanishing.
    generalised = func.ST_Simplify(built.c.tile_geom, vocab.GENERALISED_TOLERANCE_M, True)
    conn.execute(
        insert(ProjectFeature).from_select(
            [*COLUMNS, "feature", "tile_geom", "tile_geom_generalised"],
            select(*built.c, generalised),
        )
    )


def _reported_year(conn: Connection) -> int | None:
    query = select(func.max(StatusEvent.year)).where(StatusEvent.origin != "edit")
    return conn.execute(query).scalar()


def _save_state(conn: Connection, reported_year: int | None) -> None:
    values = {
        "reported_year": reported_year,
        "latest_year": select(func.max(StatusEvent.year)).scalar_subquery(),
    }
    upsert = pg_insert(ReadModelState).values(singleton=True, version=1, **values)
    conn.execute(
        upsert.on_conflict_do_update(
            index_elements=[ReadModelState.singleton],
            set_={**values, "version": ReadModelState.version + 1},
        )
    )
    conn.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))  # delivered when it commits


def refresh(conn: Connection, project_ids: Iterable[str] | None = None) -> None:
    """Bring the read model up to date with the base tables for these projects (all when None),
    in the caller's transaction."""
    conn.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))
    reported = _reported_year(conn)
    before = state(conn)
    ids = sorted(set(project_ids)) if project_ids is not None else None
    if before.version == 0 or before.reported_year != reported:
        ids = None  # every behind-plan judgement may have moved
    _write(conn, ids)
    _save_state(conn, reported)


def vacuum(engine: Engine) -> None:
    """VACUUM and ANALYZE the read model after a bulk rebuild (outside any transaction), so that
    paging reads its indexes alone and the planner knows its new size."""
    with reading(engine) as conn:  # autocommit: VACUUM runs outside a transaction
        conn.execute(text("VACUUM (ANALYZE) project_feature"))


def emptied(conn: Connection) -> bool:
    """Is the read model empty while there are projects to publish (a migration that changed its
    shape dropped its rows)?"""
    query = text(
        "SELECT NOT EXISTS (SELECT FROM project_feature)"
        " AND EXISTS (SELECT FROM project WHERE retired_at IS NULL)"
    )
    return bool(conn.execute(query).scalar())


def rebuild(conn: Connection) -> int:
    """Recompute the whole read model from the base tables; the number of rows it now has."""
    refresh(conn, None)
    return conn.execute(select(func.count()).select_from(ProjectFeature)).scalar_one()


FIRST_PLAN_YEAR = 2022  # the default year while no report is loaded


@dataclass(frozen=True)
class State:
    reported_year: int | None  # the latest year an annual report covers
    latest_year: int | None  # the latest year anything is known to have happened
    version: int  # bumped by every refresh: the published data's version (0: never built)

    @property
    def default_year(self) -> int:
        """Without year or datetime, statuses are as of the latest year anything is known of."""
        return self.latest_year if self.latest_year is not None else FIRST_PLAN_YEAR


def state(conn: Connection) -> State:
    """What the read model was built from; version 0 before its first build."""
    row = conn.execute(
        select(ReadModelState.reported_year, ReadModelState.latest_year, ReadModelState.version)
    ).first()
    return State(*row) if row is not None else State(None, None, 0)


class StateWatch:
    """The read model's state, kept in memory between refreshes, so that a request learns the
    data version (its ETag, its cached counts) without a query. Every refresh notifies at its
    commit and a listening connection forgets the state then; a commit through this process's
    engine forgets it at once. Another process's commit reaches a server within the
    notification's delivery (milliseconds). While the listening connection is down, every call
    reads the state from the database."""

    LISTEN_TIMEOUT = 1.0  # seconds between looks at the stop flag
    # Seconds before listening again, doubled after every failure: a read replica refuses
    # LISTEN for good, a restarting primary for a moment.
    RECONNECT_DELAYS = (1.0, 30.0)

    def __init__(self, database_url: str, engine: Engine) -> None:
        self._url = database_url
        self._engine = engine
        self._state: State | None = None
        self._generation = 0  # bumped by every forgetting: a read older than it is not kept
        self._listening = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="read-model-state", daemon=True)
        event.listen(engine, "commit", self._forget)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.LISTEN_TIMEOUT + 5)
        event.remove(self._engine, "commit", self._forget)

    def current(self) -> State:
        with self._lock:
            if self._state is not None:
                return self._state
            generation = self._generation
        with reading(self._engine) as conn:
            fresh = state(conn)
        with self._lock:
            if self._listening and generation == self._generation:
                self._state = fresh
        return fresh

    def _forget(self, *_: Any) -> None:
        with self._lock:
            self._state = None
            self._generation += 1

    def _set_listening(self, listening: bool) -> None:
        with self._lock:
            self._listening = listening
        self._forget()

    def _listen(self) -> None:
        delay, longest = self.RECONNECT_DELAYS
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._set_listening(True)
                    delay = self.RECONNECT_DELAYS[0]
                    while not self._stop.is_set():
                        for _notice in conn.notifies(timeout=self.LISTEN_TIMEOUT, stop_after=1):
                            self._forget()
            except psycopg.Error:
                pass  # the database restarted or refuses LISTEN: read per request meanwhile
            self._set_listening(False)
            self._stop.wait(delay)
            delay = min(delay * 2, longest)
