//! Configuration → General → Integrations → E-Invoicing: the Chorus Pro card and the UBL export
//! toggle. Admins only, always on the admin's own organisation. Credentials are write-only: the
//! page reads `chorus_connection::summary`, which never selects a credential column.

use crate::app::connection_test::{self, Step};
use crate::app::context::AppContext;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::chorus_connection::{self, ConnectionSummary};
use crate::db::models::organisation::{self, OrganisationRow};
use crate::domain::deposit::{AttachmentMode, DepositFormat};
use crate::domain::einvoicing::{
    ChorusEnvironment, ConnectionInput, ConnectionSettings, IdentifierProfile, PasswordAge,
};
use crate::domain::identifiers::Siret;
use crate::domain::organisation::FieldErrors;
use crate::error::AppError;
use crate::i18n::{self, Message};
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

pub const PATH: &str = "/settings/e-invoicing";

pub use crate::app::settings::{
    CONNECTION_TESTED, CONNECTION_UPDATED, EINVOICING_DISABLED, EINVOICING_ENABLED, UBL_EXPORT_CHANGED,
};

/// Why nothing was saved (or enabled) while support has not switched the Chorus Pro feature on.
fn feature_off(what: Message) -> Message {
    Message::new("flash-two-sentences")
        .arg_msg("first", what)
        .arg_msg("second", Message::new("flash-einvoicing-feature-off"))
}

/// A banner above the card.
pub struct Banner {
    pub level: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "settings/einvoicing.html")]
pub struct EInvoicingPage {
    pub ctx: Ctx,
    pub organisation: OrganisationRow,
    pub connection: Option<ConnectionSummary>,
    /// What the form shows: stored plain settings, or what was typed (secrets always blank).
    pub input: ConnectionInput,
    pub errors: FieldErrors,
    /// The form had errors and the secrets typed were dropped: ask for them again.
    pub secrets_dropped: bool,
    pub today: NaiveDate,
    /// The steps of "Test connection", when the page answers that button.
    pub test: Option<Vec<Step>>,
    /// The "Advanced" endpoint overrides: stored, or what was typed.
    pub endpoints: EndpointsForm,
}

#[derive(Debug, Default, Deserialize)]
pub struct EndpointsForm {
    #[serde(default)]
    pub token_url_override: String,
    #[serde(default)]
    pub api_base_url_override: String,
}

impl EndpointsForm {
    fn of(connection: Option<&ConnectionSummary>) -> EndpointsForm {
        EndpointsForm {
            token_url_override: connection
                .and_then(|c| c.token_url_override.clone())
                .unwrap_or_default(),
            api_base_url_override: connection
                .and_then(|c| c.api_base_url_override.clone())
                .unwrap_or_default(),
        }
    }
}

impl EInvoicingPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::organisation::field_error(&self.errors, field, self.ctx.locale)
    }

    /// `aria-describedby` for a field: its status line (credentials) and its error, if any.
    pub fn described_by(&self, field: &str, has_status: bool) -> String {
        let mut ids = Vec::new();
        if has_status {
            ids.push(format!("{field}-status"));
        }
        if self.errors.contains_key(field) {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }

    /// "Set on 29 Nov 2026" or "Not set": the only thing the page says about a stored credential.
    pub fn credential_status(&self, field: &str) -> String {
        match self.connection.as_ref().and_then(|c| c.set_at(field)) {
            Some(at) => self.ctx.t1("einv-credential-set", "date", self.ctx.date(at.date())),
            None => self.ctx.t("einv-credential-not-set"),
        }
    }

    pub fn environments(&self) -> [ChorusEnvironment; 3] {
        ChorusEnvironment::ALL
    }

    pub fn deposit_formats(&self) -> [DepositFormat; 3] {
        DepositFormat::ALL
    }

    pub fn attachment_modes(&self) -> [AttachmentMode; 2] {
        AttachmentMode::CONNECTION_CHOICES
    }

    pub fn identifier_profiles(&self) -> [IdentifierProfile; 2] {
        IdentifierProfile::ALL
    }

    pub fn chorus_active(&self) -> bool {
        self.organisation.chorus_active()
    }

    /// All four credentials are stored: only then can the card say "active".
    pub fn credentials_stored(&self) -> bool {
        self.connection.as_ref().is_some_and(|c| {
            use crate::domain::einvoicing::{CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD};
            [CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD]
                .iter()
                .all(|field| c.set_at(field).is_some())
        })
    }

    /// The technical account password's age, 30 days before its expiry and after.
    pub fn password_banner(&self) -> Option<Banner> {
        let set_on = self.connection.as_ref()?.tech_password_set_at?.date();
        match PasswordAge::of(set_on, self.today) {
            PasswordAge::Valid { .. } => None,
            PasswordAge::ExpiresSoon { expires_on, days_left } => Some(Banner {
                level: "warning",
                message: Message::new("banner-tech-password-expires")
                    .arg("date", i18n::format_date(self.ctx.locale, expires_on))
                    .arg("days", days_left)
                    .render(self.ctx.locale),
            }),
            PasswordAge::Expired { expired_on } => Some(Banner {
                level: "error",
                message: Message::new("banner-tech-password-expired")
                    .arg("date", i18n::format_date(self.ctx.locale, expired_on))
                    .render(self.ctx.locale),
            }),
        }
    }
}

/// The form as it shows stored settings: never a credential.
fn input_from(organisation: &OrganisationRow, connection: Option<&ConnectionSummary>) -> ConnectionInput {
    match connection {
        Some(c) => ConnectionInput {
            environment: c.environment.clone(),
            supplier_siret: c.supplier_siret.clone(),
            structure_id: c.structure_id.clone().unwrap_or_default(),
            deposit_format: c.deposit_format.clone(),
            attachment_mode: c.attachment_mode.clone(),
            identifier_profile: c.identifier_profile.clone(),
            ..Default::default()
        },
        None => ConnectionInput {
            environment: ChorusEnvironment::Sandbox.as_str().into(),
            supplier_siret: organisation.siret.clone(),
            deposit_format: DepositFormat::Ubl.as_str().into(),
            attachment_mode: AttachmentMode::Zip.as_str().into(),
            identifier_profile: IdentifierProfile::default().as_str().into(),
            ..Default::default()
        },
    }
}

async fn load(db: &Db, org: i64) -> Result<(OrganisationRow, Option<ConnectionSummary>), AppError> {
    db.run(move |conn| {
        let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
        let connection = chorus_connection::summary(conn, org)?;
        Ok::<_, AppError>((organisation, connection))
    })
    .await
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

pub async fn show(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let (organisation, connection) = load(&db, user.organisation()?).await?;
    let input = input_from(&organisation, connection.as_ref());
    ok(EInvoicingPage {
        ctx,
        organisation,
        endpoints: EndpointsForm::of(connection.as_ref()),
        connection,
        input,
        errors: FieldErrors::new(),
        secrets_dropped: false,
        today: today(),
        test: None,
    })
}

pub async fn save_connection(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    CsrfForm(form): CsrfForm<ConnectionInput>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let (organisation, connection) = load(&db, org).await?;
    if !organisation.chorus_feature {
        ctx.flash_error(feature_off(Message::new("flash-nothing-saved")));
        return Ok(see_other(PATH));
    }
    let organisation_siret = Siret::parse(&organisation.siret).map_err(AppError::internal)?;
    let profile = IdentifierProfile::parse(&form.identifier_profile);
    let parsed = match ConnectionSettings::parse(&form, &organisation_siret) {
        Ok(parsed) if profile.is_some() => parsed,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if profile.is_none() {
                crate::domain::organisation::add_error(
                    &mut errors,
                    "identifier_profile",
                    Message::new("err-einv-identifier-profile"),
                );
            }
            let secrets_dropped = !form.piste_client_secret.trim().is_empty() || !form.tech_password.trim().is_empty();
            return unprocessable(EInvoicingPage {
                ctx,
                organisation,
                endpoints: EndpointsForm::of(connection.as_ref()),
                connection,
                input: form.without_secrets(),
                errors,
                secrets_dropped,
                today: today(),
                test: None,
            });
        }
    };
    let actor = user.actor();
    let user_id = user.id;
    let secret = settings.secret.clone();
    let outcome =
        crate::app::settings::save_connection(&db, org, actor, user_id, parsed, profile.unwrap_or_default(), secret)
            .await?;
    match outcome {
        crate::app::settings::Outcome::Done => ctx.flash_success(Message::new("flash-connection-saved")),
        crate::app::settings::Outcome::Unchanged => ctx.flash_success(Message::new("flash-nothing-changed")),
        crate::app::settings::Outcome::Refused => ctx.flash_error(feature_off(Message::new("flash-nothing-saved"))),
    }
    Ok(see_other(PATH))
}

#[derive(Deserialize)]
pub struct NoFields {}

async fn set_einvoicing(ctx: Ctx, user: CurrentUser, db: &Db, enabled: bool) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let actor = user.actor();
    let outcome = crate::app::settings::set_einvoicing(db, org, actor, enabled).await?;
    match (outcome, enabled) {
        (crate::app::settings::Outcome::Done, true) => ctx.flash_success(Message::new("flash-einvoicing-enabled")),
        (crate::app::settings::Outcome::Done, false) => ctx.flash_success(Message::new("flash-einvoicing-disabled")),
        (crate::app::settings::Outcome::Unchanged, true) => {
            ctx.flash_success(Message::new("flash-einvoicing-already-enabled"))
        }
        (crate::app::settings::Outcome::Unchanged, false) => {
            ctx.flash_success(Message::new("flash-einvoicing-already-disabled"))
        }
        (crate::app::settings::Outcome::Refused, _) => {
            ctx.flash_error(feature_off(Message::new("flash-einvoicing-not-enabled")))
        }
    }
    Ok(see_other(PATH))
}

pub async fn enable(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    set_einvoicing(ctx, user, &db, true).await
}

pub async fn disable(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    set_einvoicing(ctx, user, &db, false).await
}

/// A checkbox: present and "on" to switch UBL export on, absent to switch it off.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UblExportForm {
    enabled: String,
}

pub async fn set_ubl_export(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<UblExportForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let on = matches!(form.enabled.as_str(), "on" | "true" | "1");
    let actor = user.actor();
    let outcome = crate::app::settings::set_ubl_export(&db, org, actor, on).await?;
    match (outcome, on) {
        (crate::app::settings::Outcome::Done, true) => ctx.flash_success(Message::new("flash-ubl-export-on")),
        (crate::app::settings::Outcome::Done, false) => ctx.flash_success(Message::new("flash-ubl-export-off")),
        (crate::app::settings::Outcome::Unchanged, _) => ctx.flash_success(Message::new("flash-nothing-changed")),
        (crate::app::settings::Outcome::Refused, _) => ctx.flash_error(Message::new("flash-ubl-export-locked")),
    }
    Ok(see_other(PATH))
}

/// `GET` of the test's address (a reload, a bookmark, the address bar): the page, at the test.
pub async fn test_connection_page() -> HttpResponse {
    see_other(format!("{PATH}#test-connection"))
}

/// "Test connection": token, health check and supplier structure with the saved connection, each
/// shown with its result on the page; the outcome goes to the audit log (step results only).
pub async fn test_connection(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    jobs: web::Data<AppContext>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let secret = settings.secret.clone();
    let (organisation, summary, connection) = db
        .run(move |conn| {
            let organisation = organisation::find(conn, org)?.ok_or(AppError::NotFound)?;
            let summary = chorus_connection::summary(conn, org)?;
            let connection = chorus_connection::load_credentials(conn, org, &secret)?;
            Ok::<_, AppError>((organisation, summary, connection))
        })
        .await?;
    let environment = serde_json::json!(summary.as_ref().map(|s| s.environment.clone()));
    let steps = connection_test::test_saved(&db, &jobs, org, user.actor(), connection.as_ref(), environment).await?;
    let input = input_from(&organisation, summary.as_ref());
    ok(EInvoicingPage {
        ctx,
        organisation,
        endpoints: EndpointsForm::of(summary.as_ref()),
        connection: summary,
        input,
        errors: FieldErrors::new(),
        secrets_dropped: false,
        today: today(),
        test: Some(steps),
    })
}

/// "Advanced": the connection's PISTE token URL and API base URL overrides (blank: the
/// environment's). Only https, or http towards a loopback host.
pub async fn save_endpoints(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<EndpointsForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::set_chorus_endpoints::{EndpointsOutcome, set_chorus_endpoints};
    use crate::db::models::chorus_connection::{EndpointOverride, EndpointOverrideError};
    let org = user.organisation()?;
    let mut errors = FieldErrors::new();
    let mut parse = |field: &str, text: &str| -> Option<EndpointOverride> {
        if text.trim().is_empty() {
            return None;
        }
        match EndpointOverride::parse(text) {
            Ok(url) => Some(url),
            Err(error) => {
                let key = match error {
                    EndpointOverrideError::NotAUrl(_) => "einv-endpoint-invalid",
                    EndpointOverrideError::InsecureScheme => "einv-endpoint-insecure",
                };
                crate::domain::organisation::add_error(&mut errors, field, Message::new(key));
                None
            }
        }
    };
    let token_url = parse("token_url_override", &form.token_url_override);
    let api_base_url = parse("api_base_url_override", &form.api_base_url_override);
    if !errors.is_empty() {
        let (organisation, connection) = load(&db, org).await?;
        let input = input_from(&organisation, connection.as_ref());
        return unprocessable(EInvoicingPage {
            ctx,
            organisation,
            connection,
            input,
            errors,
            secrets_dropped: false,
            today: today(),
            test: None,
            endpoints: form,
        });
    }
    let (actor, user_id) = (user.actor(), user.id);
    let outcome = db
        .run(move |conn| {
            set_chorus_endpoints(conn, org, actor, user_id, token_url, api_base_url).map_err(AppError::from)
        })
        .await?;
    match outcome {
        EndpointsOutcome::Saved => ctx.flash_success(Message::new("flash-connection-saved")),
        EndpointsOutcome::Unchanged => ctx.flash_success(Message::new("flash-nothing-changed")),
        EndpointsOutcome::NoConnection => ctx.flash_error(Message::new("flash-nothing-saved")),
    }
    Ok(see_other(PATH))
}

/// The rate-limit form (issue 21).
#[derive(Debug, Deserialize)]
pub struct RateLimitForm {
    #[serde(default)]
    pub requests_per_second: String,
}

/// `POST /settings/e-invoicing/rate-limit`: the requests per second the connection may start
/// (empty: the default).
pub async fn save_rate_limit(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<RateLimitForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::set_chorus_endpoints::{EndpointsOutcome, set_requests_per_second};
    let org = user.organisation()?;
    let rate = match crate::domain::einvoicing::parse_requests_per_second(&form.requests_per_second) {
        Ok(rate) => rate,
        Err(message) => {
            let mut errors = FieldErrors::new();
            crate::domain::organisation::add_error(&mut errors, "requests_per_second", message);
            let (organisation, connection) = load(&db, org).await?;
            let input = input_from(&organisation, connection.as_ref());
            let endpoints = EndpointsForm::of(connection.as_ref());
            return unprocessable(EInvoicingPage {
                ctx,
                organisation,
                connection,
                input,
                errors,
                secrets_dropped: false,
                today: today(),
                test: None,
                endpoints,
            });
        }
    };
    let (actor, user_id) = (user.actor(), user.id);
    let outcome = db
        .run(move |conn| set_requests_per_second(conn, org, actor, user_id, rate).map_err(AppError::from))
        .await?;
    match outcome {
        EndpointsOutcome::Saved => ctx.flash_success(Message::new("flash-connection-saved")),
        EndpointsOutcome::Unchanged => ctx.flash_success(Message::new("flash-nothing-changed")),
        EndpointsOutcome::NoConnection => ctx.flash_error(Message::new("flash-nothing-saved")),
    }
    Ok(see_other(PATH))
}
