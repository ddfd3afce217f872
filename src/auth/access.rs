//! The access rule each route declares, and the middleware that enforces it. Organisation scoping is
//! the second half: handlers only ever query with `CurrentUser::organisation_id`.

use crate::auth::api_token::{self, ApiCaller};
use crate::auth::session::{self, FlashLevel};
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::api_token as token_rows;
use crate::db::models::user;
use crate::domain::role::{Role, RoleSet};
use crate::error::{ApiError, AppError};
use crate::i18n::Message;
use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use std::future::{Ready, ready};

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: login page, health, static files.
    Public,
    /// Signed in, even with a password that must be changed (the change-password page, logout).
    SignedIn,
    /// Signed in, password changed, and holding one of these roles.
    Roles(&'static [Role]),
    /// The JSON API: a live organisation API token in `Authorization: Bearer`, never the session.
    Api,
}

pub const ANY_ROLE: Access = Access::Roles(&Role::ALL);
pub const SUPPORT: Access = Access::Roles(&[Role::Support]);
pub const ADMIN: Access = Access::Roles(&[Role::Admin]);
pub const BACK_OFFICE: Access = Access::Roles(&[Role::Admin, Role::User]);
pub const AUDITOR: Access = Access::Roles(&[Role::Auditor]);

/// The signed-in person, attached to the request by the access middleware.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<i64>,
    pub roles: RoleSet,
    pub locale: Option<String>,
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// The organisation whose data this person works on; people without one get a 404, never
    /// another organisation's data.
    pub fn organisation(&self) -> Result<i64, AppError> {
        self.organisation_id.ok_or(AppError::NotFound)
    }

    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::User {
            id: self.id,
            email: self.email.clone(),
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<CurrentUser, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or(AppError::Unauthenticated),
        )
    }
}

fn wants_json(req: &ServiceRequest) -> bool {
    req.path().starts_with("/api/")
}

fn to_login(req: ServiceRequest, message: Option<Message>) -> ServiceResponse<BoxBody> {
    let session = req.get_session();
    if let Some(message) = message {
        session::flash(&session, FlashLevel::Info, message);
    }
    let next = if req.method() == actix_web::http::Method::GET {
        format!(
            "?next={}",
            url::form_urlencoded::byte_serialize(req.uri().to_string().as_bytes()).collect::<String>()
        )
    } else {
        String::new()
    };
    let login = format!("/login{next}");
    // htmx follows a 303 inside its XHR and would swap the login page into a table: ask it to
    // load the login page as a whole instead.
    let response = if is_htmx(req.request()) {
        HttpResponse::Unauthorized()
            .insert_header(("HX-Redirect", login))
            .finish()
    } else {
        HttpResponse::SeeOther().insert_header(("Location", login)).finish()
    };
    req.into_response(response)
}

/// A request htmx made from a page (its `HX-Request` header).
pub fn is_htmx(req: &actix_web::HttpRequest) -> bool {
    req.headers().get("HX-Request").is_some_and(|v| v.as_bytes() == b"true")
}

/// A periodic refresh the page makes by itself (`hx-headers='{"X-Background-Refresh":"1"}'`):
/// it is not the person's activity, so it never keeps an idle session alive.
pub fn is_background_refresh(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get("X-Background-Refresh")
        .is_some_and(|v| v.as_bytes() == b"1")
}

/// Enforces `access` for one route.
pub async fn enforce(
    access: Access,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if access == Access::Public {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if access == Access::Api {
        return authenticate_token(req, next).await;
    }
    if wants_json(&req) {
        // The JSON API authenticates with organisation tokens, never with the session cookie.
        return Err(ApiError::from(AppError::Unauthenticated).into());
    }
    let session = req.get_session();
    let Some(mut signed_in) = session::user(&session) else {
        return Ok(to_login(req, None));
    };
    let settings = req.app_data::<web::Data<Settings>>().cloned();
    let now = chrono::Utc::now().timestamp();
    let idle_limit = settings.as_ref().map(|s| s.idle_timeout_minutes).unwrap_or(30) * 60;
    if now - signed_in.last_seen > idle_limit {
        session::end(&session);
        return Ok(to_login(req, Some(Message::new("flash-session-expired"))));
    }
    // However active, a session ends this long after sign-in: a stolen cookie does not live forever.
    let lifetime = settings
        .as_ref()
        .map(|s| s.session_max_hours)
        .unwrap_or(crate::config::DEFAULT_SESSION_MAX_HOURS)
        * 3600;
    if now - signed_in.started_at > lifetime {
        session::end(&session);
        return Ok(to_login(req, Some(Message::new("flash-session-lifetime"))));
    }
    let db = req
        .app_data::<web::Data<Db>>()
        .cloned()
        .ok_or_else(|| AppError::internal("no database"))?;
    let user_id = signed_in.id;
    let row = db
        .run(move |conn| user::find(conn, user_id).map_err(AppError::from))
        .await?;
    let Some(row) = row.filter(|u| u.active && u.session_generation == signed_in.generation) else {
        session::end(&session);
        return Ok(to_login(req, Some(Message::new("flash-session-ended"))));
    };
    // Refresh the idle clock at most once a minute, to keep cookie churn low.
    if now - signed_in.last_seen > 60 && !is_background_refresh(req.request()) {
        signed_in.last_seen = now;
        session::set_user(&session, &signed_in);
    }
    let current = CurrentUser {
        id: row.id,
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        organisation_id: row.organisation_id,
        roles: row.role_set(),
        locale: row.locale.clone(),
        must_change_password: row.must_change_password,
    };
    if let Access::Roles(allowed) = access {
        if current.must_change_password {
            let response = HttpResponse::SeeOther()
                .insert_header(("Location", "/account/password"))
                .finish();
            return Ok(req.into_response(response));
        }
        if !current.roles.any(allowed) {
            return Err(AppError::Forbidden.into());
        }
    }
    req.extensions_mut().insert(current);
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// `Access::Api`: the bearer token must match a live token; the request then acts for that
/// token's organisation. Anything else is a 401 JSON answer.
async fn authenticate_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let unauthenticated = || -> actix_web::Error { ApiError::from(AppError::Unauthenticated).into() };
    let Some(token) = api_token::bearer(req.request()) else {
        return Err(unauthenticated());
    };
    let (Some(settings), Some(db)) = (
        req.app_data::<web::Data<Settings>>().cloned(),
        req.app_data::<web::Data<Db>>().cloned(),
    ) else {
        return Err(ApiError::from(AppError::internal("no database or settings")).into());
    };
    let token_hash = api_token::hash(&settings.secret.token_key(), &token);
    let row = db
        .run(move |conn| {
            let row = token_rows::find_active_by_hash(conn, &token_hash)?;
            // Record use at most once a minute, to keep writes low on busy clients.
            if let Some(row) = &row
                && row
                    .last_used_at
                    .is_none_or(|at| crate::db::now() - at > chrono::Duration::seconds(60))
            {
                token_rows::touch(conn, row.id)?;
            }
            Ok::<_, AppError>(row)
        })
        .await
        .map_err(ApiError::from)?;
    let Some(row) = row else {
        return Err(unauthenticated());
    };
    req.extensions_mut().insert(ApiCaller {
        organisation_id: row.organisation_id,
        token_id: row.id,
        token_name: row.name,
    });
    Ok(next.call(req).await?.map_into_boxed_body())
}
