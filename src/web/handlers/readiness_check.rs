//! The directory check that follows a customer's save (the customer form) and the sentence a
//! check leaves in the flash (the customer form and the readiness panel): what both handlers
//! share, so that neither imports the other.

use crate::app::context::AppContext;
use crate::app::readiness::{self, CheckProblem, DirectoryAccess, ReadinessReport};
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::customer;
use crate::error::AppError;
use crate::i18n::Message;

/// The organisation's own connection, else the simulator when this server has one.
pub(crate) fn directory_access(settings: &Settings, jobs: &AppContext) -> DirectoryAccess {
    let has_simulator = settings.builtin_simulator || settings.simulator_url.is_some();
    DirectoryAccess {
        secret: settings.secret.clone(),
        simulator_url: has_simulator.then(|| jobs.clients.simulator_url().to_owned()),
        quick: false,
    }
}

/// After the customer form saved `row`: asks the directory at once when nothing is known of its
/// SIRET (or of the service it now names), so problems show when the customer is entered. Returns
/// a sentence for the flash; silent when there is nothing to ask or no connection to ask through.
pub async fn check_after_save(
    db: &Db,
    settings: &Settings,
    jobs: &AppContext,
    user: &CurrentUser,
    row: &customer::CustomerRow,
) -> Result<Option<Message>, AppError> {
    let (org, id) = (row.organisation_id, row.id);
    let cached = db
        .run(move |conn| Ok::<_, AppError>(customer::find_readiness(conn, org, id)?))
        .await?;
    if !readiness::needs_check(row, cached.as_ref().and_then(readiness::stored_report).as_ref()) {
        return Ok(None);
    }
    let access = DirectoryAccess {
        quick: true,
        ..directory_access(settings, jobs)
    };
    Ok(
        match readiness::check_customer(db, &access, org, id, user.actor()).await? {
            Ok(report) => Some(summary(&report, row.service_code.as_deref())),
            Err(CheckProblem::NoConnection | CheckProblem::NoSiret) => None,
            Err(problem) => Some(Message::new("flash-readiness-not-checked").arg_msg("problem", problem)),
        },
    )
}

/// One sentence for the flash after a check.
pub(crate) fn summary(report: &ReadinessReport, service_code: Option<&str>) -> Message {
    let blocking = report.findings(service_code).into_iter().filter(|f| f.blocking).count();
    let message = if report.found() {
        Message::new("flash-readiness-problems").arg("count", blocking)
    } else {
        Message::new("flash-readiness-not-found").arg("siret", &report.siret)
    };
    message.arg("source", &report.source)
}
