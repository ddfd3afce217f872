//! The complete URL map, in one function, and the page plumbing shared by every handler.

pub mod assets;
pub mod audit_verifications;
pub mod count_cache;
pub mod details;
pub mod handlers;
pub mod invoice_form;
pub mod package_sizes;
pub mod page;
pub mod texts;
// Blank-install journey (issue 17): the way back to an invoice after a fix.
pub mod return_to;

use crate::auth::access::{self, ADMIN, ANY_ROLE, AUDITOR, Access, BACK_OFFICE, SUPPORT};
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, web};

/// One route as declared: what the authorisation test enumerates.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// Registers routes and remembers each one, so that tests can walk the whole router.
/// Routes of one path share one resource, so that a wrong method answers 405 rather than 404.
pub struct Router {
    mount: bool,
    resources: Vec<(&'static str, actix_web::Resource)>,
    routes: Vec<RouteInfo>,
}

impl Router {
    fn add<F, Args>(&mut self, method: Method, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        if self.mount {
            let route = web::method(method.clone())
                .to(handler)
                .wrap(actix_web::middleware::from_fn(move |req, next| {
                    access::enforce(access, req, next)
                }));
            match self.resources.iter().position(|(p, _)| *p == path) {
                Some(i) => {
                    let (p, resource) = self.resources.remove(i);
                    self.resources.insert(i, (p, resource.route(route)));
                }
                None => self.resources.push((path, web::resource(path).route(route))),
            }
        }
        self.routes.push(RouteInfo { method, path, access });
        self
    }

    pub fn get<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, access, handler)
    }

    pub fn post<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, access, handler)
    }

    pub fn put<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PUT, path, access, handler)
    }

    pub fn patch<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::PATCH, path, access, handler)
    }
}

fn declare(r: &mut Router) {
    use handlers::*;
    r.get("/health", Access::Public, health::health);
    // Public unless CHORUS_DESK_METRICS_TOKEN is set (then a bearer token): see handlers::metrics.
    r.get("/metrics", Access::Public, metrics::show);
    r.get("/login", Access::Public, login::form)
        .post("/login", Access::Public, login::submit);
    r.post("/logout", Access::SignedIn, login::logout);
    r.get("/account/password", Access::SignedIn, account::password_form)
        .post("/account/password", Access::SignedIn, account::change_password);
    r.post("/language", Access::Public, language::choose);
    r.post("/account/language", Access::SignedIn, language::save);
    r.post(
        "/account/sign-out-everywhere",
        Access::SignedIn,
        account::sign_out_everywhere,
    );

    r.get("/", ANY_ROLE, dashboard::show);

    r.get("/support/organisations", SUPPORT, support::list)
        .post("/support/organisations", SUPPORT, support::create)
        .get("/support/organisations/{id}", SUPPORT, support::show)
        .post(
            "/support/organisations/{id}/chorus-feature",
            SUPPORT,
            support::toggle_chorus_feature,
        );

    r.get("/settings/users", ADMIN, users::list)
        .post("/settings/users", ADMIN, users::create)
        .post("/settings/users/{id}/deactivate", ADMIN, users::deactivate);

    r.get("/audit", AUDITOR, audit::index)
        .get("/audit/entries/{id}", AUDITOR, audit::entry)
        .get("/audit/targets/{type}/{id}", AUDITOR, audit::target)
        .get("/audit/export.csv", AUDITOR, audit::export_csv)
        .get("/audit/export.json", AUDITOR, audit::export_json);

    r.get("/settings/e-invoicing", ADMIN, einvoicing::show)
        .post("/settings/e-invoicing/connection", ADMIN, einvoicing::save_connection)
        .post("/settings/e-invoicing/enable", ADMIN, einvoicing::enable)
        .post("/settings/e-invoicing/disable", ADMIN, einvoicing::disable)
        .post("/settings/e-invoicing/ubl-export", ADMIN, einvoicing::set_ubl_export)
        .post("/settings/e-invoicing/test", ADMIN, einvoicing::test_connection)
        .get("/settings/e-invoicing/test", ADMIN, einvoicing::test_connection_page)
        .post("/settings/e-invoicing/endpoints", ADMIN, einvoicing::save_endpoints);
    r.get("/settings/api-tokens", ADMIN, api_tokens::list)
        .post("/settings/api-tokens", ADMIN, api_tokens::create)
        .post("/settings/api-tokens/{id}/revoke", ADMIN, api_tokens::revoke);
    r.get("/settings/bank-accounts", ADMIN, bank_accounts::list)
        .post("/settings/bank-accounts", ADMIN, bank_accounts::create)
        .get("/settings/bank-accounts/{id}/edit", ADMIN, bank_accounts::edit_form)
        .post("/settings/bank-accounts/{id}", ADMIN, bank_accounts::update)
        .post(
            "/settings/bank-accounts/{id}/default",
            ADMIN,
            bank_accounts::make_default,
        )
        .post("/settings/bank-accounts/{id}/delete", ADMIN, bank_accounts::delete);
    r.get("/settings/company", ADMIN, company::show)
        .post("/settings/company", ADMIN, company::save);

    // "new" before "{id}": resources match in registration order.
    r.get("/customers", BACK_OFFICE, customers::list)
        .get("/customers/new", BACK_OFFICE, customers::new_form)
        .post("/customers", BACK_OFFICE, customers::create)
        .get("/customers/{id}", BACK_OFFICE, customers::show)
        .get("/customers/{id}/edit", BACK_OFFICE, customers::edit_form)
        .post("/customers/{id}", BACK_OFFICE, customers::update)
        .post("/customers/{id}/archive", BACK_OFFICE, customers::archive)
        .post("/customers/{id}/restore", BACK_OFFICE, customers::restore)
        .post("/customers/{id}/chorus-check", BACK_OFFICE, readiness::check)
        .post("/customers/{id}/service-code", BACK_OFFICE, readiness::choose_service);
    r.get("/contracts", BACK_OFFICE, contracts::list)
        .get("/contracts/new", BACK_OFFICE, contracts::new_form)
        .post("/contracts", BACK_OFFICE, contracts::create)
        .get("/contracts/{id}", BACK_OFFICE, contracts::show)
        .get("/contracts/{id}/edit", BACK_OFFICE, contracts::edit_form)
        .post("/contracts/{id}", BACK_OFFICE, contracts::update)
        .post("/contracts/{id}/archive", BACK_OFFICE, contracts::archive)
        .post("/contracts/{id}/restore", BACK_OFFICE, contracts::restore)
        .post("/contracts/{id}/invoice", BACK_OFFICE, contracts::invoice);

    r.get("/api/v1/customers", Access::Api, api::list_customers)
        .post("/api/v1/customers", Access::Api, api::create_customer)
        .get("/api/v1/customers/{id}", Access::Api, api::get_customer)
        .put("/api/v1/customers/{id}", Access::Api, api::replace_customer)
        .patch("/api/v1/customers/{id}", Access::Api, api::patch_customer);
    r.get("/api/v1/contracts", Access::Api, api::list_contracts)
        .post("/api/v1/contracts", Access::Api, api::create_contract)
        .get("/api/v1/contracts/{id}", Access::Api, api::get_contract)
        .put("/api/v1/contracts/{id}", Access::Api, api::replace_contract)
        .patch("/api/v1/contracts/{id}", Access::Api, api::patch_contract);

    r.get("/invoices", BACK_OFFICE, invoices::list)
        .get("/invoices/rows", BACK_OFFICE, invoices::rows)
        .get("/invoices/chips", BACK_OFFICE, live::invoice_chips)
        .get("/invoices/new", BACK_OFFICE, invoices::new_form)
        .post("/invoices/new", BACK_OFFICE, invoices::create)
        .get("/invoices/import", BACK_OFFICE, invoices::import_form)
        .post("/invoices/import", BACK_OFFICE, invoices::import)
        .get("/invoices/{id}", BACK_OFFICE, invoices::show)
        .get("/invoices/{id}/edit", BACK_OFFICE, invoices::edit_form)
        .post("/invoices/{id}/edit", BACK_OFFICE, invoices::update)
        .post("/invoices/{id}/issue", BACK_OFFICE, invoices::issue)
        .get("/invoices/{id}/ubl", BACK_OFFICE, invoices::download_ubl)
        .get("/invoices/{id}/pdf", BACK_OFFICE, invoices::download_pdf)
        .get("/invoices/{id}/package", BACK_OFFICE, invoices::download_package)
        .post("/invoices/{id}/retry", BACK_OFFICE, invoices::retry)
        .post("/invoices/{id}/resend", BACK_OFFICE, invoices::resend)
        .post("/invoices/{id}/recycle", BACK_OFFICE, invoices::recycle)
        .post("/invoices/{id}/complete", BACK_OFFICE, invoices::complete)
        .post("/invoices/{id}/credit-note", BACK_OFFICE, invoices::credit_note);
    // Correcting the routing of an invoice Chorus Pro rejected at integration (journey-b).
    r.get("/invoices/{id}/routing", BACK_OFFICE, invoices::routing_form)
        .post("/invoices/{id}/routing", BACK_OFFICE, invoices::correct_routing)
        .post("/invoices/{id}/corrected-copy", BACK_OFFICE, invoices::corrected_copy);
    // Saved items, suggested by the invoice lines editor (journey-b).
    r.get("/items", BACK_OFFICE, saved_items::list)
        .post("/items", BACK_OFFICE, saved_items::create)
        .post("/items/delete", BACK_OFFICE, saved_items::delete);
    // Live status (journey-c): the blocks the pages poll while something is in processing.
    r.get("/invoices/{id}/live", BACK_OFFICE, live::invoice)
        .get("/dashboard/live", ANY_ROLE, live::dashboard);
    r.get("/api/v1/organisation", Access::Api, api::get_organisation).put(
        "/api/v1/organisation",
        Access::Api,
        api::put_organisation,
    );
    r.get("/api/v1/invoices", Access::Api, invoices_api::list)
        .post("/api/v1/invoices", Access::Api, invoices_api::create)
        // Before `/api/v1/invoices/{id}`, whose resource would otherwise answer 405 (issue 21).
        .post("/api/v1/invoices/issue", Access::Api, invoices_api::issue_many)
        .get("/api/v1/invoices/{id}", Access::Api, invoices_api::get)
        .get("/api/v1/invoices/{id}/ubl", Access::Api, invoices_api::ubl)
        .get("/api/v1/invoices/{id}/pdf", Access::Api, invoices_api::pdf)
        .get("/api/v1/invoices/{id}/package", Access::Api, invoices_api::package)
        .get("/api/v1/invoices/{id}/cii", Access::Api, invoices_api::cii)
        .get("/api/v1/invoices/{id}/facturx", Access::Api, invoices_api::facturx);
    // Notifications (issue 19): the API's description, mail preferences, webhooks, outbox.
    r.get("/api/v1/openapi.json", Access::Public, openapi::openapi_json)
        .get("/api/docs", Access::Public, openapi::docs_page);
    r.get(
        "/account/notifications",
        notifications::ORGANISATION_PEOPLE,
        notifications::preferences,
    )
    .post(
        "/account/notifications",
        notifications::ORGANISATION_PEOPLE,
        notifications::save_preferences,
    );
    r.get("/settings/webhooks", ADMIN, notifications::webhooks_list)
        .post("/settings/webhooks", ADMIN, notifications::webhooks_create)
        .get("/settings/webhooks/{id}", ADMIN, notifications::webhook_show)
        .post("/settings/webhooks/{id}/test", ADMIN, notifications::webhook_test)
        .post("/settings/webhooks/{id}/remove", ADMIN, notifications::webhook_remove)
        .get("/settings/outbox", ADMIN, notifications::outbox)
        .post("/settings/outbox/send-again", ADMIN, notifications::outbox_send_again);
    // Bulk issue (issue 21): start a run, follow its progress, read its summary.
    r.post("/bulk-issue", BACK_OFFICE, bulk_issue::start)
        .get("/bulk-issue/contracts", BACK_OFFICE, bulk_issue::contracts_form)
        .get("/bulk-issue/{id}", BACK_OFFICE, bulk_issue::show)
        .get("/bulk-issue/{id}/progress", BACK_OFFICE, bulk_issue::progress);
    r.post("/settings/e-invoicing/rate-limit", ADMIN, einvoicing::save_rate_limit);
}

/// Mounts every route on an actix App.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut router = Router {
        mount: true,
        resources: Vec::new(),
        routes: Vec::new(),
    };
    declare(&mut router);
    for (_, resource) in router.resources {
        cfg.service(resource);
    }
}

/// Every route of the router, for the authorisation test.
pub fn route_table() -> Vec<RouteInfo> {
    let mut router = Router {
        mount: false,
        resources: Vec::new(),
        routes: Vec::new(),
    };
    declare(&mut router);
    router.routes
}
