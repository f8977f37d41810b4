"""Bottom layer: source text and positions, diagnostics, error codes. Standard library only."""
