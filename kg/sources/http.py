"""Small HTTP helpers shared by the E-utilities client, the linker and the remote store: Retry-After,
URL and message redaction, and a progress line for remote calls."""

from __future__ import annotations

import base64
import email.utils
import logging
import re
import urllib.parse
from datetime import UTC, datetime


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def redact_url(url: str | None) -> str:
    """The URL without any user:password@ part."""
    if not url:
        return str(url)
    try:
        parts = urllib.parse.urlsplit(url)
        if parts.username is None and parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
    except ValueError:  # a port that is not a number, a bad IPv6 address: keep only what cannot be secret
        return _USERINFO.sub(r"\1***@", url)
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


PROGRESS = logging.getLogger("kg.progress")
"""Progress lines (INFO): the CLI shows them on stderr unless --quiet."""


def waiting(what: str, seconds: float) -> None:
    """Say on the progress channel what a remote call waits for and for how long at most."""
    PROGRESS.info("waiting for %s (at most %g s)", redact(what), seconds)


# ---------------------------------------------------------------------- the one redactor

_SECRETS: set[str] = set()
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")
_AUTH_HEADER = re.compile(r"(?i)\b(authorization|proxy-authorization)(\s*[:=]\s*)(basic|bearer|digest)\s+[^\r\n]*")
_AUTH_TOKEN = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}")
_KEY_PARAM = re.compile(r"(?i)\b(api_key|apikey|password|passwd|token)=[^&\s'\"]+")


MIN_SECRET_CHARS = 4
"""Shorter secrets are not replaced in plain text (they would blank out ordinary words); their base64 and
``user:password`` forms still are."""


def add_secret(value: str | None) -> None:
    """Remember a secret (a password, an API key) so that :func:`redact` removes it from every message."""
    if value and len(value) >= MIN_SECRET_CHARS:
        _SECRETS.add(value)
        quoted = urllib.parse.quote(value, safe="")
        if quoted != value:
            _SECRETS.add(quoted)


def add_credentials(user: str | None, password: str | None) -> None:
    """Remember a user's password and the forms it travels in (``user:password`` and its base64)."""
    if user is None:
        return
    add_secret(password)
    pair = f"{user}:{password or ''}"
    add_secret(pair if password else None)
    add_secret(base64.b64encode(pair.encode("utf-8")).decode("ascii"))


def redact(text: str) -> str:
    """``text`` without any secret: remembered passwords and keys, their base64 forms, Authorization
    headers, ``user:password@`` in URLs and ``api_key=`` parameters. Every message shown to people goes
    through here (kg.cli prints errors and warnings only through it)."""
    text = str(text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    text = _USERINFO.sub(r"\1***@", text)
    text = _AUTH_HEADER.sub(r"\1\2***", text)
    text = _AUTH_TOKEN.sub(r"\1 ***", text)
    return _KEY_PARAM.sub(r"\1=***", text)


def userinfo_error(name: str, url: str) -> str | None:
    """A message when ``url`` carries ``user:password@`` (the password is remembered as a secret), else None.

    Credentials in a URL would be logged, shown by ``ps`` and, by urllib, taken as part of the host name."""
    try:
        parts = urllib.parse.urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return f"{name} {redact_url(url)!r} is not a valid URL"
    if user is None and password is None and "@" not in parts.netloc:
        return None
    add_credentials(user or "", password)
    return (f"{name} {redact(url)!r} carries a user name or password; give the URL without them and set "
            "KG_SPARQL_USER / KG_SPARQL_PASSWORD instead")
