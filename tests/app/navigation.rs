//! The main menu and the breadcrumbs: saved items are in the menu next to Customers and Contracts,
//! and every breadcrumb segment of the main pages but the current one links to a page that opens.

use crate::both_backends;
#[allow(unused_imports)]
use crate::helpers::*;
use reqwest::StatusCode;

/// The hrefs of the breadcrumb trails in a page, and whether every segment but the last links.
fn breadcrumbs(html: &str) -> Vec<(Vec<String>, bool)> {
    let mut trails = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("aria-label=\"Breadcrumb\"") {
        let after = &rest[start..];
        let end = after.find("</nav>").expect("a closed breadcrumb");
        let trail = &after[..end];
        let hrefs = trail
            .split("href=\"")
            .skip(1)
            .map(|piece| piece[..piece.find('"').unwrap()].replace("&amp;", "&"))
            .collect();
        let segments: Vec<&str> = trail.split("<li").skip(1).collect();
        let linked = segments
            .iter()
            .take(segments.len().saturating_sub(1))
            .all(|segment| segment.contains("href=\""));
        trails.push((hrefs, linked));
        rest = &after[end..];
    }
    trails
}

both_backends! {
    async fn saved_items_are_in_the_menu_and_every_breadcrumb_link_opens_a_page(app: TestApp) {
        let org = app.chorus_ready_org().await;
        app.create_user("admin@atelier.test", "admin,user,auditor", Some(org)).await;
        let client = app.signed_in("admin@atelier.test").await;
        let customer = app.create_customer(org, "Ville de Démo").await;
        let contract = app.create_contract(org, customer, "CT-1").await;
        let draft = app.create_draft(org).await;
        let issued = app.issue_invoice(org, "21750001600019", None).await;
        client.get_text("/invoices/import").await;

        // The menu: Saved items next to Customers and Contracts.
        let (_, home) = client.get_text("/").await;
        let menu = &home[home.find("class=\"main-nav\"").unwrap()..];
        let menu = &menu[..menu.find("</ul>").unwrap()];
        let contracts = menu.find("href=\"/contracts\"").expect("Contracts in the menu");
        let items = menu.find("href=\"/items\"").expect("Saved items in the menu");
        assert!(items > contracts, "{menu}");
        let (_, page) = client.get_text("/items").await;
        assert!(page.contains("href=\"/items\" aria-current=\"page\""), "the menu marks where the user is");

        let entry = {
            let (_, audit) = client.get_text("/audit").await;
            let start = audit.find("href=\"/audit/entries/").expect("an audit entry link") + "href=\"".len();
            audit[start..start + audit[start..].find('"').unwrap()].to_string()
        };
        let pages = [
            "/".to_string(),
            "/invoices".into(),
            "/invoices/new".into(),
            "/invoices/import".into(),
            format!("/invoices/{draft}"),
            format!("/invoices/{draft}/edit"),
            format!("/invoices/{issued}"),
            format!("/invoices/{issued}/routing"),
            "/customers".into(),
            format!("/customers/{customer}"),
            format!("/customers/{customer}/edit"),
            "/contracts".into(),
            format!("/contracts/{contract}"),
            format!("/contracts/{contract}/edit"),
            "/items".into(),
            "/settings/company".into(),
            "/settings/bank-accounts".into(),
            "/settings/users".into(),
            "/settings/e-invoicing".into(),
            "/settings/api-tokens".into(),
            "/settings/webhooks".into(),
            "/account/password".into(),
            "/account/notifications".into(),
            "/audit".into(),
            entry,
            format!("/audit/targets/invoice/{issued}"),
        ];
        let mut followed = 0;
        for page in &pages {
            let (status, html) = client.get_text(page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            for (hrefs, linked) in breadcrumbs(&html) {
                assert!(linked, "{page}: a breadcrumb segment before the last one is not a link");
                for href in hrefs {
                    let (status, _) = client.get_text(&href).await;
                    assert_eq!(status, StatusCode::OK, "{page}: its breadcrumb link {href}");
                    followed += 1;
                }
            }
        }
        assert!(followed >= 8, "the main pages have breadcrumbs ({followed} links followed)");

        // The support pages too.
        app.create_user("support@platform.test", "support", None).await;
        let support = app.signed_in("support@platform.test").await;
        let page = format!("/support/organisations/{org}");
        let (status, html) = support.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        for (hrefs, linked) in breadcrumbs(&html) {
            assert!(linked, "{page}");
            for href in hrefs {
                assert_eq!(support.get_text(&href).await.0, StatusCode::OK, "{page}: {href}");
            }
        }
    }
}
