//! Notification pages: a person's choice of mails (`/account/notifications`), the organisation's
//! webhook endpoints with their deliveries (`/settings/webhooks`, admins) and the mail outbox
//! (`/settings/outbox`, admins: what was sent, what waits when no SMTP server is configured).

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::field_errors::{FieldErrors, add_error};
use crate::error::AppError;
use crate::i18n::Message;
use crate::notify::MailEvent;
use crate::notify::outbox::OutboxRow;
use crate::notify::ssrf::{AddressPolicy, EndpointRefused};
use crate::notify::webhooks::{self, DeliveryView, EndpointRow, EventType};
use crate::web::handlers::customers::NoFields;
use crate::web::page::{Ctx, ok, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use std::collections::HashMap;

/// The people of an organisation (support staff have none, so no mails of their own).
pub const ORGANISATION_PEOPLE: crate::auth::access::Access = crate::auth::access::Access::Roles(&[
    crate::domain::role::Role::Admin,
    crate::domain::role::Role::User,
    crate::domain::role::Role::Auditor,
]);

/// One checkbox of the preferences form.
pub struct MailChoice {
    pub name: &'static str,
    pub label_key: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
pub struct PreferencesPage {
    pub ctx: Ctx,
    pub choices: Vec<MailChoice>,
}

fn choices(chosen: &[MailEvent]) -> Vec<MailChoice> {
    MailEvent::ALL
        .into_iter()
        .map(|event| MailChoice {
            name: event.as_str(),
            label_key: format!("notify-pref-{}", event.as_str().replace('_', "-")),
            checked: chosen.contains(&event),
        })
        .collect()
}

pub async fn preferences(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    user.organisation()?;
    let user_id = user.id;
    let chosen = db
        .run(move |conn| crate::notify::preferences::of_user(conn, user_id).map_err(AppError::from))
        .await?;
    ok(PreferencesPage {
        ctx,
        choices: choices(&chosen),
    })
}

pub async fn save_preferences(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let events: Vec<MailEvent> = MailEvent::ALL
        .into_iter()
        .filter(|e| form.get(e.as_str()).is_some_and(|v| v == "on"))
        .collect();
    let (user_id, actor) = (user.id, user.actor());
    db.run(move |conn| {
        crate::app::save_notification_preferences::run(conn, org, user_id, actor, &events).map_err(AppError::from)
    })
    .await?;
    ctx.flash_success(Message::new("notify-pref-saved"));
    Ok(see_other("/account/notifications"))
}

/// An endpoint as the list shows it.
pub struct EndpointView {
    pub endpoint: EndpointRow,
    pub events: String,
}

#[derive(Template)]
#[template(path = "settings/webhooks.html")]
pub struct WebhooksPage {
    pub ctx: Ctx,
    pub endpoints: Vec<EndpointView>,
    pub url: String,
    pub status_changed: bool,
    pub rejected: bool,
    pub errors: FieldErrors,
    /// The secret of the endpoint just registered: shown this once.
    pub created_secret: Option<String>,
}

impl WebhooksPage {
    pub fn error(&self, field: &str) -> String {
        crate::domain::field_errors::field_error(&self.errors, field, self.ctx.locale)
    }
}

async fn endpoints_of(db: &Db, org: i64) -> Result<Vec<EndpointView>, AppError> {
    let rows = db
        .run(move |conn| webhooks::endpoints(conn, org).map_err(AppError::from))
        .await?;
    Ok(rows
        .into_iter()
        .map(|endpoint| EndpointView {
            events: endpoint.events.replace(',', ", "),
            endpoint,
        })
        .collect())
}

pub async fn webhooks_list(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    ok(WebhooksPage {
        ctx,
        endpoints: endpoints_of(&db, org).await?,
        url: String::new(),
        status_changed: true,
        rejected: true,
        errors: FieldErrors::new(),
        created_secret: None,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewEndpointForm {
    pub url: String,
    pub status_changed: Option<String>,
    pub rejected: Option<String>,
}

pub async fn webhooks_create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    settings: web::Data<Settings>,
    CsrfForm(form): CsrfForm<NewEndpointForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::register_webhook::{self, RegisterError};
    let org = user.organisation()?;
    let mut events = Vec::new();
    if form.status_changed.is_some() {
        events.push(EventType::StatusChanged);
    }
    if form.rejected.is_some() {
        events.push(EventType::Rejected);
    }
    let result = register_webhook::run(
        &db,
        &settings.secret,
        AddressPolicy::from_env(),
        org,
        user.actor(),
        &form.url,
        events,
    )
    .await;
    let (created_secret, errors) = match result {
        Ok(registered) => (Some(registered.secret.expose().to_string()), FieldErrors::new()),
        Err(RegisterError::Db(e)) => return Err(AppError::from(e)),
        Err(RegisterError::NoEvents) => {
            let mut errors = FieldErrors::new();
            add_error(&mut errors, "events", Message::new("notify-webhook-no-events"));
            (None, errors)
        }
        Err(RegisterError::Url(refused)) => {
            let mut errors = FieldErrors::new();
            let message = match refused {
                EndpointRefused::NotHttp => Message::new("notify-webhook-url-invalid"),
                EndpointRefused::Unresolved => Message::new("notify-webhook-url-unresolved"),
                EndpointRefused::PrivateAddress(ip) => Message::new("notify-webhook-url-private").arg("address", ip),
            };
            add_error(&mut errors, "url", message);
            (None, errors)
        }
    };
    let failed = created_secret.is_none();
    let page = WebhooksPage {
        ctx,
        endpoints: endpoints_of(&db, org).await?,
        url: if failed { form.url } else { String::new() },
        status_changed: !failed || form.status_changed.is_some(),
        rejected: !failed || form.rejected.is_some(),
        errors,
        created_secret,
    };
    if failed {
        return unprocessable(page);
    }
    // Rendered, not redirected: the secret must not travel through the session cookie.
    let body = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

#[derive(Template)]
#[template(path = "settings/webhook.html")]
pub struct WebhookPage {
    pub ctx: Ctx,
    pub endpoint: EndpointRow,
    pub deliveries: Vec<DeliveryView>,
}

pub async fn webhook_show(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let (endpoint, deliveries) = db
        .run(move |conn| {
            let endpoint = webhooks::endpoint(conn, org, id)?.ok_or(AppError::NotFound)?;
            let deliveries = webhooks::deliveries(conn, org, id, 200)?;
            Ok::<_, AppError>((endpoint, deliveries))
        })
        .await?;
    ok(WebhookPage {
        ctx,
        endpoint,
        deliveries,
    })
}

pub async fn webhook_test(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let sent = db
        .run(move |conn| crate::app::send_webhook_test::run(conn, org, actor, id).map_err(AppError::from))
        .await?;
    if sent.is_none() {
        return Err(AppError::NotFound);
    }
    ctx.flash_success(Message::new("notify-webhook-test-queued"));
    Ok(see_other(format!("/settings/webhooks/{id}")))
}

pub async fn webhook_remove(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let id = path.into_inner();
    let actor = user.actor();
    let removed = db
        .run(move |conn| crate::app::remove_webhook::run(conn, org, actor, id).map_err(AppError::from))
        .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    ctx.flash_success(Message::new("notify-webhook-removed"));
    Ok(see_other("/settings/webhooks"))
}

#[derive(Template)]
#[template(path = "settings/outbox.html")]
pub struct OutboxPage {
    pub ctx: Ctx,
    pub smtp_configured: bool,
    pub mails: Vec<OutboxRow>,
    /// How many of the shown mails wait for a person's "Send again".
    pub in_doubt: usize,
}

pub async fn outbox(ctx: Ctx, user: CurrentUser, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let mails = db
        .run(move |conn| crate::notify::outbox::latest(conn, org, 200).map_err(AppError::from))
        .await?;
    ok(OutboxPage {
        ctx,
        smtp_configured: matches!(crate::notify::mail::MailSettings::from_env(), Ok(Some(_))),
        in_doubt: mails.iter().filter(|m| m.is_in_doubt()).count(),
        mails,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SendAgainForm {
    /// The outbox row's id.
    pub mail: Option<i64>,
}

/// "Send again" for a mail in doubt (or given up): an admin's explicit decision, audited.
pub async fn outbox_send_again(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(form): CsrfForm<SendAgainForm>,
) -> Result<HttpResponse, AppError> {
    let org = user.organisation()?;
    let Some(mail) = form.mail else {
        ctx.flash_error(Message::new("notify-mail-send-again-none"));
        return Ok(see_other("/settings/outbox"));
    };
    let actor = user.actor();
    use crate::app::send_mail_again::{self, SendAgain};
    let outcome = db
        .run(move |conn| send_mail_again::run(conn, org, actor, mail).map_err(AppError::from))
        .await?;
    match outcome {
        SendAgain::Queued => ctx.flash_success(Message::new("notify-mail-send-again-queued")),
        SendAgain::NotWaiting => ctx.flash_error(Message::new("notify-mail-send-again-not-waiting")),
        SendAgain::NotFound => return Err(AppError::NotFound),
    }
    Ok(see_other("/settings/outbox"))
}
