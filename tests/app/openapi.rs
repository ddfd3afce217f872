//! The OpenAPI 3.1 document of `/api/v1`: served publicly, complete (every API route of the router
//! is in it, nothing else), valid for a real OpenAPI validator, and its schemas accept the
//! examples of `docs/` (and refuse a broken one).

use crate::helpers::*;
use chorus_desk::auth::access::Access;
use std::path::PathBuf;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The JSON blocks of a Markdown file preceded by `<!-- schema: Name -->`.
fn tagged_examples(markdown: &str, source: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- schema:")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        assert_eq!(
            lines.next().map(str::trim),
            Some("```json"),
            "{source}: a JSON block follows the tag"
        );
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        let example: serde_json::Value = serde_json::from_str(&block.join("\n")).unwrap();
        out.push(serde_json::json!({ "schema": name.trim(), "example": example, "source": format!("{source} ({})", name.trim()) }));
    }
    out
}

/// The first ```json block after "## Example" in docs/invoice-json.md.
fn invoice_document_example() -> serde_json::Value {
    let text = std::fs::read_to_string(manifest_dir().join("docs/invoice-json.md")).unwrap();
    let after = text
        .split("## Example")
        .nth(1)
        .expect("docs/invoice-json.md has an example");
    let block = after.split("```json").nth(1).unwrap().split("```").next().unwrap();
    serde_json::from_str(block).unwrap()
}

#[actix_web::test]
async fn the_api_is_described_completely_and_validly_and_its_schemas_accept_the_documented_examples() {
    let app = spawn_app(chorus_desk::db::Backend::Sqlite).await;
    // Public: no token, no session.
    let response = reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let document: serde_json::Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    // Every API route of the router is described, and nothing the router does not serve.
    let mut declared: Vec<(String, String)> = chorus_desk::web::route_table()
        .into_iter()
        .filter(|r| matches!(r.access, Access::Api))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let mut described = chorus_desk::web::handlers::openapi::operations(&document);
    declared.sort();
    described.sort();
    assert!(declared.len() >= 18, "{declared:?}");
    assert_eq!(described, declared);
    for (_, item) in document["paths"].as_object().unwrap() {
        for (_, operation) in item.as_object().unwrap() {
            assert!(
                operation["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{operation}"
            );
            assert_eq!(
                operation["security"][0]["api_token"],
                serde_json::json!([]),
                "{operation}"
            );
        }
    }

    // The examples of docs/ against the document's schemas, and one that must be refused.
    let api_md = std::fs::read_to_string(manifest_dir().join("docs/api.md")).unwrap();
    let mut examples = tagged_examples(&api_md, "docs/api.md");
    assert_eq!(examples.len(), 2, "docs/api.md tags its customer and invoice bodies");
    let invoice = invoice_document_example();
    examples
        .push(serde_json::json!({ "schema": "InvoiceDocument", "example": invoice, "source": "docs/invoice-json.md" }));
    let mut broken = invoice.clone();
    broken["lines"][0]["quantity"] = serde_json::json!("two");
    broken["unknown_field"] = serde_json::json!(1);
    examples.push(serde_json::json!({ "schema": "InvoiceDocument", "example": broken, "valid": false, "source": "a broken invoice" }));
    let mut broken_body = examples[1]["example"].clone();
    broken_body["issue"] = serde_json::json!("yes");
    examples.push(serde_json::json!({ "schema": "CreateInvoice", "example": broken_body, "valid": false, "source": "a broken invoice body" }));

    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("openapi.json");
    let examples_path = dir.path().join("examples.json");
    std::fs::write(&doc_path, serde_json::to_vec(&document).unwrap()).unwrap();
    std::fs::write(&examples_path, serde_json::to_vec(&examples).unwrap()).unwrap();
    let checker = std::env::var_os("OPENAPI_CHECK")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("scripts/openapi-check"));
    let output = std::process::Command::new(&checker)
        .arg(&doc_path)
        .arg(&examples_path)
        .output()
        .unwrap_or_else(|e| panic!("the OpenAPI validator could not run ({}): {e}", checker.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "openapi-spec-validator and the examples: {report}"
    );
    assert!(
        report.contains("checked the document and 5 examples: 0 problems"),
        "{report}"
    );
}

#[actix_web::test]
async fn the_docs_page_renders_the_document_with_the_vendored_viewer_only() {
    let app = spawn_app(chorus_desk::db::Backend::Sqlite).await;
    let html = reqwest::get(format!("{}/api/docs", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("/static/vendor/swagger-ui/swagger-ui-bundle.js"),
        "{html}"
    );
    assert!(html.contains("/static/vendor/swagger-ui/init.js"), "{html}");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "no CDN: {html}"
    );
    let init = reqwest::get(format!("{}/static/vendor/swagger-ui/init.js", app.address))
        .await
        .unwrap();
    assert_eq!(init.status(), reqwest::StatusCode::OK);
    assert!(init.text().await.unwrap().contains("/api/v1/openapi.json"));
    let bundle = reqwest::get(format!("{}/static/vendor/swagger-ui/swagger-ui-bundle.js", app.address))
        .await
        .unwrap();
    assert_eq!(bundle.status(), reqwest::StatusCode::OK);
}
