"""The pages in a real browser: headless Chromium from the system, driven by Selenium,
against uvicorn on a loopback port; axe-core checks each page.

Outside CI a missing browser skips these tests with the reason; in CI (CI=true) it fails them.
Screenshots land in tests/artifacts/screenshots (or $MODEL_CATALOG_TEST_ARTIFACTS).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from page_app import make_app

from catalog import Catalog
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.store.resources import seed_path

from conftest import IN_CI

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
AXE = HERE / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("MODEL_CATALOG_TEST_ARTIFACTS", HERE / "artifacts")) / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _require(ok: bool, problem: str) -> None:
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{problem} (CI must run the browser tests; .ci/run installs it)")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def browser_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'catalog.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    load_seed(engine, seed_path())
    engine.dispose()
    opened = Catalog.open(url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def server(browser_catalog: Catalog) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port, in a thread of this process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        make_app(browser_catalog), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    _require(
        CHROMIUM is not None and CHROMEDRIVER is not None,
        "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    chrome = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    chrome.set_page_load_timeout(30)
    yield chrome
    chrome.quit()


def screenshot(driver: Any, name: str, *, width: int = 1280) -> Path:
    """The whole page: the window grows to the document's height first."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(int(height), 600), 6000))
    driver.execute_script("window.scrollTo(0, 0)")
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def wait_for(driver: Any, css: str, timeout: float = 10) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def test_a_retired_endpoint_typed_in_the_search_box_shows_its_replacement_and_copies_its_config(
    driver: Any, server: str, browser_catalog: Catalog
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    expected = browser_catalog.resolve("databricks-dbrx-instruct")
    driver.get(server + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys("databricks-dbrx-instruct", Keys.ENTER)
    panel = wait_for(driver, "#resolution")
    assert "q=databricks-dbrx-instruct" in driver.current_url
    assert panel.find_element(By.CSS_SELECTOR, ".rstatus").text.lower() == "replaced"
    assert panel.find_element(By.CSS_SELECTOR, "a.use").text == expected.model
    button = panel.find_element(By.CSS_SELECTOR, "button.copy")
    assert button.is_displayed()
    button.click()
    status = panel.find_element(By.CSS_SELECTOR, ".copy-status")
    deadline = time.monotonic() + 5
    while "Copied" not in status.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Copied" in status.text
    copied = json.loads(button.get_attribute("data-copied"))
    assert copied == expected.config
    screenshot(driver, "home-resolution")


def test_a_link_from_the_search_leads_to_the_model_page_and_its_timeline(
    driver: Any, server: str
) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "/?q=databricks-dbrx-instruct&as_of=2025-04-15")
    wait_for(driver, "#resolution")
    driver.find_element(By.LINK_TEXT, "DBRX Instruct").click()
    svg = wait_for(driver, "svg.timeline")
    assert driver.current_url.startswith(server + "/models/DBRX%20Instruct")
    assert driver.find_element(By.TAG_NAME, "h1").text == "DBRX Instruct"
    labels = " ".join(t.text for t in svg.find_elements(By.TAG_NAME, "text"))
    assert "last day" in labels and "30 Apr 2025" in labels and "as of 15 Apr 2025" in labels
    screenshot(driver, "model-page")


def test_the_deprecations_page_for_a_past_date_lists_the_expected_retirements(
    driver: Any, server: str, browser_catalog: Catalog
) -> None:
    from selenium.webdriver.common.by import By

    as_of = dt.date(2025, 4, 15)
    expected = {
        (o.model, str(o.lifecycle.retired_from))
        for m in browser_catalog.models(as_of=as_of)
        for o in m.offerings
        if o.lifecycle.retired_from
        and as_of - dt.timedelta(days=365)
        <= o.lifecycle.retired_from
        <= as_of + dt.timedelta(days=90)
    }
    expected |= {  # a version that retires on a date of its own is listed beside its model
        (m.name, str(v.lifecycle.retired_from))
        for m in browser_catalog.models(as_of=as_of)
        for v in m.versions
        if v.own_lifecycle
        and v.lifecycle is not None
        and v.lifecycle.retired_from
        and as_of - dt.timedelta(days=365)
        <= v.lifecycle.retired_from
        <= as_of + dt.timedelta(days=90)
    }
    assert ("DBRX Instruct", "2025-05-01") in expected
    driver.get(server + "/deprecations?as_of=2025-04-15&past_days=365&within_days=90")
    wait_for(driver, "ol.retirements")
    shown = {
        (
            item.find_element(By.CSS_SELECTOR, ".what > a").text,
            item.find_element(By.CSS_SELECTOR, ".when time").get_attribute("datetime"),
        )
        for item in driver.find_elements(By.CSS_SELECTOR, "ol.retirements li")
    }
    assert shown == expected
    screenshot(driver, "deprecations")


def test_the_catalog_reads_on_a_phone(driver: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver.set_window_size(390, 844)
    driver.get(server + "/?q=databricks-dbrx-instruct&provider=databricks")
    wait_for(driver, "#resolution")
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return window.innerWidth")
    assert page_width <= viewport, "the page scrolls sideways on a phone"
    assert driver.find_element(By.ID, "q").is_displayed()
    screenshot(driver, "home-phone", width=390)


def test_the_keyboard_reaches_the_search_box_and_the_copy_button(driver: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(server + "/?q=databricks-dbrx-instruct")
    wait_for(driver, "#resolution")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    reached = []
    for _ in range(60):
        active = driver.switch_to.active_element
        reached.append(
            active.get_attribute("id") or active.get_attribute("class") or active.tag_name
        )
        if "copy" in (active.get_attribute("class") or ""):
            break
        active.send_keys(Keys.TAB)
    assert "q" in reached
    assert "copy" in reached[-1]


PAGES = [
    "/",
    "/?q=databricks-dbrx-instruct",
    "/models/DBRX%20Instruct",
    "/models/gpt-4o",
    "/models/claude-1?as_of=2024-10-01",
    "/deprecations?as_of=2025-04-15",
    "/models/no-such-model-anywhere",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_page_loads_only_its_own_assets_and_axe_finds_no_serious_violation(
    driver: Any, server: str, path: str
) -> None:
    _require(AXE.is_file(), f"axe-core is not installed at {AXE} (npm ci --prefix tests/browser)")
    driver.get(server + path)
    wait_for(driver, "main")
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert fetched and all(url.startswith(server + "/") for url in fetched), fetched
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n.get("target", [])) for n in v["nodes"][:3])
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]
    screenshot(driver, "axe-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-"))
    assert not serious, "\n".join(serious)
