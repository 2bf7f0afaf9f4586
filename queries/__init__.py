"""innokg: queries."""
