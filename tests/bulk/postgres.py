"""A real, throw-away PostgreSQL server for the tests and the benchmarks (never a mock).

It runs Debian's PostgreSQL binaries (`apt-get install postgresql`, which `.ci/run` does when
they are missing) on a free loopback port, with its data directory in a temporary folder and
trust authentication. PostgreSQL refuses to run as root, so as root (CI, these machines) the
server runs as the `postgres` system user the Debian package creates, through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["PostgresServer", "find_bindir"]


def find_bindir() -> Path:
    """The folder holding `initdb` and `pg_ctl`, newest version first.

    Raises:
        RuntimeError: PostgreSQL is not installed (the message says how to install it).
    """
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if not candidates:
        msg = (
            "PostgreSQL is not installed: the journal tests start a real server. "
            "Install it with `apt-get install postgresql` (.ci/run does this)."
        )
        raise RuntimeError(msg)
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """`with PostgresServer() as pg: pg.url` -> `postgresql://...` of a fresh, empty database."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = _free_port()
        self._tmp = tempfile.mkdtemp(prefix="econtract-pg-")
        self.data = Path(self._tmp) / "data"
        self.socket_dir = Path(self._tmp) / "run"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = "postgres"
            try:
                record = pwd.getpwnam(user)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
                record = pwd.getpwnam(user)
            os.chmod(self._tmp, 0o755)
            self.socket_dir.mkdir()
            os.chown(self.socket_dir, record.pw_uid, record.pw_gid)
            self.data.mkdir()
            os.chown(self.data, record.pw_uid, record.pw_gid)
            self._as_user = ["runuser", "-u", user, "--"]
            self.user = user
        else:
            self.socket_dir.mkdir()
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self._as_user, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self._tmp,
        )

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; return once it accepts connections."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--no-sync",
            "-U",
            self.user,
            "-E",
            "UTF8",
        )
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=on"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.data / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def create_database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its files."""
        if self.data.exists():
            subprocess.run(
                [
                    *self._as_user,
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self._tmp,
            )
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
