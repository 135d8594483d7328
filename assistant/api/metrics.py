"""Prometheus metrics, one registry per app (two apps in one test process do not collide)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("assistant_http_requests_total", "HTTP requests by route template and status",
                                ("method", "route", "status"), registry=self.registry)
        self.latency = Histogram("assistant_http_request_seconds", "HTTP request latency (until the last byte)",
                                 ("method", "route"), buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.answers = Counter("assistant_answers_total", "Answers by outcome (answered / refused)",
                               ("outcome",), registry=self.registry)
        self.jobs = Counter("assistant_index_jobs_total", "Finished upload indexing jobs by status",
                            ("status",), registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
