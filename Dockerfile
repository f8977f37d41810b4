# The gba-dataflow decision service as a container image, built from the wheel (docs/deploy.md).
#
#   docker build -t gba-dataflow-service .                                   # SQLite or no ledger
#   docker build -t gba-dataflow-service --build-arg EXTRAS=serve,postgres .  # a PostgreSQL ledger
#   docker run --rm -p 8080:8080 gba-dataflow-service
#
# Stage 1 builds the wheel from this checkout; stage 2 installs only the wheel and its `serve` extra, so the
# image holds no sources, tests or build tools. Rules: the ruleset shipped in the wheel, or mount a directory
# and pass `--rules /rules`. The process runs as an unprivileged user and stops gracefully on SIGTERM.

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir build==1.* && python -m build --wheel --outdir /dist

FROM python:3.11-slim
# EXTRAS: `serve`; `serve,postgres` when replicas share a PostgreSQL ledger (psycopg).
ARG EXTRAS=serve
COPY --from=build /dist/*.whl /tmp/
RUN set -eu; wheel=$(ls /tmp/gba_dataflow-*.whl); \
    pip install --no-cache-dir "${wheel}[${EXTRAS}]"; rm -f /tmp/*.whl; \
    useradd --system --uid 10001 --home-dir /srv gba; mkdir -p /srv && chown gba /srv
USER gba
WORKDIR /srv
ENV GBA_DATAFLOW_CACHE_DIR=/srv/.cache PYTHONUNBUFFERED=1
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=2).status != 200)"
STOPSIGNAL SIGTERM
ENTRYPOINT ["gba-dataflow", "serve", "--host", "0.0.0.0", "--port", "8080"]
CMD ["--workers", "2"]
