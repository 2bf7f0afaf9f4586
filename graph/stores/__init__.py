"""innokg: graph/stores."""
