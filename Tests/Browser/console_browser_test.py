#!/usr/bin/env python3
"""The operator console in a real browser: headless Chromium (Debian's chromium
and chromium-driver) driven by Selenium (python3-selenium).

Starts a throwaway database on the cluster that scripts/test runs (PG* from
scripts/dev-db), the real `console` and `worker` binaries from MJ_BIN_DIR, then:
  1. logs in as an operator, opens a failed job, retries it, and sees it done
     after a worker runs;
  2. as admin sets an Amazon account's secrets and checks that no page source
     contains them;
  3. turns the Active flag on and sees both sync buttons disabled;
  4. as a viewer finds no action button, and a forged POST gets 403;
  5. saves a screenshot of each page (MJ_SCREENSHOTS, default /tmp/mj-console-screenshots).
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import re
import subprocess
import sys
import time
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BIN = os.environ.get("MJ_BIN_DIR", ".build/debug")
SHOTS = os.environ.get("MJ_SCREENSHOTS", "/tmp/mj-console-screenshots")
PASSWORD = "browser-test-password"
SECRETS = {"client_id": "amzn1.BROWSER-client-5150", "client_secret": "BROWSER-secret-5151",
           "refresh_token": "Atzr|BROWSER-refresh-5152"}
DB = "browser_" + uuid.uuid4().hex[:8]
URL = "postgresql:///" + DB

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else ": " + str(detail)[:400]), flush=True)


def psql(sql, db=DB):
    return subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def jobctl(*args, stdin=None):
    return subprocess.run([os.path.join(BIN, "jobctl"), *args, "--database-url", URL], input=stdin,
                          check=True, capture_output=True, text=True).stdout


def wait_for(condition, timeout=60, every=0.25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def start_console():
    process = subprocess.Popen([os.path.join(BIN, "console"), "serve", "--port", "0", "--database-url", URL],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()
    match = re.search(r"serving (http://127\.0\.0\.1:\d+)/", line)
    if not match:
        process.kill()
        raise SystemExit("console did not start: " + line + process.stdout.read())
    return process, match.group(1)


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def login(driver, base, user):
    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.NAME, "login").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait_for(lambda: "/login" not in driver.current_url, 30)


def enabled(driver, element_id):
    """Whether the element is enabled; None (a failed check, with the page's text) when it is missing."""
    found = driver.find_elements(By.ID, element_id)
    if not found:
        print("      no #%s on %s: %s" % (element_id, driver.current_url, driver.find_element(By.TAG_NAME, "main").text[:600]))
        return None
    return found[0].is_enabled()


def save_settings(driver):
    """Submits the account form and waits for the redirect that says it was saved."""
    driver.find_element(By.ID, "save-settings").click()
    return wait_for(lambda: "done=settings" in driver.current_url, 30)


def no_secret(driver):
    source = driver.page_source
    return not any(value in source for value in SECRETS.values())


def main():
    psql("CREATE DATABASE " + DB, db="postgres")
    console = None
    driver = None
    try:
        jobctl("migrate")
        for login_name, role in [("op", "operator"), ("boss", "admin"), ("look", "viewer")]:
            jobctl("users", "add", login_name, "--role", role, "--integration", stdin=PASSWORD + "\n")
        account = psql("""INSERT INTO marketplace_account (name, marketplace, settings) VALUES ('Amazon browser',
            'amazon', '{"seller_id": "A2DEMOSELLER", "marketplace_ids": ["ATVPDKIKX0DER"]}') RETURNING id""")
        job = psql("""INSERT INTO marketplace_job (name, job_type, state, attempts, max_attempts, error, errors,
            finished_at) VALUES ('Browser test job', 'system.noop', 'failed', 1, 1, 'simulated failure',
            jsonb_build_array(jsonb_build_object('at', now(), 'attempt', 1, 'kind', 'failed',
            'error', 'simulated failure')), now()) RETURNING id""")
        psql("INSERT INTO marketplace_notification (severity, message, job_id) VALUES ('error', 'job failed for good', %s)" % job)
        console, base = start_console()
        driver = browser()

        # 1. operator: retry a failed job, a worker runs it, the page shows done.
        login(driver, base, "op")
        shot(driver, "overview")
        driver.get(base + "/jobs?state=failed")
        shot(driver, "jobs")
        driver.find_element(By.LINK_TEXT, job).click()
        check("the failed job's page shows it failed", driver.find_element(By.ID, "job-state").text == "failed")
        shot(driver, "job-failed")
        driver.find_element(By.ID, "retry").click()
        check("retry shows the job page again", wait_for(lambda: "done=retry" in driver.current_url, 30),
              driver.current_url)
        check("retry makes the job pending", "pending" in driver.find_element(By.ID, "job-state").text,
              driver.find_element(By.ID, "job-state").text)
        subprocess.run([os.path.join(BIN, "worker"), "run", "--exit-when-idle", "--database-url", URL],
                       check=True, capture_output=True, timeout=120)

        def done():
            driver.get(base + "/jobs/" + job)
            return driver.find_element(By.ID, "job-state").text == "done"
        check("after a worker runs, the job page shows done", wait_for(done, 60))
        check("the job page records the operator's retry",
              "op" in driver.find_element(By.ID, "audit").text and "retry" in driver.find_element(By.ID, "audit").text)
        shot(driver, "job-done")

        # 2. admin: set the secrets; no page source ever contains them.
        login(driver, base, "boss")
        driver.get(base + "/accounts/" + account)
        for key, value in SECRETS.items():
            driver.find_element(By.NAME, key).send_keys(value)
        check("saving shows the account page again", save_settings(driver), driver.current_url)
        check("the account page says the secrets are set",
              all(driver.find_element(By.ID, "secret-" + key).text == "set" for key in SECRETS))
        check("the account page source holds no secret", no_secret(driver))
        stored = psql("SELECT credentials->>'client_secret' FROM marketplace_account WHERE id = " + account)
        check("the secrets reached the database", stored == SECRETS["client_secret"], stored)
        shot(driver, "account")
        pages = ["/", "/jobs", "/jobs/" + job, "/accounts", "/accounts/" + account, "/accounts/" + account + "/amazon",
                 "/schedules", "/notifications"]
        leaks = []
        for page in pages:
            driver.get(base + page)
            if not no_secret(driver):
                leaks.append(page)
        check("no page's source holds a secret", not leaks, leaks)
        driver.get(base + "/notifications")
        shot(driver, "notifications")
        driver.get(base + "/schedules")
        shot(driver, "schedules")

        # 3. the Active flag on: both sync buttons disabled, with the reason.
        driver.get(base + "/accounts/" + account + "/amazon")
        check("manual mode: Synchronize all products is enabled", enabled(driver, "sync-products") is True)
        check("manual mode: Synchronize all orders is enabled", enabled(driver, "sync-orders") is True)
        check("the order tab is shown", len(driver.find_elements(By.ID, "order-counts")) == 1)
        driver.get(base + "/accounts/" + account)
        active = driver.find_element(By.NAME, "automatic")
        if not active.is_selected():
            active.click()
        check("saving the Active flag shows the account page again", save_settings(driver), driver.current_url)
        driver.get(base + "/accounts/" + account + "/amazon")
        check("automatic mode: Synchronize all products is disabled", enabled(driver, "sync-products") is False)
        check("automatic mode: Synchronize all orders is disabled", enabled(driver, "sync-orders") is False)
        check("the page says why", "automatic mode is on" in driver.find_element(By.ID, "automatic-explanation").text)
        shot(driver, "amazon")

        # 4. viewer: no action buttons; a forged POST gets 403.
        login(driver, base, "look")
        for page in ["/jobs/" + job, "/accounts/" + account, "/accounts/" + account + "/amazon", "/schedules",
                     "/notifications", "/jobs?state=done&type=system.noop"]:
            driver.get(base + page)
            buttons = driver.find_elements(By.CSS_SELECTOR, "form[method=post] button")
            check("viewer sees no action button on " + page, len(buttons) == 1 and buttons[0].text == "Log out",
                  [b.text for b in buttons])
        driver.get(base + "/jobs/" + job)
        shot(driver, "job-viewer")
        forged = """
            const done = arguments[arguments.length - 1];
            const csrf = document.querySelector('input[name=csrf]').value;
            const post = (body) => fetch(arguments[0], {method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: body}).then(r => r.status);
            Promise.all([post('csrf=' + csrf), post('')]).then(done, e => done(String(e)));
        """
        statuses = driver.execute_async_script(forged, "/jobs/%s/set-done" % job)
        check("a viewer's forged POST (with and without the CSRF token) gets 403", statuses == [403, 403], statuses)
        check("the forged POST changed nothing", psql("SELECT state FROM marketplace_job WHERE id = " + job) == "done")
    finally:
        if driver:
            driver.quit()
        if console:
            console.kill()
            console.wait()
        psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DB, db="postgres")
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    print("browser test: screenshots in " + SHOTS)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
