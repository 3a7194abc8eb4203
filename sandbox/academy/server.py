"""A private PostgreSQL cluster in a folder: install Debian's server if missing, init, start, reuse, stop.

PostgreSQL refuses to run as root, so when we are root (CI, the project's machines) every server command runs as
the `postgres` user that Debian's package creates, and the data directory belongs to it. As any other user the
commands run as that user. The cluster listens on 127.0.0.1 only, with no Unix socket, and accepts passwords
(scram-sha-256) from loopback: a sandbox, never a service.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "academy-sandbox-superuser"  # loopback-only sandbox; not a secret
SERVER_OS_USER = "postgres"
BINDIR_ENV = "ACADEMY_PG_BINDIR"  # a developer without Debian's layout points this at a PostgreSQL bin folder
START_TIMEOUT_S = 60

# Sandbox data is disposable and rebuilt from a seed: trade durability for seeding speed. wal_level=minimal lets a
# table created and filled in one transaction skip the WAL entirely.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_connections": "60",
    "shared_buffers": "256MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "256MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "30min",
    "timezone": "'Europe/London'",
    "lc_messages": "'C'",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] %u@%d '",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed and cannot be installed from here."""


class ClusterError(RuntimeError):
    """The private cluster could not be created, started or stopped."""


@dataclass(frozen=True)
class ClusterStatus:
    folder: Path
    data_dir: Path
    initialised: bool
    running: bool
    port: int | None
    pid: int | None
    version: str | None


def _debian_bindirs() -> list[Path]:
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    return sorted(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)


def find_bindir() -> Path | None:
    """The newest PostgreSQL server bin folder: $ACADEMY_PG_BINDIR, Debian's layout, or initdb on PATH."""
    configured = os.environ.get(BINDIR_ENV)
    if configured:
        return Path(configured) if (Path(configured) / "initdb").exists() else None
    debian = _debian_bindirs()
    if debian:
        return debian[0]
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _is_root() -> bool:
    return os.geteuid() == 0


def ensure_installed() -> Path:
    """Return the server's bin folder, installing Debian's `postgresql` package first when root and missing."""
    bindir = find_bindir()
    if bindir is not None:
        return bindir
    if not _is_root():
        raise PostgresUnavailable(
            "PostgreSQL server not found. Install it with `sudo apt-get install -y postgresql` (or `sudo make "
            f"postgres`), or set {BINDIR_ENV} to a folder holding initdb and pg_ctl."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise PostgresUnavailable(f"`{' '.join(command)}` failed:\n{result.stderr[-2000:]}")
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("apt-get installed postgresql but no initdb was found under /usr/lib/postgresql")
    return bindir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL does: TIME_WAIT is no obstacle
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


class PostgresCluster:
    """One PostgreSQL cluster under `folder` (data/, server.log, cluster.json), on 127.0.0.1:`port`.

    `start()` is idempotent: it installs, initialises and starts only what is missing, and reuses a running server.
    """

    def __init__(self, folder: Path | str, port: int | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.requested_port = port
        self.state_file = self.folder / "cluster.json"
        self._bindir: Path | None = None
        self.server_dir = self._existing_server_dir()

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.server_dir / "server.log"

    @property
    def fallback_dir(self) -> Path:
        """Where the server's files go when its OS user cannot reach `folder` (e.g. a checkout under a 0700 home)."""
        digest = hashlib.sha1(str(self.folder).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"academy-pg-{digest}"

    def _existing_server_dir(self) -> Path:
        if not (self.folder / "data" / "PG_VERSION").exists() and (self.fallback_dir / "data" / "PG_VERSION").exists():
            return self.fallback_dir
        return self.folder

    # -- commands ---------------------------------------------------------------------------------------------

    @property
    def bindir(self) -> Path:
        if self._bindir is None:
            self._bindir = ensure_installed()
        return self._bindir

    def _as_server_user(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", SERVER_OS_USER, "--", *args] if _is_root() else args

    def _run(self, args: list[str], check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._as_server_user(args), capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            log_tail = self.log_file.read_text()[-1500:] if self.log_file.exists() else ""
            raise ClusterError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr}{log_tail}")
        return result

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), *args], check=check)

    # -- state ------------------------------------------------------------------------------------------------

    @property
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def _postmaster(self) -> tuple[int, int] | None:
        """(pid, port) from postmaster.pid when that process is alive."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, owned by the postgres user
        return pid, port

    @property
    def running(self) -> bool:
        return self._postmaster() is not None

    @property
    def port(self) -> int:
        running = self._postmaster()
        if running is None:
            raise ClusterError(f"the cluster in {self.folder} is not running: start it first")
        return running[1]

    def status(self) -> ClusterStatus:
        running = self._postmaster() if self.initialised else None
        version = (self.data_dir / "PG_VERSION").read_text().strip() if self.initialised else None
        return ClusterStatus(
            folder=self.folder,
            data_dir=self.data_dir,
            initialised=self.initialised,
            running=running is not None,
            port=running[1] if running else None,
            pid=running[0] if running else None,
            version=version,
        )

    # -- lifecycle --------------------------------------------------------------------------------------------

    def _prepare_folder(self) -> None:
        """Create the folder; as root, hand the server's files to the server's OS user, wherever it can reach."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not _is_root():
            return
        server_user = pwd.getpwnam(SERVER_OS_USER)
        for candidate in (self.folder, self.fallback_dir):
            candidate.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chown(candidate, server_user.pw_uid, server_user.pw_gid)
            reachable = subprocess.run(self._as_server_user(["test", "-w", str(candidate)]), capture_output=True)
            if reachable.returncode == 0:
                self.server_dir = candidate
                return
        raise ClusterError(
            f"PostgreSQL runs as the '{SERVER_OS_USER}' user, which can reach neither {self.folder} nor "
            f"{self.fallback_dir}: choose a folder whose parent folders are world-searchable (chmod o+x)."
        )

    def init(self) -> None:
        """Create the cluster (initdb) with our settings; no-op when it exists."""
        if self.initialised:
            return
        self._prepare_folder()
        password_file = self.server_dir / ".superuser-password"
        password_file.write_text(SUPERUSER_PASSWORD + "\n")
        if _is_root():
            server_user = pwd.getpwnam(SERVER_OS_USER)
            os.chown(password_file, server_user.pw_uid, server_user.pw_gid)
        password_file.chmod(0o600)
        try:
            self._run(
                [
                    str(self.bindir / "initdb"),
                    "-D", str(self.data_dir),
                    "-U", SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={password_file}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            )  # fmt: skip
        finally:
            password_file.unlink(missing_ok=True)
        settings = "\n".join(f"{name} = {value}" for name, value in SERVER_SETTINGS.items())
        conf = self.data_dir / "postgresql.conf"
        conf.write_text(conf.read_text() + "\n# academy sandbox\n" + settings + "\n")
        (self.data_dir / "pg_hba.conf").write_text("host all all 127.0.0.1/32 scram-sha-256\n")

    def _choose_port(self) -> int:
        if self.requested_port is not None:
            return self.requested_port
        with contextlib.suppress(OSError, ValueError, KeyError):
            previous = int(json.loads(self.state_file.read_text())["port"])
            if _port_is_free(previous):
                return previous  # same URL across restarts when we can
        return free_port()

    def start(self) -> int:
        """Install, initialise and start as needed; return the port. Reuses a running server."""
        self.init()
        running = self._postmaster()
        if running is not None:
            if self.requested_port is not None and running[1] != self.requested_port:
                raise ClusterError(
                    f"the cluster in {self.folder} is already running on port {running[1]}, not "
                    f"{self.requested_port}: stop it first or drop the port"
                )
            return running[1]
        port = self._choose_port()
        self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-l", str(self.log_file), "-o", f"-p {port}")
        state = {"port": port, "bindir": str(self.bindir), "data_dir": str(self.data_dir)}
        self.state_file.write_text(json.dumps(state) + "\n")
        self._wait_for_connections(port)
        return port

    def _wait_for_connections(self, port: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
                return
            time.sleep(0.05)
        raise ClusterError(f"PostgreSQL started but does not accept connections on {HOST}:{port}")

    def stop(self) -> bool:
        """Stop the server (fast shutdown: open sessions are ended). Returns whether it was running."""
        if not self.initialised or self._postmaster() is None:
            return False
        self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(START_TIMEOUT_S))
        return True

    def server_version(self) -> str:
        output = self._run([str(self.bindir / "postgres"), "--version"]).stdout
        match = re.search(r"\d+(\.\d+)*", output)
        return match.group(0) if match else output.strip()
