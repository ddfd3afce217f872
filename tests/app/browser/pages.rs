//! The pages added for the blank-install journey (issue 17), at 1400 px and at a phone's 390 px:
//! each opens and none scrolls sideways. The invoice lines editor is usable on a phone: its fields
//! are whole on screen, lines are added ("Add lines") and removed (emptied, as the form says), and
//! the invoice is issued.
//!
//! With `UPDATE_SCREENSHOTS=1` (`scripts/screenshots`) they are also written to `docs/screenshots/`
//! (`<name>.png` at 1400 px, `<name>-phone.png` at 390 px).

use super::harness::{Browser, WINDOW, run};
use crate::helpers::*;

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: u32 = 1400;

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

/// What sticks out of the window on the right, for the failure message.
async fn sticking_out(b: &Browser) -> String {
    let script = "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).slice(-5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')";
    b.client
        .execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// With `UPDATE_SCREENSHOTS=1`: the whole page at `width` into `docs/screenshots/<name>.png`.
async fn document_page(b: &Browser, name: &str, width: u32) {
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
    b.client.set_window_size(width, PHONE.1).await.expect("window size");
}

/// Opens `path` at `width`: it shows its title and does not scroll sideways.
async fn look_at(b: &Browser, path: &str, width: u32, name: &str) {
    b.client.set_window_size(width, PHONE.1).await.expect("window size");
    b.goto(path).await;
    b.wait_until_loaded().await;
    assert!(
        b.exists("main h1").await,
        "{path} at {width} px: {}",
        b.page_text().await
    );
    let overflow = page_overflow(b).await;
    assert!(
        overflow <= 0,
        "{path} scrolls sideways by {overflow} px at {width} px: {}",
        sticking_out(b).await
    );
    document_page(b, name, width).await;
}

/// `css` is on screen whole, and wide enough to type in.
async fn whole_on_screen(b: &Browser, css: &str) {
    let element = b.find(css).await;
    b.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    let (x, _, width, _) = element.rectangle().await.unwrap();
    assert!(
        x >= 0.0 && x + width <= f64::from(PHONE.0) + 0.5 && width >= 150.0,
        "{css} is cut off or too narrow at {} px: x {x}, width {width}",
        PHONE.0
    );
}

async fn row_count(b: &Browser) -> usize {
    b.client
        .find_all(fantoccini::Locator::Css(".lines-editor tbody tr"))
        .await
        .expect("rows")
        .len()
}

#[actix_web::test]
async fn at_phone_width_the_lines_editor_adds_and_removes_lines_and_the_invoice_is_issued() {
    run("phone_lines_editor", async |b: &Browser| {
        let org = b.app.chorus_ready_org().await;
        b.app.create_user("user@atelier.test", "user", Some(org)).await;
        let customer = b.app.create_customer(org, "Ville de Démo").await;
        b.sign_in("user@atelier.test", PASSWORD).await;
        b.client.set_window_size(PHONE.0, PHONE.1).await.expect("window size");
        b.goto(&format!("/invoices/new?customer={customer}")).await;
        b.wait_until_loaded().await;
        assert!(
            page_overflow(b).await <= 0,
            "the invoice form scrolls sideways at 390 px"
        );
        for field in [
            "name",
            "quantity",
            "unit_code",
            "unit_price",
            "vat_category",
            "vat_rate",
        ] {
            whole_on_screen(b, &format!("[name='lines[0].{field}']")).await;
        }
        // Each field says what it is, on the phone as well.
        let label = b
            .find("label[for='line-0-name'], .lines-editor tbody tr:first-child label")
            .await;
        assert!(
            label.is_displayed().await.unwrap(),
            "the line's labels are shown at 390 px"
        );
        b.fill("[name='lines[0].name']", "Maintenance mensuelle").await;
        b.fill("[name='lines[0].quantity']", "1").await;
        b.fill("[name='lines[0].unit_price']", "1250,50").await;
        document_page(b, "invoice-lines-phone", PHONE.0).await;

        // "Add lines" gives more rows and keeps what was typed.
        let before = row_count(b).await;
        b.click_and_wait("button[name=add_lines]").await;
        assert!(row_count(b).await > before, "Add lines adds rows");
        assert_eq!(b.value("[name='lines[0].name']").await, "Maintenance mensuelle");
        let last = row_count(b).await - 1;
        whole_on_screen(b, &format!("[name='lines[{last}].unit_price']")).await;
        b.fill("[name='lines[1].name']", "Audit de sécurité").await;
        b.fill("[name='lines[1].quantity']", "2").await;
        b.fill("[name='lines[1].unit_price']", "650").await;
        // A third line, typed then removed: emptied, it is ignored.
        b.fill(&format!("[name='lines[{last}].name']"), "Ligne en trop").await;
        b.fill(&format!("[name='lines[{last}].quantity']"), "1").await;
        b.fill(&format!("[name='lines[{last}].unit_price']"), "10").await;
        for field in ["name", "quantity", "unit_price"] {
            b.fill(&format!("[name='lines[{last}].{field}']"), "").await;
        }
        assert!(page_overflow(b).await <= 0);
        b.click_and_wait("main form button[name=save]:not([aria-hidden])").await;
        assert!(!b.exists(".field-error").await, "{}", b.text("main").await);
        let page = b.text("main").await;
        assert!(
            page.contains("Maintenance mensuelle") && page.contains("Audit de sécurité"),
            "{page}"
        );
        assert!(!page.contains("Ligne en trop"), "the emptied line is gone");
        assert!(
            page_overflow(b).await <= 0,
            "the invoice page scrolls sideways at 390 px"
        );

        b.click_and_wait("main form[action$='/issue'] button").await;
        assert!(b.exists(".flash-success").await, "{}", b.text("main").await);
        assert!(page_overflow(b).await <= 0);
        b.client.set_window_size(WINDOW.0, WINDOW.1).await.expect("window size");
    })
    .await;
}

#[actix_web::test]
async fn the_new_pages_open_and_never_scroll_sideways_at_1400_and_390_px() {
    run("new_pages_widths", async |b: &Browser| {
        const ENGAGEMENT_REQUIRED: &str = "13001234700014";
        let org = b.app.chorus_ready_org().await;
        b.app.create_user("admin@atelier.test", "admin,user", Some(org)).await;
        b.app.create_customer(org, "Ville de Démo").await;
        b.app.create_customer(org, "Villeneuve Services").await;
        // An invoice Chorus Pro rejected at integration: its routing fix page.
        let rejected = b.app.issue_invoice(org, ENGAGEMENT_REQUIRED, None).await;
        b.app.settle().await;
        let admin = b.app.signed_in("admin@atelier.test").await;
        for (name, price) in [("Maintenance mensuelle", "1250,50"), ("Audit de sécurité", "650")] {
            let response = admin
                .post_form(
                    "/items",
                    &[
                        ("name", name),
                        ("unit_code", "C62"),
                        ("unit_price", price),
                        ("vat_category", "S"),
                        ("vat_rate", "20"),
                    ],
                )
                .await;
            assert!(response.status().is_redirection(), "{name}: {}", response.status());
        }
        b.sign_in("admin@atelier.test", PASSWORD).await;
        let pages = [
            ("/settings/company".to_string(), "company-profile"),
            ("/settings/bank-accounts".into(), "bank-accounts"),
            ("/invoices/new?q=ville".into(), "invoice-customer-picker"),
            (format!("/invoices/{rejected}/routing"), "routing-fix"),
            ("/items".into(), "saved-items"),
            ("/account/notifications".into(), "notification-preferences"),
            ("/settings/webhooks".into(), "webhooks"),
        ];
        for (path, name) in &pages {
            look_at(b, path, DESKTOP, name).await;
            look_at(b, path, PHONE.0, &format!("{name}-phone")).await;
        }
        b.goto(&format!("/invoices/{rejected}/routing")).await;
        assert!(
            b.exists("#routing-form").await,
            "rejected at integration: {}",
            b.text("main").await
        );
        b.client.set_window_size(WINDOW.0, WINDOW.1).await.expect("window size");
    })
    .await;
}
