"""innokg: innokg."""
