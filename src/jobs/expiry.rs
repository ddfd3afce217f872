//! Chorus Pro technical account passwords expire 424 days after they are set: 30 days before, the
//! organisation gets one audit entry (the dashboard shows the banner to its admins).

use crate::app::context::AppContext;
use crate::audit::{self, Actor, Entry};
use crate::db::schema::{audit_log, chorus_connections};
use crate::domain::einvoicing::{PasswordAge, TECH_PASSWORD_LIFETIME_DAYS, TECH_PASSWORD_WARNING_DAYS};
use diesel::prelude::*;

pub const ACTION: &str = "chorus.password_expiry_warning";

/// Records the warning once per password (per date it was set). Returns how many were recorded.
pub async fn warn_expiring_passwords(ctx: &AppContext) -> usize {
    let result = ctx
        .db
        .run(|conn| {
            let threshold = crate::db::now()
                - chrono::Duration::days((TECH_PASSWORD_LIFETIME_DAYS - TECH_PASSWORD_WARNING_DAYS) as i64);
            let due: Vec<(i64, Option<chrono::NaiveDateTime>)> = chorus_connections::table
                .filter(chorus_connections::tech_password_set_at.le(threshold))
                .select((chorus_connections::organisation_id, chorus_connections::tech_password_set_at))
                .load(conn)?;
            let mut recorded = 0;
            for (org, set_at) in due {
                let Some(set_at) = set_at else { continue };
                crate::db::write_tx(conn, |conn| {
                    let already: i64 = audit_log::table
                        .filter(audit_log::organisation_id.eq(org))
                        .filter(audit_log::action.eq(ACTION))
                        .filter(audit_log::occurred_at.ge(set_at))
                        .count()
                        .get_result(conn)?;
                    if already == 0 {
                        let age = PasswordAge::of(set_at.date(), crate::db::now().date());
                        audit::record(
                            conn,
                            Entry::new(Some(org), Actor::System("password-expiry"), ACTION)
                                .target("organisation", org)
                                .details(serde_json::json!({"password_set_on": set_at.date().to_string(), "state": format!("{age:?}")})),
                        )?;
                        recorded += 1;
                    }
                    Ok::<_, diesel::result::Error>(())
                })?;
            }
            Ok::<_, crate::db::DbError>(recorded)
        })
        .await;
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "password expiry check failed");
        0
    })
}
