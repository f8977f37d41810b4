"""The product's applications of the engine: the rule-test runner, `rules diff` and the rule-authoring runs.

They sit above the engine (they decide manifests with it) and below the reports and the CLI.
"""
