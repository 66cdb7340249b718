"""A throwaway PostgreSQL server for the store's tests: initdb into a temporary folder, started on a free port.

Started once per test session by the ``postgres_server`` fixture (conftest.py) and stopped after;
each test gets a fresh database on it. PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` user that Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found: install Debian's postgresql package "
    "(`make setup` does, through `make review-deps`)"
)


def server_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with initdb, else initdb's folder on PATH, else None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_postgres(bindir: Path) -> Iterator[str]:
    """Start a server; yield its base URL (``postgresql+psycopg://relfig@127.0.0.1:PORT/``); stop and delete it."""
    root = Path(tempfile.mkdtemp(prefix="relfig-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no 'postgres' user to run PostgreSQL as") from exc
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log = root / "data", root / "server.log"
    port = free_port()

    def run(*command: str) -> None:
        result = subprocess.run([*run_as, *command], capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}{detail}")

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "relfig", "-E", "UTF8", "--locale=C", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://relfig@127.0.0.1:{port}/"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def new_database(base_url: str) -> str:
    """Create an empty database on the server; its URL."""
    import psycopg

    name = f"t_{uuid4().hex[:16]}"
    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://") + "postgres"
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return base_url + name
