"""The service's metrics in the Prometheus text exposition format (version 0.0.4), written out directly.

The counters are per worker process (as with any multi-process server without shared memory): a scrape
through a load balancer sees one worker; scrape each replica's workers, or sum by job. They are changed on
the event loop's thread only, so they need no lock.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from gba_dataflow.engine.model import ManifestResult

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Upper bounds of the latency histogram, in seconds."""


@dataclass(slots=True)
class Histogram:
    """Counts of observations by bucket (cumulated when rendered), their sum and number."""

    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    total: float = 0.0
    number: int = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds
        self.number += 1


@dataclass(slots=True)
class Metrics:
    """Requests by route, method and status; decisions by verdict and by rule; latency by route; reloads."""

    requests: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    rule_decisions: Counter[tuple[str, str]] = field(default_factory=Counter)
    latency: dict[str, Histogram] = field(default_factory=dict)
    reloads: Counter[str] = field(default_factory=Counter)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(route, method, str(status))] += 1
        histogram = self.latency.get(route)
        if histogram is None:
            histogram = self.latency[route] = Histogram()
        histogram.observe(seconds)

    def decided(self, results: Iterable[ManifestResult]) -> None:
        """Count each result's verdict, and the verdict once under each rule that gave a reason for it."""
        for result in results:
            verdict = result.decision.value
            self.decisions[verdict] += 1
            for rule in dict.fromkeys(reason.rule for reason in result.reasons):
                self.rule_decisions[(rule, verdict)] += 1

    def render(self, rules_digest: str, rules_generation: int) -> str:
        """The exposition text, every series sorted by its labels (the same state, the same bytes)."""
        out: list[str] = []
        _family(out, "gba_dataflow_http_requests_total", "counter", "HTTP requests by route, method, status.")
        for (route, method, status), value in sorted(self.requests.items()):
            out.append(
                _sample(
                    "gba_dataflow_http_requests_total",
                    {"route": route, "method": method, "status": status},
                    value,
                )
            )
        _family(out, "gba_dataflow_decisions_total", "counter", "Manifests decided, by decision.")
        for verdict in ("allow", "deny", "error"):
            out.append(
                _sample("gba_dataflow_decisions_total", {"decision": verdict}, self.decisions[verdict])
            )
        _family(
            out,
            "gba_dataflow_rule_decisions_total",
            "counter",
            "Decisions by the rule that gave a reason for them, and the decision.",
        )
        for (rule, verdict), value in sorted(self.rule_decisions.items()):
            out.append(
                _sample("gba_dataflow_rule_decisions_total", {"rule": rule, "decision": verdict}, value)
            )
        name = "gba_dataflow_http_request_duration_seconds"
        _family(out, name, "histogram", "Time from the request's start to its response, by route.")
        for route, histogram in sorted(self.latency.items()):
            cumulated = 0
            for bound, count in zip((*BUCKETS, float("inf")), histogram.counts, strict=True):
                cumulated += count
                out.append(_sample(name + "_bucket", {"route": route, "le": _number(bound)}, cumulated))
            out.append(_sample(name + "_sum", {"route": route}, histogram.total))
            out.append(_sample(name + "_count", {"route": route}, histogram.number))
        _family(out, "gba_dataflow_rules_reloads_total", "counter", "Rule reloads, by outcome.")
        for outcome in ("ok", "failed"):
            out.append(
                _sample("gba_dataflow_rules_reloads_total", {"outcome": outcome}, self.reloads[outcome])
            )
        _family(out, "gba_dataflow_rules_info", "gauge", "The rules in use: digest and generation.")
        labels = {"digest": rules_digest, "generation": str(rules_generation)}
        out.append(_sample("gba_dataflow_rules_info", labels, 1))
        return "\n".join(out) + "\n"


def _family(out: list[str], name: str, kind: str, help_text: str) -> None:
    out.append(f"# HELP {name} {help_text}")
    out.append(f"# TYPE {name} {kind}")


def _sample(name: str, labels: dict[str, str], value: float) -> str:
    inside = ",".join(f'{key}="{_escape(text)}"' for key, text in labels.items())
    return f"{name}{{{inside}}} {_number(value)}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def parse_exposition(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Read back the samples of an exposition: (name, sorted labels) -> value. For tests and the benchmark."""
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, _, rest = head.partition("{")
        labels = _labels(rest[:-1]) if rest else ()
        samples[(name, labels)] = float(value)
    return samples


def _labels(text: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(text):
        equals = text.index("=", index)
        key = text[index:equals]
        index = equals + 2
        chars: list[str] = []
        while text[index] != '"':
            if text[index] == "\\":
                index += 1
                chars.append({"n": "\n"}.get(text[index], text[index]))
            else:
                chars.append(text[index])
            index += 1
        pairs.append((key, "".join(chars)))
        index += 2  # the closing quote and a comma
    return tuple(sorted(pairs))


def sample(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """One sample's value from `parse_exposition`'s result (0 when absent)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)
