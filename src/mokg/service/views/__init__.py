"""The routes, one module per kind: the home page, records, SPARQL, publishing, validation."""
