"""The policy corpus: statutes and local documents, split into citable passages."""
