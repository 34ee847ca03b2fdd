"""Drives the studio in Debian's Chromium through WebDriver, as a user would, and prints
what it saw as one JSON object: the cartoon it downloaded, the edge-smoothing parameters
and twins before and after a slider moved, the regeneration's message, and the chart's
point counts while a run trains.

usage: drive_studio.py URL STYLE_ID RUN_ID PHOTO OUTPUT_FOLDER
"""
import json
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, style, run, photo, output = sys.argv[1:6]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
seen = {}
try:
    def wait(condition, seconds=180):
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda _: condition())

    def element(id):
        return driver.find_element(By.ID, id)

    driver.get(url)
    wait(lambda: driver.execute_script("return document.body.dataset.ready") == "yes", 30)

    # Cartoonize: pick the style, choose the photo, wait for the cartoon, download it.
    Select(element("style")).select_by_value(style)
    element("photo").send_keys(photo)
    wait(lambda: element("after").get_attribute("data-job") or "error" in element("cartoon-status").get_attribute("class"))
    seen["cartoonStatus"] = element("cartoon-status").text
    wait(lambda: driver.execute_script("const i = document.getElementById('after'); return i.complete && i.naturalWidth > 0"), 30)
    driver.execute_script("const s = document.getElementById('compare'); s.value = 60; s.dispatchEvent(new Event('input'))")
    driver.save_screenshot(f"{output}/studio.png")
    with urllib.request.urlopen(element("download").get_attribute("href")) as answer:
        seen["downloadDisposition"] = answer.headers.get("Content-Disposition")
        with open(f"{output}/cartoon.png", "wb") as file:
            file.write(answer.read())

    # Edge smoothing: the twins under the set's parameters, then with a lower Canny threshold.
    driver.find_element(By.CSS_SELECTOR, "nav button[data-tab=smoothing]").click()
    twins = lambda: [image.get_attribute("src") for image in driver.find_elements(By.CSS_SELECTOR, "#smoothing-grid .twin")]
    parameters = lambda: json.loads(element("smoothing-grid").get_attribute("data-parameters") or "{}")
    wait(lambda: len(twins()) == 12 and parameters().get("canny"), 60)
    seen["parametersBefore"] = parameters()
    before = twins()
    driver.execute_script("const s = document.getElementById('canny-low'); s.value = 20; s.dispatchEvent(new Event('input'))")
    wait(lambda: parameters().get("canny") == "20.0,200.0", 60)
    seen["parametersAfter"] = parameters()
    seen["twinsChanged"] = sum(a != b for a, b in zip(before, twins()))
    seen["smoothingStatus"] = element("smoothing-status").text
    wait(lambda: driver.execute_script("return [...document.images].every(i => i.complete)"), 30)
    driver.save_screenshot(f"{output}/studio-smoothing.png")

    # Regenerate the whole set with them.
    element("regenerate").click()
    wait(lambda: element("regenerate-status").text.startswith("smooth") or "error" in element("regenerate-status").get_attribute("class"))
    seen["regenerate"] = element("regenerate-status").text
    seen["current"] = element("current").text

    # Watch the run: the chart gains points without a reload.
    driver.find_element(By.CSS_SELECTOR, "nav button[data-tab=watch]").click()
    Select(element("run")).select_by_value(run)
    points = lambda: int(element("chart").get_attribute("data-points") or 0)
    wait(lambda: points() > 0)
    first = points()
    wait(lambda: points() > first)
    seen["points"] = [first, points()]
    seen["watchStatus"] = element("watch-status").text
finally:
    seen["log"] = [entry["message"] for entry in driver.get_log("browser")] if hasattr(driver, "get_log") else []
    driver.quit()
    print(json.dumps(seen))
