"""The quickstart in a real browser: Debian's Jupyter Notebook server with the slimkit kernel,
driven by headless Chromium through Selenium, checking what a person sees.

Steps: copies notebooks/00-quickstart.ipynb into a temporary notebook dir (outputs cleared, %data
cut down, a 30-epoch %train appended), starts `jupyter-notebook` on 127.0.0.1 with a free port and
a token (SLIMKIT_QUICK=1 in its environment, so the kernel runs the notebook's quick mode), opens
the copy in headless Chromium, runs the cells up to %summary through Jupyter's JS API and the
%train cell by selecting it and pressing the toolbar's run button, then checks:
  (a) the %train cell shows exactly one progress bar and one chart while it runs and when it is
      done, and both update in place (screenshots of the output area taken while it runs differ,
      the chart image and the bar's value change, no image is ever stacked under another);
  (b) %summary's table renders as an HTML <table> with rows;
  (c) pressing the toolbar's stop button during `%train cnn --data fmnist --epochs 30` ends the
      cell with the one-line error "interrupted after N batches; the model keeps the steps
      trained so far and its history", and the kernel answers afterwards.
Screenshots go to out/browser/ (or --out DIR): the page, %summary, the %train output while it runs,
the finished %train cell (train-cell.png) and the same cropped to its input, bar and chart
(train-chart.png, the README's picture; train-chart-live.png at 3/4 of the run), the long %train
before and after stop. Prints one line per check and a closing "N passed, N failed"; exits 1
on any failure.

Run: install/browser-test.sh   (needs chromium, chromium-driver, python3-selenium,
jupyter-notebook and the installed kernelspec 'slimkit')
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "../../../.."))
QUICKSTART = os.path.join(ROOT, "notebooks", "00-quickstart.ipynb")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
INTERRUPTED = re.compile(r"^interrupted after (\d+) batches; the model keeps the steps trained so far and its history$")
LONG_TRAIN = "%train cnn --data fmnist --epochs 30"

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else " — " + str(detail)), flush=True)
    return ok


def log(text):
    print("  " + text, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def prepare_notebook(dest, limit, test_limit):
    """The quickstart copy: outputs cleared, %data and the quick-mode cut smaller, a long %train
    appended. Returns (index of %summary, index of %train, index of the long %train)."""
    nb = json.load(open(QUICKSTART))
    summary = train = None
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        cell["outputs"] = []
        cell["execution_count"] = None
        text = source(cell)
        if text.startswith("%data ") and "--limit" not in text:
            text = text.rstrip() + " --limit %d --test-limit %d" % (limit, test_limit)
        text = re.sub(r"\.limit\(\d+\)\.testLimit\(\d+\)", ".limit(%d).testLimit(%d)" % (limit, test_limit), text)
        cell["source"] = text
        if text.startswith("%summary ") and summary is None:
            summary = i
        if text.startswith("%train ") and train is None:
            train = i
    if summary is None or train is None:
        raise SystemExit("test_browser: the quickstart has no %summary or %train cell")
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": LONG_TRAIN})
    json.dump(nb, open(dest, "w"), indent=1)
    return summary, train, len(nb["cells"]) - 1


def jupyter_dirs(tmp):
    """A private Jupyter config/data/runtime dir; the slimkit kernelspec folder is copied into the
    data dir (its argv points at the installed jars and CDS archive, so the archive is not copied)."""
    from jupyter_client.kernelspec import KernelSpecManager
    spec_dir = KernelSpecManager().find_kernel_specs().get("slimkit")
    if not spec_dir:
        raise SystemExit("test_browser: no kernelspec 'slimkit' installed (run install/kernel.sh)")
    env = dict(os.environ)
    for name in ("config", "data", "runtime"):
        path = os.path.join(tmp, "jupyter-" + name)
        os.makedirs(path)
        env["JUPYTER_%s_DIR" % name.upper()] = path
    shutil.copytree(spec_dir, os.path.join(env["JUPYTER_DATA_DIR"], "kernels", "slimkit"),
                    ignore=shutil.ignore_patterns("*.jsa"))
    env["JUPYTER_PATH"] = ""
    return env


def start_server(notebook_dir, env, port, token, logfile):
    env = dict(env, SLIMKIT_QUICK="1")
    proc = subprocess.Popen(
        ["jupyter-notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
         "--NotebookApp.port_retries=0", "--NotebookApp.token=" + token,
         "--NotebookApp.notebook_dir=" + notebook_dir, "--NotebookApp.open_browser=False"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("test_browser: jupyter-notebook exited with %s (log: %s)" % (proc.returncode, logfile.name))
        try:
            urllib.request.urlopen(url + "/api/status?token=" + token, timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.3)
    raise SystemExit("test_browser: jupyter-notebook did not answer within 60 s")


def stop_server(proc, url, token):
    try:  # shut the kernels down through the server, then the server itself
        kernels = json.load(urllib.request.urlopen(url + "/api/kernels?token=" + token, timeout=5))
        for k in kernels:
            req = urllib.request.Request(url + "/api/kernels/%s?token=%s" % (k["id"], token), method="DELETE")
            urllib.request.urlopen(req, timeout=20).read()
    except OSError:
        pass
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=5)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_browser(width, height):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--force-device-scale-factor=1", "--window-size=%d,%d" % (width, height),
                "--hide-scrollbars", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def wait_for(driver, script, timeout, what, *args, poll=0.25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError("timed out after %d s waiting for %s" % (timeout, what))


DONE = "var c = Jupyter.notebook.get_cell(arguments[0]); return typeof c.input_prompt_number === 'number';"
ALL_DONE = """for (var i = 0; i < arguments[0]; i++) {
  var c = Jupyter.notebook.get_cell(i);
  if (c.cell_type === 'code' && typeof c.input_prompt_number !== 'number') return false;
}
return true;"""
ERRORS = """var out = [];
for (var i = 0; i <= arguments[0]; i++) {
  var c = Jupyter.notebook.get_cell(i);
  if (c.cell_type !== 'code') continue;
  c.output_area.outputs.forEach(function (o) {
    if (o.output_type === 'error') out.push(i + ': ' + o.traceback.join('\\n'));
  });
}
return out;"""
STATE = """var el = Jupyter.notebook.get_cell(arguments[0]).element[0];
var imgs = el.querySelectorAll('.output_area img');
var bars = el.querySelectorAll('.output_area progress');
return {imgs: imgs.length, bars: bars.length,
        src: imgs.length ? imgs[0].getAttribute('src') : '',
        value: bars.length ? bars[0].value : null,
        text: bars.length ? bars[0].parentNode.textContent : '',
        outputs: Jupyter.notebook.get_cell(arguments[0]).output_area.outputs.map(function (o) {
          return o.output_type + ':' + Object.keys(o.data || {}).join(','); })};"""


def cell_element(driver, index):
    return driver.execute_script("return Jupyter.notebook.get_cell(arguments[0]).element[0];", index)


def run_with_toolbar(driver, index):
    """What a person does: click the cell's prompt to select it, then the toolbar's run button."""
    prompt = driver.execute_script(
        "return Jupyter.notebook.get_cell(arguments[0]).element[0].querySelector('.input_prompt');", index)
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", prompt)
    prompt.click()
    selected = driver.execute_script("return Jupyter.notebook.get_selected_index();")
    if selected != index:
        driver.execute_script("Jupyter.notebook.select(arguments[0]);", index)
    driver.find_element(By.CSS_SELECTOR, 'button[data-jupyter-action="jupyter-notebook:run-cell-and-select-next"]').click()


def crop_to_chart(driver, cell, path):
    """Screenshot of a cell from its input to the bottom of its chart (the table below is left
    out), through the DevTools protocol's clipped capture."""
    import base64
    r = driver.execute_script("""
        var cell = arguments[0], img = cell.querySelector('.output_area img');
        var c = cell.getBoundingClientRect(), i = img.getBoundingClientRect();
        return {x: c.left + window.scrollX, y: c.top + window.scrollY, width: c.width,
                height: i.bottom - c.top + 12};""", cell)
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "clip": dict(r, scale=1)})
    with open(path, "wb") as f:
        f.write(base64.b64decode(png["data"]))


def digest(data):
    return hashlib.sha1(data if isinstance(data, bytes) else data.encode()).hexdigest()[:12]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "browser"))
    ap.add_argument("--limit", type=int, default=3000, help="training images the copy's %%data keeps")
    ap.add_argument("--test-limit", type=int, default=500, help="test images the copy's %%data keeps")
    ap.add_argument("--interrupt-after", type=float, default=4.0,
                    help="seconds of the long %%train's batches before pressing stop")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".png"):
            os.remove(os.path.join(args.out, old))
    shot = lambda name: os.path.join(args.out, name)

    t0 = time.time()
    tmp = tempfile.mkdtemp(prefix="slimkit-browser-")
    nbdir = os.path.join(tmp, "notebooks")
    os.makedirs(nbdir)
    summary_i, train_i, long_i = prepare_notebook(os.path.join(nbdir, "quickstart.ipynb"), args.limit, args.test_limit)
    env = jupyter_dirs(tmp)
    token = digest(os.urandom(16)) + digest(os.urandom(16))
    server_log = open(os.path.join(tmp, "server.log"), "w")
    proc, url = start_server(nbdir, env, free_port(), token, server_log)
    driver = None
    try:
        log("server %s up after %.1f s" % (url, time.time() - t0))
        driver = start_browser(1280, 1000)
        driver.get(url + "/notebooks/quickstart.ipynb?token=" + token)
        wait_for(driver, "return window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                         " && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook._fully_loaded;",
                 90, "the notebook and its kernel")
        kernel = driver.execute_script("return Jupyter.notebook.kernel.name;")
        indicator = driver.execute_script(
            "var e = document.querySelector('#kernel_indicator .kernel_indicator_name'); return e ? e.textContent : '';")
        driver.save_screenshot(shot("01-opened.png"))
        check("the notebook opens on the slimkit kernel, named 'Java (slimkit)' in the toolbar",
              kernel == "slimkit" and indicator == "Java (slimkit)", "kernel %r, indicator %r" % (kernel, indicator))
        log("kernel connected after %.1f s" % (time.time() - t0))

        # Cells before %train: through the notebook's own JS API (the Cell > Run menu's code path).
        driver.execute_script("Jupyter.notebook.execute_cells(arguments[0]);", list(range(train_i)))
        wait_for(driver, ALL_DONE, 180, "the cells before %train", train_i)
        errors = driver.execute_script(ERRORS, train_i - 1)
        check("the cells before %%train run without error outputs (%d cells)" % train_i, not errors, errors)
        log("cells 0..%d done after %.1f s" % (train_i - 1, time.time() - t0))
        quick = driver.execute_script("""
            var cells = Jupyter.notebook.get_cells();
            for (var i = 0; i < cells.length; i++) {
              if (cells[i].cell_type === 'code' && cells[i].get_text().indexOf('SLIMKIT_QUICK') >= 0)
                return cells[i].output_area.outputs.map(function (o) {
                  return (o.data && o.data['text/plain']) || o.text || ''; }).join('').trim();
            }
            return null;""")
        check("the kernel sees SLIMKIT_QUICK=1 from the server's environment (quick mode on)", quick == "true", quick)

        # (b) tables render as tables
        summary_el = cell_element(driver, summary_i)
        rows = driver.execute_script(
            "return arguments[0].querySelectorAll('.output_area table tr').length;", summary_el)
        tables = driver.execute_script(
            "return arguments[0].querySelectorAll('.output_area table').length;", summary_el)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", summary_el)
        summary_el.screenshot(shot("02-summary.png"))
        check("%%summary renders an HTML table (%d table, %d rows)" % (tables, rows), tables >= 1 and rows >= 3,
              "tables %d rows %d" % (tables, rows))

        # (a) %train: one bar and one chart, updated in place
        train_el = cell_element(driver, train_i)
        run_with_toolbar(driver, train_i)
        started = time.time()
        wait_for(driver, "return Jupyter.notebook.get_cell(arguments[0]).input_prompt_number === '*';", 10,
                 "%train to start", train_i, poll=0.05)
        samples, shots, live_crop = [], [], False
        output = driver.execute_script(
            "return arguments[0].querySelector('.output_wrapper');", train_el)
        while True:
            done = driver.execute_script(DONE, train_i)
            state = driver.execute_script(STATE, train_i)
            if done:
                break
            samples.append(state)
            # A bar at 0 % is a live state too (its value 0.0 is falsy in Python: test it against None).
            if state["imgs"] and state["bars"] and state["value"] is not None:
                png = output.screenshot_as_png
                if not shots or digest(png) != shots[-1][0]:
                    shots.append((digest(png), png))
                    with open(shot("03-train-live-%d.png" % len(shots)), "wb") as f:
                        f.write(png)
                if not live_crop and state["value"] >= 0.75:
                    crop_to_chart(driver, train_el, shot("train-chart-live.png"))
                    live_crop = True
            time.sleep(0.25)
        seconds = time.time() - started
        log("%%train took %.1f s; %d samples while running, %d distinct screenshots" % (seconds, len(samples), len(shots)))
        final = driver.execute_script(STATE, train_i)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", train_el)
        time.sleep(0.3)
        train_el.screenshot(shot("train-cell.png"))
        crop_to_chart(driver, train_el, shot("train-chart.png"))
        driver.save_screenshot(shot("04-train-done-page.png"))
        stacked = [s for s in samples if s["imgs"] > 1 or s["bars"] > 1]
        check("while %%train runs its output area never holds more than one chart or bar (%d samples)" % len(samples),
              samples and not stacked, stacked[:1])
        check("at least two screenshots taken while %train runs, and they differ", len(shots) >= 2,
              "%d distinct screenshots of %d samples" % (len(shots), len(samples)))
        srcs = {digest(s["src"]) for s in samples if s["src"]}
        values = {s["value"] for s in samples if s["value"] is not None}
        check("the chart image and the bar's value change in place while it runs (%d charts, %d values)"
              % (len(srcs), len(values)), len(srcs) >= 2 and len(values) >= 2, (srcs, values))
        check("the finished %train cell holds exactly one chart and one progress bar, the bar at 100 %",
              final["imgs"] == 1 and final["bars"] == 1 and final["value"] == 1, final)
        errors = driver.execute_script(ERRORS, train_i)
        check("%train ends without an error output", not errors, errors)

        # (c) the stop button during a longer %train
        long_el = cell_element(driver, long_i)
        run_with_toolbar(driver, long_i)
        wait_for(driver, "var e = Jupyter.notebook.get_cell(arguments[0]).element[0].querySelector("
                         "'.output_area progress'); return e && e.value > 0;", 60, "the long %train's first batches",
                 long_i)
        time.sleep(args.interrupt_after)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", long_el)
        long_el.screenshot(shot("05-long-train-before-stop.png"))
        pressed = time.time()
        driver.find_element(By.CSS_SELECTOR, 'button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click()
        wait_for(driver, DONE, 60, "the interrupted %train to end", long_i)
        log("stopped %.1f s after pressing stop" % (time.time() - pressed))
        time.sleep(0.3)
        long_el.screenshot(shot("06-long-train-stopped.png"))
        errs = driver.execute_script(
            "return Jupyter.notebook.get_cell(arguments[0]).output_area.outputs.filter(function (o) {"
            " return o.output_type === 'error'; }).map(function (o) { return o.traceback.join('\\n'); });", long_i)
        shown = driver.execute_script(
            "return Array.prototype.map.call(arguments[0].querySelectorAll('.output_error'),"
            " function (e) { return e.innerText.trim(); });", long_el)
        lines = [ANSI.sub("", e) for e in errs]
        match = INTERRUPTED.match(lines[0]) if len(lines) == 1 else None
        check("the stop button ends training with one error output, the one-line 'interrupted after N batches' message",
              match and int(match.group(1)) > 0 and shown == lines, (lines, shown))
        state = driver.execute_script(STATE, long_i)
        check("the interrupted cell still shows one chart and one bar", state["imgs"] == 1 and state["bars"] == 1, state)
        status = driver.execute_script(
            "return Jupyter.notebook.kernel.is_connected() && !Jupyter.notebook.kernel_busy;")
        check("the kernel is connected and idle after the interrupt", status)
    except Exception as e:  # a step that could not finish counts as one failure
        check("browser session", False, "%s: %s" % (type(e).__name__, e))
        if driver is not None:
            try:
                driver.save_screenshot(shot("99-failure.png"))
            except Exception:
                pass
    finally:
        if driver is not None:
            driver.quit()
        stop_server(proc, url, token)
        server_log.close()
        if not all(results):
            print("  server log: " + os.path.join(tmp, "server.log"))
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("  screenshots in %s; %.0f s in all" % (args.out, time.time() - t0))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
