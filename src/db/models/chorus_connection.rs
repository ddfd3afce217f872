//! An organisation's Chorus Pro connection: one row per organisation, credentials encrypted.
//!
//! Pages read [`summary`], which selects no credential column at all; only the pipeline calls
//! [`load_credentials`], which decrypts.

use crate::config::SecretKey;
use crate::crypto::{CredentialCipher, CryptoError, Secret, chorus_aad};
use crate::db::schema::chorus_connections;
use crate::db::{AnyConnection, now};
use crate::domain::deposit::{AttachmentMode, DepositFormat};
use crate::domain::einvoicing::{
    CLIENT_ID, CLIENT_SECRET, ChorusEnvironment, ConnectionSettings, IdentifierProfile, TECH_LOGIN, TECH_PASSWORD,
};
use crate::domain::identifiers::Siret;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("the stored Chorus Pro {field} cannot be decrypted: {source}")]
    Decrypt { field: &'static str, source: CryptoError },
    #[error("a Chorus Pro credential could not be encrypted: {0}")]
    Encrypt(CryptoError),
    #[error("the stored Chorus Pro setting {field} is not a value chorus-desk knows")]
    Invalid { field: &'static str },
}

/// What a page may know about the connection: settings in clear, and only the dates at which
/// each credential was set.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = chorus_connections)]
pub struct ConnectionSummary {
    pub organisation_id: i64,
    pub environment: String,
    pub piste_client_id_set_at: Option<NaiveDateTime>,
    pub piste_client_secret_set_at: Option<NaiveDateTime>,
    pub tech_login_set_at: Option<NaiveDateTime>,
    pub tech_password_set_at: Option<NaiveDateTime>,
    pub supplier_siret: String,
    pub structure_id: Option<String>,
    pub deposit_format: String,
    pub attachment_mode: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i64>,
    pub token_url_override: Option<String>,
    pub api_base_url_override: Option<String>,
    /// `en16931` or `aife` (BT-29/BT-46 schemes).
    pub identifier_profile: String,
    /// Requests per second the connection may start (None: the default).
    pub requests_per_second: Option<i32>,
}

impl ConnectionSummary {
    /// When the credential `field` (one of the `domain::einvoicing` field names) was set.
    pub fn set_at(&self, field: &str) -> Option<NaiveDateTime> {
        match field {
            CLIENT_ID => self.piste_client_id_set_at,
            CLIENT_SECRET => self.piste_client_secret_set_at,
            TECH_LOGIN => self.tech_login_set_at,
            TECH_PASSWORD => self.tech_password_set_at,
            _ => None,
        }
    }
}

/// The connection as the pipeline needs it, credentials decrypted. `Debug` shows `[redacted]`
/// for each credential.
#[derive(Debug, Clone)]
pub struct ChorusConnection {
    pub organisation_id: i64,
    pub environment: ChorusEnvironment,
    pub piste_client_id: Option<Secret>,
    pub piste_client_secret: Option<Secret>,
    pub tech_login: Option<Secret>,
    pub tech_password: Option<Secret>,
    pub tech_password_set_at: Option<NaiveDateTime>,
    pub supplier_siret: Siret,
    pub structure_id: Option<String>,
    pub deposit_format: DepositFormat,
    pub attachment_mode: AttachmentMode,
    /// Admin overrides of the PISTE token URL and API base URL (None: the environment's).
    pub token_url_override: Option<EndpointOverride>,
    pub api_base_url_override: Option<EndpointOverride>,
    /// How the UBL/CII deposited qualify the SIRET.
    pub identifier_profile: IdentifierProfile,
    /// Requests per second the connection may start (issue 21).
    pub requests_per_second: u32,
}

/// A Chorus endpoint URL an admin may set on a connection: https, or plain http only towards a
/// loopback host (a local simulator), so credentials never cross a network in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointOverride(url::Url);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointOverrideError {
    #[error("not a URL: {0}")]
    NotAUrl(String),
    #[error("the URL must use https (http only for 127.0.0.1, ::1 or localhost)")]
    InsecureScheme,
}

impl EndpointOverride {
    pub fn parse(text: &str) -> Result<Self, EndpointOverrideError> {
        let url = url::Url::parse(text.trim()).map_err(|error| EndpointOverrideError::NotAUrl(error.to_string()))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" if url.host().is_some() => Ok(EndpointOverride(url)),
            "http" if loopback => Ok(EndpointOverride(url)),
            _ => Err(EndpointOverrideError::InsecureScheme),
        }
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Sets (or clears, with `None`) the connection's endpoint overrides; the caller audits.
pub fn set_endpoint_overrides(
    conn: &mut AnyConnection,
    organisation_id: i64,
    token_url: Option<&EndpointOverride>,
    api_base_url: Option<&EndpointOverride>,
    updated_by: i64,
) -> QueryResult<usize> {
    diesel::update(chorus_connections::table.find(organisation_id))
        .set((
            chorus_connections::token_url_override.eq(token_url.map(|u| u.as_str().to_owned())),
            chorus_connections::api_base_url_override.eq(api_base_url.map(|u| u.as_str().to_owned())),
            chorus_connections::updated_at.eq(now()),
            chorus_connections::updated_by.eq(Some(updated_by)),
        ))
        .execute(conn)
}

/// The connection's requests per second: its setting, else the default.
pub fn rate_or_default(setting: Option<i32>) -> u32 {
    setting
        .and_then(|r| u32::try_from(r).ok())
        .filter(|r| *r > 0)
        .unwrap_or(crate::domain::einvoicing::DEFAULT_REQUESTS_PER_SECOND)
}

/// Sets (or, with None, resets to the default) the requests per second the connection may start.
pub fn set_requests_per_second(
    conn: &mut AnyConnection,
    organisation_id: i64,
    requests_per_second: Option<u32>,
    updated_by: i64,
) -> QueryResult<usize> {
    diesel::update(chorus_connections::table.find(organisation_id))
        .set((
            chorus_connections::requests_per_second.eq(requests_per_second.map(|r| r as i32)),
            chorus_connections::updated_at.eq(now()),
            chorus_connections::updated_by.eq(Some(updated_by)),
        ))
        .execute(conn)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = chorus_connections)]
struct EncryptedRow {
    organisation_id: i64,
    environment: String,
    piste_client_id: Option<Vec<u8>>,
    piste_client_secret: Option<Vec<u8>>,
    tech_login: Option<Vec<u8>>,
    tech_password: Option<Vec<u8>>,
    tech_password_set_at: Option<NaiveDateTime>,
    supplier_siret: String,
    structure_id: Option<String>,
    deposit_format: String,
    attachment_mode: String,
    token_url_override: Option<String>,
    api_base_url_override: Option<String>,
    identifier_profile: String,
    requests_per_second: Option<i32>,
}

/// The page's view of the connection; never reads a credential column.
pub fn summary(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<Option<ConnectionSummary>> {
    chorus_connections::table
        .find(organisation_id)
        .select(ConnectionSummary::as_select())
        .first(conn)
        .optional()
}

/// The organisation's connection with its credentials decrypted, for the pipeline only.
/// A blob that does not decrypt (another key, moved from another row) is an error, never a panic.
pub fn load_credentials(
    conn: &mut AnyConnection,
    organisation_id: i64,
    secret: &SecretKey,
) -> Result<Option<ChorusConnection>, CredentialsError> {
    let row: Option<EncryptedRow> = chorus_connections::table
        .find(organisation_id)
        .select(EncryptedRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let cipher = CredentialCipher::new(secret);
    let open = |field: &'static str, blob: &Option<Vec<u8>>| -> Result<Option<Secret>, CredentialsError> {
        blob.as_deref()
            .map(|b| cipher.decrypt_secret(b, &chorus_aad(row.organisation_id, field)))
            .transpose()
            .map_err(|source| CredentialsError::Decrypt { field, source })
    };
    Ok(Some(ChorusConnection {
        organisation_id: row.organisation_id,
        environment: ChorusEnvironment::parse(&row.environment)
            .ok_or(CredentialsError::Invalid { field: "environment" })?,
        piste_client_id: open(CLIENT_ID, &row.piste_client_id)?,
        piste_client_secret: open(CLIENT_SECRET, &row.piste_client_secret)?,
        tech_login: open(TECH_LOGIN, &row.tech_login)?,
        tech_password: open(TECH_PASSWORD, &row.tech_password)?,
        tech_password_set_at: row.tech_password_set_at,
        supplier_siret: Siret::parse(&row.supplier_siret).map_err(|_| CredentialsError::Invalid {
            field: "supplier_siret",
        })?,
        structure_id: row.structure_id,
        deposit_format: DepositFormat::parse(&row.deposit_format).ok_or(CredentialsError::Invalid {
            field: "deposit_format",
        })?,
        attachment_mode: AttachmentMode::parse_connection_choice(&row.attachment_mode).ok_or(
            CredentialsError::Invalid {
                field: "attachment_mode",
            },
        )?,
        token_url_override: row
            .token_url_override
            .as_deref()
            .map(EndpointOverride::parse)
            .transpose()
            .map_err(|_| CredentialsError::Invalid {
                field: "token_url_override",
            })?,
        api_base_url_override: row
            .api_base_url_override
            .as_deref()
            .map(EndpointOverride::parse)
            .transpose()
            .map_err(|_| CredentialsError::Invalid {
                field: "api_base_url_override",
            })?,
        identifier_profile: IdentifierProfile::parse(&row.identifier_profile).ok_or(CredentialsError::Invalid {
            field: "identifier_profile",
        })?,
        requests_per_second: rate_or_default(row.requests_per_second),
    }))
}

/// Saves the settings: plain fields are overwritten, credentials only when a new value was typed.
/// Returns the names of the fields that changed (for the audit log: names, never values); nothing
/// is written when nothing changed. Call inside a write transaction.
pub fn save(
    conn: &mut AnyConnection,
    organisation_id: i64,
    settings: &ConnectionSettings,
    secret: &SecretKey,
    by_user: i64,
) -> Result<Vec<&'static str>, CredentialsError> {
    let existing = summary(conn, organisation_id)?;
    let at = now();
    let mut changed: Vec<&'static str> = Vec::new();
    let new_siret = settings.supplier_siret.as_str();
    match &existing {
        Some(old) => {
            let plain: [(&'static str, bool); 5] = [
                ("environment", old.environment != settings.environment.as_str()),
                ("supplier_siret", old.supplier_siret != new_siret),
                ("structure_id", old.structure_id != settings.structure_id),
                ("deposit_format", old.deposit_format != settings.deposit_format.as_str()),
                (
                    "attachment_mode",
                    old.attachment_mode != settings.attachment_mode.as_str(),
                ),
            ];
            changed.extend(plain.iter().filter(|(_, differs)| *differs).map(|(name, _)| *name));
        }
        None => changed.extend([
            "environment",
            "supplier_siret",
            "structure_id",
            "deposit_format",
            "attachment_mode",
        ]),
    }
    let credentials: [(&'static str, &Option<Secret>); 4] = [
        (CLIENT_ID, &settings.piste_client_id),
        (CLIENT_SECRET, &settings.piste_client_secret),
        (TECH_LOGIN, &settings.tech_login),
        (TECH_PASSWORD, &settings.tech_password),
    ];
    changed.extend(credentials.iter().filter(|(_, v)| v.is_some()).map(|(name, _)| *name));
    if existing.is_some() && changed.is_empty() {
        return Ok(changed);
    }

    if existing.is_none() {
        diesel::insert_into(chorus_connections::table)
            .values((
                chorus_connections::organisation_id.eq(organisation_id),
                chorus_connections::environment.eq(settings.environment.as_str()),
                chorus_connections::supplier_siret.eq(new_siret),
                chorus_connections::structure_id.eq(settings.structure_id.as_deref()),
                chorus_connections::deposit_format.eq(settings.deposit_format.as_str()),
                chorus_connections::attachment_mode.eq(settings.attachment_mode.as_str()),
                chorus_connections::updated_at.eq(at),
                chorus_connections::updated_by.eq(Some(by_user)),
            ))
            .execute(conn)?;
    } else {
        diesel::update(chorus_connections::table.find(organisation_id))
            .set((
                chorus_connections::environment.eq(settings.environment.as_str()),
                chorus_connections::supplier_siret.eq(new_siret),
                chorus_connections::structure_id.eq(settings.structure_id.as_deref()),
                chorus_connections::deposit_format.eq(settings.deposit_format.as_str()),
                chorus_connections::attachment_mode.eq(settings.attachment_mode.as_str()),
                chorus_connections::updated_at.eq(at),
                chorus_connections::updated_by.eq(Some(by_user)),
            ))
            .execute(conn)?;
    }

    let cipher = CredentialCipher::new(secret);
    let seal = |field: &'static str, value: &Secret| {
        cipher
            .encrypt_secret(value, &chorus_aad(organisation_id, field))
            .map_err(CredentialsError::Encrypt)
    };
    let row = chorus_connections::table.find(organisation_id);
    if let Some(value) = &settings.piste_client_id {
        diesel::update(row)
            .set((
                chorus_connections::piste_client_id.eq(seal(CLIENT_ID, value)?),
                chorus_connections::piste_client_id_set_at.eq(at),
            ))
            .execute(conn)?;
    }
    if let Some(value) = &settings.piste_client_secret {
        diesel::update(row)
            .set((
                chorus_connections::piste_client_secret.eq(seal(CLIENT_SECRET, value)?),
                chorus_connections::piste_client_secret_set_at.eq(at),
            ))
            .execute(conn)?;
    }
    if let Some(value) = &settings.tech_login {
        diesel::update(row)
            .set((
                chorus_connections::tech_login.eq(seal(TECH_LOGIN, value)?),
                chorus_connections::tech_login_set_at.eq(at),
            ))
            .execute(conn)?;
    }
    if let Some(value) = &settings.tech_password {
        diesel::update(row)
            .set((
                chorus_connections::tech_password.eq(seal(TECH_PASSWORD, value)?),
                chorus_connections::tech_password_set_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}

/// The format the organisation deposits in (UBL without a connection).
pub fn deposit_format(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<DepositFormat> {
    let stored: Option<String> = chorus_connections::table
        .find(organisation_id)
        .select(chorus_connections::deposit_format)
        .first(conn)
        .optional()?;
    Ok(stored.as_deref().and_then(DepositFormat::parse).unwrap_or_default())
}

/// The connection's identifier profile (the default one without a connection).
pub fn identifier_profile(conn: &mut AnyConnection, organisation_id: i64) -> QueryResult<IdentifierProfile> {
    let stored: Option<String> = chorus_connections::table
        .find(organisation_id)
        .select(chorus_connections::identifier_profile)
        .first(conn)
        .optional()?;
    Ok(stored.as_deref().and_then(IdentifierProfile::parse).unwrap_or_default())
}

/// Sets the identifier profile of an existing connection; whether it changed.
pub fn set_identifier_profile(
    conn: &mut AnyConnection,
    organisation_id: i64,
    profile: IdentifierProfile,
) -> QueryResult<bool> {
    let changed = diesel::update(
        chorus_connections::table
            .find(organisation_id)
            .filter(chorus_connections::identifier_profile.ne(profile.as_str())),
    )
    .set(chorus_connections::identifier_profile.eq(profile.as_str()))
    .execute(conn)?;
    Ok(changed > 0)
}
