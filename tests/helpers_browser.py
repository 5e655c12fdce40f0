"""Headless Chromium for page tests: screenshots, the DOM after rendering, and the
requests a page made (from Chromium's own network log)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

BACKGROUND = "not an origin"  # initiator of the browser's own requests (updates, time)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    binary = chromium()
    assert binary
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=120,
    )


def screenshot(page: Path, size: tuple[int, int], work: Path) -> bytes:
    """A PNG of the page at `size`; checks it is one and has that size."""
    shot = work / f"shot-{size[0]}x{size[1]}.png"
    result = browser([f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}",
                      page.resolve().as_uri()], work / f"profile-{size[0]}")
    assert shot.exists(), result.stderr.decode(errors="replace")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == size
    return data


def dom_and_requests(page: Path, work: Path) -> tuple[str, list[str]]:
    """The DOM Chromium built from the page, and every URL the page itself asked for
    (requests the browser makes on its own have no page origin and are left out)."""
    log = work / "netlog.json"
    result = browser([f"--log-net-log={log}", "--dump-dom", page.resolve().as_uri()],
                     work / "profile-dom")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    events = json.loads(log.read_text(encoding="utf-8"))
    kinds = {value: name for name, value in events["constants"]["logEventTypes"].items()}
    requests = [
        params["url"]
        for event in events["events"]
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB"
        for params in [event.get("params", {})]
        if "url" in params and params.get("initiator") != BACKGROUND
        and not params["url"].startswith(("file:", "data:", "about:"))
    ]
    return result.stdout.decode("utf-8"), requests
