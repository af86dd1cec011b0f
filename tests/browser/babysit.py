#!/usr/bin/python3
"""Babysits one trial on the live page in a real browser (Debian's chromium and chromedriver,
python3-selenium): watch its curve grow, pause it, type a lower learning rate, resume, and see it
go on. Run by tests/live_page_test.cpp, which checks the store afterwards.

    babysit.py URL SCREENSHOT        (URL as `caviar run --serve` printed it, with ?token=)
Prints JSON: {"paused_at": step, "learning_rate": new value, "steps_after": step}.
"""
import json
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

url, screenshot = sys.argv[1], sys.argv[2]
options = Options()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--window-size=1400,900"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 60, poll_frequency=0.1)


def trial_row(n):
    return driver.find_element(By.CSS_SELECTOR, f'#trials tbody tr[data-trial="{n}"]')


# The table is redrawn as the study moves: read a cell in one go, in the page.
CELL = """
const heads = [...document.querySelectorAll('#trials thead th')].map(th => th.textContent.split(' ')[0]);
const row = document.querySelector('#trials tbody tr[data-trial="' + arguments[0] + '"]');
return row ? row.cells[heads.indexOf(arguments[1])].textContent : null;
"""


def cell(n, column):
    return driver.execute_script(CELL, n, column) or ""


def steps(n):
    try:
        return int(cell(n, "steps"))
    except Exception:
        return -1


try:
    driver.get(url)  # ?token= moves into a cookie, the address is cleaned
    wait.until(lambda d: d.current_url.rstrip("/").endswith(url.split("/?")[0].rsplit(":", 1)[1]))
    assert "token" not in driver.current_url, driver.current_url
    # The curve grows while we watch: the step count goes up on its own.
    wait.until(lambda d: steps(0) >= 3)
    first = steps(0)
    wait.until(lambda d: steps(0) > first)
    driver.execute_script("document.querySelector('#trials tbody tr[data-trial=\"0\"]').click()")
    wait.until(ec.text_to_be_present_in_element((By.ID, "panel-title"), "Trial 0"))
    driver.find_element(By.XPATH, "//section[@id='panel']//button[text()='Pause']").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "panel-title"), "paused by you"))
    # The panel says where it paused (the table is redrawn twice a second, so it may lag).
    title = lambda: driver.find_element(By.ID, "panel-title").text
    paused_at = int(re.search(r"step (\d+)", title()).group(1))
    time.sleep(1.0)
    assert int(re.search(r"step (\d+)", title()).group(1)) == paused_at, "it trained on while paused"
    assert steps(0) == paused_at, "the table shows another step than the panel"
    # Architecture params are locked with the reason; the learning rate is not.
    units = driver.find_element(By.CSS_SELECTOR, '#panel [data-name="units"]')
    assert not units.is_enabled() and "architecture" in units.get_attribute("title")
    lr = driver.find_element(By.CSS_SELECTOR, '#panel [data-name="learning_rate"]')
    lower = round(float(lr.get_attribute("value")) / 2, 6)
    lower = max(lower, float(lr.get_attribute("min")))
    lr.clear()
    lr.send_keys(str(lower))
    driver.find_element(By.XPATH, "//section[@id='panel']//button[text()='Resume with these params']").click()
    wait.until(lambda d: cell(0, "state") == "running" and steps(0) > paused_at + 2)
    wait.until(lambda d: float(cell(0, "learning_rate")) == lower)
    time.sleep(0.5)
    driver.save_screenshot(screenshot)
    print(json.dumps({"paused_at": paused_at, "learning_rate": lower, "steps_after": steps(0)}))
finally:
    driver.quit()
