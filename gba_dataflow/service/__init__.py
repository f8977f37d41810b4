"""The decision service: `gba-dataflow serve`, the engine over HTTP for pipelines and a web page for people.

Design §10. Replicas keep no state of their own: the rules are read from files, and the only shared state is
the ledger (PostgreSQL when several replicas run). This layer sits beside the CLI, above reports; it is the
only one that imports starlette and uvicorn, which come with the optional extra `gba-dataflow[serve]`.
"""
