"""The typer command-line interface. Thin: parse options, call the layers below, print, exit."""
