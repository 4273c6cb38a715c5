"""The tweetclf CLI: a real end-to-end run in subprocesses, and every user mistake -> one line, exit 2."""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import FAST, tweetclf

from sagemaker_launcher.testing import TEST_ROLE
from tweet_classifier import sample_csv
from tweet_classifier.cli import build_parser, main


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*tweetclf(), *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


def test_end_to_end(tmp_path: Path) -> None:
    kaggle = tmp_path / "kaggle"
    kaggle.mkdir()
    (kaggle / "train.csv").write_text("id,text,target\n1,a,1\n", encoding="utf-8")
    env = {**os.environ, "KAGGLE_DATA_DIR": str(kaggle)}
    train = run("train", "--model-dir", "models/tc", "--quiet", *FAST, cwd=tmp_path, env=env)
    assert train.returncode == 0, train.stderr[-2000:]
    assert "model:  models/tc/1" in train.stdout and "validation: F1" in train.stdout
    assert "oneDNN" not in train.stderr and "cuda" not in train.stderr  # TensorFlow's start-up notices
    # 80 sample tweets are too few to tune a threshold on: 0.5 is kept, and the run says so
    assert "threshold: kept 0.50; tuning it needs 500+ tweets and this run has 80" in train.stdout
    hint = f"Kaggle's data is in {kaggle}: for a real model (about "
    assert hint in train.stdout and f"tweetclf train --train-csv {kaggle / 'train.csv'}" in train.stdout
    metadata = json.loads((tmp_path / "models/tc/1/assets.extra/tweetclf.json").read_text(encoding="utf-8"))
    assert metadata["threshold"] == 0.5 and metadata["threshold_tweets"] == 80
    from importlib.metadata import version

    # who wrote it: a TF Serving image is chosen by the export's TensorFlow
    assert metadata["written_by"]["tensorflow"] == version("tensorflow")
    assert {"keras", "python", "tweetclf"} <= set(metadata["written_by"])

    texts = ["Forest fire near La Ronge", 'a "quoted",\nmulti-line tweet']
    predict = run("predict", "--model", "models/tc", *texts, cwd=tmp_path)
    assert predict.returncode == 0, predict.stderr[-2000:]
    assert predict.stderr == ""
    rows = list(csv.reader(io.StringIO(predict.stdout)))
    assert rows[0] == ["label", "probability", "text"] and len(rows) == 3
    for (label, probability, echoed), text in zip(rows[1:], texts, strict=True):
        assert label in {"0", "1"} and 0 <= float(probability) <= 1 and echoed == text

    test_csv = tmp_path / "test.csv"
    with sample_csv().open(encoding="utf-8") as src, test_csv.open("w", encoding="utf-8", newline="") as dst:
        rows = list(csv.DictReader(src))
        writer = csv.writer(dst)
        writer.writerow(["id", "keyword", "location", "text"])
        writer.writerows([[r["id"], r["keyword"], r["location"], r["text"]] for r in rows])
    submit = run(
        "predict", "--model", "models/tc", "--csv", "test.csv", "--out", "submission.csv", cwd=tmp_path
    )
    assert submit.returncode == 0, submit.stderr[-2000:]
    with (tmp_path / "submission.csv").open(encoding="utf-8") as handle:
        submission = list(csv.reader(handle))
    assert submission[0] == ["id", "target"]
    assert [r[0] for r in submission[1:]] == [r["id"] for r in rows]
    assert {r[1] for r in submission[1:]} <= {"0", "1"}

    evaluate = run(
        "evaluate", "--model", "models/tc/1", "--csv", str(sample_csv()), "--report-dir", "ev", cwd=tmp_path
    )
    assert evaluate.returncode == 0, evaluate.stderr[-2000:]
    assert "F1" in evaluate.stdout and (tmp_path / "ev" / "metrics.json").is_file()
    assert "holds the tweets this model was trained on" in evaluate.stderr  # scored on its own data
    with (tmp_path / "labelled.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:40])  # other tweets than the training file's 80
    unseen = run(
        "evaluate", "--model", "models/tc", "--csv", "labelled.csv", "--report-dir", "ev2", cwd=tmp_path
    )
    assert unseen.returncode == 0 and "trained on" not in unseen.stderr

    (tmp_path / "no_id.csv").write_text("text\nForest fire\nnice day\n", encoding="utf-8")
    no_id = run("predict", "--model", "models/tc", "--csv", "no_id.csv", cwd=tmp_path)
    assert no_id.returncode == 0 and "no_id.csv: no id column; the ids are row numbers from 0" in no_id.stderr
    assert [r[0] for r in csv.reader(io.StringIO(no_id.stdout))] == ["id", "0", "1"]

    package = run("package", "--model", "models/tc", "--out", "model.tar.gz", cwd=tmp_path)
    assert package.returncode == 0, package.stderr[-2000:]
    with tarfile.open(tmp_path / "model.tar.gz") as archive:
        names = archive.getnames()
    assert "1/saved_model.pb" in names and any(n.startswith("1/variables/") for n in names)
    assert "1/assets.extra/tf_serving_warmup_requests" in names  # SageMaker's TF Serving warms from it
    assert not any(n.startswith("1/report") for n in names)


def test_vectors_convert(tmp_path: Path) -> None:
    text = tmp_path / "glove.small.txt"
    text.write_text("fire 1 2\nsmoke 3 4\nthe 5 6\nzebra 7 8\n", encoding="utf-8")
    assert main(["vectors", "convert", str(text), "--out", str(tmp_path / "v.npz"), "--top-n", "1",
                 "--vocab-from", str(sample_csv())]) == 0  # fmt: skip
    from glove_lookup import WordVectors

    wv = WordVectors.load(tmp_path / "v.npz")
    assert wv.words == ["fire", "smoke", "the"]  # top-1 plus words of the sample, in file order
    np.testing.assert_array_equal(wv["smoke"], [3, 4])


def run_on_terminal(*args: str, cwd: Path) -> str:
    """Run tweetclf with stdout and stderr on a pseudo-terminal (80x24); everything it wrote."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen([*tweetclf(), *args], stdout=follower, stderr=follower, cwd=cwd)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=600) == 0, output.decode("utf-8", "replace")
    return output.decode("utf-8", "replace")


def test_loading_a_text_file_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    text = tmp_path / "glove.big.txt"
    text.write_text("".join(f"w{i} {i % 7} {i % 5} 0.5\n" for i in range(200_000)), encoding="utf-8")
    output = run_on_terminal("vectors", "convert", str(text), "--out", str(tmp_path / "v.npz"), cwd=tmp_path)
    assert "loading glove.big.txt:" in output and "100%" in output
    assert "200,000 words x 3" in output
    piped = run("vectors", "convert", str(text), "--out", str(tmp_path / "w.npz"), cwd=tmp_path)
    assert "%|" not in piped.stdout + piped.stderr  # no bar when nobody watches
    assert "200,000 words x 3" in piped.stdout
    out = str(tmp_path / "b.npz")
    builtin = run_on_terminal(
        "vectors", "convert", "glove-6b-50d", "--out", out, "--top-n", "5", cwd=tmp_path
    )
    assert "loading vectors glove-6b-50d ... 400,000 words x 50" in builtin
    assert "B/s" not in builtin  # nothing to count in a builtin set: no empty bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--train-csv", "{tmp}/absent.csv"], "absent.csv: no such file"),
        (["train", "--train-csv", "{tmp}/bad.csv"], "bad.csv:3: column 'target' must be 0 or 1"),
        (["train", "--train-csv", "{tmp}/empty_text.csv"], "empty_text.csv:2: column 'text' is empty"),
        (["train", "--train-csv", "{tmp}/bytes.csv"], "bytes.csv:2: undecodable bytes"),
        (
            ["train", "--train-csv", "{tmp}/one_class.csv"],
            "one_class.csv: every tweet has target 1; training",
        ),
        (
            ["train", "--train-csv", "{tmp}/few.csv"],
            "few.csv: 2 tweet(s) have target 1; training needs at least 5",
        ),
        (
            ["train", "--train-csv", "{tmp}/single.csv", "--model", "lstm"],  # no folds: 2 of a class do
            "single.csv: 1 tweet(s) have target 0; training needs at least 2",
        ),
        (
            ["train", "--train-csv", "{tmp}/blank.csv"],
            "blank.csv: every text is empty after the n-gram cleaning",
        ),
        (["train", "--train-csv", "{tmp}/nocol.csv"], "nocol.csv:1: missing column(s) ['target']"),
        (["train", "--model-dir", "{tmp}"], "not a model directory"),
        (["train", "--vectors", "{tmp}/v.pkl"], "refusing to unpickle"),
        (["train", "--vectors", "{tmp}/broken.zip"], "broken.zip: not a readable zip archive"),
        (["train", "--vectors", "{tmp}/dir.txt"], "dir.txt: is a directory, expected a vector file"),
        (
            ["vectors", "convert", "{tmp}/half.txt.gz", "--out", "{tmp}/o.npz"],
            "half.txt.gz: truncated or corrupt",
        ),
        (["predict", "--model", "{tmp}/none", "hello"], "no such model directory"),
        (["predict", "--model", "{tmp}"], "give either TEXT arguments or --csv"),
        (["vectors", "convert", "glove-6b-50d", "--out", "{tmp}/v.pkl"], "must end in .npz"),
        (["package", "--model", "{tmp}", "--out", "{tmp}/m.tar.gz"], "no SavedModel"),
        (["package", "--model", "{tmp}", "--out", "{tmp}"], "is a directory, expected a file path for --out"),
        (["predict", "--model", "{tmp}", "--batch-size", "0", "hi"], "--batch-size must be >= 1"),
        # every output flag: a directory where a file goes, a file where a directory goes
        (["predict", "--model", "{tmp}", "--csv", "{tmp}/nocol.csv", "--out", "{tmp}"], "is a directory"),
        (["vectors", "convert", "glove-6b-50d", "--out", "{tmp}/dir.npz"], "dir.npz: is a directory"),
        (
            ["evaluate", "--model", "{tmp}", "--csv", "{tmp}/labelled.csv", "--report-dir", "{tmp}/bad.csv"],
            "bad.csv: exists and is not a directory, expected one for --report-dir",
        ),
        (
            [
                "evaluate",
                "--model",
                "{tmp}",
                "--csv",
                "{tmp}/labelled.csv",
                "--report-dir",
                "{tmp}/bad.csv/r",
            ],
            "bad.csv: exists and is not a directory",
        ),
        (["train", "--model-dir", "{tmp}/bad.csv"], "bad.csv: exists and is not a directory"),
        (["package", "--model", "{tmp}", "--out", "{tmp}/bad.csv/m.tar.gz"], "no such directory for --out"),
        (
            [
                "sagemaker",
                "transform",
                "--model-data",
                "s3://b/m.tar.gz",
                "--csv",
                "{tmp}/nocol.csv",
                "--out",
                "{tmp}",
                "--bucket",
                "bkt",
            ],
            "is a directory, expected a file path for --out",
        ),
        (["predict", "--model", "{tmp}", "--explain", "--csv", "{tmp}/nocol.csv"], "--explain takes TEXT"),
        (["train", "--model-dir", "{tmp}/m", "--teacher", "{tmp}/nowhere"], "nowhere: no such teacher"),
        (["train", "--model-dir", "{tmp}/m", "--unlabelled-csv", "{tmp}/nocol.csv"], "needs --teacher"),
        (
            ["train", "--model-dir", "{tmp}/m", "--teacher", "minilm", "--model", "lstm"],
            "teacher must be empty",
        ),
    ],
)
def test_user_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "bad.csv").write_text("id,text,target\n1,a,1\n2,b,maybe\n")
    (tmp_path / "empty_text.csv").write_text("id,text,target\n1, ,1\n")
    (tmp_path / "bytes.csv").write_bytes(b"id,text,target\n1,\xff,1\n")
    (tmp_path / "one_class.csv").write_text("id,text,target\n1,fire,1\n2,flood,1\n")
    rows = lambda zeros, ones: "".join(f"{i},tweet {i},{int(i >= zeros)}\n" for i in range(zeros + ones))  # noqa: E731
    (tmp_path / "few.csv").write_text("id,text,target\n" + rows(10, 2))
    (tmp_path / "single.csv").write_text("id,text,target\n" + rows(1, 10))
    (tmp_path / "blank.csv").write_text(
        "id,text,target\n" + "".join(f"{i},\u200b,{i % 2}\n" for i in range(12))
    )
    (tmp_path / "nocol.csv").write_text("id,text\n1,a\n")
    (tmp_path / "v.pkl").write_bytes(b"not really")
    (tmp_path / "broken.zip").write_bytes(b"not a zip archive")
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "dir.npz").mkdir()
    (tmp_path / "labelled.csv").write_text("id,text,target\n1,fire,1\n")
    (tmp_path / "half.txt.gz").write_bytes(gzip.compress(b"fire 1 2\n" * 500)[:30])
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main([a.replace("{tmp}", str(tmp_path)) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


COMMANDS = [[], ["train"], ["evaluate"], ["predict"], ["vectors"], ["vectors", "convert"], ["package"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere(command: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0


def _all_parsers(parser: argparse.ArgumentParser, path: str = "tweetclf") -> Iterator[tuple[str, Any]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _all_parsers(child, f"{path} {name}")


def test_every_flag_says_what_it_does_and_its_default() -> None:
    silent = []
    for path, parser in _all_parsers(build_parser()):
        for action in parser._actions:
            if isinstance(
                action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)
            ):
                continue
            name = f"{path} {'/'.join(action.option_strings) or action.dest}"
            text = action.help or ""
            if text == argparse.SUPPRESS:
                continue
            if len(text) < 12:  # "(default: 256)" alone does not say what the flag does
                silent.append(f"{name}: {text!r}")
            elif action.option_strings and not action.required and not re.search(r"default|required", text):
                silent.append(f"{name}: no default in {text!r}")
    assert silent == []


def test_version_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and re.fullmatch(r"tweetclf \d+\.\d+\.\d+\n", capsys.readouterr().out)
    with pytest.raises(SystemExit):
        main(["--help"])
    examples = capsys.readouterr().out.split("examples:\n")[1].strip().splitlines()
    assert len(examples) == 4 and all(line.strip().startswith("tweetclf ") for line in examples)


NO_TENSORFLOW = (
    "import sys\n"
    "from tweet_classifier.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:  # also after argparse's SystemExit (--version)\n"
    "    print('tensorflow' in sys.modules, 'pandas' in sys.modules, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def test_commands_that_need_no_model_start_no_tensorflow(
    tmp_path: Path, trained: tuple[Any, Path], aws: str
) -> None:
    """package, predict with a missing CSV, a bad model dir, and SageMaker's endpoint commands answer
    without TensorFlow (each of these took 4-5 s of TensorFlow start-up before)."""
    _result, base = trained
    (tmp_path / "file").write_text("x", encoding="utf-8")
    commands = [  # (arguments, exit status, a user mistake: answered before pandas loads too)
        (["package", "--model", str(base), "--out", "m.tar.gz"], 0, False),
        (["predict", "--model", str(base), "--csv", "missing.csv"], 2, True),
        (["train", "--model-dir", "file"], 2, True),
        (["serve", "--model", "absent"], 2, True),
        (["sagemaker", "delete", "--endpoint", "absent"], 0, False),
        (
            ["sagemaker", "train", "--train-csv", "t.csv", "--bucket", "Not_A_Bucket", "--role", TEST_ROLE],
            2,
            True,
        ),
        (["sagemaker", "invoke", "--endpoint", "absent", "hello"], 2, False),
        (["--version"], 0, True),
    ]
    for args, code, mistake in commands:
        done = subprocess.run(
            [sys.executable, "-c", NO_TENSORFLOW, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == code, (args, done.stderr[-1000:])
        tensorflow, pandas = done.stderr.split()[-2:]
        assert tensorflow == "False" and (pandas == "False" or not mistake), (args, done.stderr[-1000:])


def test_predict_uses_the_highest_loadable_version_or_names_the_broken_one(
    trained: tuple[Any, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, _ = trained
    base = tmp_path / "m"
    shutil.copytree(result.version_dir, base / "1")
    shutil.copytree(result.version_dir, base / "2")
    for shard in (base / "2" / "variables").glob("variables.data-*"):
        shard.unlink()  # version 2 half-copied: its index is there, its data is not
    assert main(["predict", "--model", str(base), "Forest fire"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "label,probability,text"
    shutil.copytree(result.version_dir, base / "3")
    (base / "3" / "saved_model.pb").write_bytes(b"\x00 not a graph")  # complete files, corrupt graph
    assert main(["predict", "--model", str(base), "Forest fire"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tweetclf: error: {base / '3'}: cannot load this SavedModel (")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_train_with_a_teacher_exports_the_same_kind_of_model(tmp_path: Path) -> None:
    """``--teacher DIR`` (a tiny random BERT): the student is exported with the usual signatures,
    the report says what the teacher labelled, and a second run reads the teacher from the cache."""
    from tweet_classifier.teacher.random_bert import random_teacher_files

    teacher = random_teacher_files().save(tmp_path / "teacher")
    (tmp_path / "unlabelled.csv").write_text("id,text\n1,Flood warning for the valley\n2,my new phone\n")
    env = {**os.environ, "TWEETCLF_CACHE": str(tmp_path / "cache")}
    args = ["--teacher", str(teacher), "--teacher-epochs", "1", "--augment-copies", "2", "--quiet", *FAST]
    first = run(
        "train",
        "--model-dir",
        "models/tc",
        *args,
        "--unlabelled-csv",
        "unlabelled.csv",
        cwd=tmp_path,
        env=env,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert re.search(r"teacher: .*teacher, \d+ s of that .*; [\d,]+ augmented copies labelled", first.stdout)
    metrics = json.loads((tmp_path / "models/tc/1/report/metrics.json").read_text())
    assert metrics["members"]["distillation"]["copies"] > 80
    assert metrics["members"]["distillation"]["unlabelled"] >= 2
    assert metrics["config"]["teacher"] == str(teacher)
    assert min(metrics["history"]["accuracy"]) > 0.2  # against the soft targets rounded, not 0
    assert len(list((tmp_path / "cache/teachers").glob("*/teacher.weights.h5"))) == 1
    second = run("train", "--model-dir", "models/tc", *args, cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert len(list((tmp_path / "cache/teachers").glob("*/teacher.weights.h5"))) == 1
    predicted = run("predict", "--model", "models/tc", "Forest fire near La Ronge", cwd=tmp_path, env=env)
    assert predicted.returncode == 0 and predicted.stdout.startswith("label,probability,text")
