"""innokg command line: `innokg`."""
