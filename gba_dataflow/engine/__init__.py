"""The engine: compile rulesets into closures, evaluate manifests, combine rule outcomes into decisions."""
