"""The optional LLM against a local OpenAI-compatible test server: normal answers, a timeout and a
malformed answer; the session never loses a turn."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kesu.roleplay import services

GOOD = "陈女士，真的非常抱歉让您等了这么久，我马上帮您查。"


class FakeLLM(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list[dict] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if FakeLLM.mode == "slow":
            time.sleep(1.5)
        system = body["messages"][0]["content"]
        if FakeLLM.mode == "malformed":
            payload = b'{"choices": [{"message": {}}]}'
        elif "JSON" in system:
            payload = json.dumps(
                {"choices": [{"message": {"content": '{"score": 82, "comment": "先共情再给方案"}'}}]}
            ).encode()
        else:
            payload = json.dumps(
                {"choices": [{"message": {"content": "嗯……你这么说我心里舒服一点了。"}}]}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):
            self.wfile.write(payload)


@pytest.fixture
def llm_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KESU_LLM_BASE_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.KESU_LLM_API_KEY = "test-key"
    settings.KESU_LLM_MODEL = "qwen-test"
    settings.KESU_LLM_TIMEOUT = 0.5
    FakeLLM.mode = "ok"
    FakeLLM.requests = []
    yield FakeLLM
    server.shutdown()
    server.server_close()


def test_llm_voices_the_customer_and_gives_an_opinion(scenario, learner, llm_server):
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    turn = services.session_reply(session_id=session.pk, user=learner, reply=GOOD, turn_number=1)
    assert (turn.line_source, turn.line) == ("llm", "嗯……你这么说我心里舒服一点了。")
    assert turn.opinion == {"score": 82, "comment": "先共情再给方案"}
    assert llm_server.requests[0]["path"] == "/v1/chat/completions"
    assert llm_server.requests[0]["auth"] == "Bearer test-key"
    assert llm_server.requests[0]["body"]["model"] == "qwen-test"
    # The score and the reaction are the engine's, whatever the model says.
    from kesu.roleplay.engine import start
    from kesu.roleplay.engine import turn as engine_turn

    scenario_obj = services.parsed_version(session.version)
    scripted = engine_turn(scenario_obj, start(scenario_obj), GOOD)
    assert (turn.score, turn.reaction, turn.anger) == (scripted.score, scripted.reaction, scripted.anger)


@pytest.mark.parametrize("mode", ["slow", "malformed"])
def test_failing_llm_falls_back_to_the_script_without_losing_turns(scenario, learner, llm_server, mode):
    llm_server.mode = "ok"
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    first = services.session_reply(session_id=session.pk, user=learner, reply=GOOD, turn_number=1)
    assert first.line_source == "llm"
    llm_server.mode = mode
    second = services.session_reply(
        session_id=session.pk, user=learner, reply="我已经为您申请加急，今天下午5点前发出。", turn_number=2
    )
    assert second.line_source == "scripted"
    assert second.opinion == {}
    session.refresh_from_db()
    assert session.turn_count == 2
    assert [t.number for t in session.turns.all()] == [1, 2]


def test_without_configuration_no_request_is_made(scenario, learner, settings):
    settings.KESU_LLM_BASE_URL = ""
    session = services.session_start(user=learner, scenario_code=scenario.code, mode="practice")
    turn = services.session_reply(session_id=session.pk, user=learner, reply=GOOD, turn_number=1)
    assert turn.line_source == "scripted"
