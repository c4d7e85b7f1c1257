#!/usr/bin/env python3
"""Opens a gpusim HTML report in headless Chromium (DevTools protocol over a pipe; no packages needed),
takes a screenshot, and fails on any console error, uncaught exception, or network request, or when a
chart has no data.

usage: check_report.py CHROMIUM REPORT.html SCREENSHOT.png MIN_CHARTS
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

CHECK_CHARTS = r"""
(() => {
  const out = [];
  document.querySelectorAll('canvas').forEach((c) => {
    const chart = Chart.getChart(c);
    let points = 0;
    if (chart) chart.data.datasets.forEach((d) => { points += (d.data || []).length; });
    // Tick labels with float noise (20.0000000000003): a number with 7 or more decimals.
    const noisy = [];
    if (chart) Object.values(chart.scales).forEach((s) => (s.ticks || []).forEach((t) => {
      const label = String(t.label);
      if (/\d\.\d{7,}/.test(label)) noisy.push(label);
    }));
    out.push({id: c.id, drawn: !!chart, points: points, width: c.width, height: c.height, noisy: noisy});
  });
  return JSON.stringify({ready: document.body.getAttribute('data-charts'), charts: out});
})()
"""


class Browser:
    def __init__(self, chromium, profile):
        # fd 3: commands to the browser, fd 4: its answers (--remote-debugging-pipe).
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        os.set_inheritable(to_browser_r, True)
        os.set_inheritable(from_browser_w, True)

        def child_fds():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + profile, "--window-size=1200,900", "about:blank"],
            preexec_fn=child_fds, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_browser, json.dumps(msg).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def wait(self, pred, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            m = self.read()
            if pred(m):
                if "error" in m:
                    raise RuntimeError(json.dumps(m["error"]))
                return m
            self.events.append(m)
        raise RuntimeError("timed out waiting for chromium")

    def close(self):
        try:
            os.write(self.to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    chromium, report, screenshot, min_charts = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    url = "file://" + report
    profile = tempfile.mkdtemp(prefix="gpusim-chromium-")
    browser = Browser(chromium, profile)
    problems = []
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["result"]["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(domain + ".enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired")
        result = browser.send("Runtime.evaluate", {"expression": CHECK_CHARTS, "returnByValue": True},
                              session=session)["result"]["result"]
        if result.get("type") != "string":
            problems.append("the page's charts could not be inspected: " + json.dumps(result))
            state = {"charts": []}
        else:
            state = json.loads(result["value"])
        charts = state["charts"]
        if len(charts) < min_charts:
            problems.append("%d charts, expected at least %d" % (len(charts), min_charts))
        if state.get("ready") != str(len(charts)):
            problems.append("the page's script did not finish (data-charts=%s)" % state.get("ready"))
        for c in charts:
            if not c["drawn"] or c["points"] == 0:
                problems.append("chart %s has no data (%s)" % (c["id"], json.dumps(c)))
            if c.get("noisy"):
                problems.append("chart %s has tick labels with float noise: %s" % (c["id"], ", ".join(c["noisy"])))
        # Full-page screenshot.
        metrics = browser.send("Page.getLayoutMetrics", session=session)["result"]
        height = int(metrics["cssContentSize"]["height"])
        shot = browser.send("Page.captureScreenshot",
                            {"format": "png", "captureBeyondViewport": True,
                             "clip": {"x": 0, "y": 0, "width": 1200, "height": height, "scale": 1}},
                            session=session)["result"]["data"]
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot))
        # Anything the page asked for or complained about.
        for m in browser.events:
            method = m.get("method", "")
            p = m.get("params", {})
            if method == "Network.requestWillBeSent" and p["request"]["url"] != url:
                problems.append("network request: " + p["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                problems.append("exception: " + json.dumps(p["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                problems.append("console %s: %s" % (p["type"], json.dumps(p.get("args"))[:500]))
            elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                problems.append("log %s: %s" % (p["entry"]["level"], p["entry"]["text"][:500]))
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print("%s: %d charts, %d points; screenshot %s" % (report, len(charts), sum(c["points"] for c in charts), screenshot))
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
