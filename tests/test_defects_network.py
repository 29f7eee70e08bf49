"""Issue 11, remote calls: bad PubMed inputs fail before any request, a failed fetch keeps the local files,
waits are bounded (--timeout, Retry-After capped) and announced, and no secret reaches a message."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.sources.http import add_credentials, redact
from tests.conftest import EXAMPLES
from tests.http_server import Fault, serving

runner = CliRunner()
pytestmark = pytest.mark.server
ONE_EXAMPLE = sorted(EXAMPLES.glob("*.txt"))[0]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


# ------------------------------------------------------------------ 8. bad inputs: errors before any work

@pytest.mark.parametrize(("args", "message"), [
    (["pmid:abc"], "pmid:abc: not a PubMed ID"),
    (["pmid:-3"], "pmid:-3: not a PubMed ID"),
    (["--pubmed-query", "il6", "--max", "-5"], "--max -5: must be between 1 and 10000"),
    (["pmid:99000001", "--timeout", "0"], "--timeout 0: must be a positive number"),
])  # fmt: skip
def test_bad_pubmed_arguments_fail_before_any_request(eutils, tmp_path: Path, args, message) -> None:
    out = tmp_path / "kg.ttl"
    result = run("build", str(ONE_EXAMPLE), *args, "-o", str(out), "-q")
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {message}")
    assert eutils.count() == 0 and not out.exists()


@pytest.mark.parametrize("url", ["ftp://mirror.example.org/eutils/", "file:///etc/", "http://u:secretpw@127.0.0.1:9/"])
def test_non_http_or_credential_eutils_url_is_refused(monkeypatch, tmp_path: Path, url: str) -> None:
    monkeypatch.setenv("KG_EUTILS_URL", url)
    result = run("build", "pmid:99000001", "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 2
    assert result.output.startswith("error: KG_EUTILS_URL:") and len(result.output.strip().splitlines()) == 1
    assert "secretpw" not in result.output


def test_a_failed_fetch_keeps_the_local_files(eutils, tmp_path: Path) -> None:
    eutils.always(Fault(status=500))
    out = tmp_path / "kg.ttl"
    result = run("build", str(ONE_EXAMPLE), "pmid:99000001", "-o", str(out), "-q", "--timeout", "2")
    assert result.exit_code == 1
    assert "1 documents read, 1 failed" in result.output
    (failed,) = [line for line in result.output.splitlines() if "failed:" in line]
    assert failed.startswith("  failed: pmid:99000001: PubMed is unreachable")
    assert out.exists() and "sourceFile" in out.read_text()


# ------------------------------------------------------------------ 9. bounded, announced waits

def test_retry_after_an_hour_is_cut_to_the_timeout(eutils, tmp_path: Path) -> None:
    eutils.always(Fault(status=429, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    result = run("build", "pmid:99000001", "-o", str(tmp_path / "kg.ttl"), "--timeout", "5")
    assert time.monotonic() - started < 8
    assert result.exit_code == 2
    assert "--timeout" in result.output and "PubMed is unreachable" in result.output
    assert any(line.startswith("waiting for PubMed efetch (1 PMID) (at most 5 s)") for line in result.output.splitlines())


def test_a_slow_pubmed_is_bounded_by_the_timeout(eutils, tmp_path: Path) -> None:
    eutils.always(Fault(delay=20))
    started = time.monotonic()
    result = run("build", "pmid:99000001", "-o", str(tmp_path / "kg.ttl"), "-q", "--timeout", "1.5")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2 and "timed out" in result.output


def test_retries_are_warnings_shown_even_when_quiet(eutils, tmp_path: Path) -> None:
    eutils.queue(Fault(status=503))
    result = run("build", "pmid:99000001", "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 0, result.output
    assert "warning: PubMed efetch: HTTP 503 Service Unavailable; retry 1 of 4" in result.output


class _Echo(BaseHTTPRequestHandler):
    """A SPARQL server that fails every request and echoes its headers (Authorization included)."""

    delay = 0.0

    def _answer(self) -> None:
        time.sleep(self.delay)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = ("Internal error; request headers were: " + " ".join(f"{k}: {v}" for k, v in self.headers.items()))
        data = body.encode()
        try:
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_HEAD = _answer  # noqa: N815

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[tuple[str, type[_Echo]]]:
    handler = type("Handler", (_Echo,), {"delay": 0.0})
    with serving(handler) as url:
        yield url, handler


def test_sparql_timeout_option(echo, example_build: Path) -> None:
    url, handler = echo
    handler.delay = 5
    started = time.monotonic()
    result = run("ask", "approved-indications", "--endpoint", f"{url}/sparql", "--timeout", "1")
    assert time.monotonic() - started < 4
    assert result.exit_code == 2 and "cannot reach SPARQL endpoint" in result.output
    assert f"waiting for the SPARQL server at {url}/sparql (at most 1 s)" in result.output


# ------------------------------------------------------------------ 10. secrets never reach a message

@pytest.mark.parametrize("command", ["load", "ask"])
def test_server_echoing_basic_auth_never_shows_the_credentials(echo, example_build: Path, monkeypatch, command) -> None:
    url, _ = echo
    monkeypatch.setenv("KG_SPARQL_USER", "alice")
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "correct horse battery")
    token = base64.b64encode(b"alice:correct horse battery").decode()
    if command == "load":
        result = run("load", str(example_build), "--endpoint", f"{url}/sparql", "--graph-store", f"{url}/store",
                     "--auth", "basic")
    else:
        result = run("ask", "approved-indications", "--endpoint", f"{url}/sparql")
    assert result.exit_code == 2
    assert "correct horse battery" not in result.output and token not in result.output
    assert token[:12] not in result.output  # not even the part a clipped message would keep
    assert len([line for line in result.output.splitlines() if line.startswith("error:")]) == 1


def test_password_in_the_endpoint_url_is_refused_and_redacted() -> None:
    started = time.monotonic()
    result = run("ask", "approved-indications", "--endpoint", "http://bob:hunter22@no-such-host.invalid/sparql")
    assert time.monotonic() - started < 2  # refused before any name lookup
    assert result.exit_code == 2
    assert "hunter22" not in result.output and "KG_SPARQL_USER" in result.output


def test_the_one_redactor() -> None:
    add_credentials("carol", "open sesame")
    token = base64.b64encode(b"carol:open sesame").decode()
    text = redact(f"Authorization: Basic {token} from http://carol:open%20sesame@host/x?api_key=abc123 open sesame")
    assert "open sesame" not in text and token not in text and "abc123" not in text and "open%20sesame" not in text
    assert text.startswith("Authorization: ***")
