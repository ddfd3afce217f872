//! An organisation admin registers a webhook endpoint. Its URL must resolve to public addresses
//! only (unless `CHORUS_DESK_WEBHOOKS_ALLOW_PRIVATE=on`); its signing secret is returned once and
//! stored encrypted.

use crate::audit::{Actor, Entry};
use crate::config::SecretKey;
use crate::crypto::{CredentialCipher, Secret};
use crate::db::{Db, DbError, write_tx};
use crate::notify::ssrf::{self, AddressPolicy, EndpointRefused};
use crate::notify::webhooks::{self, EventType};

/// Why the endpoint was not registered, by form field.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("url: {0}")]
    Url(EndpointRefused),
    #[error("events: choose at least one event")]
    NoEvents,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The registered endpoint and its secret, to show once.
#[derive(Debug)]
pub struct Registered {
    pub endpoint_id: i64,
    pub secret: Secret,
}

pub async fn run(
    db: &Db,
    key: &SecretKey,
    policy: AddressPolicy,
    organisation_id: i64,
    actor: Actor,
    url: &str,
    events: Vec<EventType>,
) -> Result<Registered, RegisterError> {
    if events.is_empty() {
        return Err(RegisterError::NoEvents);
    }
    let checked = ssrf::check(url, policy).await.map_err(RegisterError::Url)?;
    let secret = webhooks::new_secret();
    let cipher = CredentialCipher::new(key);
    let stored = secret.clone();
    let url = checked.url.to_string();
    let endpoint_id = db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let id =
                    webhooks::insert_endpoint(conn, &cipher, organisation_id, &url, &events, &stored, actor.user_id())?;
                crate::audit::record(
                    conn,
                    Entry::new(Some(organisation_id), actor, "webhook.registered")
                        .target("webhook", id)
                        .details(serde_json::json!({
                            "url": url,
                            "events": events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
                        })),
                )?;
                Ok::<_, diesel::result::Error>(id)
            })
            .map_err(DbError::from)
        })
        .await?;
    Ok(Registered { endpoint_id, secret })
}
