"""`python -m gba_dataflow` runs the command-line interface."""

from gba_dataflow.cli.main import console_script

if __name__ == "__main__":
    console_script()
