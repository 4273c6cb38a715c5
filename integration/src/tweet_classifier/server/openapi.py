"""The OpenAPI 3 document of the server's routes (served at ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from tweet_classifier.server.protocol import Limits
from tweet_classifier.signatures import MAX_WORDS

_TEXTS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_PREDICT_BODY = {
    "type": "object",
    "properties": {
        "instances": {"oneOf": [_TEXTS, {"type": "array", "items": {"type": "object"}}]},
        "inputs": {"oneOf": [_TEXTS, {"type": "object"}]},
        "signature_name": {
            "type": "string",
            "default": "serving_default",
            "description": "serving_default (probability, label) or explain (words, tokens, oov, "
            "contribution: the probability minus that of the text without each word)",
        },
    },
}
_PREDICTIONS = {
    "type": "object",
    "properties": {
        "predictions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"probability": {"type": "number"}, "label": {"type": "integer"}},
            },
        },
        "outputs": {"type": "object"},
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"description": "error", "content": {"application/json": {"schema": _ERROR}}}
        for code in codes
    }


def limits_description(limits: Limits, max_body_bytes: int) -> str:
    """What one request may ask, in words (the OpenAPI document's ``info.description``).

    >>> limits_description(Limits(), 4 * 1024 * 1024).split("; ")[0]
    'Limits per request, each refused with a 400 naming its flag: at most 1024 texts (--max-instances)'
    """
    return (
        "Limits per request, each refused with a 400 naming its flag: "
        f"at most {limits.max_instances} texts (--max-instances); "
        f"{limits.max_text_bytes} bytes of UTF-8 per text (--max-text-bytes); "
        f"{limits.max_request_text_bytes} bytes of text in all (--max-request-text-bytes); "
        f"a body of {max_body_bytes} bytes (--max-body-bytes, else 413); "
        f"explain: {limits.max_explain_words} words read, each text once per explained word "
        f"(its first {MAX_WORDS}) times its words (--max-explain-words)"
    )


def openapi_document(
    model_name: str, limits: Limits | None = None, max_body_bytes: int = 4 << 20
) -> dict[str, Any]:
    status = {
        "type": "object",
        "properties": {"model_version_status": {"type": "array", "items": {"type": "object"}}},
    }
    json_ok = {"application/json": {"schema": _PREDICTIONS}}
    version = {"name": "version", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"tweetclf serve ({model_name})",
            "version": "1",
            "description": limits_description(limits or Limits(), max_body_bytes),
        },
        "paths": {
            f"/v1/models/{model_name}": {
                "get": {
                    "summary": "model version status (TF Serving)",
                    "responses": {
                        "200": {"description": "status", "content": {"application/json": {"schema": status}}},
                        **_errors(404),
                    },
                }
            },
            f"/v1/models/{model_name}/versions/{{version}}": {
                "get": {
                    "summary": "status of one version",
                    "parameters": [version],
                    "responses": {"200": {"description": "status"}, **_errors(404)},
                }
            },
            f"/v1/models/{model_name}/metadata": {
                "get": {
                    "summary": "signature metadata",
                    "responses": {"200": {"description": "metadata"}, **_errors(404, 503)},
                }
            },
            f"/v1/models/{model_name}:predict": {
                "post": {
                    "summary": "predict (row: instances, columnar: inputs)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _PREDICT_BODY}},
                    },
                    "responses": {
                        "200": {"description": "predictions", "content": json_ok},
                        **_errors(400, 404, 413, 503),
                    },
                }
            },
            f"/v1/models/{model_name}/versions/{{version}}:predict": {
                "post": {
                    "summary": "predict with a pinned version",
                    "parameters": [version],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _PREDICT_BODY}},
                    },
                    "responses": {
                        "200": {"description": "predictions", "content": json_ok},
                        **_errors(400, 404, 413),
                    },
                }
            },
            "/ping": {
                "get": {
                    "summary": "SageMaker health check",
                    "responses": {"200": {"description": "ready"}, **_errors(503)},
                }
            },
            "/invocations": {
                "post": {
                    "summary": "SageMaker inference",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _PREDICT_BODY},
                            "application/jsonlines": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "responses": {
                        "200": {"description": "predictions", "content": json_ok},
                        **_errors(400, 413, 415, 503),
                    },
                }
            },
        },
    }
