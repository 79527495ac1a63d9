"""Test peers for Skein's metrics and traces: a Prometheus text parser, a small OTLP/HTTP trace
receiver (protobuf decoded with opentelemetry-proto from PyPI) and a destination system that
records the headers it receives and can hold a request or fail an order on purpose."""
import gzip
import json
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(url, token=None):
    """GET a /metrics page; returns (status, text)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Metrics:
    """One scrape, parsed: `value(name, **labels)` is the sample whose labels are exactly those."""

    def __init__(self, text):
        self.text = text
        self.samples = []
        self.help = {}
        self.types = {}
        for line in text.splitlines():
            if line.startswith("# HELP "):
                name, _, help_text = line[7:].partition(" ")
                self.help[name] = help_text
            elif line.startswith("# TYPE "):
                name, _, kind = line[7:].partition(" ")
                self.types[name] = kind
            elif line and not line.startswith("#"):
                match = SAMPLE.match(line)
                assert match, f"not a Prometheus sample line: {line!r}"
                labels = {key: value for key, value in LABEL.findall(match.group(2) or "")}
                self.samples.append((match.group(1), labels, float(match.group(3))))

    def value(self, name, **labels):
        found = [value for sample, sample_labels, value in self.samples if sample == name and sample_labels == labels]
        assert len(found) <= 1, f"{name}{labels} appears {len(found)} times"
        return found[0] if found else None

    def series(self, name):
        return [(labels, value) for sample, labels, value in self.samples if sample == name]


def any_value(value):
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


class OTLPReceiver:
    """Takes OTLP/HTTP trace exports (`POST /v1/traces`, protobuf) on 127.0.0.1 and keeps every span."""

    def __init__(self):
        self.spans = []
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != "/v1/traces" or "protobuf" not in self.headers.get("Content-Type", ""):
                    self.send_response(404)
                    self.end_headers()
                    return
                export = trace_service_pb2.ExportTraceServiceRequest()
                export.ParseFromString(body)
                receiver.keep(export)
                answer = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def keep(self, export):
        with self.lock:
            self.requests += 1
            for resource_spans in export.resource_spans:
                resource = {a.key: any_value(a.value) for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.spans.append({
                            "name": span.name, "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(), "kind": span.kind,
                            "attributes": {a.key: any_value(a.value) for a in span.attributes},
                            "status": span.status.code, "resource": resource,
                        })

    def named(self, name):
        with self.lock:
            return [span for span in self.spans if span["name"] == name]

    def close(self):
        self.server.shutdown()


class Destination:
    """A system Skein sends orders to: `POST /orders` answers 201 with an id, records each
    request's headers, holds the first request until `release()` when `hold_first`, and answers
    500 to an order's first `fail[reference]` attempts."""

    def __init__(self, hold_first=False, fail=None):
        self.received = []
        self.arrived = threading.Event()
        self.released = threading.Event()
        if not hold_first:
            self.released.set()
        self.fail = dict(fail or {})
        self.lock = threading.Lock()
        destination = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                order = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                destination.arrived.set()
                destination.released.wait(30)
                with destination.lock:
                    destination.received.append({"order": order, "headers": {k.lower(): v for k, v in self.headers.items()}})
                    reference = order.get("ref")
                    failing = destination.fail.get(reference, 0) > 0
                    if failing:
                        destination.fail[reference] -= 1
                status, body = (500, {"error": "try again"}) if failing else (201, {"id": f"D-{reference}"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def release(self):
        self.released.set()

    def close(self):
        self.released.set()
        self.server.shutdown()
