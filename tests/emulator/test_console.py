"""The emulator's web console, in a real headless Chromium (Playwright driving Debian's ``chromium``).

What a click does is checked through the API with the real client. The screenshots in docs/emulator.md are
taken here: into docs/img with ``CLOPOS_SCREENSHOTS=1``, else into a temporary folder (so a test run leaves the
work tree clean). Without the browser or Playwright the browser tests skip with the reason,
except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrify.clopos.emulator import Emulator

from .. import helpers

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
IMG = DOCS_IMG if os.environ.get("CLOPOS_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "clopos-console-shots"
CONSOLE = "/_emulator/console"
TIMEOUT = 20_000  # ms: generous, for a loaded machine


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the console's browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, clopos_emulator: Emulator) -> Iterator[Any]:
    """The console, open and streaming its log; afterwards, no request may have left the emulator."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    elsewhere: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith(clopos_emulator.root_url) else elsewhere.append(r.url))
    tab.goto(clopos_emulator.root_url + CONSOLE)
    expect(tab.locator("#log-state")).to_have_text("live")
    yield tab
    context.close()
    assert elsewhere == [], "the console reached outside the emulator"


def shot(page: Any, name: str, selector: str | None = None) -> None:
    """console-<name>.png in IMG: the viewport, or one section (clipped from the page, as the panels are
    re-rendered every few seconds)."""
    IMG.mkdir(parents=True, exist_ok=True)
    path = IMG / f"console-{name}.png"
    if selector is None:
        page.screenshot(path=str(path))
    else:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=True, clip=page.locator(selector).bounding_box())
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_accept_an_order_on_the_page_and_the_api_sees_it_received_with_a_receipt(
    page: Any, clopos_emulator: Emulator
) -> None:
    from playwright.sync_api import expect

    client = helpers.sync_client(clopos_emulator)
    order_id = client.get_orders(status="PENDING").unwrap().data[0].id

    page.get_by_role("button", name=f"Accept order {order_id}").click()

    expect(page.locator("#flash")).to_contain_text(f"Order {order_id} accepted")
    order = client.get_order_by_id(order_id).unwrap().data
    assert order.status == "RECEIVED" and order.receipt_id
    receipt = client.get_receipt_by_id(order.receipt_id).unwrap().data
    assert receipt.id == order.receipt_id and receipt.status == 1  # open, from the order
    expect(page.locator("#receipts table").first).to_contain_text(str(order.receipt_id))
    expect(page.get_by_role("button", name=f"Accept order {order_id}")).to_have_count(0)
    shot(page, "overview")


def test_close_a_receipt_with_two_payments_by_keyboard(page: Any, clopos_emulator: Emulator) -> None:
    from playwright.sync_api import expect

    order = clopos_emulator.accept_order(2)  # an open receipt, total 4.5
    page.reload()
    page.select_option("#close-receipt_id", str(order["receipt_id"]))
    page.locator("#close-receipt_id").focus()
    page.keyboard.press("Tab")  # Payment 1 method: Cash
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")  # Payment 2 method: Card
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused == "solid"  # a visible focus ring
    page.keyboard.press("Tab")
    page.keyboard.type("1.5")
    page.keyboard.press("Enter")

    expect(page.locator("#flash")).to_have_text(f"Receipt {order['receipt_id']} closed: Cash 3, Card 1.5")
    receipt = helpers.sync_client(clopos_emulator).get_receipt_by_id(order["receipt_id"]).unwrap().data
    assert receipt.status == 2
    assert [(p.name, float(p.amount)) for p in receipt.payment_methods] == [("Cash", 3.0), ("Card", 1.5)]


def test_a_503_fault_added_on_the_page_shows_the_clients_retries_in_the_live_log(
    page: Any, clopos_emulator: Emulator
) -> None:
    from playwright.sync_api import expect

    page.select_option("#fault-kind", "status")
    page.fill("#fault-route", "/open-api/venues")
    page.fill("#fault-status", "503")
    page.fill("#fault-times", "2")
    page.get_by_role("button", name="Add fault").click()
    expect(page.locator("#flash")).to_have_text("Fault added: status on * /open-api/venues")
    expect(page.locator("#faults table")).to_contain_text("/open-api/venues")
    assert [(f.kind, f.status, f.times) for f in clopos_emulator.faults.rules] == [("status", 503, 2)]
    shot(page, "faults", "#faults")

    assert helpers.sync_client(clopos_emulator).get_venues().ok  # after two retries

    page.fill("#log-filter", "/open-api/venues")
    rows = page.locator("#log-rows tr:visible")
    expect(rows).to_have_count(3)
    assert rows.locator("td:nth-child(4)").all_inner_texts() == ["200", "503", "503"]  # newest first
    assert rows.locator("td:nth-child(6)").all_inner_texts() == ["", "status", "status"]
    expect(page.locator("#log-rows tr", has_text="/open-api/auth")).to_be_hidden()  # filtered out
    shot(page, "log", "#log")
    expect(page.locator("#faults")).to_contain_text("Active faults: none")  # both fired


def test_a_product_run_out_on_the_page_changes_get_stop_list(page: Any, clopos_emulator: Emulator) -> None:
    from playwright.sync_api import expect

    client = helpers.sync_client(clopos_emulator)
    assert 4 not in {item.id for item in client.get_stop_list().unwrap().data}

    page.select_option("#stock-out-product_id", "4")
    page.get_by_role("button", name="Run out of stock").click()
    expect(page.locator("#flash")).to_have_text("Product 4 is out of stock")
    stopped = {item.id: item.limit for item in client.get_stop_list().unwrap().data}
    assert stopped.get(4) == 0
    shot(page, "stock", "#stock")

    page.get_by_role("button", name="Put Lülə kabab back in stock").click()
    expect(page.locator("#flash")).to_have_text("Product 4 is back in stock")
    assert 4 not in {item.id for item in client.get_stop_list().unwrap().data}


def test_faults_are_validated_as_the_control_route_does(page: Any, clopos_emulator: Emulator) -> None:
    from playwright.sync_api import expect

    refused = httpx.post(clopos_emulator.root_url + "/_emulator/faults", json="status:probability=2")
    assert refused.status_code == 400
    page.select_option("#fault-kind", "status")
    page.fill("#fault-probability", "2")
    page.get_by_role("button", name="Add fault").click()

    expect(page.locator("#flash")).to_have_text(refused.json()["message"])
    expect(page.locator("#flash")).to_have_class("flash error")
    assert clopos_emulator.faults.rules == []


def test_simulator_reset_and_the_state_download(page: Any, clopos_emulator: Emulator) -> None:
    from playwright.sync_api import expect

    receipts = clopos_emulator.state.summary()["openapitest"]["receipts"]
    page.fill("#sim-rate", "50")
    page.get_by_role("button", name="Start / set rate").click()
    expect(page.locator("#sim-state")).to_have_text("running, 50 actions per second")
    expect(page.locator("#flash")).to_contain_text("Activity simulator running")
    deadline = time.monotonic() + 20
    while clopos_emulator.state.summary()["openapitest"]["receipts"] == receipts and time.monotonic() < deadline:
        time.sleep(0.05)
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("#sim-state")).to_have_text("stopped")
    simulator = clopos_emulator.app.state.simulator
    assert simulator.stopped.is_set()
    simulator.thread.join(10)
    assert clopos_emulator.state.summary()["openapitest"]["receipts"] > receipts  # it opened receipts

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the state (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["brands"]["openapitest"]["receipts"]["created"]  # what the simulator opened

    page.get_by_role("button", name="Reset the emulator").click()
    expect(page.locator("#flash")).to_contain_text("Emulator reset")
    assert clopos_emulator.state.summary()["openapitest"]["receipts"] == receipts


def test_narrow_width_keeps_to_one_column_without_sideways_scrolling(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    orders, stock = page.locator("#orders").bounding_box(), page.locator("#stock").bounding_box()
    assert orders["x"] == stock["x"]  # one column
    shot(page, "narrow")


# Without a browser: the routes themselves.


def test_a_form_without_javascript_acts_and_redirects_back(clopos_emulator: Emulator) -> None:
    answer = httpx.post(
        clopos_emulator.root_url + CONSOLE + "/do/stock-out", data={"brand": "openapitest", "product_id": "4"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("msg=Product+4+is+out+of+stock#stock")
    assert clopos_emulator.state.brand("openapitest").table("stop_list")[4]["limit"] == 0


def test_another_sites_form_is_refused(clopos_emulator: Emulator) -> None:
    answer = httpx.post(
        clopos_emulator.root_url + CONSOLE + "/do/reset",
        data={"brand": "openapitest"},
        headers={"Origin": "https://evil.example", "Accept": "application/json"},
    )
    assert answer.status_code == 403
    page = httpx.get(clopos_emulator.root_url + CONSOLE)
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_the_log_stream_resumes_after_the_last_event_id(clopos_emulator: Emulator) -> None:
    root = clopos_emulator.root_url
    httpx.get(root + CONSOLE)  # the console starts listening
    marks = [uuid.uuid4().hex for _ in range(2)]
    for mark in marks:
        httpx.get(f"{clopos_emulator.base_url}/venues?mark={mark}")

    def events(last: str | None) -> list[tuple[str, dict[str, Any]]]:
        headers = {"Last-Event-ID": last} if last else {}
        found: list[tuple[str, dict[str, Any]]] = []
        with httpx.stream("GET", root + CONSOLE + "/log", headers=headers, timeout=30) as stream:
            number = ""
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    number = line[4:]
                elif line.startswith("data: "):
                    found.append((number, json.loads(line[6:])))
                    if marks[-1] in found[-1][1]["query"]:
                        break
        return found

    first = events(None)
    ours = [(n, item) for n, item in first if any(m in item["query"] for m in marks)]
    assert [item["status"] for _, item in ours] == [401, 401]  # no token: the API's own answer
    again = events(ours[0][0])
    assert [item["query"] for _, item in again] == [f"mark={marks[1]}"]


def test_a_stale_button_cannot_move_an_order_backwards(clopos_emulator: Emulator) -> None:
    answer = httpx.post(
        clopos_emulator.root_url + CONSOLE + "/do/deliver-order",
        data={"brand": "openapitest", "order_id": "2"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "message": "Order is PENDING, not RECEIVED"}
    assert clopos_emulator.state.brand("openapitest").table("orders")[2]["status"] == "PENDING"


def test_each_brand_has_its_page(clopos_emulator: Emulator) -> None:
    second = httpx.get(clopos_emulator.root_url + CONSOLE, params={"brand": "demobrand2"})
    assert second.status_code == 200 and "demobrand2 at a glance" in second.text
    unknown = httpx.get(clopos_emulator.root_url + CONSOLE, params={"brand": "nope<script>"})
    assert "brand must be one of openapitest, demobrand2" in unknown.text and "<script>" not in unknown.text
