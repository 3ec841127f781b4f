"""`python -m certprep`: the same command as `certprep`."""

from certprep.cli import main

main()
