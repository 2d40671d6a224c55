#!/usr/bin/env python3
"""--report in a real browser: headless Chromium loads the HTML report and the rendered DOM
is read through the DevTools protocol (over a pipe: no port, no extra package).

On the shared samples (wmi/, sysmon/, triage/) the report must show what the same run's
other views print, which their own tests check against python-evtx and the expected
tables: every host of --coverage and --subscriptions has a section; each subscription of
`--subscriptions -f json` is an article in its host's section with its verdict,
indicators, and its action and query as text; its chart lane has one mark per event of
its evidence, in time order, inside the axis; the coverage table is --coverage's rows;
each detection's table is its `-f json` rows, cell for cell. The page must make no
request but for itself, log no Content-Security-Policy violation, hold no script, and
forbid loading anything in its CSP.

A hostile fixture (tests/report/hostile.json, written by evtxgen: a consumer whose script
is `</script><script>alert(1)</script>` and an `<img onerror>`, markup in the host,
filter, consumer, query, user and Sysmon Destination, and an input file whose name is
markup) must render as text: the strings are in the DOM's text, no element they name
exists, no dialog opens, and no request is made.

A screenshot of the samples' report is saved beside the report (report.png) for people.

usage: report_browser.py WMIHUNT EVTXGEN SAMPLES_DIR OUT_DIR
(exits 77, skipped, without the samples or without chromium)
"""
import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from checks import SKIPPED, expect, failures, samples_absent

HERE = os.path.dirname(os.path.abspath(__file__))
CSP = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
       "form-action 'none'")


class Browser:
    """Headless Chromium driven through --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            # Copies first: either end may itself be fd 3 or 4.
            read_end, write_end = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--disable-default-apps",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def load(self, url, timeout=60):
        """Navigates to url and returns the events seen until its load event."""
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            self.events.append(self.read_message(deadline))
        # Anything the page starts after load (none should) has a moment to show.
        self.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 300))",
                                       "awaitPromise": True}, session=True)
        return self.events

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate",
                           {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate: {result['exceptionDetails']}")
        return result["result"]["value"]

    def screenshot(self, path):
        width, height = self.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                  session=True)
        shot = self.call("Page.captureScreenshot",
                         {"format": "png", "captureBeyondViewport": True,
                          "clip": {"x": 0, "y": 0, "width": 1280,
                                   "height": min(height, 16000), "scale": 1}},
                         session=True)
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (EOFError, TimeoutError, RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)


# What the page is made of, read in the page: one JSON value.
DOM_FACTS = r"""
(() => {
  const text = e => e ? e.textContent : null;
  const all = s => Array.from(document.querySelectorAll(s));
  return {
    csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content,
    title: document.title,
    loaders: all('script, img, iframe, object, embed, link, audio, video, source, frame, base, form, style:not(head > style)').map(e => e.tagName.toLowerCase()),
    handlers: all('*').filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).map(e => e.tagName),
    hosts: all('section.host').map(s => ({
      name: s.dataset.host,
      heading: text(s.querySelector('h2')),
      coverage: all('#' + s.id + ' table tbody tr').map(r => Array.from(r.cells).map(c => c.textContent)),
      articles: all('#' + s.id + ' article.subscription').map(a => ({
        id: a.id,
        verdict: a.dataset.verdict,
        badge: text(a.querySelector('.badge')),
        fields: Object.fromEntries(Array.from(a.querySelectorAll('dl.fields dt')).map(dt => [dt.textContent, dt.nextElementSibling.textContent])),
        indicators: Array.from(a.querySelectorAll('dl.fields dd code')).map(c => c.textContent),
        action: text(a.querySelector('pre.payload:not(.query) code')),
        query: text(a.querySelector('pre.payload.query code')),
      })),
      charts: all('#' + s.id + ' svg.chart').length,
      lanes: all('#' + s.id + ' svg.chart g.lane').map(g => {
        const line = g.querySelector('line.span');
        const box = g.ownerSVGElement.viewBox.baseVal;
        return {
          subscription: g.dataset.subscription,
          x1: line.x1.baseVal.value, x2: line.x2.baseVal.value,
          marks: Array.from(g.querySelectorAll('circle, rect, path')).map(m => {
            const b = m.getBBox();
            return {title: m.querySelector('title').textContent, cx: b.x + b.width / 2,
                    kind: m.getAttribute('class')};
          }),
          width: box.width,
          rendered: g.getBoundingClientRect().width > 0,
        };
      }),
    })),
    coverage: all('#coverage-table tbody tr').map(r => Array.from(r.cells).map(c => c.textContent)),
    detections: Object.fromEntries(all('table.detection').map(t => [t.dataset.detection, {
      header: Array.from(t.tHead.rows[0].cells).map(c => c.textContent),
      rows: Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent)),
    }])),
    files: all('#files tbody tr, #other-files tbody tr').map(r => Array.from(r.cells).map(c => c.textContent)),
    counts: {
      hosts: text(document.getElementById('count-hosts')),
      suspicious: text(document.getElementById('count-suspicious')),
      unknown: text(document.getElementById('count-unknown')),
      benign: text(document.getElementById('count-benign')),
      rows: text(document.getElementById('count-rows')),
    },
    text: document.body.textContent,
  };
})()
"""


def run(wmihunt, *args, ok=(0, 1)):
    proc = subprocess.run([wmihunt, "-q", *args], capture_output=True, text=True)
    if proc.returncode not in ok:
        sys.exit(f"wmihunt {' '.join(args)}: exit {proc.returncode}: {proc.stderr}")
    return proc


def as_text(value):
    """What the page shows of a log value: CR LF and CR become LF (HTML's parsing)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def load_report(browser, path):
    events = browser.load("file://" + path)
    requests = [e["params"]["request"]["url"] for e in events
                if e["method"] == "Network.requestWillBeSent"]
    dialogs = [e for e in events if e["method"] == "Page.javascriptDialogOpening"]
    violations = [e["params"]["entry"]["text"] for e in events
                  if e["method"] == "Log.entryAdded"
                  and "Content Security Policy" in e["params"]["entry"].get("text", "")]
    return browser.evaluate(DOM_FACTS), requests, dialogs, violations


def check_page_is_closed(label, url, facts, requests, dialogs, violations):
    expect(f"{label}: the CSP lets the page load nothing", facts["csp"] == CSP, facts["csp"])
    expect(f"{label}: no request but the document itself", requests == [url], requests)
    expect(f"{label}: no Content-Security-Policy violation", violations == [], violations)
    expect(f"{label}: no dialog opened", dialogs == [], dialogs)
    expect(f"{label}: no element that loads or runs anything", facts["loaders"] == [],
           facts["loaders"])
    expect(f"{label}: no event handler attribute", facts["handlers"] == [], facts["handlers"])


def check_samples(browser, wmihunt, samples, out_dir):
    inputs = [os.path.join(samples, d) for d in ("wmi", "sysmon", "triage")]
    report = os.path.join(out_dir, "report.html")
    run(wmihunt, "--report", report, *inputs)
    subs = json.loads(run(wmihunt, "--subscriptions", "-f", "json", *inputs).stdout)
    coverage = json.loads(run(wmihunt, "--coverage", "-f", "json", *inputs).stdout)
    detections = json.loads(run(wmihunt, "-f", "json", *inputs).stdout)
    csv_rows = {}
    for d in detections["detections"]:
        proc = run(wmihunt, "-f", "csv", "-d", d["detection"], "--csv-raw", *inputs)
        csv_rows[d["detection"]] = proc.stdout
    url = "file://" + report
    facts, requests, dialogs, violations = load_report(browser, report)
    check_page_is_closed("samples", url, facts, requests, dialogs, violations)
    browser.screenshot(os.path.join(out_dir, "report.png"))

    hosts = sorted({s["host"] for s in subs["subscriptions"]} |
                   {c["host"] for c in coverage["coverage"]})
    expect("samples: one section per host, sorted",
           [h["name"] for h in facts["hosts"]] == hosts, ([h["name"] for h in facts["hosts"]], hosts))
    expect("samples: the host count", facts["counts"]["hosts"] == str(len(hosts)))
    for verdict, key in (("suspicious", "suspicious"), ("unknown", "unknown"),
                         ("known-benign", "benign")):
        n = sum(1 for s in subs["subscriptions"] if s["verdict"] == verdict)
        expect(f"samples: {n} {verdict} in the summary", facts["counts"][key] == str(n),
               facts["counts"][key])
    expect("samples: the summary counts suspicious subscriptions",
           int(facts["counts"]["suspicious"]) > 0)

    by_host = {h["name"]: h for h in facts["hosts"]}
    for host in hosts:
        section = by_host.get(host)
        if section is None:
            continue
        expect(f"{host}: heading", section["heading"] == f"Host {host}", section["heading"])
        mine = [s for s in subs["subscriptions"] if s["host"] == host]
        rows = [c for c in coverage["coverage"] if c["host"] == host]
        expect(f"{host}: coverage rows are --coverage's",
               [r[0] for r in section["coverage"]] == [c["source"] for c in rows] and
               [r[2] for r in section["coverage"]] == [str(c["records"]) for c in rows],
               (section["coverage"], rows))
        expect(f"{host}: one article per subscription", len(section["articles"]) == len(mine),
               (len(section["articles"]), len(mine)))
        expect(f"{host}: one chart when it has subscriptions", section["charts"] == (1 if mine else 0))
        expect(f"{host}: one lane per subscription", len(section["lanes"]) == len(mine))
        for i, (s, article) in enumerate(zip(mine, section["articles"])):
            label = f"{host} subscription {i + 1}"
            expect(f"{label}: verdict {s['verdict']}",
                   article["verdict"] == s["verdict"] and article["badge"] == s["verdict"],
                   article["verdict"])
            expect(f"{label}: indicators", article["indicators"] == (s["indicators"] or []),
                   (article["indicators"], s["indicators"]))
            expect(f"{label}: the action as text",
                   article["action"] == (as_text(s["action"]) if s["action"] else None),
                   (article["action"], s["action"]))
            expect(f"{label}: the query as text",
                   article["query"] == (as_text(s["query"]) if s["query"] else None),
                   (article["query"], s["query"]))
            for field, key in (("consumer", "consumer"), ("filter", "filter"),
                               ("state", "state"), ("user", "user"),
                               ("creator SID", "creator_sid")):
                expect(f"{label}: {field}", article["fields"].get(field) == (s[key] or None),
                       (article["fields"].get(field), s[key]))
            lane = section["lanes"][i]
            expect(f"{label}: its lane", lane["subscription"] == article["id"])
            events = sum(s["evidence"].values())
            expect(f"{label}: one mark per event of its evidence ({events})",
                   len(lane["marks"]) == events, (len(lane["marks"]), s["evidence"]))
            xs = [m["cx"] for m in lane["marks"]]
            expect(f"{label}: marks in time order, from its first to its last sighting",
                   xs == sorted(xs) and xs and abs(xs[0] - lane["x1"]) < 0.2 and
                   abs(xs[-1] - lane["x2"]) < 0.2, (xs, lane["x1"], lane["x2"]))
            expect(f"{label}: marks inside the chart",
                   all(250 - 0.2 <= x <= 985 + 0.2 for x in xs), xs)
            expect(f"{label}: the lane is drawn", lane["rendered"])
            sources = sorted(re.match(r"(\w+)", m["title"]).group(1) for m in lane["marks"])
            expected = sorted(k for k, n in s["evidence"].items() for _ in range(n))
            expect(f"{label}: each mark names its event's source", sources == expected,
                   (sources, expected))

    expect("samples: the case's coverage table is --coverage's",
           [(r[0], r[1], r[2], r[3]) for r in facts["coverage"]] ==
           [(c["host"], c["source"], str(c["files"]), str(c["records"]))
            for c in coverage["coverage"]], facts["coverage"])
    total = 0
    for name, csv_text in csv_rows.items():
        table = list(csv.reader(io.StringIO(csv_text)))
        shown = facts["detections"].get(name)
        body = table[1:]
        total += len(body)
        if not body:
            expect(f"{name}: no table when no rows", shown is None, shown)
            continue
        expect(f"{name}: the header is the CSV's", shown and shown["header"] == table[0],
               (shown and shown["header"], table[0]))
        expect(f"{name}: the rows are the CSV's, cell for cell",
               shown and shown["rows"] == [[as_text(c) for c in r] for r in body],
               (shown and shown["rows"], body))
    expect("samples: the detection row count", facts["counts"]["rows"] == str(total))
    logs = sorted(os.path.join(root, f) for i in inputs for root, _, names in os.walk(i)
                  for f in names if f.lower().endswith(".evtx"))
    expect(f"samples: every input file is listed once ({len(logs)})",
           sorted(r[0] for r in facts["files"]) == logs, len(facts["files"]))


def check_hostile(browser, wmihunt, evtxgen, out_dir):
    folder = os.path.join(out_dir, "hostile")
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([evtxgen, "scenario", "--out", folder,
                    os.path.join(HERE, "..", "report", "hostile.json")],
                   check=True, capture_output=True)
    # The input's own name is markup too.
    evil_name = os.path.join(folder, "x<img src=z onerror=alert(5)>.evtx")
    os.rename(os.path.join(folder, "hostile.evtx"), evil_name)
    report = os.path.join(out_dir, "hostile.html")
    run(wmihunt, "--report", report, evil_name)
    facts, requests, dialogs, violations = load_report(browser, report)
    check_page_is_closed("hostile", "file://" + report, facts, requests, dialogs, violations)
    text = facts["text"]
    for literal in ("</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>",
                    "&lt;not-an-entity&gt;", "WS-<i>HOSTILE</i>", "Filter<b>X</b>",
                    "Updater</script><script>alert(1)</script>",
                    "'<img src=y onerror=alert(3)>'", "CORP\\<svg onload=alert(4)>",
                    "Second<style>body{display:none}</style>",
                    "echo <iframe src=//198.51.100.7/></iframe>",
                    "x<img src=z onerror=alert(5)>.evtx"):
        expect(f"hostile: {literal!r} shows as text", literal in text)
    expect("hostile: the bidirectional override shows as \\u202E, not applied",
           "\\u202Egnp.exe" in text and "\u202e" not in text)
    hosts = facts["hosts"]
    expect("hostile: the host's section", [h["name"] for h in hosts] == ["WS-<i>HOSTILE</i>"],
           [h["name"] for h in hosts])
    if hosts:
        actions = [a["action"] for a in hosts[0]["articles"]]
        expect("hostile: the script consumer's payload, whole, as text",
               "</script><script>alert(1)</script>\n<img src=x onerror=alert(2)>\n"
               "&lt;not-an-entity&gt; \\u202Egnp.exe" in actions, actions)
        expect("hostile: three subscriptions, each with its lane",
               len(hosts[0]["articles"]) == 3 and len(hosts[0]["lanes"]) == 3)


def main():
    wmihunt, evtxgen, samples, out_dir = sys.argv[1:5]
    if samples_absent(samples):
        sys.exit(SKIPPED)
    if shutil.which("chromium") is None:
        print("SKIP: chromium is not installed (tools/install-deps.sh installs it)")
        sys.exit(SKIPPED)
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    wmihunt = os.path.abspath(wmihunt)
    samples = os.path.abspath(samples)
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(profile)
        try:
            check_samples(browser, wmihunt, samples, out_dir)
            check_hostile(browser, wmihunt, os.path.abspath(evtxgen), out_dir)
        finally:
            browser.close()
    if failures:
        sys.exit(1)
    print(f"report_browser: all checks passed; screenshot at {out_dir}/report.png")


if __name__ == "__main__":
    main()
