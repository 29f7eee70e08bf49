"""PubMed efetch XML (``<PubmedArticleSet>`` of ``PubmedArticle`` and ``PubmedBookArticle``)."""

from __future__ import annotations

from lxml import etree

from kg.errors import InputError
from kg.model import Author, CitedWork, Document, MeshHeading
from kg.readers.common import (
    build_text,
    clean_doi,
    clean_pmc,
    clean_pmid,
    iso_date,
    parse_date,
    unique,
)
from kg.readers.xmlsafe import local_name, parse_xml, text_of

FORMAT = "pubmed_xml"
_ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")


def read(data: bytes | str, source: str) -> list[Document]:
    """Read every PubmedArticle and PubmedBookArticle of an efetch XML file."""
    root = parse_xml(data, source)
    name = local_name(root)
    articles = [root] if name in _ARTICLE_TAGS else [el for el in root if local_name(el) in _ARTICLE_TAGS]
    if not articles:
        errors = [text_of(el) for el in root.iter("ERROR")]
        detail = f" (the server said: {errors[0]})" if errors else f" (root element <{name}>)"
        raise InputError(source, f"PubMed XML with no PubmedArticle{detail}")
    return [parse_article(el, source) for el in articles]


def parse_article(element: etree._Element, source: str) -> Document:
    """One ``PubmedArticle`` or ``PubmedBookArticle`` element (also used by the streamed baseline reader)."""
    return _book(element, source) if local_name(element) == "PubmedBookArticle" else _article(element, source)


# ---------------------------------------------------------------- parts


def _abstract(abstract: etree._Element | None) -> list[tuple[str | None, str]]:
    if abstract is None:
        return []
    parts: list[tuple[str | None, str]] = []
    for node in abstract.findall("AbstractText"):
        label = node.get("Label") or node.get("NlmCategory")
        if label and label.upper() == "UNASSIGNED":
            label = None
        body = text_of(node)
        if body or label:
            parts.append((label.strip() if label else None, body))
    return parts


def _authors(author_list: etree._Element | None) -> tuple[Author, ...]:
    if author_list is None:
        return ()
    authors = []
    for node in author_list.findall("Author"):
        if node.get("ValidYN") == "N":
            continue
        collective = text_of(node.find("CollectiveName"))
        last = text_of(node.find("LastName"))
        initials = text_of(node.find("Initials")) or text_of(node.find("ForeName"))
        name = collective or " ".join(part for part in (last, initials) if part)
        if not name:
            continue
        affiliations = [text_of(a) for a in node.findall("AffiliationInfo/Affiliation")]
        affiliations += [text_of(a) for a in node.findall("Affiliation")]
        authors.append(Author(name, unique(affiliations)))
    return tuple(authors)


def _date(node: etree._Element | None) -> str | None:
    """ISO prefix from Year/Month/Day (or MedlineDate) children of a date element."""
    if node is None:
        return None
    year = text_of(node.find("Year"))
    if year:
        return iso_date(year, text_of(node.find("Month")) or None, text_of(node.find("Day")) or None)
    return parse_date(text_of(node.find("MedlineDate")))


def _ids(id_list: etree._Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if id_list is not None:
        for node in id_list.findall("ArticleId"):
            kind = (node.get("IdType") or "").lower()
            if kind and text_of(node):
                ids.setdefault(kind, text_of(node))
    return ids


def _mesh(citation: etree._Element) -> tuple[MeshHeading, ...]:
    headings = []
    for heading in citation.findall("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        if descriptor is None or not text_of(descriptor):
            continue
        qualifiers = heading.findall("QualifierName")
        major = descriptor.get("MajorTopicYN") == "Y" or any(q.get("MajorTopicYN") == "Y" for q in qualifiers)
        headings.append(
            MeshHeading(
                text_of(descriptor),
                descriptor.get("UI"),
                major,
                tuple(text_of(q) for q in qualifiers if text_of(q)),
            )
        )
    return tuple(headings)


def _chemicals(citation: etree._Element) -> tuple[MeshHeading, ...]:
    chemicals = []
    for node in citation.findall("ChemicalList/Chemical/NameOfSubstance"):
        if text_of(node):
            chemicals.append(MeshHeading(text_of(node), node.get("UI")))
    return tuple(chemicals)


def _references(pubmed_data: etree._Element | None) -> tuple[CitedWork, ...]:
    if pubmed_data is None:
        return ()
    works = []
    for reference in pubmed_data.iter("Reference"):
        ids = _ids(reference.find("ArticleIdList"))
        citation = text_of(reference.find("Citation"))
        if citation or ids:
            works.append(
                CitedWork(
                    citation,
                    clean_pmid(ids.get("pubmed")),
                    clean_doi(ids.get("doi")),
                    clean_pmc(ids.get("pmc")),
                )
            )
    return tuple(works)


def _keywords(parent: etree._Element) -> tuple[str, ...]:
    return unique(text_of(k) for k in parent.findall("KeywordList/Keyword"))


# ---------------------------------------------------------------- records


def _article(element: etree._Element, source: str) -> Document:
    citation = element.find("MedlineCitation")
    if citation is None:
        raise InputError(source, "PubmedArticle without MedlineCitation")
    article = citation.find("Article")
    if article is None:
        article = etree.Element("Article")
    pubmed_data = element.find("PubmedData")
    ids = _ids(pubmed_data.find("ArticleIdList") if pubmed_data is not None else None)
    title = text_of(article.find("ArticleTitle")) or text_of(article.find("VernacularTitle")) or None
    text, sections = build_text(title, _abstract(article.find("Abstract")))
    journal = article.find("Journal")
    doi = ids.get("doi") or next(
        (text_of(e) for e in article.findall("ELocationID") if e.get("EIdType") == "doi"), None
    )
    pub_date = _date(journal.find("JournalIssue/PubDate")) if journal is not None else None
    return Document(
        source=source,
        text=text,
        format=FORMAT,
        pmid=clean_pmid(text_of(citation.find("PMID"))) or clean_pmid(ids.get("pubmed")),
        doi=clean_doi(doi),
        pmc=clean_pmc(ids.get("pmc")),
        title=title,
        journal=(
            (
                text_of(journal.find("Title")) or text_of(journal.find("ISOAbbreviation"))
                if journal is not None
                else ""
            )
            or text_of(citation.find("MedlineJournalInfo/MedlineTA"))
            or None
        ),
        date=pub_date or _date(article.find("ArticleDate")),
        authors=_authors(article.find("AuthorList")),
        sections=sections,
        mesh_headings=_mesh(citation),
        chemicals=_chemicals(citation),
        keywords=_keywords(citation),
        publication_types=unique(text_of(p) for p in article.findall("PublicationTypeList/PublicationType")),
        references=_references(pubmed_data),
    )


def _book(element: etree._Element, source: str) -> Document:
    book_document = element.find("BookDocument")
    if book_document is None:
        raise InputError(source, "PubmedBookArticle without BookDocument")
    book = book_document.find("Book")
    if book is None:
        book = etree.Element("Book")
    book_data = element.find("PubmedBookData")
    ids = _ids(book_data.find("ArticleIdList") if book_data is not None else None)
    ids = {**_ids(book_document.find("ArticleIdList")), **ids}
    chapter = text_of(book_document.find("ArticleTitle"))
    book_title = text_of(book.find("BookTitle"))
    title = chapter or book_title or None
    text, sections = build_text(title, _abstract(book_document.find("Abstract")))
    author_lists = book_document.findall("AuthorList")
    authors = next((a for a in author_lists if a.get("Type", "authors") == "authors"), None)
    return Document(
        source=source,
        text=text,
        format=FORMAT,
        pmid=clean_pmid(text_of(book_document.find("PMID"))),
        doi=clean_doi(ids.get("doi")),
        pmc=clean_pmc(ids.get("pmc")),
        title=title,
        journal=book_title if chapter and book_title else None,
        date=_date(book.find("PubDate")) or _date(book_document.find("ContributionDate")),
        authors=_authors(authors if authors is not None else book.find("AuthorList")),
        sections=sections,
        keywords=_keywords(book_document),
        publication_types=unique(text_of(p) for p in book_document.iter("PublicationType")),
        references=_references(book_data),
    )
