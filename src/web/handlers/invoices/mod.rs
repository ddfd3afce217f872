//! Invoices: the status list, the draft form, the invoice page with its pre-send checks and
//! preview, downloads, issuing, the Chorus Pro actions and credit notes. Every query is scoped to
//! the caller's organisation; another organisation's invoice is a 404.

use crate::app::context::AppContext;
use crate::app::followup;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfForm;
use crate::auth::csrf_multipart::CsrfMultipart;
use crate::db::QueryResult;
use crate::db::models::invoice::{self, InvoiceFilter, InvoiceListItem, InvoiceRow};
use crate::db::models::organisation;
use crate::db::models::submission::{self, SubmissionListItem, SubmissionRow};
use crate::db::models::{chorus_connection, customer};
use crate::db::types::from_micros;
use crate::db::{AnyConnection, Db};
use crate::domain::chorus_status;
use crate::domain::deposit::AttachmentMode;
use crate::domain::identifiers::{EngagementNumber, ServiceCode};
use crate::domain::invoice::document::InvoiceDocument;
use crate::domain::invoice::{AttachmentInfo, DocumentKind, Invoice, RuleViolation, attachment_violations, checks};
use crate::domain::organisation::{FieldErrors, add_error};
use crate::domain::state::{InvoiceState, ListStatus, SubmissionStage, SubmissionStatus};
use crate::error::AppError;
use crate::i18n::{self, Locale, Message};
use crate::invoicing::{self, DraftInput, InvoicingError};
use crate::web::invoice_form::{self, EMPTY_ROWS, FormErrors, InvoiceForm, UNIT_CHOICES, VAT_CHOICES, html_id};
use crate::web::package_sizes::{PackageKey, PackageSizeCache, PackageSizes};
use crate::web::page::{Ctx, Texts, ok, request_locale, see_other, unprocessable};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Rows per page of the list.
pub const PAGE_SIZE: i64 = 50;

/// Posted pairs, for forms whose fields are read by name (line rows) or not at all (actions).
pub type Pairs = Vec<(String, String)>;

mod actions;
mod answers;
mod downloads;
mod form;
mod import;
mod list;
mod routing;
mod show;
mod status;
pub use actions::*;
pub use answers::*;
pub use downloads::*;
pub use form::*;
pub use import::*;
pub use list::*;
pub use routing::*;
pub use show::*;
pub use status::*;
