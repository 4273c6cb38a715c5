"""What REST and gRPC cost per call in Python before any model runs: handlers that do no work.

Run: .venv/bin/python bench/protocol_floor.py [--seconds 5]  (make bench). Starts, one at a time,
a server whose Predict answers a fixed probability without a model:

- REST: starlette under uvicorn (uvloop, httptools), the stack of ``tweetclf serve``;
- gRPC aio: ``grpc.aio`` on uvloop, the stack of ``tweetclf serve --grpc-port``;
- gRPC sync: grpc's thread-pool server, the other server grpcio offers.

It drives each with the clients of bench/serve.py (persistent HTTP connections; TF Serving's
stubs, a channel per client thread) and prints the server's and the clients' CPU per call, read
from /proc and getrusage, with p50 latency. The clients share the machine's cores with the server,
so on a small machine the p50 at 8 clients follows the CPU each call costs.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import table
from serve import drive, drive_grpc, free_port, tweets

SERVERS = ("REST", "gRPC aio", "gRPC sync")


def serve(kind: str, port: int) -> None:
    """Run the ``kind`` server on ``port`` until killed."""
    if kind == "REST":
        import uvicorn
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def predict(request: Request) -> JSONResponse:
            instances = (await request.json())["instances"]
            return JSONResponse({"predictions": [{"probability": 0.5, "label": 0} for _ in instances]})

        app = Starlette(routes=[Route("/v1/models/tweetclf:predict", predict, methods=["POST"])])
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        return

    import grpc
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    def answer(request: Any) -> Any:
        texts = [value.decode("utf-8", "replace") for value in request.inputs["text"].string_val]
        response = predict_pb2.PredictResponse()
        response.model_spec.name = request.model_spec.name
        probability = response.outputs["probability"]
        probability.dtype = 1  # DT_FLOAT
        probability.tensor_shape.dim.add(size=len(texts))
        probability.float_val.extend([0.5] * len(texts))
        return response

    if kind == "gRPC sync":
        from concurrent.futures import ThreadPoolExecutor

        class Sync(prediction_service_pb2_grpc.PredictionServiceServicer):
            def Predict(self, request: Any, context: Any) -> Any:  # noqa: N802 (the proto's name)
                return answer(request)

        server = grpc.server(ThreadPoolExecutor(8))
        prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(Sync(), server)
        server.add_insecure_port(f"127.0.0.1:{port}")
        server.start()
        server.wait_for_termination()
        return

    class Aio(prediction_service_pb2_grpc.PredictionServiceServicer):
        async def Predict(self, request: Any, context: Any) -> Any:  # noqa: N802
            return answer(request)

    async def main() -> None:
        server = grpc.aio.server()
        prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(Aio(), server)
        server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        await server.wait_for_termination()

    import uvloop

    uvloop.run(main())


def server_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(kind: str, clients: int, seconds: float, texts: list[str]) -> dict[str, float]:
    """p50 and CPU per call (server, clients) of ``clients`` single-tweet clients on ``kind``."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", kind, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"the {kind} server did not start")

        def run(span: float) -> dict[str, float]:
            if kind == "REST":
                return drive(port, clients, 1, span, texts)
            return drive_grpc(port, clients, span, texts)

        run(1.0)  # warm-up
        before_server, before_client = server_cpu(proc.pid), own_cpu()
        result = run(seconds)
        calls = result["tweets/s"] * seconds
        result["server us/call"] = (server_cpu(proc.pid) - before_server) / calls * 1e6
        result["client us/call"] = (own_cpu() - before_client) / calls * 1e6
        return result
    finally:
        proc.kill()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per server (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (default: %(default)s)")
    parser.add_argument("--serve", nargs=2, metavar=("KIND", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    texts = tweets()
    results = {kind: measure(kind, args.clients, args.seconds, texts) for kind in SERVERS}
    rows = [("server (no model)", "calls/s", "p50 ms", "server us/call", "client us/call", "errors")]
    for kind, r in results.items():
        rows.append(
            (
                kind,
                f"{r['tweets/s']:,.0f}",
                f"{r['p50 ms']:.2f}",
                f"{r['server us/call']:.0f}",
                f"{r['client us/call']:.0f}",
                f"{r['errors']:.0f}",
            )
        )
    print(f"{args.clients} clients x 1 tweet, {args.seconds:.0f} s each, clients on the same machine")
    print(table(rows))
    rest = results["REST"]
    rest_cpu = rest["server us/call"] + rest["client us/call"]
    for kind in SERVERS[1:]:
        r = results[kind]
        print(
            f"{kind} / REST: p50 {r['p50 ms'] / rest['p50 ms']:.2f}, "
            f"server CPU per call {r['server us/call'] / rest['server us/call']:.2f}, "
            f"server + client CPU per call {(r['server us/call'] + r['client us/call']) / rest_cpu:.2f}"
        )


if __name__ == "__main__":
    main()
