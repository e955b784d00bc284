"""The command line: kesu triage / kesu lint-reply, through kesu.triage.cli and the Django commands."""

import io
import json

from django.core.management import call_command

from kesu.triage import cli

KEYS = {"category", "confidence", "anger_level", "flags", "demands", "cues"}


def run(argv, stdin=""):
    out = io.StringIO()
    code = cli.main(argv, stdout=out, stdin=io.StringIO(stdin))
    return code, out.getvalue()


def test_json_output_has_the_keys():
    code, out = run(["--json", "快递三天没更新，我要投诉到12315"])
    assert code == 0
    data = json.loads(out)
    assert set(data) >= KEYS
    assert data["category"] == "logistics"
    assert data["flags"] == ["regulator"]


def test_human_output_names_category_anger_and_script():
    code, out = run(["客服态度太差了"])
    assert code == 0
    assert "服务态度争议" in out
    assert "情绪" in out
    assert "建议话术" in out


def test_jsonl_reads_plain_and_json_lines():
    code, out = run(["--jsonl", "-"], stdin='快递丢了\n\n{"text": "APP一直闪退"}\n')
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["category"] for r in rows] == ["logistics", "technical_error"]
    assert all(set(r) >= KEYS for r in rows)


def test_eval_prints_metrics(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text(
        json.dumps({"text": "快递丢了", "category": "logistics", "anger": 1, "flags": []}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    code, out = run(["eval", str(path)])
    assert code == 0
    assert "macro-F1: 1.000" in out
    code, out = run(["eval", str(path), "--json"])
    assert json.loads(out)["accuracy"] == 1.0


def test_train_refuses_too_few_examples(tmp_path):
    path = tmp_path / "few.jsonl"
    path.write_text('{"text": "快递丢了", "category": "logistics"}\n', encoding="utf-8")
    code, out = run(["train", str(path), "--out", str(tmp_path / "m.npz")])
    assert code == 1
    assert "not trained" in out
    assert not (tmp_path / "m.npz").exists()


def test_no_text_prints_usage():
    code, out = run([])
    assert code == 2


def test_lint_reply_json():
    out = io.StringIO()
    assert cli.lint_main(["--json", "这不归我们管，你自己去找快递公司。"], stdout=out) == 0
    data = json.loads(out.getvalue())
    assert 0 <= data["score"] <= 100
    assert "buck_passing" in {f["code"] for f in data["findings"]}


def test_django_commands_are_thin_wrappers():
    out = io.StringIO()
    call_command("triage", "--json", "快递丢了", stdout=out)
    assert json.loads(out.getvalue())["category"] == "logistics"
    out = io.StringIO()
    call_command("lint_reply", "--json", "非常抱歉给您带来不便", stdout=out)
    assert "score" in json.loads(out.getvalue())
