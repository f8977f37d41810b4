"""The ASGI application: routes, limits, errors as JSON, metrics and the access log.

Every handler takes the current rules once (`RulesState.current`) and decides with them to the end.
Nothing a client sends can make a 500: bad input is a 4xx with the CLI's codes, a manifest that does not
load is an `error` result (422), never an allow. The access log names method, path, status, size and
time, never a manifest's contents nor the query string.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gba_dataflow.core.errors import Diagnostic, GbaError, UsageError
from gba_dataflow.core.i18n import tr
from gba_dataflow.engine.model import ManifestResult
from gba_dataflow.manifests import DEFAULT_MAX_BYTES, schema
from gba_dataflow.service.decisions import (
    BATCH_PARAMETERS,
    CHECK_PARAMETERS,
    Evaluate,
    ManifestInput,
    decide,
    error_document,
    localized_language,
    parse_batch,
    parse_options,
    plain_evaluate,
    render_document,
    status_for,
    syntax_of,
    too_large,
)
from gba_dataflow.service.ledger_link import LedgerLink
from gba_dataflow.service.metrics import CONTENT_TYPE, Metrics
from gba_dataflow.service.openapi import render_openapi
from gba_dataflow.service.rules_state import ReloadOutcome, RulesState, rules_document
from gba_dataflow.service.settings import ServiceSettings

T = TypeVar("T")
log = logging.getLogger("gba_dataflow.service")
access_log = logging.getLogger("gba_dataflow.service.access")

STATUS_BY_CODE = {"E501": 400, "E520": 400, "E521": 413, "E522": 401, "E523": 503, "E524": 404, "E525": 400}
ROUTES = frozenset(
    {
        "/",
        "/static/app.js",
        "/static/app.css",
        "/v1/check",
        "/v1/check/batch",
        "/v1/rules",
        "/v1/schema/manifest",
    }
    | {"/healthz", "/readyz", "/metrics", "/openapi.json"}
)
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class Service:
    """What one worker process holds: settings, the rules, metrics and, with `--ledger`, the ledger."""

    def __init__(self, settings: ServiceSettings, state: RulesState | None = None) -> None:
        self.settings = settings
        self.state = state if state is not None else RulesState(settings.rules_dirs())
        self.metrics = Metrics()
        self.ledger: LedgerLink | None = None
        self.openapi = render_openapi().encode("utf-8")
        self.manifest_schema = orjson.dumps(schema())
        folder = resources.files("gba_dataflow.service") / "static"
        self.page = (folder / "index.html").read_bytes()
        self.static = {name: (folder / name).read_bytes() for name in STATIC}

    @property
    def evaluate(self) -> Evaluate:
        return self.ledger.evaluate if self.ledger is not None else plain_evaluate

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking work off the event loop: on the ledger's threads with a ledger (they hold its
        connections), else on the thread pool."""
        if self.ledger is not None:
            return await self.ledger.run(function, *args)
        return await run_in_threadpool(function, *args)

    async def reload(self, why: str) -> ReloadOutcome:
        """Reload the rules (in a thread: parsing blocks), log and count the outcome."""
        outcome = await run_in_threadpool(self.state.reload)
        self.metrics.reloads["ok" if outcome.ok else "failed"] += 1
        if outcome.ok:
            log.info("rules reloaded (%s): digest %s", why, outcome.digest)
        else:
            details = "; ".join(d.render().replace("\n", " ") for d in outcome.errors)
            log.error(
                "rules reload (%s) failed, the old rules stay in use (%s): %s", why, outcome.digest, details
            )
        return outcome


def refuse(error: GbaError, status: int | None = None, localized: str | None = None) -> Response:
    """A refused request: the error's diagnostics as JSON, with the status its code calls for; with
    `localized` (a language), each also carries its texts in that language."""
    return _json_bytes(
        orjson.dumps(error_document(error.diagnostics, localized)),
        status or STATUS_BY_CODE.get(error.code, 400),
    )


def refused(request: Request, error: GbaError, status: int | None = None) -> Response:
    """`refuse`, with the texts in the request's language when it asks `localized=true`."""
    return refuse(error, status, localized_language(request.query_params.multi_items()))


def _json_bytes(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status, headers, media_type="application/json")


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit` (found from Content-Length, or while reading)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _timeout_error(seconds: float) -> UsageError:
    return UsageError(
        tr("the request took longer than the limit of {seconds:g} s; nothing was recorded", seconds=seconds),
        code="E523",
        hint=tr("send it again, or split a large batch"),
    )


def build_app(service: Service, *, handle_signals: bool = False) -> ASGIApp:
    """The Starlette application of `service`. `handle_signals`: reload the rules on SIGHUP (only in
    the main thread of a server process)."""
    settings = service.settings

    async def check(request: Request) -> Response:
        snapshot = service.state.current
        try:
            options = parse_options(request.query_params.multi_items(), CHECK_PARAMETERS)
        except GbaError as error:
            return refused(request, error)
        try:
            syntax = syntax_of(request.headers.get("content-type"))
        except GbaError as error:
            return refused(request, error, 415)
        if options.record:
            problem = _record_problem(service, request)
            if problem is not None:
                return refused(request, problem)
            if service.ledger is None:  # configured, but not open: never decide a recording without it
                not_open = UsageError(tr("the ledger is not open yet"), code="E525", hint=tr("try again"))
                return refused(request, not_open, 503)
        result: ManifestResult | None = None
        try:
            async with asyncio.timeout(settings.timeout):
                raw = await read_body(request, DEFAULT_MAX_BYTES)
                if raw is not None and not options.record:
                    item = ManifestInput(options.name, raw, syntax)
                    result = await service.run(decide, snapshot.rulebook, item, options, service.evaluate)
            if raw is None:
                result = too_large(options.name)
            elif result is None:  # recording: once it starts, it runs to its end (no time limit)
                item = ManifestInput(options.name, raw, syntax)
                result = await service.run(decide, snapshot.rulebook, item, options, service.evaluate)
        except TimeoutError:
            return refused(request, _timeout_error(settings.timeout))
        except GbaError as error:  # the ledger could not be reached: nothing decided, never an allow
            return refused(request, error, 503)
        service.metrics.decided((result,))
        body = render_document(snapshot.rulebook.info, options.as_of, (result,), options.localized_lang)
        return Response(
            body,
            status_for((result,)),
            {"X-Gba-Decision": result.decision.value},
            media_type="application/json",
        )

    async def check_batch(request: Request) -> Response:
        snapshot = service.state.current
        try:
            options = parse_options(request.query_params.multi_items(), BATCH_PARAMETERS)
        except GbaError as error:
            return refused(request, error)
        media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if media != "application/json":
            return refused(
                request,
                UsageError(
                    tr("media type `{media}` is not a batch", media=media),
                    code="E520",
                    hint=tr("send {example} as application/json", example='{"manifests": [...]}'),
                ),
                415,
            )
        try:
            async with asyncio.timeout(settings.timeout):
                raw = await read_body(request, settings.max_body)
                if raw is None:
                    return refused(
                        request,
                        UsageError(
                            tr(
                                "the batch is larger than the limit of {limit:,} bytes",
                                limit=settings.max_body,
                            ),
                            code="E521",
                            hint=tr("split it into smaller batches"),
                        ),
                    )
                items = parse_batch(raw, settings.max_batch)
                results = await service.run(_decide_all, service, snapshot.rulebook, items, options)
        except TimeoutError:
            return refused(request, _timeout_error(settings.timeout))
        except GbaError as error:
            return refused(request, error, 503 if error.code not in STATUS_BY_CODE else None)
        service.metrics.decided(results)
        body = render_document(snapshot.rulebook.info, options.as_of, results, options.localized_lang)
        return Response(body, status_for(results), media_type="application/json")

    async def rules(request: Request) -> Response:
        snapshot = service.state.current
        try:
            options = parse_options(request.query_params.multi_items(), ("lang",))
        except GbaError as error:
            return refused(request, error)
        document = rules_document(snapshot, options.lang, service.state.last_reload)
        return _json_bytes(orjson.dumps(document))

    async def manifest_schema(request: Request) -> Response:
        return Response(service.manifest_schema, media_type="application/schema+json")

    async def healthz(request: Request) -> Response:
        return _json_bytes(b'{"status":"ok"}')

    async def readyz(request: Request) -> Response:
        snapshot = service.state.current
        problems: list[dict[str, Any]] = []
        ledger = "none"
        if settings.ledger is not None:
            if service.ledger is None:
                problems.append({"code": "E525", "message": "the ledger is not open yet"})
            else:
                try:
                    await asyncio.wait_for(service.ledger.run(service.ledger.ping), timeout=5)
                    ledger = "reachable"
                except TimeoutError:
                    problems.append({"code": "E523", "message": "the ledger did not answer within 5 s"})
                except GbaError as error:
                    problems.extend(d.to_dict() for d in error.diagnostics)
        document = {
            "status": "not ready" if problems else "ready",
            "rules": {"digest": snapshot.digest, "generation": snapshot.generation},
            "ledger": ledger,
            "problems": problems,
        }
        return _json_bytes(orjson.dumps(document), 503 if problems else 200)

    async def metrics(request: Request) -> Response:
        snapshot = service.state.current
        text = service.metrics.render(snapshot.digest, snapshot.generation)
        return Response(text, headers={"Content-Type": CONTENT_TYPE})

    async def openapi(request: Request) -> Response:
        return _json_bytes(service.openapi)

    async def page(request: Request) -> Response:
        return Response(service.page, headers=PAGE_HEADERS, media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404)
        return Response(service.static[name], headers=PAGE_HEADERS, media_type=STATIC[name])

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        error = UsageError(
            tr("no endpoint `{method} {path}`", method=request.method, path=request.url.path),
            code="E524",
            hint=tr("the endpoints are listed in /openapi.json"),
        )
        response = refused(request, error, status if status in (404, 405) else 404)
        if isinstance(exc, HTTPException) and exc.headers:
            response.headers.update(exc.headers)  # 405: `Allow`, the methods the path takes
        return response

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.ledger is not None:
            service.ledger = LedgerLink(settings.ledger)
            try:
                await service.ledger.run(service.ledger.open)
            except GbaError as error:  # serve anyway: /readyz says why, checks answer 503 until it is back
                log.error("the ledger cannot be opened: %s", error.first.render().replace("\n", " "))
        loop = asyncio.get_running_loop()
        tasks: list[asyncio.Task[None]] = []
        if handle_signals and threading.current_thread() is threading.main_thread():
            loop.add_signal_handler(
                signal.SIGHUP, lambda: tasks.append(loop.create_task(_reload_quietly(service)))
            )
        if settings.watch:
            tasks.append(loop.create_task(_watch(service)))
        try:
            yield
        finally:
            if handle_signals and threading.current_thread() is threading.main_thread():
                loop.remove_signal_handler(signal.SIGHUP)
            for task in tasks:
                task.cancel()
            if service.ledger is not None:
                await run_in_threadpool(service.ledger.close)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/check/batch", check_batch, methods=["POST"]),
        Route("/v1/rules", rules, methods=["GET"]),
        Route("/v1/schema/manifest", manifest_schema, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: not_found})
    return Observed(app, service)


def _record_problem(service: Service, request: Request) -> GbaError | None:
    """Why a recording request is refused (no ledger, no or wrong token), or None."""
    if service.settings.ledger is None:
        return UsageError(
            tr("record=true, but this service runs without a ledger"),
            code="E525",
            hint=tr("start the service with --ledger URL, or leave record out"),
        )
    token = service.settings.token
    given = request.headers.get("authorization", "")
    scheme, _, credentials = given.partition(" ")
    if (
        token is None
        or scheme.lower() != "bearer"
        or not hmac.compare_digest(credentials.strip().encode(), token.encode())
    ):
        return UsageError(
            tr("recording needs the bearer token the service was started with")
            if token is not None
            else tr("this service was started without a token, so it records nothing"),
            code="E522",
            hint=tr("send `Authorization: Bearer <token>`")
            if token is not None
            else tr("start it with --token-file FILE"),
        )
    return None


def _decide_all(
    service: Service, rulebook: Any, items: list[ManifestInput], options: Any
) -> list[ManifestResult]:
    evaluate = service.evaluate
    return [decide(rulebook, item, options, evaluate) for item in items]


async def _reload_quietly(service: Service) -> None:
    await service.reload("SIGHUP")


async def _watch(service: Service) -> None:
    """`--watch`: reload when a rule file is added, removed or changed (polled, no extra dependency)."""
    seen = service.state.signature()
    while True:
        await asyncio.sleep(service.settings.watch_interval)
        now = await run_in_threadpool(service.state.signature)
        if now != seen:
            seen = now
            await service.reload("a rule file changed")


class Observed:
    """ASGI middleware around the app: request metrics, the access log, and E900 for a bug (never a
    traceback to the client)."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent: dict[str, Any] = {"status": 500, "bytes": 0, "decision": "-", "started": False}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                sent["started"] = True
                for key, value in message.get("headers", ()):
                    if key == b"x-gba-decision":
                        sent["decision"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        except Exception:
            log.exception("internal error (E900) while answering %s %s", scope["method"], scope["path"])
            if not sent["started"]:
                diagnostic = Diagnostic(
                    "E900", tr("internal error in gba-dataflow"), hint=tr("this is a bug; please report it")
                )
                query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                document = error_document([diagnostic], localized_language(query))
                await _send_json(observe, 500, orjson.dumps(document))
        seconds = time.perf_counter() - started
        path = scope["path"]
        route = path if path in ROUTES else "other"
        self.service.metrics.request(scope["method"], route, sent["status"], seconds)
        if self.service.settings.access_log:
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %d %dB %.1fms %s',
                client[0],
                scope["method"],
                route,
                sent["status"],
                sent["bytes"],
                seconds * 1000,
                sent["decision"],
            )


async def _send_json(send: Callable[[Message], Awaitable[None]], status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(
    settings: ServiceSettings, state: RulesState | None = None, *, handle_signals: bool = False
) -> ASGIApp:
    """The ASGI app for `settings` (loads the rules unless `state` is given; raises on bad rules)."""
    return build_app(Service(settings, state), handle_signals=handle_signals)
