"""A private, loopback-only Virtuoso 7 for the integration tests (pytest session fixture ``virtuoso``).

Nothing system-wide is used or touched: the server runs from its own ``virtuoso.ini`` and data directory in a
pytest temporary directory, on free ports of 127.0.0.1 (SQL/isql and HTTP), as a child process of the test
run (``virtuoso-t +foreground``), and is stopped by its own PID at the end of the session (``checkpoint;
shutdown;`` through isql, then SIGTERM, then SIGKILL). Should the test process die without tearing down
(SIGKILL, a CI time-out), Linux's parent-death signal still SIGTERMs the server. The Debian package's own
service is irrelevant: it would use the default ports 1111/8890 and /var/lib, neither of which is used here.

The dba password is set at start to a random value (``.password``), so the wrong-password tests mean
something and no default credential ever listens, even on loopback. Set ``KG_TEST_VIRTUOSO_PASSWORD`` to
choose it yourself (e.g. to poke at a kept instance by hand).

If ``virtuoso-t`` is not installed the fixture skips, except under CI (``CI=true``), where it fails: CI must
run these tests (``.ci/install-virtuoso.sh`` installs the package).

Environment: ``VIRTUOSO_BIN`` / ``VIRTUOSO_ISQL`` override the binaries (default ``virtuoso-t`` and
``isql-vt`` — Debian's name; upstream's is ``isql``, which on Debian is unixODBC's, a different program).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SKIP_REASON = "virtuoso-t not installed (apt-get install virtuoso-opensource)"
START_TIMEOUT = 60.0


def virtuoso_binaries() -> tuple[str, str] | None:
    """(virtuoso-t, isql) paths, or None when the server binary is missing."""
    server = shutil.which(os.environ.get("VIRTUOSO_BIN", "virtuoso-t"))
    if server is None:
        return None
    # Debian calls Virtuoso's isql "isql-vt" (its "isql" is unixODBC's); upstream builds: set VIRTUOSO_ISQL.
    isql = shutil.which(os.environ.get("VIRTUOSO_ISQL", "isql-vt"))
    if isql is None:
        return None
    return server, isql


def die_with_parent() -> None:
    """preexec_fn: have Linux SIGTERM the child when the test process dies, however it dies (even SIGKILL,
    or a CI time-out), so no test server outlives its run. A no-op where prctl is not available."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INI_TEMPLATE = """\
; private test instance written by tests/virtuoso.py: loopback only, everything under {dir}
[Database]
DatabaseFile       = {dir}/db/virtuoso.db
ErrorLogFile       = {dir}/db/virtuoso.log
LockFile           = {dir}/db/virtuoso.lck
TransactionFile    = {dir}/db/virtuoso.trx
xa_persistent_file = {dir}/db/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/db/virtuoso-temp.db
TransactionFile    = {dir}/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
CheckpointInterval       = 0
CaseMode                 = 2
DirsAllowed              = ., {dir}, {dir}/load
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
MaxClientConnections     = 20

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {dir}/vsp
MaxClientConnections        = 10
ServerThreads               = 10
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8
MaxKeepAlives               = 10
KeepAliveTimeout            = 10

[SPARQL]
; the Debian defaults (10000 rows, 60 s) silently truncate results: raise both
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 300
MaxSortedTopRows           = 100000
DefaultGraph               = urn:x-kg-test:default
"""


@dataclass
class VirtuosoServer:
    """A running private Virtuoso. URLs are on 127.0.0.1; ``user``/``password`` are the dba's."""

    directory: Path
    http_port: int
    sql_port: int
    user: str
    password: str = field(repr=False)
    process: subprocess.Popen = field(repr=False)
    isql_bin: str = field(repr=False)
    start_seconds: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        """Anonymous endpoint (read only: user SPARQL has no update rights)."""
        return f"{self.base_url}/sparql"

    @property
    def auth_query_url(self) -> str:
        """HTTP-digest endpoint (dba): queries and SPARQL Update."""
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """Graph Store HTTP Protocol endpoint with HTTP digest (dba)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log_path(self) -> Path:
        return self.directory / "db" / "virtuoso.log"

    def isql(self, sql: str, *, timeout: float = 60, check: bool = True) -> str:
        """Run SQL through isql as dba; returns its output. One statement per line, each ending with ';'
        (isql reading stdin takes "a; b;" on one line as a single, invalid statement)."""
        return run_isql(
            self.isql_bin, self.sql_port, self.user, self.password, sql, timeout=timeout, check=check
        )

    def log_tail(self, n: int = 40) -> str:
        return _tail(self.log_path, n) + _tail(self.directory / "stdout.log", n)


def run_isql(
    isql_bin: str, port: int, user: str, password: str, sql: str, *, timeout: float = 60, check: bool = True
) -> str:
    # Statements go on stdin, not argv, so they do not show in `ps`; the password has to be an argument.
    proc = subprocess.run(  # noqa: S603 (our own command line)
        [
            isql_bin,
            f"127.0.0.1:{port}",
            user,
            password,
            "VERBOSE=OFF",
            "BANNER=OFF",
            "PROMPT=OFF",
            "ECHO=OFF",
            "ERRORS=STDOUT",
        ],
        input=sql if sql.rstrip().endswith(";") else sql + ";",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    out = proc.stdout + proc.stderr
    if check and (proc.returncode != 0 or "*** Error" in out):
        raise RuntimeError(f"isql on 127.0.0.1:{port} failed (exit {proc.returncode}): {out.strip()[:500]}")
    return out


def _tail(path: Path, n: int) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return f"--- {path} ---\n" + "\n".join(lines[-n:]) + "\n"


def _http_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as r:  # noqa: S310 (loopback URL)
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_virtuoso(
    directory: Path, *, password: str | None = None, buffers: int = 20000, timeout: float = START_TIMEOUT
) -> VirtuosoServer:
    """Start a private Virtuoso with its data in `directory` (created) on free loopback ports; wait until
    isql and HTTP answer. Raises RuntimeError (with the server log) if it dies or is not up in `timeout`.
    Tries a second pair of ports if the first start dies (another process took a port in between)."""
    bins = virtuoso_binaries()
    if bins is None:
        raise FileNotFoundError(SKIP_REASON)
    password = password or os.environ.get("KG_TEST_VIRTUOSO_PASSWORD") or "kg" + secrets.token_hex(8)
    if not password.isalnum():  # SET PASSWORD takes identifiers
        raise ValueError("the Virtuoso test password must be alphanumeric")
    directory = Path(directory).resolve()
    for attempt in (1, 2):
        try:
            return _start_once(directory, bins, password, buffers, timeout)
        except _DiedDuringStart:
            if attempt == 2:
                raise
            shutil.rmtree(directory / "db", ignore_errors=True)
    raise AssertionError("unreachable")


class _DiedDuringStart(RuntimeError):
    pass


def _start_once(
    directory: Path, bins: tuple[str, str], password: str, buffers: int, timeout: float
) -> VirtuosoServer:
    server_bin, isql_bin = bins
    for sub in ("db", "load", "vsp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI_TEMPLATE.format(
            dir=directory, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty=buffers * 3 // 4
        )
    )
    t0 = time.monotonic()
    with (directory / "stdout.log").open("ab") as log:
        # +foreground: no daemonising fork, so Popen's PID is the server's own and stop-by-PID is exact.
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            [server_bin, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
    server = VirtuosoServer(
        directory=directory,
        http_port=http_port,
        sql_port=sql_port,
        user="dba",
        password=password,
        process=process,
        isql_bin=isql_bin,
    )
    deadline = t0 + timeout
    try:
        # 1. SQL port up. A fresh database has dba/dba; a reused directory may already have `password`.
        current = None
        while current is None:
            _check_alive(server, deadline, timeout)
            for candidate in ("dba", password):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    out = run_isql(isql_bin, sql_port, "dba", candidate, "select 1;", timeout=5, check=False)
                    if out.strip().endswith("1") and "*** Error" not in out:
                        current = candidate
                        break
            if current is None:
                time.sleep(0.25)
        if current != password:
            run_isql(isql_bin, sql_port, "dba", current, f"set password {current} {password};", timeout=30)
        # 2. HTTP listener up.
        while not _http_ready(server.query_url):
            _check_alive(server, deadline, timeout)
            time.sleep(0.25)
    except BaseException:
        stop_virtuoso(server)
        raise
    server.start_seconds = time.monotonic() - t0
    return server


def _check_alive(server: VirtuosoServer, deadline: float, timeout: float) -> None:
    if server.process.poll() is not None:
        raise _DiedDuringStart(
            f"virtuoso-t exited with code {server.process.returncode} during start\n" + server.log_tail()
        )
    if time.monotonic() > deadline:
        raise RuntimeError(
            f"virtuoso-t (pid {server.pid}) not answering after {timeout:.0f} s\n" + server.log_tail()
        )


def stop_virtuoso(server: VirtuosoServer, *, grace: float = 30) -> None:
    """Checkpoint and shut down through isql; if the process does not exit, SIGTERM then SIGKILL its PID."""
    proc = server.process
    if proc.poll() is None:
        with contextlib.suppress(Exception):
            run_isql(
                server.isql_bin,
                server.sql_port,
                server.user,
                server.password,
                "checkpoint;\nshutdown;\n",
                timeout=grace,
                check=False,
            )
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def require_virtuoso() -> None:
    """Skip (or, under CI=true, fail) when virtuoso-t is not installed."""
    if virtuoso_binaries() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{SKIP_REASON}; CI must run the Virtuoso tests (.ci/install-virtuoso.sh)", pytrace=False
            )
        pytest.skip(SKIP_REASON)


# One server per process however many times the fixture is registered: tests/conftest.py imports it, and a
# test module that imports it too gets a second registration (a second session-scoped FixtureDef), which
# must not start a second server. Reference-counted; the last user stops it.
class _Shared:
    server: VirtuosoServer | None = None
    users = 0


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A private Virtuoso for the whole test session; stopped (by PID) when the session ends."""
    require_virtuoso()
    if _Shared.server is None:
        _Shared.server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server = _Shared.server
    _Shared.users += 1
    try:
        yield server
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            _Shared.server = None
            stop_virtuoso(server)
