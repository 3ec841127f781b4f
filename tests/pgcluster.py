"""A throwaway PostgreSQL cluster in a temporary folder, listening only on a Unix socket.

Used by the test fixtures and by the benchmarks. As root, the server runs as `postgres`.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid


class Cluster:
    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed; `make test` installs it (scripts/test-services.sh)")
        self.bin = bins[-1]
        self.host = tempfile.mkdtemp(prefix="certprep-pg-")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            shutil.chown(self.host, "postgres", "postgres")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]

    def start(self) -> Cluster:
        self._run("initdb", "-D", f"{self.host}/db", "-U", "postgres", "--auth=trust")
        self._run("pg_ctl", "-D", f"{self.host}/db", "-l", f"{self.host}/log", "-w", "start", "-o",
                  f"-p {self.port} -k {self.host} -c listen_addresses='' -c max_connections=300")
        return self

    def stop(self) -> None:
        subprocess.run([*self.run_as, f"{self.bin}/pg_ctl", "-D", f"{self.host}/db", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.host, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, f"{self.bin}/{tool}", *args], check=True, capture_output=True)

    @property
    def admin(self) -> str:
        return f"host={self.host} port={self.port} user=postgres dbname=postgres"

    def create_database(self) -> tuple[str, str]:
        """(name, SQLAlchemy URL) of a new empty database."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin, autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return name, f"postgresql+psycopg://postgres@/{name}?host={self.host}&port={self.port}"

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
