"""Small PubMed baseline/update files written by the tests (articles written for the tests)."""

from __future__ import annotations

import gzip
from pathlib import Path

ARTICLE = """<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><Title>Journal of Test Immunology</Title><JournalIssue><PubDate><Year>2020</Year>
</PubDate></JournalIssue></Journal><ArticleTitle>{title}</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText>
</Abstract><AuthorList><Author><LastName>Tester</LastName><Initials>A</Initials></Author></AuthorList></Article>
</MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
"""
ABSTRACTS = (
    ("Tocilizumab in rheumatoid arthritis", "In this randomized trial, tocilizumab reduced disease activity in "
     "patients with rheumatoid arthritis compared with placebo."),
    ("Siltuximab in multiple myeloma", "Adding siltuximab to bortezomib did not improve progression-free "
     "survival in patients with multiple myeloma."),
    ("Infliximab in Crohn disease", "Infliximab, an anti-TNF antibody, induced remission in patients with "
     "Crohn disease."),
)


def baseline_xml(pmids: list[int], deleted: list[int] = ()) -> bytes:
    articles = "".join(
        ARTICLE.format(pmid=pmid, title=ABSTRACTS[i % len(ABSTRACTS)][0], abstract=ABSTRACTS[i % len(ABSTRACTS)][1])
        for i, pmid in enumerate(pmids)
    )
    deletion = ("<DeleteCitation>" + "".join(f'<PMID Version="1">{p}</PMID>' for p in deleted)
                + "</DeleteCitation>") if deleted else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
            '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
            f"<PubmedArticleSet>\n{articles}{deletion}</PubmedArticleSet>\n").encode()


def write_baseline(path: Path, pmids: list[int], deleted: list[int] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(baseline_xml(pmids, deleted), mtime=0))
    return path
