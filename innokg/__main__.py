"""`python -m innokg` runs the command line."""

from innokg.cli import main

main(prog_name="innokg")
