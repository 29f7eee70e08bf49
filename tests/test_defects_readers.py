"""Regression tests for the reader defects of issue 11 (bad-input battery): one case per defect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError, SettingError, one_line
from kg.readers import read_bytes, read_file, read_paths
from kg.readers.common import check_settings

TEXT = "Interleukin-6 blockade with tocilizumab was studied in this fixture text about arthritis."


def message(data: bytes, source: str = "bad.json") -> str:
    with pytest.raises(InputError) as caught:
        read_bytes(data, source)
    text = str(caught.value)
    assert "\n" not in text and text.startswith(f"{source}: ")
    return text[len(source) + 2 :]


def bioc(passages: object) -> bytes:
    return json.dumps({"source": "test", "documents": [{"id": "1", "passages": passages}]}).encode()


# ---------------------------------------------------------------- BioC JSON


def test_lone_surrogate_in_bioc_json_is_one_line_error() -> None:
    data = b'{"documents": [{"id": "1", "passages": [{"offset": 0, "text": "IL-6 \\ud800 text"}]}]}'
    assert message(data) == (
        "BioC JSON holds an unpaired surrogate escape, which is no character (\\ud800 at line 1, column 69)"
    )
    paired = data.replace(b"\\ud800", b"\\ud83d\\ude00")
    assert read_bytes(paired, "ok.json")[0].text == "IL-6 \U0001f600 text"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (bioc(5), "BioC JSON 'passages' of document 1 must be a list, not a number (5)"),
        (
            bioc([{"offset": 0, "text": 3}]),
            "BioC JSON 'text' of the passage at offset 0 of document 1 must be a string, not a number (3)",
        ),
        (bioc(["a passage"]), "BioC JSON 'passages' of document 1 must hold objects, not a string"),
        (
            bioc([{"offset": [1], "text": "x"}]),
            "BioC JSON offset of a passage of document 1 must be an integer, not a list",
        ),
        (
            bioc([{"offset": 0, "text": "x", "annotations": [{"id": "T1", "locations": {"offset": 0}}]}]),
            "BioC JSON 'locations' of annotation T1 of the passage at offset 0 of document 1 must be a list, "
            "not an object",
        ),
        (
            json.dumps({"documents": [3]}).encode(),
            "JSON that is not BioC (found a number (3) where a document was expected)",
        ),
    ],
)
def test_wrongly_typed_bioc_json_gets_a_clear_message(data: bytes, expected: str) -> None:
    assert message(data) == expected


def test_wrongly_typed_bioc_json_in_a_folder_is_no_unexpected_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(bioc(5))
    (error,) = list(read_paths([tmp_path]))
    assert isinstance(error, InputError) and "unexpected" not in str(error)


# ---------------------------------------------------------------- UTF-16 without a byte-order mark


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(codec: str) -> None:
    (doc,) = read_bytes(TEXT.encode(codec), "a.txt")
    assert doc.text == TEXT
    (record,) = read_bytes("PMID- 5\nTI  - A UTF-16 title\nAB  - An abstract.\n".encode(codec), "a.nbib")
    assert (record.format, record.pmid, record.title) == ("medline", "5", "A UTF-16 title")
    xml = '<?xml version="1.0" encoding="UTF-16"?><collection><source>s</source><document><id>6</id>'
    xml += '<passage><infon key="type">abstract</infon><offset>0</offset><text>IL-6 text</text></passage>'
    xml += "</document></collection>"
    (bioc_doc,) = read_bytes(xml.encode(codec), "a.xml")
    assert (bioc_doc.format, bioc_doc.text) == ("bioc_xml", "IL-6 text")


def test_truncated_utf16_is_a_clear_message_not_binary() -> None:
    text = message(TEXT.encode("utf-16-le") + b"\x00\xd8", "cut.txt")  # ends with half a surrogate pair
    assert text.startswith("not valid UTF-16 at byte") and "binary" not in text


def test_real_binary_is_still_binary() -> None:
    assert message(bytes(range(256)) * 4, "blob.bin") == "binary data (not text, XML or gzip)"


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize("value", ["abc", "-5", "0", "inf", "nan"])
def test_bad_size_limit_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("KG_MAX_INPUT_MB", value)
    with pytest.raises(SettingError) as caught:
        check_settings()
    assert str(caught.value) == (
        f"KG_MAX_INPUT_MB: must be a positive number of MB (default 100), got {value!r}"
    )
    with pytest.raises(SettingError):
        read_bytes(TEXT.encode(), "a.txt")


def test_bad_encoding_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_INPUT_ENCODING", "no-such-codec")
    with pytest.raises(SettingError, match=r"^KG_INPUT_ENCODING: unknown encoding 'no-such-codec'$"):
        check_settings()


# ---------------------------------------------------------------- file names in messages


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("a\nb.txt", "a\\nb.txt"),
        ("a\tb.txt", "a\\tb.txt"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("zero\u200bwidth\r.txt", "zero\\u200bwidth\\r.txt"),
        ("caf\u00e9 \u2013 r\u00e9sum\u00e9.txt", "caf\u00e9 \u2013 r\u00e9sum\u00e9.txt"),
    ],
)
def test_file_names_keep_the_error_on_one_line(tmp_path: Path, name: str, shown: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert str(caught.value) == f"{tmp_path}/{shown}: empty file"
    assert caught.value.source == str(path)  # kept as given; only the message is escaped
    assert one_line(name) == shown
