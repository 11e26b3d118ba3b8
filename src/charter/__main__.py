"""`python -m charter` runs the command-line interface."""

from charter.cli import main

main()
