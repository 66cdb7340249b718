"""Where the store lives and how to open it: the database URL, the engine, and Alembic migrations.

The URL resolves in one place: ``--database`` flag, then ``RELFIG_DATABASE_URL``, then the
SQLite file ``relfig.db`` in the data directory (``RELFIG_DATA_DIR``, else
``$XDG_DATA_HOME/relfig``, else ``~/.local/share/relfig``). Opening a store brings its schema
to the newest migration first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from extractor.errors import UsageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def data_dir() -> Path:
    """The folder for relfig's data (the SQLite store, gold samples saved from reviews)."""
    configured = os.environ.get("RELFIG_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share") / "relfig"


def database_url(flag: str | None = None) -> str:
    """The store's SQLAlchemy URL: the flag, else ``RELFIG_DATABASE_URL``, else the SQLite file."""
    url = flag or os.environ.get("RELFIG_DATABASE_URL") or f"sqlite:///{data_dir() / 'relfig.db'}"
    # libpq-style URLs mean psycopg 3 here (SQLAlchemy would otherwise look for psycopg2).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Store:
    """An open store: its engine and a factory of sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session; use it as a context manager."""
        return self.sessions()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, a busy timeout and write-locking transactions."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"{url!r} is not a database URL; set RELFIG_DATABASE_URL or --database") from exc
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is turned off so that every transaction starts with
    # BEGIN IMMEDIATE: two reviewers' writes then queue for the lock instead of failing as a deadlock.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


WRITER_LOCK = 0x72656C666967  # "relfig": the PostgreSQL advisory lock that writers of the store take turns on


def take_writer_lock(session: Session) -> None:
    """Make this transaction wait for the store's other writers (decisions, stored runs) until it ends.

    SQLite does this for every transaction (``BEGIN IMMEDIATE``). On PostgreSQL a decision locks its
    flag's row and then, re-checking the release, updates every flag of it; a second decision or a
    stored run on that release takes the same rows in another order, and one of them is aborted as
    a deadlock (a reviewer's HTTP 500, a `relfig check` run not stored). A transaction-level
    advisory lock makes them take turns instead; readers are not held up.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates the tables on a new database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def open_store(url: str | None = None) -> Iterator[Store]:
    """Open (and migrate) the store at ``url`` as resolved by `database_url`; dispose of it after."""
    resolved = database_url(url)
    engine = make_engine(resolved)
    try:
        try:
            migrate(engine)
        except OperationalError as exc:
            raise UsageError(
                f"cannot open the review store at {engine.url.render_as_string(hide_password=True)}: "
                f"{exc.orig}; check RELFIG_DATABASE_URL or --database"
            ) from exc
        yield Store(engine)
    finally:
        engine.dispose()
