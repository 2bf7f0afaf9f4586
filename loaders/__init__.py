"""innokg: loaders."""
