//! One Chorus Pro client per organisation, built from its encrypted credentials and kept while they
//! do not change, so its OAuth token is reused until it nears expiry.

use crate::chorus::{
    ChorusClient, ChorusClientConfig, ChorusCredentials, ChorusEndpoints, ChorusEnvironment, ChorusError,
    ExchangeObserver, RetryPolicy,
};
use crate::db::models::chorus_connection::ChorusConnection;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct ClientCache {
    simulator_url: String,
    clients: Arc<Mutex<HashMap<i64, (String, ChorusClient)>>>,
    /// Overrides the client's retry policy (tests use short back-offs).
    retry: Arc<Mutex<Option<RetryPolicy>>>,
    /// Each organisation's own supplier structure, as last looked up (issue 21: the poller's
    /// integration checks no longer ask for it once per flux).
    suppliers: Arc<Mutex<HashMap<i64, KnownSupplier>>>,
}

/// A supplier structure looked up: the connection's fingerprint, when, and the answer.
type KnownSupplier = (String, std::time::Instant, crate::chorus::supplier::OwnSupplier);

/// How long a supplier structure looked up stays known.
const SUPPLIER_KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// Why no client could be made: shown to people as a technical reason.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the Chorus Pro credentials are incomplete: {0} is not set (Configuration › E-Invoicing)")]
    Missing(&'static str),
    #[error(transparent)]
    Chorus(#[from] ChorusError),
}

impl ClientCache {
    pub fn new(simulator_url: String) -> ClientCache {
        ClientCache {
            simulator_url,
            clients: Arc::new(Mutex::new(HashMap::new())),
            retry: Arc::new(Mutex::new(None)),
            suppliers: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The organisation's supplier structure if looked up less than a minute ago for the same
    /// SIRET and saved structure id.
    /// The organisation's own supplier structure, remembered for a minute per organisation: the
    /// poller checks many fluxes of one organisation in a row, and asked for it once per flux.
    pub async fn own_supplier(
        &self,
        client: &ChorusClient,
        connection: &ChorusConnection,
    ) -> Result<crate::chorus::supplier::OwnSupplier, ChorusError> {
        if let Some(own) = self.known_supplier(connection) {
            return Ok(own);
        }
        let own = crate::chorus::supplier::own_supplier(client, connection).await?;
        self.remember_supplier(connection, &own);
        Ok(own)
    }

    pub(crate) fn known_supplier(&self, connection: &ChorusConnection) -> Option<crate::chorus::supplier::OwnSupplier> {
        let key = supplier_key(connection);
        let suppliers = self.suppliers.lock().unwrap_or_else(|p| p.into_inner());
        suppliers
            .get(&connection.organisation_id)
            .filter(|(known, at, _)| *known == key && at.elapsed() < SUPPLIER_KEPT_FOR)
            .map(|(_, _, own)| own.clone())
    }

    pub(crate) fn remember_supplier(&self, connection: &ChorusConnection, own: &crate::chorus::supplier::OwnSupplier) {
        self.suppliers.lock().unwrap_or_else(|p| p.into_inner()).insert(
            connection.organisation_id,
            (supplier_key(connection), std::time::Instant::now(), own.clone()),
        );
    }

    /// Uses this retry policy for clients built from now on.
    pub fn set_retry_policy(&self, policy: RetryPolicy) {
        *self.retry.lock().unwrap_or_else(|p| p.into_inner()) = Some(policy);
        self.clients.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn simulator_url(&self) -> &str {
        &self.simulator_url
    }

    /// A client for this connection that reports its exchanges to `observer`.
    pub fn client_for(
        &self,
        connection: &ChorusConnection,
        observer: Arc<dyn ExchangeObserver>,
    ) -> Result<ChorusClient, ClientError> {
        let (fingerprint, config) = self.config_for(connection)?;
        let observer = own_supplier_only(connection, observer);
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((known, client)) = clients.get(&connection.organisation_id)
            && *known == fingerprint
        {
            return Ok(client.with_observer(observer));
        }
        let client = ChorusClient::new(config, observer)?;
        clients.insert(connection.organisation_id, (fingerprint, client.clone()));
        Ok(client)
    }

    /// A new client with its own token cache, not kept: a connection test must really ask PISTE
    /// for a token. `adjust` tunes timeouts and retries for an interactive use.
    pub fn fresh_client_for(
        &self,
        connection: &ChorusConnection,
        observer: Arc<dyn ExchangeObserver>,
        adjust: impl FnOnce(&mut ChorusClientConfig),
    ) -> Result<ChorusClient, ClientError> {
        let (_, mut config) = self.config_for(connection)?;
        adjust(&mut config);
        Ok(ChorusClient::new(config, own_supplier_only(connection, observer))?)
    }

    /// The client configuration for a connection, and a fingerprint of what it was built from.
    fn config_for(&self, connection: &ChorusConnection) -> Result<(String, ChorusClientConfig), ClientError> {
        let reveal = |secret: &Option<crate::crypto::Secret>, name: &'static str| {
            secret
                .as_ref()
                .map(|s| s.expose().to_string())
                .ok_or(ClientError::Missing(name))
        };
        let credentials = ChorusCredentials {
            client_id: reveal(&connection.piste_client_id, "the PISTE client id")?,
            client_secret: reveal(&connection.piste_client_secret, "the PISTE client secret")?,
            tech_login: reveal(&connection.tech_login, "the technical account login")?,
            tech_password: reveal(&connection.tech_password, "the technical account password")?,
        };
        // A fingerprint of what the client was built from: new credentials, new client.
        let fingerprint = hex::encode(Sha256::digest(format!(
            "{}\0{}\0{}\0{}\0{}\0{}\0{}\0{}",
            connection.requests_per_second,
            connection.environment.as_str(),
            connection.token_url_override.as_ref().map_or("", |u| u.as_str()),
            connection.api_base_url_override.as_ref().map_or("", |u| u.as_str()),
            credentials.client_id,
            credentials.client_secret,
            credentials.tech_login,
            credentials.tech_password
        )));
        let config = match connection.environment {
            ChorusEnvironment::Simulator => {
                ChorusClientConfig::with_endpoints(ChorusEndpoints::simulator_at(&self.simulator_url)?, credentials)
            }
            other => ChorusClientConfig::new(other, credentials),
        };
        let mut config = config;
        // An admin's per-connection overrides win over the environment's endpoints.
        if let Some(token_url) = &connection.token_url_override {
            config.endpoints = config.endpoints.clone().with_token_url(token_url.url().clone());
        }
        if let Some(api_base_url) = &connection.api_base_url_override {
            config.endpoints = config.endpoints.clone().with_api_base_url(api_base_url.url().clone());
        }
        config.requests_per_second = connection.requests_per_second;
        if let Some(policy) = self.retry.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            config.retry = policy;
        }
        Ok((fingerprint, config))
    }
}

fn supplier_key(connection: &ChorusConnection) -> String {
    format!(
        "{}\0{}",
        connection.supplier_siret.as_str(),
        connection.structure_id.as_deref().unwrap_or("")
    )
}

/// Every client of an organisation logs the answers of its searches about its own supplier only.
fn own_supplier_only(connection: &ChorusConnection, observer: Arc<dyn ExchangeObserver>) -> Arc<dyn ExchangeObserver> {
    Arc::new(crate::chorus::own_supplier_only::OwnSupplierOnly {
        siret: connection.supplier_siret.as_str().to_string(),
        inner: observer,
    })
}
