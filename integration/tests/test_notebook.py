"""The SageMaker walkthrough notebook, executed top to bottom against a moto server on 127.0.0.1.

moto stands in for AWS but runs nothing: its training job writes no artifact, its endpoint answers
what it is seeded with, its transform job writes no output. Where the real service would produce
something, this test puts there what our model produces: the locally trained version packed the
way SageMaker packs ``SM_MODEL_DIR`` (with the report), the endpoint's answers and the transform's
``.out`` file computed by that same model. Everything else (staging, the job requests, deploy,
invoke, transform requests, download, ``tweetclf serve``, cleanup) runs for real.
"""

from __future__ import annotations

import ast
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import boto3
import nbformat
import pytest
from conftest import free_port
from nbclient import NotebookClient

from sagemaker_launcher.testing import TEST_ROLE, seed_endpoint_results

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "sagemaker_walkthrough.ipynb"
REGION = "us-east-1"
BUCKET = "walkthrough-test"
PREDICTION_LINE = re.compile(r"^  ([01])  (\d\.\d{4})  (.*)$")


def with_parameters(**overrides: Any) -> Any:
    """The notebook with a cell after its ``parameters`` cell that sets ``overrides`` (as papermill does)."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    tagged = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    values = {"BUCKET": BUCKET, "ROLE": TEST_ROLE, "REGION": REGION, "POLL_SECONDS": 0.05, **overrides}
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    notebook.cells.insert(tagged + 1, nbformat.v4.new_code_cell(source))
    return notebook


def artifact_like_sagemaker(version_dir: Path, out: Path) -> Path:
    """``model.tar.gz`` as SageMaker makes it from ``SM_MODEL_DIR``: ``1/`` with everything in it."""
    with tarfile.open(out, "w:gz") as archive:
        archive.add(version_dir, arcname="1")
    return out


def cell_requests(cell: Any) -> dict[str, list[str]]:
    """The ``requests = {...}`` literal of the invoke cell (the texts the endpoint will be asked)."""
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "requests":
            value: dict[str, list[str]] = ast.literal_eval(node.value)
            return value
    raise AssertionError("the invoke cell defines no requests = {...}")


def predictions_body(model: Any, texts: list[str]) -> dict[str, Any]:
    probabilities, labels = model.predict(texts)
    return {
        "predictions": [
            {"label": int(label), "probability": float(p)}
            for p, label in zip(probabilities, labels, strict=True)
        ]
    }


def text_of(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.slow
def test_walkthrough_runs_top_to_bottom(aws: str, trained: Any, tmp_path: Path) -> None:
    from tweet_classifier import ExportedModel, read_tweets, sample_csv

    result, _base = trained
    model = ExportedModel(result.version_dir)
    artifact = artifact_like_sagemaker(result.version_dir, tmp_path / "model.tar.gz")
    s3 = boto3.client("s3", endpoint_url=aws, region_name=REGION)
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name=REGION)

    notebook = with_parameters(EPOCHS=1, WORK_DIR=str(tmp_path / "work"), LOCAL_PORT=free_port())

    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            tags = cell.metadata.get("tags", [])
            if "invoke" in tags:  # the endpoint's answers: what our model says, in call order
                requests = cell_requests(cell)
                seed_endpoint_results(aws, [predictions_body(model, t) for t in requests.values()], REGION)
            client.execute_cell(cell, index)
            if "train" in tags:  # the artifact the job would have written, where the job says it is
                job = sm.list_training_jobs()["TrainingJobSummaries"][0]["TrainingJobName"]
                uri = sm.describe_training_job(TrainingJobName=job)["ModelArtifacts"]["S3ModelArtifacts"]
                bucket, key = uri.removeprefix("s3://").split("/", 1)
                s3.upload_file(str(artifact), bucket, key)
            if "transform" in tags:  # the transform's output: one {"predictions"} line per mini-batch
                described = sm.describe_transform_job(TransformJobName=sm.list_transform_jobs()[
                    "TransformJobSummaries"][0]["TransformJobName"])  # fmt: skip
                source = described["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
                bucket, prefix = source.removeprefix("s3://").split("/", 1)
                (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
                lines = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8").splitlines()
                texts = [json.loads(line) for line in lines]
                out = "".join(
                    json.dumps(predictions_body(model, texts[i : i + 16])) + "\n"
                    for i in range(0, len(texts), 16)
                )
                output = described["TransformOutput"]["S3OutputPath"]
                bucket, prefix = output.removeprefix("s3://").split("/", 1)
                s3.put_object(
                    Bucket=bucket, Key=f"{prefix.rstrip('/')}/{key.rsplit('/', 1)[1]}.out", Body=out
                )

    nbformat.write(notebook, tmp_path / "executed.ipynb")  # kept by pytest for a look after a failure
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    by_tag = {tag: c for c in cells for tag in c.metadata.get("tags", [])}

    # every cell ran, none raised
    assert all(c.get("execution_count") for c in cells)
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]

    # step 4: one printed line per text, label 0/1, probability in [0, 1], texts in order
    requests = cell_requests(by_tag["invoke"])
    printed = [m for line in text_of(by_tag["invoke"]).splitlines() if (m := PREDICTION_LINE.match(line))]
    expected_texts = [t for texts in requests.values() for t in texts]
    assert [ast.literal_eval(m.group(3)) for m in printed] == expected_texts
    assert all(0.0 <= float(m.group(2)) <= 1.0 for m in printed)
    assert "" in expected_texts and any(ord(ch) > 0xFFFF for t in expected_texts for ch in t)  # emoji
    assert len(requests["several at once"]) > 1 and len(requests["one alone"]) == 1

    # step 5: every row of the scored CSV got a prediction
    rows = len(read_tweets(sample_csv(), labelled=False, allow_empty_text=True))
    assert any(f"scored {rows} tweets" in text_of(c) for c in cells)
    submission = (tmp_path / "work" / "submission.csv").read_text().splitlines()
    assert submission[0] == "id,target" and len(submission) == rows + 1

    # step 6: the local server gave the endpoint's answers (they came from the same model)
    differences = [re.search(r"local vs endpoint: ([0-9.]+)", text_of(c)) for c in cells]
    (difference,) = [float(m.group(1)) for m in differences if m]
    assert difference < 1e-4

    # plots inline: class balance, learning curves, confusion matrix
    images = [o for c in cells for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3

    # step 7: nothing left running
    assert sm.list_endpoints()["Endpoints"] == []
    assert sm.list_endpoint_configs()["EndpointConfigs"] == []
    assert sm.list_models()["Models"] == []


def test_committed_notebook_is_stripped_and_the_check_catches_outputs(tmp_path: Path) -> None:
    import subprocess
    import sys

    check = Path(__file__).resolve().parents[2] / "ci" / "check_notebooks.py"
    clean = subprocess.run([sys.executable, str(check), str(NOTEBOOK)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    notebook.cells[cell].outputs = [nbformat.v4.new_output("stream", name="stdout", text="secret bucket\n")]
    notebook.cells[cell].execution_count = 1
    executed = tmp_path / "executed.ipynb"
    nbformat.write(notebook, executed)
    found = subprocess.run([sys.executable, str(check), str(tmp_path)], capture_output=True, text=True)
    assert found.returncode == 1 and f"cells {cell + 1} hold outputs" in found.stdout

    assert subprocess.run([sys.executable, str(check), "--strip", str(executed)], check=False).returncode == 0
    stripped = nbformat.read(executed, as_version=4)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in stripped.cells
        if c.cell_type == "code"
    )
    assert [c.source for c in stripped.cells] == [
        c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
    ]
    assert subprocess.run([sys.executable, str(check), str(executed)]).returncode == 0


@pytest.mark.slow
def test_a_failed_cell_still_deletes_the_endpoint(aws: str, tmp_path: Path) -> None:
    """cleanup() is registered before anything is created: a kernel that stops after an error runs it."""
    from nbclient.exceptions import CellExecutionError

    notebook = with_parameters(WORK_DIR=str(tmp_path / "work"))
    invoke = next(i for i, c in enumerate(notebook.cells) if "invoke" in c.metadata.get("tags", []))
    notebook.cells.insert(invoke, nbformat.v4.new_code_cell("raise RuntimeError('the network went away')"))
    sm = boto3.client("sagemaker", endpoint_url=aws, region_name=REGION)

    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError, match="the network went away"):
        client.execute()
    deployed = [c for c in notebook.cells if "endpoint tweetclf-walkthrough: InService" in text_of(c)]
    assert deployed, "the endpoint was never created, so this test would prove nothing"
    assert sm.list_endpoints()["Endpoints"] == []
    assert sm.list_models()["Models"] == []
