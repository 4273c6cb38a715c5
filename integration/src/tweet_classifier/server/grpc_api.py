"""TF Serving's gRPC API beside REST (``tweetclf serve --grpc-port``), with TF Serving's own protos.

``PredictionService``: ``Predict`` and ``GetModelMetadata``; ``ModelService``:
``GetModelStatus``. The same service (:mod:`.service`) as the REST routes: the same models,
batchers, limits and metrics, so a request gets the same numbers either way. Refusals get the
status codes of :mod:`.errors`' table (a client's mistake ``INVALID_ARGUMENT``, an unknown
model or version ``NOT_FOUND``, no version loaded yet ``UNAVAILABLE``); ``INTERNAL`` only for
a bug. Bytes that are not UTF-8 are read with U+FFFD in their place, as the model's own
standardisation does.

Example (a user of TF Serving, with the ``tensorflow-serving-api`` stubs):

>>> import grpc, tensorflow as tf  # doctest: +SKIP
>>> from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc  # doctest: +SKIP
>>> stub = prediction_service_pb2_grpc.PredictionServiceStub(grpc.insecure_channel("localhost:8500"))
>>> request = predict_pb2.PredictRequest()  # doctest: +SKIP
>>> request.model_spec.name = "tweetclf"  # doctest: +SKIP
>>> request.inputs["text"].CopyFrom(tf.make_tensor_proto(["Forest fire near La Ronge"]))  # doctest: +SKIP
>>> stub.Predict(request).outputs["probability"].float_val  # doctest: +SKIP
[0.93...]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import numpy as np
from google.protobuf import json_format
from tensorflow.core.framework import types_pb2
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    get_model_status_pb2,
    model_service_pb2_grpc,
    predict_pb2,
    prediction_service_pb2_grpc,
)

from tweet_classifier.server.errors import BadRequestError, refusal
from tweet_classifier.server.protocol import check_signature, check_texts
from tweet_classifier.server.service import Service
from tweet_classifier.server.store import LoadedVersion

log = logging.getLogger("tweetclf.serve")


class _Servicer:
    """What both gRPC services share: the transport-neutral service, and one way to answer errors."""

    def __init__(self, service: Service) -> None:
        self.server = service

    def model(self, spec: Any) -> LoadedVersion:
        if spec.version_label:
            raise BadRequestError("version labels are not supported: pin a version")
        return self.server.store.get(spec.name, _version(spec))

    async def answer(self, method: str, spec: Any, context: Any, work: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``work``; a refusal as its status code (:mod:`.errors`); count the request in the metrics."""
        started = time.perf_counter()
        code = grpc.StatusCode.OK
        try:
            return await work()
        except Exception as err:
            refused = refusal(err)
            if refused is not None:
                code, message = grpc.StatusCode[refused.grpc_code], refused.message
            else:  # a bug or a TF failure: say so, keep serving
                log.exception("gRPC %s failed", method)
                code, message = grpc.StatusCode.INTERNAL, f"internal error: {type(err).__name__}"
        finally:
            pinned = _version(spec)
            version = "latest" if pinned is None else str(pinned)
            seconds = time.perf_counter() - started
            self.server.metrics.observe_grpc(method, spec.name, version, code.name, seconds)
        await context.abort(code, message)


class PredictionService(_Servicer, prediction_service_pb2_grpc.PredictionServiceServicer):
    """``Predict`` and ``GetModelMetadata``."""

    async def Predict(self, request: Any, context: Any) -> Any:  # noqa: N802 (the proto's name)
        async def work() -> Any:
            model = self.model(request.model_spec)
            signature = request.model_spec.signature_name or "serving_default"
            check_signature(signature, model.signatures)
            texts = _texts(request, model.loaded.inputs[signature], self.server)
            pinned = _version(request.model_spec) is not None
            outputs = await self.server.run(model, texts, signature, pinned)
            wanted = list(request.output_filter) or sorted(outputs)
            unknown = sorted(set(wanted) - set(outputs))
            if unknown:
                raise BadRequestError(f"output_filter names outputs {unknown} that {signature} does not have")
            response = predict_pb2.PredictResponse()
            _fill_spec(response.model_spec, self.server.config.model_name, model.version, signature)
            for name in wanted:
                tensor_proto(outputs[name], response.outputs[name])
            return response

        return await self.answer("Predict", request.model_spec, context, work)

    async def GetModelMetadata(self, request: Any, context: Any) -> Any:  # noqa: N802
        async def work() -> Any:
            fields = list(request.metadata_field)
            if fields != ["signature_def"]:
                raise BadRequestError(f'metadata_field must be ["signature_def"], got {fields}')
            model = self.model(request.model_spec)
            definitions = json_format.ParseDict(
                model.signature_def(), get_model_metadata_pb2.SignatureDefMap()
            )
            response = get_model_metadata_pb2.GetModelMetadataResponse()
            _fill_spec(response.model_spec, self.server.config.model_name, model.version, "")
            response.metadata["signature_def"].Pack(definitions)
            return response

        return await self.answer("GetModelMetadata", request.model_spec, context, work)


class ModelService(_Servicer, model_service_pb2_grpc.ModelServiceServicer):
    """``GetModelStatus`` (``HandleReloadConfigRequest`` stays unimplemented, as the base class says)."""

    async def GetModelStatus(self, request: Any, context: Any) -> Any:  # noqa: N802
        async def work() -> Any:
            spec = request.model_spec
            entries = self.server.store.status(spec.name, _version(spec))
            for entry in entries:
                entry["version"] = int(entry["version"])
            return json_format.ParseDict(
                {"model_version_status": entries}, get_model_status_pb2.GetModelStatusResponse()
            )

        return await self.answer("GetModelStatus", request.model_spec, context, work)


def _texts(request: Any, input_name: str, server: Service) -> list[str]:
    """The request's one string input as texts, checked as REST checks them."""
    names = sorted(request.inputs)
    if names != [input_name]:
        raise BadRequestError(f"inputs must be exactly [{input_name!r}], got {names}")
    tensor = request.inputs[input_name]
    if tensor.dtype != types_pb2.DT_STRING:
        dtype = (
            types_pb2.DataType.Name(tensor.dtype)
            if tensor.dtype in types_pb2.DataType.values()
            else tensor.dtype
        )
        raise BadRequestError(f"inputs[{input_name!r}] must be DT_STRING, got {dtype}")
    dims = [d.size for d in tensor.tensor_shape.dim]
    if tensor.tensor_shape.unknown_rank or len(dims) != 1 or dims[0] != len(tensor.string_val):
        raise BadRequestError(
            f"inputs[{input_name!r}] must be a vector of {len(tensor.string_val)} strings, got shape {dims}"
        )
    values = [value.decode("utf-8", "replace") for value in tensor.string_val]
    return check_texts(values, input_name, server.config.limits, f"inputs[{input_name!r}]")


_DTYPES = {"float32": types_pb2.DT_FLOAT, "int64": types_pb2.DT_INT64, "bool": types_pb2.DT_BOOL}


def tensor_proto(array: np.ndarray, proto: Any) -> None:
    """Fill ``proto`` (a TensorProto) with ``array``: raw bytes for numbers, ``string_val`` for text.

    What ``tf.make_tensor_proto`` gives, without its generic checks on every answer.

    >>> from tensorflow.core.framework import tensor_pb2
    >>> proto = tensor_pb2.TensorProto()
    >>> tensor_proto(np.array([0.5, 1.0], np.float32), proto)
    >>> import tensorflow as tf; tf.make_ndarray(proto).tolist()
    [0.5, 1.0]
    """
    for size in array.shape:
        proto.tensor_shape.dim.add(size=size)
    if array.dtype.kind in "SO":
        proto.dtype = types_pb2.DT_STRING
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1))
        return
    dtype = _DTYPES.get(array.dtype.name)
    if dtype is None:
        import tensorflow as tf

        proto.CopyFrom(tf.make_tensor_proto(array))
        return
    proto.dtype = dtype
    proto.tensor_content = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()


def _version(spec: Any) -> int | None:
    """The version a ModelSpec pins, or ``None`` for the latest."""
    return int(spec.version.value) if spec.HasField("version") else None


def _fill_spec(spec: Any, name: str, version: int, signature: str) -> None:
    spec.name = name
    spec.version.value = version
    spec.signature_name = signature


async def start_grpc(server: Service, address: str) -> Any:
    """A started ``grpc.aio`` server for both services on ``address`` (``host:port``)."""
    limit = server.config.max_body_bytes
    grpc_server = grpc.aio.server(options=[("grpc.max_receive_message_length", limit)])
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
        PredictionService(server), grpc_server
    )
    model_service_pb2_grpc.add_ModelServiceServicer_to_server(ModelService(server), grpc_server)
    grpc_server.add_insecure_port(address)
    await grpc_server.start()
    return grpc_server
