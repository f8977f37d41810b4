"""The rule language: grammar, parser, AST, static checker and formatter."""
