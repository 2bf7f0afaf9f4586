"""innokg: graph."""
