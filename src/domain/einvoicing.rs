//! The Chorus Pro connection settings an organisation's admin types, parsed into domain values,
//! and the technical account password's lifetime.

use crate::domain::deposit::{AttachmentMode, DepositFormat};
use crate::domain::identifiers::Siret;
use crate::domain::organisation::{FieldErrors, add_error};
use crate::i18n::Message;
use crate::secret::Secret;
use chrono::{Days, NaiveDate};

/// Which Chorus Pro the organisation talks to (`chorus::environment` knows its endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChorusEnvironment {
    Production,
    /// PISTE sandbox, connected to the Chorus Pro qualification platform.
    Sandbox,
    /// The simulator built into chorus-desk.
    Simulator,
}

impl ChorusEnvironment {
    pub const ALL: [ChorusEnvironment; 3] = [
        ChorusEnvironment::Production,
        ChorusEnvironment::Sandbox,
        ChorusEnvironment::Simulator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChorusEnvironment::Production => "production",
            ChorusEnvironment::Sandbox => "sandbox",
            ChorusEnvironment::Simulator => "simulator",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChorusEnvironment::Production => "Production",
            ChorusEnvironment::Sandbox => "Sandbox (Chorus Pro qualification)",
            ChorusEnvironment::Simulator => "Built-in simulator",
        }
    }

    /// The catalog key of `label()`, for pages (`label()` stays for the CLI and logs).
    pub fn label_key(self) -> &'static str {
        match self {
            ChorusEnvironment::Production => "einv-env-production",
            ChorusEnvironment::Sandbox => "einv-env-sandbox",
            ChorusEnvironment::Simulator => "einv-env-simulator",
        }
    }

    pub fn parse(value: &str) -> Option<ChorusEnvironment> {
        Self::ALL.into_iter().find(|e| e.as_str() == value.trim())
    }
}

/// How the SIRET is qualified in the UBL and CII deposited (BT-29 seller, BT-46 buyer): the ISO 6523
/// ICD code `0009` of EN 16931 and Peppol (the default), or the AIFE code `1` of Chorus Pro's own
/// E1/E2 specifications where the syntax can carry it (docs/identifier-schemes.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdentifierProfile {
    #[default]
    En16931,
    Aife,
}

impl IdentifierProfile {
    pub const ALL: [IdentifierProfile; 2] = [IdentifierProfile::En16931, IdentifierProfile::Aife];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierProfile::En16931 => "en16931",
            IdentifierProfile::Aife => "aife",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            IdentifierProfile::En16931 => "einv-identifier-profile-en16931",
            IdentifierProfile::Aife => "einv-identifier-profile-aife",
        }
    }

    /// An empty value is the default profile.
    pub fn parse(value: &str) -> Option<IdentifierProfile> {
        match value.trim() {
            "" => Some(IdentifierProfile::default()),
            other => Self::ALL.into_iter().find(|p| p.as_str() == other),
        }
    }
}

/// The credential fields, by the name used in forms, columns, audit entries and encryption AAD.
pub const CLIENT_ID: &str = "piste_client_id";
pub const CLIENT_SECRET: &str = "piste_client_secret";
pub const TECH_LOGIN: &str = "tech_login";
pub const TECH_PASSWORD: &str = "tech_password";

/// What the admin typed. Empty credential fields mean "keep the stored value".
#[derive(Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ConnectionInput {
    pub piste_client_id: String,
    pub piste_client_secret: String,
    pub tech_login: String,
    pub tech_password: String,
    pub environment: String,
    pub supplier_siret: String,
    pub structure_id: String,
    pub deposit_format: String,
    pub attachment_mode: String,
    /// `en16931` (default when empty) or `aife`.
    pub identifier_profile: String,
}

impl std::fmt::Debug for ConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInput")
            .field("environment", &self.environment)
            .field("supplier_siret", &self.supplier_siret)
            .field("structure_id", &self.structure_id)
            .finish_non_exhaustive()
    }
}

impl ConnectionInput {
    /// The same input with the secrets blanked: what a re-rendered form may show.
    pub fn without_secrets(mut self) -> ConnectionInput {
        self.piste_client_secret.clear();
        self.tech_password.clear();
        self
    }
}

/// Parsed settings. A `None` credential keeps the stored one.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub environment: ChorusEnvironment,
    pub supplier_siret: Siret,
    pub structure_id: Option<String>,
    pub deposit_format: DepositFormat,
    pub attachment_mode: AttachmentMode,
    pub piste_client_id: Option<Secret>,
    pub piste_client_secret: Option<Secret>,
    pub tech_login: Option<Secret>,
    pub tech_password: Option<Secret>,
}

const CREDENTIAL_MAX_CHARS: usize = 255;

/// Trimmed, because a stray space or newline in a stored credential makes Chorus Pro answer 401.
/// `what` names the credential in the message (`credential-*` keys).
fn credential(
    errors: &mut FieldErrors,
    field: &str,
    what: &'static str,
    value: &str,
    spaces_allowed: bool,
) -> Option<Secret> {
    let what = || Message::new(what);
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > CREDENTIAL_MAX_CHARS {
        add_error(
            errors,
            field,
            Message::new("err-credential-too-long")
                .arg_msg("what", what())
                .arg("max", CREDENTIAL_MAX_CHARS),
        );
        return None;
    }
    if value.chars().any(char::is_control) {
        add_error(
            errors,
            field,
            Message::new("err-credential-invisible").arg_msg("what", what()),
        );
        return None;
    }
    if !spaces_allowed && value.chars().any(char::is_whitespace) {
        add_error(
            errors,
            field,
            Message::new("err-credential-spaces").arg_msg("what", what()),
        );
        return None;
    }
    Some(Secret::new(value))
}

impl ConnectionSettings {
    /// Parses the form. An empty supplier SIRET means the organisation's own; another SIRET must
    /// be an establishment of the same company (same SIREN).
    pub fn parse(input: &ConnectionInput, organisation_siret: &Siret) -> Result<ConnectionSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let environment = ChorusEnvironment::parse(&input.environment);
        if environment.is_none() {
            add_error(&mut errors, "environment", Message::new("err-connection-environment"));
        }
        let deposit_format = DepositFormat::parse(&input.deposit_format);
        if deposit_format.is_none() {
            add_error(
                &mut errors,
                "deposit_format",
                Message::new("err-connection-deposit-format"),
            );
        }
        let attachment_mode = AttachmentMode::parse_connection_choice(&input.attachment_mode);
        if attachment_mode.is_none() {
            add_error(
                &mut errors,
                "attachment_mode",
                Message::new("err-connection-attachment-mode"),
            );
        }
        let supplier_siret = if input.supplier_siret.trim().is_empty() {
            Some(organisation_siret.clone())
        } else {
            match Siret::parse(&input.supplier_siret) {
                Ok(siret) if siret.siren() != organisation_siret.siren() => {
                    add_error(
                        &mut errors,
                        "supplier_siret",
                        Message::new("err-connection-siret-other-company")
                            .arg("siren", organisation_siret.siren().as_str()),
                    );
                    None
                }
                Ok(siret) => Some(siret),
                Err(e) => {
                    add_error(&mut errors, "supplier_siret", e);
                    None
                }
            }
        };
        let structure_id = input.structure_id.trim();
        let structure_id = if structure_id.is_empty() {
            None
        } else if structure_id.len() > 18 || !structure_id.bytes().all(|b| b.is_ascii_digit()) {
            add_error(&mut errors, "structure_id", Message::new("err-connection-structure-id"));
            None
        } else {
            Some(structure_id.to_string())
        };
        let piste_client_id = credential(
            &mut errors,
            CLIENT_ID,
            "credential-piste-client-id",
            &input.piste_client_id,
            false,
        );
        let piste_client_secret = credential(
            &mut errors,
            CLIENT_SECRET,
            "credential-piste-client-secret",
            &input.piste_client_secret,
            false,
        );
        let tech_login = credential(
            &mut errors,
            TECH_LOGIN,
            "credential-tech-login",
            &input.tech_login,
            false,
        );
        let tech_password = credential(
            &mut errors,
            TECH_PASSWORD,
            "credential-tech-password",
            &input.tech_password,
            true,
        );
        match (environment, supplier_siret, deposit_format, attachment_mode) {
            (Some(environment), Some(supplier_siret), Some(deposit_format), Some(attachment_mode))
                if errors.is_empty() =>
            {
                Ok(ConnectionSettings {
                    environment,
                    supplier_siret,
                    structure_id,
                    deposit_format,
                    attachment_mode,
                    piste_client_id,
                    piste_client_secret,
                    tech_login,
                    tech_password,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Chorus Pro technical account passwords expire this many days after they were set.
pub const TECH_PASSWORD_LIFETIME_DAYS: u64 = 424;
/// Warn this many days before the expiry.
pub const TECH_PASSWORD_WARNING_DAYS: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordAge {
    Valid { expires_on: NaiveDate },
    ExpiresSoon { expires_on: NaiveDate, days_left: i64 },
    Expired { expired_on: NaiveDate },
}

impl PasswordAge {
    pub fn of(set_on: NaiveDate, today: NaiveDate) -> PasswordAge {
        let expires_on = set_on
            .checked_add_days(Days::new(TECH_PASSWORD_LIFETIME_DAYS))
            .unwrap_or(NaiveDate::MAX);
        let days_left = (expires_on - today).num_days();
        if days_left <= 0 {
            PasswordAge::Expired { expired_on: expires_on }
        } else if days_left <= TECH_PASSWORD_WARNING_DAYS as i64 {
            PasswordAge::ExpiresSoon { expires_on, days_left }
        } else {
            PasswordAge::Valid { expires_on }
        }
    }
}

/// Requests per second a Chorus Pro connection starts when its admin set none (issue 21). No
/// Chorus-specific quota is published (PISTE sets per-application quotas, shown in its console,
/// and answers 429 beyond them): a conservative default that an admin raises to the quota PISTE shows.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 20;
/// The highest requests-per-second setting accepted.
pub const MAX_REQUESTS_PER_SECOND: u32 = 10_000;

/// Parses the requests-per-second field: empty is the default (None), else a whole number from 1
/// to `MAX_REQUESTS_PER_SECOND`.
pub fn parse_requests_per_second(text: &str) -> Result<Option<u32>, Message> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(rate) if (1..=MAX_REQUESTS_PER_SECOND).contains(&rate) => Ok(Some(rate)),
        _ => Err(Message::new("err-requests-per-second").arg("max", MAX_REQUESTS_PER_SECOND.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org_siret() -> Siret {
        Siret::parse("73282932000074").unwrap()
    }

    fn input() -> ConnectionInput {
        ConnectionInput {
            environment: "sandbox".into(),
            deposit_format: "ubl".into(),
            attachment_mode: "zip".into(),
            ..Default::default()
        }
    }

    #[test]
    fn empty_credentials_keep_the_stored_ones_and_the_siret_defaults_to_the_organisations() {
        let parsed = ConnectionSettings::parse(&input(), &org_siret()).unwrap();
        assert!(parsed.piste_client_secret.is_none() && parsed.tech_password.is_none());
        assert_eq!(parsed.supplier_siret, org_siret());
        assert_eq!(parsed.environment, ChorusEnvironment::Sandbox);
    }

    #[test]
    fn credentials_are_trimmed() {
        let mut i = input();
        i.piste_client_secret = "  abc123\n".into();
        i.tech_password = " pass word ".into();
        let parsed = ConnectionSettings::parse(&i, &org_siret()).unwrap();
        assert_eq!(parsed.piste_client_secret.unwrap().expose(), "abc123");
        assert_eq!(parsed.tech_password.unwrap().expose(), "pass word");
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let i = ConnectionInput {
            environment: "staging".into(),
            deposit_format: "pdf".into(),
            attachment_mode: "tar".into(),
            supplier_siret: "55203253400646".into(),
            structure_id: "12ab".into(),
            tech_login: "TECH 1".into(),
            piste_client_secret: "a\u{7}b".into(),
            ..Default::default()
        };
        let errors = ConnectionSettings::parse(&i, &org_siret()).unwrap_err();
        for field in [
            "environment",
            "deposit_format",
            "attachment_mode",
            "supplier_siret",
            "structure_id",
            TECH_LOGIN,
            CLIENT_SECRET,
        ] {
            assert!(errors.contains_key(field), "{field} has no message: {errors:?}");
        }
    }

    #[test]
    fn another_establishment_of_the_same_company_is_accepted() {
        let mut i = input();
        i.supplier_siret = "732 829 320 00082".into();
        let parsed = ConnectionSettings::parse(&i, &org_siret()).unwrap();
        assert_eq!(parsed.supplier_siret.as_str(), "73282932000082");
    }

    #[test]
    fn input_debug_hides_the_secrets() {
        let mut i = input();
        i.piste_client_secret = "very-secret".into();
        i.tech_password = "other-secret".into();
        let shown = format!("{i:?}");
        assert!(!shown.contains("very-secret") && !shown.contains("other-secret"));
    }

    #[test]
    fn the_password_warns_thirty_days_before_day_424_and_expires_on_it() {
        let set = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let expiry = set + Days::new(424);
        assert_eq!(
            PasswordAge::of(set, expiry - Days::new(31)),
            PasswordAge::Valid { expires_on: expiry }
        );
        assert_eq!(
            PasswordAge::of(set, expiry - Days::new(30)),
            PasswordAge::ExpiresSoon {
                expires_on: expiry,
                days_left: 30
            }
        );
        assert_eq!(
            PasswordAge::of(set, expiry),
            PasswordAge::Expired { expired_on: expiry }
        );
        assert_eq!(
            PasswordAge::of(set, expiry + Days::new(100)),
            PasswordAge::Expired { expired_on: expiry }
        );
    }
}
