"""Tests of `econtract_async.sandbox._server` and `__main__`: a real 127.0.0.1 socket."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from econtract_async.sandbox import Sandbox, run_sandbox, serve_in_thread
from econtract_async.sandbox._server import RedactAccessLog

from .conftest import CLIENT_FORM

CRM = {"crm_api_id": "sandbox-crm-id", "crm_api_key": "sandbox-crm-key"}


def test_the_socket_accepts_connections_before_the_server_runs() -> None:
    """`econtract sandbox` prints its export lines before uvicorn starts: a client connecting
    right away is queued, not refused (the CLI test once failed with "connection refused")."""
    from econtract_async.sandbox._server import _bind

    sock = _bind(0)
    try:
        with socket.create_connection(sock.getsockname(), timeout=5):
            pass
    finally:
        sock.close()


def test_serves_on_a_free_loopback_port() -> None:
    """The server binds 127.0.0.1 on a free port and answers plain HTTP."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        assert live.base_url.startswith("http://127.0.0.1:")
        assert live.port > 0
        response = httpx.post(f"{live.crm_base_url}/api/clients", data={**CLIENT_FORM, **CRM})
        assert response.status_code == 200
        assert httpx.get(f"{live.base_url}/_sandbox/health").json()["status"] == "ok"


def test_port_is_released_after_the_block() -> None:
    """Stopping the server frees its port."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        port = live.port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_dropped_connection_on_a_real_socket_after_the_write() -> None:
    """uvicorn closes the connection without a complete answer, after storing the client."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        sandbox.set_faults(script=("drop",))
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.post(f"{live.base_url}/api/clients", data={**CLIENT_FORM, **CRM})
        assert sandbox.store.count("clients") == 1


def test_faults_change_at_run_time_over_http() -> None:
    """The admin endpoint switches faults on and off while serving."""
    with Sandbox() as sandbox, serve_in_thread(sandbox) as live:
        httpx.post(f"{live.base_url}/_sandbox/faults", json={"error_rates": {"502": 1.0}})
        assert httpx.get(f"{live.base_url}/api/clients/1", params=CRM).status_code == 502
        httpx.delete(f"{live.base_url}/_sandbox/faults")
        assert httpx.get(f"{live.base_url}/api/clients/1", params=CRM).status_code == 404


def test_restarted_sandbox_keeps_its_data(tmp_path: Path) -> None:
    """A new sandbox on the same database file serves what the old one stored."""
    db = tmp_path / "sandbox.db"
    with Sandbox(db=db) as first, serve_in_thread(first) as live:
        response = httpx.post(f"{live.base_url}/api/clients", data={**CLIENT_FORM, **CRM})
        created = response.json()["data"]
    with Sandbox(db=db) as second, serve_in_thread(second) as live:
        again = httpx.get(f"{live.base_url}/api/clients/{created['id']}", params=CRM).json()
    assert again == {"status": 200, "data": created}


@pytest.mark.asyncio
async def test_run_sandbox_serves_inside_async_with(tmp_path: Path) -> None:
    """run_sandbox starts a sandbox for the block and stops it afterwards."""
    async with (
        run_sandbox(db=tmp_path / "s.db") as live,
        httpx.AsyncClient(base_url=live.base_url) as http,
    ):
        response = await http.get("/api/clients/1", params=CRM)
    assert response.status_code == 404


def test_access_log_hides_secret_parameters() -> None:
    """The uvicorn access log never shows crm_api_key or apikey values."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1",
            "GET",
            "/api/clients/1?crm_api_id=x&crm_api_key=s3cr3t&apikey=abc",
            "1.1",
            200,
        ),
        None,
    )
    RedactAccessLog().filter(record)
    message = record.getMessage()
    assert "s3cr3t" not in message
    assert "abc" not in message
    assert "crm_api_id=x" in message


def _free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_command_line_serves_both_apis(tmp_path: Path) -> None:
    """`python -m econtract_async.sandbox` serves the CRM and the product API on loopback."""
    port = _free_port()
    command = [sys.executable, "-m", "econtract_async.sandbox", "--port", str(port)]
    command += ["--db", str(tmp_path / "cli.db")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/_sandbox/health")
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        created = httpx.post(f"{base}/api/clients", data={**CLIENT_FORM, **CRM})
        assert created.status_code == 200
        unsigned = httpx.get(f"{base}/products.json", params={"lang": "nl"})
        assert unsigned.status_code == 400
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert b"sandbox-crm-key" not in stderr
