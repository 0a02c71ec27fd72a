"""Open the evidence report in real headless Chromium, offline, with hostile input planted.

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install -y chromium
chromium-driver``) and ``pip install .[browser]``; skips with the reason otherwise.
Writes ``test-artifacts/report.png`` (screenshot) and ``test-artifacts/report.pdf``.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def _fixture_module():
    spec = importlib.util.spec_from_file_location(
        "_report_fixtures", Path(__file__).with_name("test_report.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install .[browser])"
    )
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    driver_bin = _find("chromedriver")
    if not chromium or not driver_bin:
        pytest.skip(
            "headless Chromium not available: install Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver)"
        )
    profile = tempfile.mkdtemp(prefix="inconcert-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        # every non-file request goes to a closed port: the page must need none
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.set_capability("unhandledPromptBehavior", "ignore")
    service = webdriver.ChromeService(executable_path=driver_bin)
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from inconcert.report import build_report

    fx = _fixture_module()
    out = fx.write_outdir(
        tmp_path_factory.mktemp("browser") / "out",
        n_groups=12,
        size=6,
        objects=4,
        noise=25,
        hostile=True,
        scoring=True,
        posts=True,
    )
    return build_report(out)


def test_report_renders_offline_and_hostile_input_stays_inert(browser, report: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions
    from selenium.webdriver.support.ui import WebDriverWait

    fx = _fixture_module()
    d = browser
    d.get(report.as_uri())
    WebDriverWait(d, 20).until(
        lambda drv: drv.execute_script("return document.readyState") == "complete"
    )

    # no dialog opened by any payload, no element injected
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert  # noqa: B018
    assert (
        d.execute_script("return document.querySelectorAll('img, iframe, object, embed').length")
        == 0
    )
    assert d.execute_script("return document.scripts.length") == 2
    assert (
        d.execute_script(
            "return [...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )

    # the hostile texts are on the page, as text
    body = d.find_element(By.TAG_NAME, "body").text
    assert fx.XSS_IMG in body
    assert fx.XSS_SCRIPT in body

    # group sections and the network picture rendered
    sections = d.find_elements(By.CSS_SELECTOR, "section.group")
    assert len(sections) == 12
    circles = d.find_elements(By.CSS_SELECTOR, "#net circle")
    assert len(circles) == 12 * 6 + 25
    box = d.find_element(By.ID, "net").rect
    assert box["width"] > 800 and box["height"] > 100

    # the first group's timeline is drawn when in view
    first = sections[0]
    d.execute_script("arguments[0].scrollIntoView()", first)
    WebDriverWait(d, 10).until(
        lambda drv: first.find_elements(By.CSS_SELECTOR, ".timeline svg path.ticks")
    )

    # hover a node: the tooltip names account and group; click: its group's section opens
    d.execute_script("document.getElementById('net').scrollIntoView()")
    node = d.execute_script(
        "return [...document.querySelectorAll(\"#net .grp[data-g='1'] circle\")].find(c => {"
        " const r = c.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === c; })"
    )
    assert node is not None, "no node of group 1 is visible on top"
    ActionChains(d).move_to_element(node).perform()
    tip = d.find_element(By.ID, "tip")
    WebDriverWait(d, 5).until(lambda drv: tip.is_displayed())
    assert "group 1" in tip.text
    ActionChains(d).move_to_element(node).click().perform()
    WebDriverWait(d, 5).until(lambda drv: drv.execute_script("return location.hash") == "#group-1")

    # account lookup shows a hostile account id as text
    search = d.find_element(By.ID, "account-search")
    d.execute_script("arguments[0].scrollIntoView()", search)
    search.send_keys("onerror")
    WebDriverWait(d, 5).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#account-detail h3"))
    assert d.find_element(By.CSS_SELECTOR, "#account-detail h3").text == fx.XSS_IMG
    assert d.execute_script("return document.querySelectorAll('img').length") == 0

    # it prints (all timelines drawn, all details opened)
    pdf = base64.b64decode(d.print_page(PrintOptions()))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

    # no console errors (CSP violations, script errors, failed loads)
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    # the page asked the network for nothing (chrome:// are the browser's own pages)
    urls = set()
    for entry in d.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.add(msg["params"]["request"]["url"])
    assert report.as_uri() in urls
    remote = [u for u in urls if not u.startswith(("file:", "data:", "chrome:", "chrome-"))]
    assert remote == [], remote
    assert with_no_alert(d)

    ARTIFACTS.mkdir(exist_ok=True)
    d.execute_script("window.scrollTo(0, 0)")
    d.save_screenshot(str(ARTIFACTS / "report.png"))
    (ARTIFACTS / "report.pdf").write_bytes(pdf)


def with_no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018
    except NoAlertPresentException:
        return True
    return False


def test_real_pipeline_report_with_hostile_input(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from inconcert.report import build_report

    fx = _fixture_module()
    out = fx.pipeline_outdir(tmp_path)
    if out is None:
        pytest.skip("inconcert.pipeline is not available")
    d = browser
    d.get_log("browser")  # drop earlier entries
    d.get(build_report(out).as_uri())
    WebDriverWait(d, 20).until(
        lambda drv: drv.execute_script("return document.readyState") == "complete"
    )
    assert with_no_alert(d)
    assert d.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    assert d.execute_script("return document.scripts.length") == 2
    assert d.find_elements(By.CSS_SELECTOR, "section.group")
    assert d.find_elements(By.CSS_SELECTOR, "#net circle")
    body = d.find_element(By.TAG_NAME, "body").text
    assert fx.XSS_IMG in body and fx.XSS_SCRIPT in body
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
