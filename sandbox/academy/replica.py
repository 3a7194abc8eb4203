"""The Academy replica: a private PostgreSQL server holding the reporting database, its world and its faults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

from sandbox.academy import world
from sandbox.academy.faults import SLOW_ROW_FUNCTION, Faults
from sandbox.academy.server import HOST, SUPERUSER, SUPERUSER_PASSWORD, PostgresCluster
from sandbox.academy.truth import GroundTruth

DATABASE = "lbhaliverbviews"  # production: the SQL Server reporting copy LBHALiveRBViews
DEFAULT_FOLDER = Path("local/academy-pg")


@dataclass(frozen=True)
class Role:
    name: str
    password: str


OWNER = Role("academy_owner", "academy-owner")  # owns the tables, makes every change (loopback sandbox only)
READER = Role(world.READER_ROLE, "academy-reader")  # the platform's login: SELECT on dbo, nothing else
SUPER = Role(SUPERUSER, SUPERUSER_PASSWORD)


class AcademyReplica:
    """Start (or reuse) the server, then seed, advance, read the truth and inject faults.

        with AcademyReplica("local/academy-pg") as replica:
            replica.seed(n_accounts=2_000, seed=42, start_date=date(2025, 1, 6))
            replica.advance_to(date(2025, 1, 20))
            replica.reader_url      # postgresql+psycopg://academy_reader:...@127.0.0.1:<port>/lbhaliverbviews

    Leaving the block stops the server only if this object started it (`keep_running=True`: never).
    """

    def __init__(
        self,
        folder: Path | str = DEFAULT_FOLDER,
        port: int | None = None,
        database: str = DATABASE,
        keep_running: bool = False,
    ) -> None:
        self.cluster = PostgresCluster(folder, port)
        self.database = database
        self.keep_running = keep_running
        self._started_here = False
        self._port: int | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self) -> AcademyReplica:
        """Install PostgreSQL if missing, create and start the cluster if needed, create roles and database."""
        was_running = self.cluster.running
        self._port = self.cluster.start()
        self._started_here = not was_running
        self._bootstrap()
        return self

    def stop(self) -> bool:
        self._port = None
        return self.cluster.stop()

    def __enter__(self) -> AcademyReplica:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._started_here and not self.keep_running:
            self.stop()

    @property
    def started_here(self) -> bool:
        """Whether `start()` found the server stopped and started it (so leaving the block stops it)."""
        return self._started_here

    @property
    def port(self) -> int:
        if self._port is None:
            self._port = self.cluster.port
        return self._port

    def _bootstrap(self) -> None:
        """Roles, database and the fault helper: each created only when missing, so a restart costs milliseconds."""
        with psycopg.connect(self.conninfo(SUPER, "postgres"), autocommit=True) as conn:
            existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}
            for role in (OWNER, READER):
                if role.name not in existing:
                    conn.execute(
                        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                            sql.Identifier(role.name), sql.Literal(role.password)
                        )
                    )
            # kill the reader's sessions, and see what they are doing (state and query of other users' sessions)
            conn.execute(sql.SQL("GRANT pg_signal_backend, pg_read_all_stats TO {}").format(sql.Identifier(OWNER.name)))
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone():
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(self.database), sql.Identifier(OWNER.name)
                    )
                )
        with psycopg.connect(self.conninfo(SUPER), autocommit=True) as conn:
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(self.database)))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(self.database), sql.Identifier(READER.name)
                )
            )
        with self.connect() as conn:
            conn.execute(SLOW_ROW_FUNCTION)
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA academy_faults TO {}").format(sql.Identifier(READER.name)))

    # -- connections ----------------------------------------------------------------------------------------------

    def conninfo(self, role: Role = OWNER, database: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=HOST, port=self.port, dbname=database or self.database, user=role.name, password=role.password
        )

    @property
    def reader_conninfo(self) -> str:
        return self.conninfo(READER)

    @property
    def reader_url(self) -> str:
        """SQLAlchemy URL for the platform's read-only login (dlt's sql_database source takes this)."""
        return f"postgresql+psycopg://{READER.name}:{READER.password}@{HOST}:{self.port}/{self.database}"

    def connect(self, role: Role = OWNER, **kwargs: object) -> psycopg.Connection:
        return psycopg.connect(self.conninfo(role), **kwargs)  # type: ignore[arg-type]

    def connect_reader(self, **kwargs: object) -> psycopg.Connection:
        return self.connect(READER, **kwargs)

    # -- the world ------------------------------------------------------------------------------------------------

    def seed(
        self, n_accounts: int = 2_000, seed: int = 42, start_date: date = date(2025, 1, 6), activity: float = 1.0
    ) -> world.Report:
        """Replace the database's world with a fresh one (reader sessions are disconnected)."""
        with self.connect() as conn:
            return world.seed_world(conn, n_accounts, seed, start_date, activity)

    def advance(self) -> world.Report:
        """One more simulated day."""
        with self.connect() as conn:
            return world.advance_day(conn)

    def advance_to(self, day: date) -> list[world.Report]:
        """Simulate every day up to and including `day`."""
        reports = []
        while self.state().today < day:
            reports.append(self.advance())
        return reports

    def state(self) -> world.WorldState:
        with self.connect() as conn:
            return world.world_state(conn)

    @property
    def today(self) -> date:
        return self.state().today

    @property
    def seeded(self) -> bool:
        with self.connect() as conn:
            return conn.execute("SELECT to_regclass('academy_sandbox.world') IS NOT NULL").fetchone()[0]  # type: ignore[index]

    @property
    def truth(self) -> GroundTruth:
        return GroundTruth(self.connect)

    @property
    def faults(self) -> Faults:
        return Faults(self.connect, READER.name)

    def database_size(self) -> int:
        with self.connect() as conn:
            return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])  # type: ignore[index]
