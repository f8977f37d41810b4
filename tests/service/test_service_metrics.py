"""The Prometheus exposition written by `service.metrics`: families, cumulative buckets, label escaping."""

from __future__ import annotations

from gba_dataflow.engine.model import ManifestResult, Reason, Route, Verdict
from gba_dataflow.service.metrics import BUCKETS, Metrics, parse_exposition, sample


def result(decision: Verdict, *rules: str) -> ManifestResult:
    reasons = tuple(
        Reason(rule=rule, effect="deny", message="m", citations=(), facts=(), source="r:1") for rule in rules
    )
    return ManifestResult(manifest="m", id=None, route=Route(None, None), decision=decision, reasons=reasons)


def test_buckets_are_cumulative_and_sum_and_count_agree() -> None:
    metrics = Metrics()
    for seconds in (0.0005, 0.003, 0.003, 0.2, 30.0):
        metrics.request("POST", "/v1/check", 200, seconds)
    samples = parse_exposition(metrics.render("sha256:x", 1))
    name = "gba_dataflow_http_request_duration_seconds"
    counts = [sample(samples, name + "_bucket", route="/v1/check", le=f"{bound:g}") for bound in BUCKETS]
    assert counts == sorted(counts)
    assert sample(samples, name + "_bucket", route="/v1/check", le="0.001") == 1
    assert sample(samples, name + "_bucket", route="/v1/check", le="0.005") == 3
    assert sample(samples, name + "_bucket", route="/v1/check", le="10") == 4
    assert sample(samples, name + "_bucket", route="/v1/check", le="+Inf") == 5
    assert sample(samples, name + "_count", route="/v1/check") == 5
    assert abs(sample(samples, name + "_sum", route="/v1/check") - 30.2065) < 1e-9


def test_decisions_by_verdict_and_by_rule_count_a_rule_once_per_result() -> None:
    metrics = Metrics()
    metrics.decided(
        [result(Verdict.DENY, "a/x", "a/x", "b/y"), result(Verdict.ALLOW, "b/y"), result(Verdict.ERROR)]
    )
    samples = parse_exposition(metrics.render("sha256:x", 3))
    assert sample(samples, "gba_dataflow_decisions_total", decision="deny") == 1
    assert sample(samples, "gba_dataflow_decisions_total", decision="error") == 1
    assert sample(samples, "gba_dataflow_rule_decisions_total", rule="a/x", decision="deny") == 1
    assert sample(samples, "gba_dataflow_rule_decisions_total", rule="b/y", decision="allow") == 1
    assert sample(samples, "gba_dataflow_rules_info", digest="sha256:x", generation="3") == 1


def test_label_values_are_escaped_and_every_family_is_declared() -> None:
    metrics = Metrics()
    metrics.request("GET", 'odd "route"\\\nname', 404, 0.01)
    text = metrics.render("sha256:x", 1)
    assert 'route="odd \\"route\\"\\\\\\nname"' in text
    samples = parse_exposition(text)
    assert (
        sample(
            samples,
            "gba_dataflow_http_requests_total",
            route='odd "route"\\\nname',
            method="GET",
            status="404",
        )
        == 1
    )
    declared = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    names = {line.split("{")[0] for line in text.splitlines() if line and not line.startswith("#")}
    assert {
        name.removesuffix("_bucket").removesuffix("_sum").removesuffix("_count") for name in names
    } <= declared
    assert metrics.render("sha256:x", 1) == text  # the same state renders to the same bytes
