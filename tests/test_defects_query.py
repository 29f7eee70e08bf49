"""Issue 11, query parameters: any value a user can type gives a result or a one-line QueryError, never
another exception; the command line prints it as one line, without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.query import bind, load_queries

HOSTILE = [
    "x", "<>", "a:b c", "http://exa mple.org", "http://[::1", "http://a/\x00", "kgo:", "kgo:%zz", "http://a:b:c/",
    "a:\ud800", "\ud800", "<http://a>>", "http://a/#frag#2", "x:\n", "http://ex.org/\u202e", "http://[zz]/",
    "http://a:99999999/", "kgo:a}b", "http://a/{b}", "'", '"', "\\", "}", "-1e999", "NaN", "1" * 5000, "",
]  # fmt: skip


def test_every_hostile_value_is_bound_or_a_query_error() -> None:
    checked = 0
    for query in load_queries().values():
        for param in query.params:
            for value in HOSTILE:
                try:
                    text = bind(query, {param.name: value})
                except QueryError as error:
                    assert "\n" not in str(error).replace("\\n", "")
                else:
                    assert "VALUES" in text
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("value", ["http://[::1", "kgo:%zz", "a:\ud800", "http://a/#x#y", "x:\n"])
def test_bad_parameter_on_the_command_line_is_one_line(example_build: Path, value: str) -> None:
    result = CliRunner().invoke(app, ["ask", "drugs-targeting", "--data", str(example_build),
                                      "--param", f"target={value}"], catch_exceptions=False)
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: parameter target:") and "Traceback" not in result.output
