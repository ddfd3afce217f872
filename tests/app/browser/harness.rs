//! The browser harness: the app (SQLite), a chromedriver of our own, one headless Chromium session.
//!
//! `run("name", async |b| { ... })` drives one scenario. When it fails (a panic or a timeout), a
//! screenshot of the page goes to `target/browser-screenshots/<name>.png` and its path is printed.
//! Without chromedriver the suite is skipped with a message, except in CI (`CI` set), where it fails.

use crate::helpers::{TestApp, spawn_with, test_settings};
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Browsers at once: each is a Chromium, and the machines have 2 cores.
static BROWSERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A whole scenario must end within this, or it fails with a screenshot.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);
/// A live scenario waits for the jobs in real time as well.
const LIVE_SCENARIO_TIMEOUT: Duration = Duration::from_secs(240);
/// How long a page may take to appear after a click.
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(15);

pub const WINDOW: (u32, u32) = (1280, 800);

/// chromedriver as the leader of its own process group: dropping it kills the browsers it started
/// too, even when the test panicked.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn find_chromedriver() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CHROMEDRIVER") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("no free local port")
        .port()
}

fn start_driver(binary: &Path) -> Driver {
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    driver
}

/// `target/` of this build: the test binary lives in `target/<profile>/deps/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

pub fn failure_screenshot_path(test: &str) -> PathBuf {
    target_dir().join("browser-screenshots").join(format!("{test}.png"))
}

/// One signed-out browser on a fresh app.
pub struct Browser {
    pub app: TestApp,
    pub client: Client,
}

/// Runs one browser scenario; see the module documentation.
pub async fn run(test: &str, scenario: impl AsyncFnOnce(&Browser)) {
    run_on(test, SCENARIO_TIMEOUT, |_| {}, scenario).await
}

/// The cadence of a live app: the submitter and the poller tick every second.
pub const LIVE_SCHEDULE: &str = "* * * * * *";
/// How long the live app's simulator keeps a flux in each intermediate state.
pub const LIVE_FLUX_STEP: Duration = Duration::from_millis(250);

/// Runs one browser scenario on an app that works as a deployed one does: its own job scheduler
/// deposits and follows invoices (every second, `CHORUS_DESK_SUBMIT_SCHEDULE` and
/// `CHORUS_DESK_POLL_SCHEDULE`), and its simulator moves each flux through its states in real
/// time (`CHORUS_SIM_FLUX_STEP_MS`). Nothing is driven by hand: the test only waits on the pages.
pub async fn run_live(test: &str, scenario: impl AsyncFnOnce(&Browser)) {
    run_on(
        test,
        LIVE_SCENARIO_TIMEOUT,
        |settings| {
            settings.scheduler_enabled = true;
            settings.submit_schedule = LIVE_SCHEDULE.into();
            settings.poll_schedule = LIVE_SCHEDULE.into();
            settings.simulator_flux_step = Some(LIVE_FLUX_STEP);
        },
        scenario,
    )
    .await
}

/// Runs one browser scenario on an app whose settings `configure` adjusts.
pub async fn run_on(
    test: &str,
    timeout: Duration,
    configure: impl FnOnce(&mut chorus_desk::config::Settings),
    scenario: impl AsyncFnOnce(&Browser),
) {
    let Some(binary) = find_chromedriver() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install chromium and chromium-driver: chromedriver is not on PATH"
        );
        eprintln!(
            "SKIPPED browser test {test}: chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let _permit = BROWSERS.acquire().await.expect("the semaphore is never closed");
    let dir = tempfile::tempdir().expect("a temporary database folder");
    let mut settings = test_settings(format!("sqlite://{}/test.db", dir.path().display()));
    configure(&mut settings);
    let app = spawn_with(settings, Some(dir)).await;
    let driver = start_driver(&binary);
    let profile = tempfile::tempdir().expect("a temporary Chromium profile");
    let client = connect(&driver, profile.path()).await;
    let browser = Browser {
        app,
        client: client.clone(),
    };

    let outcome = AssertUnwindSafe(tokio::time::timeout(timeout, scenario(&browser)))
        .catch_unwind()
        .await;
    let failure: Option<Box<dyn std::any::Any + Send>> = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(_)) => Some(Box::new(format!(
            "browser test {test} did not finish within {timeout:?}"
        ))),
        Err(panic) => Some(panic),
    };
    if failure.is_some() {
        save_failure_screenshot(&browser, test).await;
    }
    let _ = client.close().await;
    drop(driver);
    if let Some(panic) = failure {
        std::panic::resume_unwind(panic);
    }
}

async fn connect(driver: &Driver, profile: &Path) -> Client {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--lang=en-GB".into(),
        format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), json!({ "args": args }));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("no Chromium session from chromedriver: {e}"))
}

async fn save_failure_screenshot(browser: &Browser, test: &str) {
    let path = failure_screenshot_path(test);
    match browser.client.screenshot().await {
        Ok(png) => {
            let written = path
                .parent()
                .map(std::fs::create_dir_all)
                .unwrap_or(Ok(()))
                .and_then(|()| std::fs::write(&path, png));
            match written {
                Ok(()) => eprintln!("browser test {test} failed: screenshot in {}", path.display()),
                Err(e) => eprintln!(
                    "browser test {test} failed; screenshot not written to {}: {e}",
                    path.display()
                ),
            }
        }
        Err(e) => eprintln!("browser test {test} failed; no screenshot: {e}"),
    }
}

/// What a same-origin `fetch` from the page answered (it carries the browser's cookies).
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub body: String,
}

/// One axe-core rule violation.
#[derive(Debug)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

const AXE_SOURCE: &str = include_str!("axe-core/axe.min.js");

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.address)
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .is_empty()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.expect("attribute")
    }

    /// The current value of a form control (what the user sees in it).
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("value property")
            .unwrap_or_default()
    }

    /// Replaces the content of a text field, as a user typing would.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear field");
        field.send_keys(text).await.expect("type into field");
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("cannot choose {value} in {css}: {e}"));
    }

    /// Clicks and waits for the next page to load (the old document goes away), for form
    /// submissions and links alike, whether or not the URL changes.
    pub async fn click_and_wait(&self, css: &str) {
        let old_document = self.find("html").await;
        self.find(css).await.click().await.expect("click");
        let deadline = Instant::now() + NAVIGATION_TIMEOUT;
        // A stale <html> element means the browser replaced the document.
        while old_document.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "clicking {css} did not load a new page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.wait_until_loaded().await;
    }

    pub async fn wait_until_loaded(&self) {
        let deadline = Instant::now() + NAVIGATION_TIMEOUT;
        loop {
            let state = self.client.execute("return document.readyState", vec![]).await.ok();
            if state.as_ref().and_then(Value::as_str) == Some("complete") {
                return;
            }
            assert!(Instant::now() < deadline, "the page did not finish loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Polls until `css` exists and its text contains `expected`, or fails after `timeout`.
    pub async fn wait_for_text(&self, css: &str, expected: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
                && text.contains(expected)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed {expected:?} within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Signs in through the login form and waits for the next page.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click_and_wait("form[action='/login'] button[type=submit]").await;
    }

    pub async fn sign_out(&self) {
        self.click_and_wait("form[action='/logout'] button").await;
    }

    /// GETs `path` from inside the page, with the browser's cookies, as a download would.
    pub async fn fetch(&self, path: &str) -> Fetched {
        let script = r#"
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], { credentials: 'same-origin' })
              .then(async r => done({
                status: r.status,
                contentType: r.headers.get('content-type') || '',
                disposition: r.headers.get('content-disposition') || '',
                body: await r.text(),
              }))
              .catch(e => done({ status: 0, contentType: '', disposition: '', body: String(e) }));
        "#;
        let answer = self
            .client
            .execute_async(script, vec![json!(path)])
            .await
            .unwrap_or_else(|e| panic!("fetch {path} from the page failed: {e}"));
        let field = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
        Fetched {
            status: answer["status"].as_u64().unwrap_or(0) as u16,
            content_type: field("contentType"),
            disposition: field("disposition"),
            body: field("body"),
        }
    }

    /// Runs axe-core (WCAG 2.x A and AA rules) on the page shown.
    pub async fn axe_violations(&self) -> Vec<Violation> {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object'", vec![])
            .await
            .expect("execute");
        if loaded != Value::Bool(true) {
            // WebDriver scripts are not subject to the page's CSP; users never get this file.
            self.client
                .execute(&format!("{AXE_SOURCE}\nreturn true;"), vec![])
                .await
                .expect("inject axe-core");
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
              resultTypes: ['violations'],
            }).then(r => done(r.violations.map(v => ({
                id: v.id, impact: v.impact || '', help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            })))).catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }]));
        "#;
        let answer = self.client.execute_async(script, vec![]).await.expect("axe.run");
        answer
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|v| Violation {
                        id: v["id"].as_str().unwrap_or_default().into(),
                        impact: v["impact"].as_str().unwrap_or_default().into(),
                        help: v["help"].as_str().unwrap_or_default().into(),
                        targets: v["targets"]
                            .as_array()
                            .map(|t| t.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails on any serious or critical axe-core violation of the page shown.
    pub async fn assert_accessible(&self, page: &str) {
        let violations = self.axe_violations().await;
        let blocking: Vec<String> = violations
            .iter()
            .filter(|v| v.impact == "serious" || v.impact == "critical")
            .map(|v| format!("  {} ({}): {} at {:?}", v.id, v.impact, v.help, v.targets))
            .collect();
        for minor in violations
            .iter()
            .filter(|v| v.impact != "serious" && v.impact != "critical")
        {
            eprintln!(
                "axe on {page} (not blocking): {} ({}): {}",
                minor.id, minor.impact, minor.help
            );
        }
        assert!(
            blocking.is_empty(),
            "{page} ({}) has serious accessibility violations:\n{}",
            self.path().await,
            blocking.join("\n")
        );
    }

    /// A screenshot of the whole page (the window grows to the page's height for it).
    pub async fn full_page_screenshot(&self, path: &Path) {
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(u64::from(WINDOW.1));
        let height = u32::try_from(height).unwrap_or(WINDOW.1).clamp(WINDOW.1, 4000);
        self.client
            .set_window_size(WINDOW.0, height)
            .await
            .expect("resize window");
        let png = self.client.screenshot().await.expect("screenshot");
        self.client
            .set_window_size(WINDOW.0, WINDOW.1)
            .await
            .expect("resize window back");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}
