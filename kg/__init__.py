"""cytokine-kg: documents about cytokines and their therapies in, a grounded RDF knowledge graph out."""

__version__ = "0.1.0"
