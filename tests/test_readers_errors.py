"""Bad input: each problem is one InputError with a clear one-line message; read_paths goes on after it."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from kg.errors import InputError, SettingError
from kg.model import Document
from kg.readers import read_bytes, read_file, read_paths

DOCS = Path(__file__).parent / "resources" / "documents"

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>
<Article><ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE collection [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<collection><document><id>1</id><passage><offset>0</offset><text>&lol9;</text></passage></document></collection>
"""
MEDLINE = b"PMID- 1\nTI  - A fixture title about IL-6.\nAB  - An abstract.\n"


def problem(data: bytes, source: str = "bad.txt", format: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read_bytes(data, source, format)
    error = caught.value
    assert error.source == source
    assert "\n" not in error.problem
    assert str(error) == f"{source}: {error.problem}"
    return error.problem


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file (whitespace only)"),
        (b"\x00\x01\x02\x03binary\x00", "binary data (not text, XML or gzip)"),
        (b"%PDF-1.7\n%\xe2\xe3", "binary data (a PDF file; not text, XML or gzip)"),
        (gzip.compress(b""), "empty file (after gzip decompression)"),
        (gzip.compress(MEDLINE * 50)[:-40], "truncated gzip data"),
        (b"\x1f\x8b\x08\x00" + b"not deflate data" * 4, "corrupt gzip data"),
        (
            b"<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>",
            "PubMed XML with no PubmedArticle (root element <PubmedArticleSet>)",
        ),
        (
            b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
            "PubMed XML with no PubmedArticle (the server said: Empty id list - nothing todo)",
        ),
        (
            b"<?xml version='1.0'?><article><front/></article>",
            "XML with root element <article> is not a known format",
        ),
        (b'{"name": "not bioc"}', "JSON that is not BioC (no 'documents' or 'passages' key)"),
        (b'{"documents": [ }', "malformed JSON at line 1, column 17: Expecting value"),
        (b"123|t|A title\nthis line is no PubTator\n", "PubTator line 2: expected 'ID|t|title'"),
        (b"PMID- 1\nTI  - title\nthis line is no MEDLINE\n", "MEDLINE line 3: expected 'TAG - value'"),
        (XXE, "XML declares entities (DOCTYPE); refused for safety"),
        (BILLION_LAUGHS, "XML declares entities (DOCTYPE); refused for safety"),
    ],
)
def test_bad_input(data: bytes, message: str) -> None:
    assert problem(data).startswith(message)


def test_malformed_xml_names_line_and_column() -> None:
    data = b"<?xml version='1.0'?>\n<PubmedArticleSet>\n  <PubmedArticle><b></PubmedArticle>\n"
    data += b"</PubmedArticleSet>\n"
    assert problem(data) == (
        "malformed XML at line 3, column 37: Opening and ending tag mismatch: b line 3 and PubmedArticle"
    )


@pytest.mark.parametrize("format", ["pubmed_xml", "bioc_xml"])
def test_entities_refused_even_when_format_is_forced(format: str) -> None:
    assert problem(XXE, format=format) == "XML declares entities (DOCTYPE); refused for safety"
    assert problem(BILLION_LAUGHS, format=format) == "XML declares entities (DOCTYPE); refused for safety"


def test_plain_doctype_is_fine() -> None:
    data = (DOCS / "pubmed_articles.xml").read_bytes()
    assert b"<!DOCTYPE PubmedArticleSet PUBLIC" in data
    assert read_bytes(data, "x.xml")[0].pmid == "28745999"


def test_unknown_format() -> None:
    message = problem(b"some text", format="xyz")
    assert message == (
        "unknown format 'xyz'; known formats: bioc_json, bioc_xml, html, medline, pubmed_baseline, "
        "pubmed_page, pubmed_xml, pubtator, text"
    )


def test_encodings() -> None:
    assert problem(b"IL-6 text \x81\x8d\x90 undefined in cp1252") == (
        "not valid UTF-8 at byte 10 (try KG_INPUT_ENCODING=latin-1)"
    )
    assert read_bytes("Caf\u00e9 \u2013 IL-6 na\u00efve text".encode("cp1252"), "a.txt")[0].text == (
        "Caf\u00e9 \u2013 IL-6 na\u00efve text"
    )
    text = "PMID- 1\nTI  - A UTF-16 title\n"
    for codec in ("utf-16", "utf-8-sig"):
        (doc,) = read_bytes(text.encode(codec), "a.nbib")
        assert (doc.format, doc.title) == ("medline", "A UTF-16 title")


def test_encoding_forced_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_INPUT_ENCODING", "latin-1")
    assert read_bytes(b"IL-6 \x81 text", "a.txt")[0].text == "IL-6 \x81 text"
    monkeypatch.setenv("KG_INPUT_ENCODING", "no-such-codec")
    assert problem(b"abc") == "unknown encoding 'no-such-codec' in KG_INPUT_ENCODING"


def test_size_limit_on_a_sparse_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(150 * 2**20)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert caught.value.problem == "file is 150 MB; the limit is 100 MB (KG_MAX_INPUT_MB)"


def test_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_MAX_INPUT_MB", "0.01")
    assert problem(b"x" * 20000) == "input is 0.0191 MB; the limit is 0.01 MB (KG_MAX_INPUT_MB)"
    assert (
        problem(gzip.compress(b"x" * 200000))
        == "gzip data expands beyond the limit of 0.01 MB (KG_MAX_INPUT_MB)"
    )
    monkeypatch.setenv("KG_MAX_INPUT_MB", "lots")
    with pytest.raises(SettingError) as caught:
        read_bytes(b"abc", "bad.txt")
    assert str(caught.value) == "KG_MAX_INPUT_MB: must be a positive number of MB (default 100), got 'lots'"


def test_read_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path)


def test_read_paths_goes_on_after_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(DOCS / "pubtator_docs.txt", folder / "b.pubtator")
    shutil.copy(DOCS / "medline_records.nbib", folder / "sub" / "c.nbib")
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "d_xxe.xml").write_bytes(XXE)
    (folder / ".hidden.txt").write_text("hidden files are skipped")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("so are hidden folders")
    results = list(read_paths([folder, tmp_path / "nothing-here.txt", str(tmp_path / "*.nomatch")]))
    errors = [r for r in results if isinstance(r, InputError)]
    docs = [r for r in results if isinstance(r, Document)]
    assert [(Path(e.source).name, e.problem) for e in errors] == [
        ("a_empty.txt", "empty file"),
        ("d_xxe.xml", "XML declares entities (DOCTYPE); refused for safety"),
        ("nothing-here.txt", "no such file or directory"),
        ("*.nomatch", "no file matches this pattern"),
    ]
    assert [(Path(d.source).name, d.pmid) for d in docs] == [
        ("b.pubtator", "28745999"),
        ("b.pubtator", "25042199"),
        ("c.nbib", "25042199"),
        ("c.nbib", "25000003"),
    ]
    assert [Path(r.source).name for r in results[:6]] == [  # folders are read in sorted order
        "a_empty.txt",
        "b.pubtator",
        "b.pubtator",
        "d_xxe.xml",
        "c.nbib",
        "c.nbib",
    ]


def test_read_paths_globs_and_forced_format(tmp_path: Path) -> None:
    shutil.copy(DOCS / "pubtator_docs.txt", tmp_path / "x.txt")
    shutil.copy(DOCS / "doi_10.5555_fixture.2019.07.txt", tmp_path / "y.txt")
    docs = list(read_paths([str(tmp_path / "*.txt")], format="text"))
    assert [(Path(d.source).name, d.format) for d in docs] == [("x.txt", "text"), ("y.txt", "text")]
    with pytest.raises(InputError, match="unknown format 'nope'"):
        list(read_paths([tmp_path], format="nope"))


def test_read_paths_over_the_fixture_folder() -> None:
    results = list(read_paths([DOCS]))
    assert not [r for r in results if isinstance(r, InputError)]
    assert {r.format for r in results if isinstance(r, Document)} == {
        "pubmed_page",
        "text",
        "html",
        "pubmed_xml",
        "medline",
        "bioc_xml",
        "bioc_json",
        "pubtator",
    }


@pytest.mark.parametrize(
    "text",
    [
        "A page title about interleukin-6 signalling\n" + "Ab12 " * 4000 + "\n" + "1," * 20000 + "a b\n",
        "References\n 1. Smith J. A title." + " - PubMed  " * 5000 + "x\n",
        "Journal (" * 5000 + " (2020)\n" + "X et al. " * 5000,
    ],
)
def test_pathological_lines_are_read_quickly(text: str) -> None:
    import time

    start = time.perf_counter()
    (doc,) = read_bytes(text.encode(), "long.txt")
    assert doc.text == text
    assert time.perf_counter() - start < 2.0
