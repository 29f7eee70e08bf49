"""Binary associations stated by a sentence: drug -targets-> gene, gene -implicated_in-> disease, ...

The first rule set is small and precise: a drug named together with a gene it is known (vocabulary) to
act on, in one sentence, gives ``targets``. More relations come with the extraction issue (#4).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kg.model import Association, Document, EntityKind, Evidence, Mention
from kg.text.sentences import split
from kg.vocabulary import Vocabulary

GENE_KINDS = (EntityKind.CYTOKINE, EntityKind.RECEPTOR, EntityKind.PROTEIN)


def extract_associations(
    document: Document, mentions: Sequence[Mention], vocabulary: Vocabulary
) -> Iterator[Association]:
    seen: set[tuple[str, str]] = set()
    for sentence in split(document.text):
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        drugs = [m for m in inside if m.term.kind is EntityKind.DRUG]
        genes = [m for m in inside if m.term.kind in GENE_KINDS]
        for drug in drugs:
            known = vocabulary.all_targets(drug.term.curie)
            for gene in genes:
                key = (drug.term.curie, gene.term.curie)
                if gene.term.curie in known and key not in seen:
                    seen.add(key)
                    yield Association(
                        drug.term, "targets", gene.term,
                        Evidence(sentence.text, sentence.start, sentence.end, 0.8, "kg.extract.associations"),
                    )
