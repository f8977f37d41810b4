"""`python -m gba_dataflow` runs the command-line interface."""

from gba_dataflow.cli.main import main

if __name__ == "__main__":
    main()
