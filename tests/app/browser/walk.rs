//! The walk of issue #17 in Chromium: live status on the invoice page, and the pages at a phone's
//! width (390 px): the menu folds and opens without JavaScript, lists scroll inside their box.

use super::harness::{Browser, WINDOW, run};
use crate::helpers::*;
use std::time::Duration;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: u32 = 1400;

/// With `UPDATE_SCREENSHOTS=1` (`scripts/screenshots`): the page at `width`, whole, into
/// `docs/screenshots/<name>.png`. The window goes back to `restore_width` afterwards.
async fn document_page(b: &Browser, name: &str, width: u32, restore_width: u32) {
    if !std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
        return;
    }
    b.client.set_window_size(width, PHONE.1).await.expect("window size");
    let height = b
        .client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(u64::from(PHONE.1));
    let height = u32::try_from(height).unwrap_or(PHONE.1).clamp(PHONE.1, 3000);
    b.client.set_window_size(width, height).await.expect("window size");
    let png = b.client.screenshot().await.expect("screenshot");
    let docs = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::write(docs.join(format!("{name}.png")), png).expect("write screenshot");
    b.client
        .set_window_size(restore_width, PHONE.1)
        .await
        .expect("window size");
}

/// The width of the page's content beyond the window: a sideways scroll when positive.
async fn page_overflow(b: &Browser) -> i64 {
    let answer = b
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await
        .expect("scroll width");
    answer.as_i64().unwrap_or(i64::MAX)
}

/// The invoice page polls its own status: *Sent* appears while the page stays the same document.
#[actix_web::test]
async fn the_invoice_page_shows_sent_without_a_reload() {
    run("walk_invoice_page_live", async |b: &Browser| {
        let org = b.app.chorus_ready_org().await;
        b.app.create_user("user@atelier.test", "user", Some(org)).await;
        let id = b.app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
        b.sign_in("user@atelier.test", PASSWORD).await;

        b.goto(&format!("/invoices/{id}")).await;
        b.wait_until_loaded().await;
        b.wait_for_text("#invoice-live hgroup", "In processing", Duration::from_secs(5))
            .await;
        b.client
            .execute("window.stillTheSamePage = true", vec![])
            .await
            .unwrap();

        b.app.settle().await;
        b.wait_for_text("#invoice-live hgroup", "Sent", Duration::from_secs(15))
            .await;
        assert!(b.text("#chorus").await.contains("Sent"));
        let same = b
            .client
            .execute("return window.stillTheSamePage === true", vec![])
            .await
            .unwrap();
        assert_eq!(same, serde_json::Value::Bool(true), "the page was reloaded");
        // Settled: the block no longer polls.
        assert_eq!(b.attr("#invoice-live", "hx-trigger").await, None);
        document_page(b, "invoice-page", DESKTOP, WINDOW.0).await;
        document_page(b, "invoice-page-phone", PHONE.0, WINDOW.0).await;
    })
    .await;
}

/// At 390 px the menu folds behind "Menu"; opened, every entry is on screen and works. The
/// invoice list's Total and Status are reached by scrolling the table, not the page.
#[actix_web::test]
async fn at_phone_width_the_menu_folds_and_the_list_scrolls_inside_its_box() {
    run("walk_phone_width", async |b: &Browser| {
        let org = b.app.chorus_ready_org().await;
        b.app.create_user("admin@atelier.test", "admin", Some(org)).await;
        b.app.issue_invoice(org, crate::pipeline::READY_BUYER, None).await;
        b.sign_in("admin@atelier.test", PASSWORD).await;
        b.client.set_window_size(PHONE.0, PHONE.1).await.expect("window size");
        b.goto("/").await;
        b.wait_until_loaded().await;
        let width = b.client.execute("return window.innerWidth", vec![]).await.unwrap();
        assert!(width.as_i64().unwrap_or(0) <= 400, "the window is a phone's: {width}");
        assert!(!b.find("a[href='/contracts']").await.is_displayed().await.unwrap());
        assert!(b.find(".nav-toggle-label").await.is_displayed().await.unwrap());
        assert!(page_overflow(b).await <= 0, "the page scrolls sideways at 390 px");

        document_page(b, "dashboard-phone", PHONE.0, PHONE.0).await;
        b.find(".nav-toggle-label").await.click().await.expect("open the menu");
        document_page(b, "menu-phone", PHONE.0, PHONE.0).await;
        for entry in ["a[href='/contracts']", "a[href='/settings/company']", "form[action='/logout'] button"] {
            let element = b.find(&format!(".nav-collapse {entry}")).await;
            assert!(element.is_displayed().await.unwrap(), "{entry} is hidden");
            let rect = element.rectangle().await.unwrap();
            assert!(rect.0 >= 0.0 && rect.0 + rect.2 <= PHONE.0 as f64, "{entry} is off-screen: {rect:?}");
        }
        b.click_and_wait(".nav-collapse a[href='/contracts']").await;
        assert_eq!(b.path().await, "/contracts");

        b.goto("/invoices").await;
        b.wait_until_loaded().await;
        assert!(page_overflow(b).await <= 0, "the invoice list scrolls the page sideways");
        // The table's box scrolls (not the page): Total and Status can each be brought into view.
        for column in [4, 5] {
            let cell = b.find(&format!("#invoice-rows tr:first-child td:nth-child({column})")).await;
            b.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'nearest', inline: 'nearest'})",
                    vec![serde_json::to_value(&cell).unwrap()],
                )
                .await
                .unwrap();
            let rect = cell.rectangle().await.unwrap();
            let scroll_x = b.client.execute("return window.scrollX", vec![]).await.unwrap();
            assert_eq!(scroll_x.as_f64(), Some(0.0), "the page itself scrolled sideways");
            assert!(
                rect.0 >= -1.0 && rect.0 + rect.2 <= PHONE.0 as f64 + 1.0,
                "column {column} is not reachable: {rect:?}"
            );
        }
        assert!(b.text("#invoice-rows").await.contains("In processing"));
        document_page(b, "invoice-list-phone", PHONE.0, PHONE.0).await;

        // The invoice form's lines editor scrolls in its own box too.
        b.goto("/invoices/new").await;
        b.wait_until_loaded().await;
        let wide = b
            .client
            .execute(
                "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.lines-editor')).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')",
                vec![],
            )
            .await
            .unwrap();
        assert!(page_overflow(b).await <= 0, "the invoice form scrolls the page sideways at 390 px: {wide}");

        // Back at desktop width: the menu is a row, nothing scrolls sideways.
        b.client.set_window_size(DESKTOP, WINDOW.1).await.expect("window size");
        b.goto("/invoices").await;
        b.wait_until_loaded().await;
        let width = b
            .client
            .execute(
                "return [window.innerWidth, matchMedia('(max-width: 62rem)').matches, getComputedStyle(document.querySelector('.nav-toggle-label')).display, document.documentElement.clientWidth].join(' ')",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            !b.find(".nav-toggle-label").await.is_displayed().await.unwrap(),
            "the menu toggle shows at {width} px"
        );
        assert!(b.find("a[href='/contracts']").await.is_displayed().await.unwrap());
        assert!(page_overflow(b).await <= 0, "the page scrolls sideways at 1400 px");
        document_page(b, "invoice-list", DESKTOP, DESKTOP).await;
        b.goto("/").await;
        b.wait_until_loaded().await;
        assert!(page_overflow(b).await <= 0, "the dashboard scrolls sideways at 1400 px");
        document_page(b, "dashboard-amounts", DESKTOP, DESKTOP).await;
    })
    .await;
}
