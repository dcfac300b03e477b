"""`make run`'s program as a person uses it: it prints where to chat, answers there, and Ctrl-C
leaves no process behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.settings import PROJECT_ROOT
from tests.conftest import DEPLOYMENT_VARIABLES, free_port


def processes_with(marker: str) -> list[int]:
    """Pids whose environment contains `marker` (the run's own DATA_DIR)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_run_prints_the_address_answers_and_ctrl_c_stops_everything(tmp_path, trained_model):
    data_dir = str(tmp_path / "run-data")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_VARIABLES}
    env.update(DATA_DIR=data_dir, PORT=str(port), RASA_PORT=str(free_port()), ACTION_PORT=str(free_port()))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.run"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        text = "".join(output)
        assert f"Chat:     http://127.0.0.1:{port}/" in text, text
        assert "Logs:" in text
        assert "tensorflow" not in text.lower() and "Traceback" not in text  # no start-up noise
        reply = httpx.post(
            f"http://127.0.0.1:{port}/api/chat", json={"sender_id": "run-test", "message": "who can help me"}, timeout=60
        ).json()
        assert "0151 511 7733" in reply["messages"][0]["text"]
        assert len(processes_with(f"DATA_DIR={data_dir}")) >= 4  # the runner and its three servers
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Stopped." in rest
    time.sleep(1)
    assert processes_with(f"DATA_DIR={data_dir}") == []
