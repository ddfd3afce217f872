//! The webhook sender: claims due deliveries with a lease, signs and POSTs each event, records the
//! HTTP status; failures are retried with back-off for a day. The endpoint's host is resolved and
//! checked again at each attempt, and the request goes to those checked addresses only.

use crate::app::context::AppContext;
use crate::crypto::CredentialCipher;
use crate::notify::ssrf::{self, AddressPolicy};
use crate::notify::webhooks::{self, Attempt, DueDelivery};

const BATCH: i64 = 32;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub delivered: usize,
}

/// Delivers every due webhook (one batch).
pub async fn deliver_due(ctx: &AppContext, policy: AddressPolicy) -> DeliveryReport {
    let owner = ctx.owner.clone();
    let lease = ctx.lease;
    let claimed = ctx
        .db
        .run(move |conn| webhooks::claim(conn, &owner, lease, BATCH).map_err(crate::db::DbError::from))
        .await;
    let due = match claimed {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not claim webhook deliveries");
            return DeliveryReport::default();
        }
    };
    let mut report = DeliveryReport {
        claimed: due.len(),
        ..Default::default()
    };
    for item in due {
        let attempt = attempt(ctx, &item, policy).await;
        if matches!(attempt, Attempt::Delivered { .. }) {
            report.delivered += 1;
        }
        let owner = ctx.owner.clone();
        let id = item.delivery.id;
        let recorded = ctx
            .db
            .run(move |conn| {
                webhooks::record_attempt(conn, &item.delivery, &owner, &attempt).map_err(crate::db::DbError::from)
            })
            .await;
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!(delivery = id, "lease lost before the delivery was recorded"),
            Err(e) => tracing::error!(delivery = id, error = %e, "could not record a webhook delivery"),
        }
    }
    report
}

/// Runs until nothing is due now (tests).
pub async fn drain(ctx: &AppContext, policy: AddressPolicy) {
    while deliver_due(ctx, policy).await.claimed > 0 {}
}

async fn attempt(ctx: &AppContext, item: &DueDelivery, policy: AddressPolicy) -> Attempt {
    if item.endpoint.disabled_at.is_some() {
        return Attempt::Abandoned {
            error: "the endpoint was removed".into(),
        };
    }
    let checked = match ssrf::check(&item.endpoint.url, policy).await {
        Ok(checked) => checked,
        Err(e @ ssrf::EndpointRefused::PrivateAddress(_)) => return Attempt::Abandoned { error: e.to_string() },
        Err(e) => {
            return Attempt::Failed {
                http_status: None,
                error: e.to_string(),
            };
        }
    };
    let cipher = CredentialCipher::new(&ctx.secret);
    let secret = match cipher.decrypt_secret(
        &item.endpoint.secret,
        &webhooks::secret_aad(item.endpoint.organisation_id),
    ) {
        Ok(secret) => secret,
        Err(e) => {
            return Attempt::Abandoned {
                error: format!("the endpoint's secret cannot be read: {e}"),
            };
        }
    };
    let body = item.event.payload.clone();
    let timestamp = chrono::Utc::now().timestamp();
    let signature = webhooks::signature(secret.expose(), timestamp, &body);
    crate::chorus::install_crypto_provider();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .resolve_to_addrs(&checked.host, &checked.addresses)
        .user_agent(concat!("chorus-desk-webhooks/", env!("CARGO_PKG_VERSION")))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            return Attempt::Failed {
                http_status: None,
                error: e.to_string(),
            };
        }
    };
    let sent = client
        .post(checked.url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(webhooks::EVENT_HEADER, item.event.event_type.as_str())
        .header(webhooks::DELIVERY_HEADER, format!("evt_{}", item.event.id))
        .header(webhooks::TIMESTAMP_HEADER, timestamp.to_string())
        .header(webhooks::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => Attempt::Delivered {
            http_status: response.status().as_u16(),
        },
        Ok(response) => Attempt::Failed {
            http_status: Some(response.status().as_u16()),
            error: format!("the endpoint answered {}", response.status()),
        },
        Err(e) => Attempt::Failed {
            http_status: None,
            error: format!("no answer: {}", without_url(&e)),
        },
    }
}

/// The error without the URL (it may carry a token in its query).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "the endpoint");
    }
    text
}
