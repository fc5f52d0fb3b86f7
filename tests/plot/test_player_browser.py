"""The hand player in a real browser: headless Chromium loads the page from a file.

Checks that the page draws both hands (pixels of both colours in the hand
area), starts at the URL fragment's time, and that a real mouse click on the
time slider (sent through the Chrome DevTools Protocol over
--remote-debugging-pipe) moves the frame and the hands; also that Play plays.
Skips cleanly where Chromium is not installed (`apt-get install chromium`).
Set PUREPOSE_SCREENSHOTS=DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import select
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from purepose.plot import player
from purepose.plot.handplot import PRED_COLOUR, TRUE_COLOUR


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and Path("/usr/bin/chromium").exists():
        path = "/usr/bin/chromium"
    if path is None:
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    return path


def flags(profile: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--window-size=1000,1000",
        f"--user-data-dir={profile}",
    ]


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """A 10 s clip at 50 Hz (25 frames per second in the page), with 1 s of IK failure."""
    time_s = [i / 50.0 for i in range(501)]

    def pose(t: float, lag: float) -> list[float]:
        s = 0.5 + 0.5 * math.sin(2 * math.pi * 0.15 * (t - lag))
        row = [0.5 * s, 0.2 * s, 0.6 * s, 0.5 * s]
        for f in range(4):
            row += [0.1 * math.sin(t + f), 1.3 * s, 1.4 * s, 0.9 * s]
        return row

    y_true = [pose(t, 0.0) for t in time_s]
    y_pred = [pose(t, 0.6) for t in time_s]
    for i in range(100, 150):
        y_true[i] = [0.0] * 20
    path = tmp_path_factory.mktemp("player") / "hand.html"
    player.save_player(path, player.player_html(time_s, y_true, y_pred, title="browser test"))
    return path


# ---- a minimal PNG reader (8-bit RGB/RGBA, the kind Chromium writes) ---------------------


def read_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, pixel bytes row by row) of a non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up, corner = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                row[i] = (row[i] + pred) & 255
        out += row
        prev = row
    return width, height, bpp, bytes(out)


def colour_counts(png: bytes) -> dict[str, int]:
    """Pixels near the true hand's and the predicted hand's colour."""
    w, h, bpp, px = read_png(png)
    targets = {
        "true": tuple(int(TRUE_COLOUR[i : i + 2], 16) for i in (1, 3, 5)),
        "pred": tuple(int(PRED_COLOUR[i : i + 2], 16) for i in (1, 3, 5)),
    }
    counts = dict.fromkeys(targets, 0)
    for k in range(0, w * h * bpp, bpp):
        r, g, b = px[k], px[k + 1], px[k + 2]
        for name, (tr, tg, tb) in targets.items():
            if abs(r - tr) + abs(g - tg) + abs(b - tb) < 60:
                counts[name] += 1
    return counts


def pixel_difference(a: bytes, b: bytes) -> int:
    wa, ha, bpa, pa = read_png(a)
    wb, hb, bpb, pb = read_png(b)
    assert (wa, ha, bpa) == (wb, hb, bpb)
    return sum(1 for k in range(0, len(pa), bpa) if pa[k : k + 3] != pb[k : k + 3])


def keep(name: str, png: bytes) -> None:
    folder = os.environ.get("PUREPOSE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(png)


# ---- the DevTools protocol over a pipe ---------------------------------------------------


class Browser:
    """Chromium with --remote-debugging-pipe: JSON messages ended by NUL on fds 3 (in), 4 (out)."""

    def __init__(self, exe: str, profile: Path) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def wire() -> None:  # in the child: its fd 3 reads our commands, fd 4 writes replies
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [exe, *flags(profile), "--remote-debugging-pipe", "about:blank"],
            preexec_fn=wire,  # os.pipe() fds close on exec; their dup2 copies 3 and 4 stay
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(out_w)
        self._buffer = b""
        self._next_id = 0

    def send(self, method: str, params: dict | None = None, session: str | None = None):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30.0
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out_r], [], [], left)[0]:
                raise TimeoutError(f"no reply to {method} within 30 s")
            chunk = os.read(self._out_r, 1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe during {method}")
            self._buffer += chunk

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child, by its handle
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._out_r)


class Tab:
    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1000, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.body && document.body.dataset.ready === '1'")

    def call(self, method: str, params: dict | None = None):
        return self.browser.send(method, params, self.session)

    def eval(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.eval(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"page never satisfied {expression!r}")
            time.sleep(0.05)

    def rect(self, element_id: str) -> dict:
        js = f"JSON.stringify(document.getElementById('{element_id}').getBoundingClientRect())"
        return json.loads(self.eval(js))

    def screenshot(self, element_id: str) -> bytes:
        import base64

        r = self.rect(element_id)
        clip = {"x": r["x"], "y": r["y"], "width": r["width"], "height": r["height"], "scale": 1}
        data = self.call("Page.captureScreenshot", {"format": "png", "clip": clip})["data"]
        return base64.b64decode(data)

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def frame(self) -> int:
        return int(self.eval("document.body.dataset.frame"))


@pytest.fixture
def browser(tmp_path):
    b = Browser(chromium(), tmp_path / "profile")
    yield b
    b.close()


# ---- the tests ----------------------------------------------------------------------------


def test_page_starts_at_the_fragment_time(page, tmp_path):
    """--dump-dom after load: the body carries the frame nearest #t=6."""
    result = subprocess.run(
        [
            chromium(),
            *flags(tmp_path / "profile"),
            "--virtual-time-budget=3000",
            "--dump-dom",
            f"{page.as_uri()}#t=6",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    body = re.search(r"<body([^>]*)>", result.stdout)
    assert body, result.stderr[-2000:]
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', body.group(1)))
    assert attrs["ready"] == "1" and attrs["frames"] == "251"
    assert attrs["frame"] == "150" and float(attrs["time"]) == pytest.approx(6.0)


def test_hands_are_drawn_and_the_slider_moves_them(page, browser):
    tab = Tab(browser, f"{page.as_uri()}#t=1")
    assert tab.frame() == 25
    before = tab.screenshot("hands")
    keep("player_t1.png", before)
    counts = colour_counts(before)
    assert counts["true"] > 2000 and counts["pred"] > 2000, counts  # both hands, both colours

    slider = tab.rect("slider")
    tab.click(slider["x"] + 0.8 * slider["width"], slider["y"] + slider["height"] / 2)
    moved = tab.frame()
    assert abs(moved - 0.8 * 250) <= 6, moved  # a real input event moved the slider
    assert float(tab.eval("document.body.dataset.time")) == pytest.approx(moved / 25, abs=0.05)
    after = tab.screenshot("hands")
    keep("player_t8.png", after)
    assert pixel_difference(before, after) > 1000  # the hands moved
    counts = colour_counts(after)
    assert counts["true"] > 2000 and counts["pred"] > 2000, counts

    # In the IK failure (2 s to 3 s) only the predicted hand is drawn.
    tab.eval("location.hash = 't=2.52'")
    tab.wait_for("document.body.dataset.frame === '63'")
    gap = tab.screenshot("hands")
    keep("player_t2.5_ik_failure.png", gap)
    counts = colour_counts(gap)
    assert counts["pred"] > 2000 and counts["true"] < 1000, counts  # captions and scale bar
    assert "IK failure" in tab.eval("document.getElementById('info').textContent")


def test_play_advances_the_frames(page, browser):
    tab = Tab(browser, f"{page.as_uri()}#t=2")
    start = tab.frame()
    button = tab.rect("play")
    tab.click(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
    tab.wait_for("document.body.dataset.playing === '1'")
    tab.wait_for(f"+document.body.dataset.frame >= {start + 5}", timeout=20.0)
    tab.click(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
    tab.wait_for("document.body.dataset.playing === '0'")
    paused = tab.frame()
    time.sleep(0.4)
    assert tab.frame() == paused > start
