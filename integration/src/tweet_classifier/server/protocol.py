"""Request bodies in, response bodies out: TF Serving's row/columnar JSON, SageMaker's content types."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from tweet_classifier.server.errors import BadRequestError, UnsupportedMediaTypeError
from tweet_classifier.signatures import MAX_WORDS

# what follows /v1/models/ in TF Serving's REST paths: NAME[/versions/N][:predict|/metadata]
MODEL_PATH = re.compile(r"^(?P<name>[^/:]+)(?:/versions/(?P<version>[0-9]+))?(?P<tail>/metadata|:predict)?$")


@dataclass(frozen=True)
class Limits:
    """What one request may ask (``tweetclf serve``'s flags of the same names)."""

    max_instances: int = 1024
    max_text_bytes: int = 64 * 1024
    max_explain_words: int = 65536
    max_request_text_bytes: int = 1024 * 1024


def explain_cost(texts: list[str]) -> int:
    """The words ``explain`` reads for ``texts``: each text once per word it explains (its first
    :data:`~tweet_classifier.signatures.MAX_WORDS`), each time all its words but one.

    >>> explain_cost(["a b c", "fire"])  # 3 x 3 + 1 x 1
    10
    """
    return sum(min(n, MAX_WORDS) * n for n in (len(text.split()) for text in texts))


def check_work(texts: list[str], signature: str, limits: Limits) -> None:
    """Refuse, before any model work, a request whose cost is past a limit (400 / INVALID_ARGUMENT)."""
    if signature != "explain":
        return
    cost = explain_cost(texts)
    if cost > limits.max_explain_words:
        raise BadRequestError(
            f"explain would read {cost:,} words (each text once per explained word, up to "
            f"{MAX_WORDS}, times its words); the limit is {limits.max_explain_words:,} per request "
            "(--max-explain-words): send fewer or shorter texts"
        )


@dataclass(frozen=True)
class PredictRequest:
    texts: list[str]
    columnar: bool
    signature: str


def check_signature(signature: str, available: Any) -> None:
    """TF Serving's answer to a signature the model does not have (400 / INVALID_ARGUMENT)."""
    if signature not in available:
        raise BadRequestError(f'Serving signature name: "{signature}" not found in signature def')


def check_texts(values: Any, input_name: str, limits: Limits, where: str) -> list[str]:
    if not isinstance(values, list):
        raise BadRequestError(f"{where} must be a list of strings, got {type(values).__name__}")
    if not values:
        raise BadRequestError(f"{where} is empty: send at least one text")
    if len(values) > limits.max_instances:
        raise BadRequestError(
            f"{where} has {len(values)} items; the limit is {limits.max_instances} per request"
        )
    texts, total = [], 0
    for i, value in enumerate(values):
        if isinstance(value, dict):
            if set(value) != {input_name}:
                raise BadRequestError(
                    f"{where}[{i}] must be a string or {{{input_name!r}: string}}, got keys {sorted(value)}"
                )
            value = value[input_name]
        if isinstance(value, dict) and set(value) == {"b64"}:
            raise BadRequestError(
                f"{where}[{i}]: base64 bytes are not supported; send the text as a JSON string"
            )
        if not isinstance(value, str):
            raise BadRequestError(f"{where}[{i}] must be a string, got {type(value).__name__}")
        try:  # one C-level pass: the byte length, and unpaired surrogates fail to encode
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError:
            raise BadRequestError(
                f"{where}[{i}] holds an unpaired surrogate (not valid UTF-8 text)"
            ) from None
        if size > limits.max_text_bytes:
            raise BadRequestError(f"{where}[{i}] is longer than {limits.max_text_bytes} bytes")
        total += size
        if total > limits.max_request_text_bytes:
            raise BadRequestError(
                f"{where} hold more than {limits.max_request_text_bytes:,} bytes of text (the limit "
                "per request, --max-request-text-bytes): send them in several requests"
            )
        texts.append(value)
    return texts


def parse_json_body(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("the body is not valid UTF-8") from None
    return load_json(text, "the body")


def load_json(text: str, what: str) -> Any:
    """``json.loads``, every failure a 400: bad syntax, nesting too deep, integers too long."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BadRequestError(
            f"{what} is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    except RecursionError:
        raise BadRequestError(f"{what} nests JSON arrays or objects too deeply") from None
    except ValueError as err:  # e.g. an integer past Python's 4300-digit conversion limit
        raise BadRequestError(f"{what} holds a value JSON cannot convert: {str(err)[:120]}") from None


def parse_predict(body: bytes, input_name: str, limits: Limits) -> PredictRequest:
    """TF Serving's predict body: ``{"instances": [...]}`` or ``{"inputs": ...}``, optional signature_name."""
    data = parse_json_body(body)
    if not isinstance(data, dict):
        raise BadRequestError('the body must be a JSON object with "instances" or "inputs"')
    signature = data.get("signature_name", "serving_default")
    if not isinstance(signature, str):
        raise BadRequestError("signature_name must be a string")
    unknown = sorted(set(data) - {"instances", "inputs", "signature_name"})
    if unknown:
        raise BadRequestError(f"unknown keys in the request: {unknown}")
    if ("instances" in data) == ("inputs" in data):
        raise BadRequestError(
            'the body must hold exactly one of "instances" (row format) or "inputs" (columnar format)'
        )
    if "instances" in data:
        return PredictRequest(
            check_texts(data["instances"], input_name, limits, "instances"), False, signature
        )
    inputs = data["inputs"]
    if isinstance(inputs, dict):
        if set(inputs) != {input_name}:
            raise BadRequestError(f"inputs must name the input {input_name!r}, got {sorted(inputs)}")
        inputs = inputs[input_name]
    return PredictRequest(check_texts(inputs, input_name, limits, "inputs"), True, signature)


def parse_invocation(body: bytes, content_type: str, input_name: str, limits: Limits) -> PredictRequest:
    """SageMaker's /invocations: application/json, application/jsonlines or text/csv (exactly)."""
    if content_type == "application/json":
        return parse_predict(body, input_name, limits)
    if content_type == "application/jsonlines":
        values = []
        try:
            lines = body.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise BadRequestError("the body is not valid UTF-8") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            values.append(load_json(line, f"line {number}"))
        return PredictRequest(check_texts(values, input_name, limits, "lines"), False, "serving_default")
    if content_type == "text/csv":
        try:
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        except UnicodeDecodeError:
            raise BadRequestError("the body is not valid UTF-8") from None
        except csv.Error as err:
            raise BadRequestError(f"the body is not valid CSV: {err}") from None
        values = []
        for number, row in enumerate(rows, start=1):
            if not row:
                continue
            if len(row) != 1:
                raise BadRequestError(
                    f"CSV row {number} has {len(row)} fields; send one tweet per row (quote commas)"
                )
            values.append(row[0])
        return PredictRequest(check_texts(values, input_name, limits, "rows"), False, "serving_default")
    raise UnsupportedMediaTypeError(
        f"unsupported content type {content_type!r}; use application/json, application/jsonlines or text/csv"
    )


def _plain(array: np.ndarray) -> list[Any]:
    """A JSON-ready list; strings (of any rank) decoded from UTF-8."""
    if array.dtype.kind in "SO":
        return _decoded(array.tolist())  # type: ignore[no-any-return]
    return array.tolist()  # type: ignore[no-any-return]


def _decoded(value: Any) -> Any:
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def format_predictions(outputs: dict[str, np.ndarray], columnar: bool) -> dict[str, Any]:
    """TF Serving's response shapes: row -> ``predictions``, columnar -> ``outputs``."""
    names = sorted(outputs)
    if columnar:
        if len(names) == 1:
            return {"outputs": _plain(outputs[names[0]])}
        return {"outputs": {name: _plain(outputs[name]) for name in names}}
    if len(names) == 1:
        return {"predictions": _plain(outputs[names[0]])}
    columns = {name: _plain(outputs[name]) for name in names}
    count = len(columns[names[0]])
    return {"predictions": [{name: columns[name][i] for name in names} for i in range(count)]}
