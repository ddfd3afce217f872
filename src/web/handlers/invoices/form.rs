//! Invoices: the draft form (new, edit, save), its customer picker and saved items.

use super::*;

/// One input of the form, ready to render. `label` and `hint` are catalog keys (no hint: empty).
pub struct FieldView {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
    pub error: String,
    pub input_type: &'static str,
}

pub struct LineRowView {
    pub index: usize,
    pub name: FieldView,
    pub quantity: FieldView,
    pub unit_code: FieldView,
    pub unit_price: FieldView,
    pub vat_category: FieldView,
    pub vat_rate: FieldView,
}

pub struct FieldGroup {
    /// A catalog key.
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "invoices/form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub invoice_id: Option<i64>,
    pub credit_note: bool,
    pub groups: Vec<FieldGroup>,
    pub notes: FieldView,
    pub lines: Vec<LineRowView>,
    pub general_errors: Vec<String>,
    pub error_count: usize,
    pub units: &'static [(&'static str, &'static str)],
    pub vats: &'static [(&'static str, &'static str)],
    /// The customer picker (new invoices): search, matching customers, that customer's contracts.
    pub picker: Option<CustomerPicker>,
    /// The customer and contract the invoice starts from, carried as hidden inputs.
    pub customer_id: String,
    pub contract_id: String,
    /// The organisation's saved items, suggested by the line name inputs.
    pub saved_items: Vec<SavedItemChoice>,
}

/// A saved item as the lines editor's suggestion list carries it (French decimals, as typed).
pub struct SavedItemChoice {
    pub name: String,
    pub unit_code: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: String,
}

async fn saved_items_of(db: &Db, org_id: i64) -> Result<Vec<crate::db::models::saved_item::SavedItemRow>, AppError> {
    db.run(move |conn| crate::db::models::saved_item::list(conn, org_id).map_err(AppError::from))
        .await
}

fn item_choices(items: &[crate::db::models::saved_item::SavedItemRow]) -> Vec<SavedItemChoice> {
    items
        .iter()
        .map(|item| SavedItemChoice {
            name: item.name.clone(),
            unit_code: item.unit_code.clone(),
            unit_price: item.unit_price().normalize().to_string().replace('.', ","),
            vat_category: item.vat_category.clone(),
            vat_rate: item.vat_rate().normalize().to_string().replace('.', ","),
        })
        .collect()
}

/// The customer picker of a new invoice. It is a GET form of its own, so it works without
/// JavaScript: search, choose, "Use"; a small script submits it when a choice changes.
#[derive(Default)]
pub struct CustomerPicker {
    pub query: String,
    /// (id, "Name · SIRET") of the customers matching the search.
    pub customers: Vec<(i64, String)>,
    pub selected: Option<i64>,
    /// (id, "Number · title") of the chosen customer's active contracts.
    pub contracts: Vec<(i64, String)>,
    pub selected_contract: Option<i64>,
}

impl CustomerPicker {
    pub fn is_selected(&self, id: &i64) -> bool {
        self.selected == Some(*id)
    }
    pub fn is_selected_contract(&self, id: &i64) -> bool {
        self.selected_contract == Some(*id)
    }
}

/// The query of `GET /invoices/new`: a customer search, a chosen customer and contract.
#[derive(Debug, Default, Deserialize)]
pub struct NewInvoiceQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub customer: String,
    #[serde(default)]
    pub contract: String,
}

/// Customers shown by the picker at most (the search narrows them).
const PICKER_LIMIT: i64 = 50;

/// Loads the picker: customers matching `query` (the chosen one always listed), and the chosen
/// customer's contracts. Another organisation's ids are ignored.
async fn load_picker(
    db: &Db,
    org_id: i64,
    query: String,
    customer_id: Option<i64>,
    contract_id: Option<i64>,
) -> Result<
    (
        CustomerPicker,
        Option<customer::CustomerRow>,
        Option<crate::db::models::contract::ContractDetail>,
    ),
    AppError,
> {
    db.run(move |conn| {
        let filter = customer::Filter {
            search: query.clone(),
            ..Default::default()
        };
        let (rows, _) = customer::list(conn, org_id, &filter, 0, PICKER_LIMIT)?;
        let chosen = match customer_id {
            Some(id) => customer::find(conn, org_id, id)?.filter(|c| !c.archived),
            None => None,
        };
        let label = |c: &customer::CustomerRow| match &c.siret {
            Some(siret) => format!("{} · {siret}", c.name),
            None => c.name.clone(),
        };
        let mut customers: Vec<(i64, String)> = rows.iter().map(|c| (c.id, label(c))).collect();
        if let Some(c) = &chosen
            && !customers.iter().any(|(id, _)| *id == c.id)
        {
            customers.insert(0, (c.id, label(c)));
        }
        let contracts = match &chosen {
            Some(c) => crate::db::models::contract::of_customer(conn, org_id, c.id)?
                .into_iter()
                .filter(|k| !k.archived)
                .collect(),
            None => Vec::new(),
        };
        let contract = match contract_id {
            Some(id) if contracts.iter().any(|k| k.id == id) => crate::db::models::contract::find(conn, org_id, id)?,
            _ => None,
        };
        let picker = CustomerPicker {
            query,
            customers,
            selected: chosen.as_ref().map(|c| c.id),
            contracts: contracts
                .iter()
                .map(|k| (k.id, format!("{} · {}", k.number, k.title)))
                .collect(),
            selected_contract: contract.as_ref().map(|k| k.contract.id),
        };
        Ok::<_, AppError>((picker, chosen, contract))
    })
    .await
}

impl FormPage {
    pub fn action(&self) -> String {
        match self.invoice_id {
            Some(id) => format!("/invoices/{id}/edit"),
            None => "/invoices/new".into(),
        }
    }

    fn build(
        ctx: Ctx,
        invoice_id: Option<i64>,
        credit_note: bool,
        form: &InvoiceForm,
        errors: &FieldErrors,
    ) -> FormPage {
        let locale = ctx.locale;
        let field = |name: &str, label: &'static str, hint: &'static str, input_type: &'static str| FieldView {
            name: name.to_string(),
            id: html_id(name),
            label,
            hint,
            value: form.value(name).to_string(),
            error: crate::domain::field_errors::field_error(errors, name, locale),
            input_type,
        };
        let groups = vec![
            FieldGroup {
                title: "invoice-form-buyer",
                fields: vec![
                    field("buyer.name", "common-name", "", "text"),
                    field("buyer.siret", "common-siret", "invoice-form-siret-hint", "text"),
                    field("buyer.address.line1", "customer-address", "", "text"),
                    field("buyer.address.postal_code", "customer-postal-code", "", "text"),
                    field("buyer.address.city", "customer-city", "", "text"),
                    field(
                        "buyer.address.country_code",
                        "customer-country",
                        "invoice-form-country-hint",
                        "text",
                    ),
                ],
            },
            FieldGroup {
                title: "invoice-form-references",
                fields: vec![
                    field(
                        "references.buyer_reference",
                        "invoice-form-service-code",
                        "invoice-form-service-code-hint",
                        "text",
                    ),
                    field(
                        "references.order_reference",
                        "invoice-form-engagement",
                        "invoice-form-engagement-hint",
                        "text",
                    ),
                    field("references.contract_reference", "invoice-form-market", "", "text"),
                ],
            },
            FieldGroup {
                title: "invoice-form-dates",
                fields: vec![
                    field(
                        "issue_date",
                        "invoice-issue-date",
                        "invoice-form-issue-date-hint",
                        "date",
                    ),
                    field("due_date", "invoice-due-date", "", "date"),
                    field(
                        "currency",
                        "invoice-form-currency",
                        "invoice-form-currency-hint",
                        "text",
                    ),
                    field(
                        "payment_terms",
                        "invoice-form-payment-terms",
                        "invoice-form-payment-terms-hint",
                        "text",
                    ),
                ],
            },
        ];
        let notes = field("notes", "invoice-form-notes", "invoice-form-notes-hint", "textarea");
        let lines = form
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| {
                let cell = |name: &str, label: &'static str, value: &str| {
                    let full = format!("lines[{index}].{name}");
                    FieldView {
                        id: html_id(&full),
                        error: crate::domain::field_errors::field_error(errors, &full, locale),
                        name: full,
                        label,
                        hint: "",
                        value: value.to_string(),
                        input_type: "text",
                    }
                };
                LineRowView {
                    index,
                    name: cell("name", "line-description", &line.name),
                    quantity: cell("quantity", "line-quantity", &line.quantity),
                    unit_code: cell("unit_code", "line-unit", &line.unit_code),
                    unit_price: cell("unit_price", "line-unit-price-excl-vat", &line.unit_price),
                    vat_category: cell("vat_category", "line-vat-category", &line.vat_category),
                    vat_rate: cell("vat_rate", "line-vat-rate-percent", &line.vat_rate),
                }
            })
            .collect();
        FormPage {
            ctx,
            invoice_id,
            credit_note,
            groups,
            notes,
            lines,
            general_errors: errors
                .get(invoice_form::GENERAL)
                .map(|messages| messages.iter().map(|m| m.render(locale)).collect())
                .unwrap_or_default(),
            error_count: errors.values().map(Vec::len).sum(),
            units: UNIT_CHOICES,
            vats: VAT_CHOICES,
            picker: None,
            customer_id: form.value("customer_id").to_string(),
            contract_id: form.value("contract_id").to_string(),
            saved_items: Vec::new(),
        }
    }
}

/// One of the caller's invoices, or a 404.
pub(super) async fn own_invoice(db: &Db, org_id: i64, id: i64) -> Result<InvoiceRow, AppError> {
    db.run(move |conn| invoice::find(conn, org_id, id)?.ok_or(AppError::NotFound))
        .await
}

pub(super) fn stored_document(row: &InvoiceRow) -> Result<InvoiceDocument, AppError> {
    serde_json::from_str(&row.document).map_err(AppError::internal)
}

/// `GET /invoices/new`, optionally `?customer=ID&contract=ID` (the customer page's "New
/// invoice") or `?q=` (the picker's search).
pub async fn new_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    query: web::Query<NewInvoiceQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let query = query.into_inner();
    let today = invoicing::today();
    let mut form = InvoiceForm::blank(today);
    let (picker, customer, contract) = load_picker(
        &db,
        org_id,
        query.q.trim().to_string(),
        query.customer.trim().parse().ok(),
        query.contract.trim().parse().ok(),
    )
    .await?;
    if let Some(customer) = &customer {
        // The due date follows the organisation's payment terms (Configuration › Company).
        let org = db
            .run(move |conn| organisation::find(conn, org_id)?.ok_or(AppError::NotFound))
            .await?;
        let terms = crate::domain::organisation_profile::PaymentTerms {
            days: u16::try_from(org.payment_terms_days).unwrap_or(30),
            end_of_month: org.payment_terms_end_of_month,
        };
        form.fill_from_customer(customer, today, terms);
    }
    if let Some(contract) = &contract {
        form.fill_from_contract(contract);
    }
    let mut page = FormPage::build(ctx, None, false, &form, &FieldErrors::new());
    page.picker = Some(picker);
    page.saved_items = item_choices(&saved_items_of(&db, org_id).await?);
    ok(page)
}

pub async fn edit_form(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let row = own_invoice(&db, org_id, path.into_inner()).await?;
    if row.state != InvoiceState::Draft {
        ctx.flash_error(Message::new("err-invoice-already-issued"));
        return Ok(see_other(format!("/invoices/{}", row.id)));
    }
    let document = stored_document(&row)?;
    let mut form = InvoiceForm::from_document(&document);
    form.set_links(row.customer_id, row.contract_id);
    let mut page = FormPage::build(
        ctx,
        Some(row.id),
        document.kind == DocumentKind::CreditNote,
        &form,
        &FieldErrors::new(),
    );
    page.saved_items = item_choices(&saved_items_of(&db, org_id).await?);
    ok(page)
}

pub async fn create(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    save(ctx, user, db, None, pairs).await
}

pub async fn update(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    save(ctx, user, db, Some(path.into_inner()), pairs).await
}

async fn save(
    ctx: Ctx,
    user: CurrentUser,
    db: web::Data<Db>,
    invoice_id: Option<i64>,
    pairs: Pairs,
) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let existing = match invoice_id {
        Some(id) => {
            let row = own_invoice(&db, org_id, id).await?;
            if row.state != InvoiceState::Draft {
                return Err(AppError::Conflict(
                    Message::new("err-invoice-already-issued").to_string(),
                ));
            }
            Some(row)
        }
        None => None,
    };
    let base = match &existing {
        Some(row) => stored_document(row)?,
        None => InvoiceDocument::default(),
    };
    let credit_note = base.kind == DocumentKind::CreditNote;
    let mut form = InvoiceForm::from_pairs(&pairs);
    let saved_items = saved_items_of(&db, org_id).await?;
    form.fill_saved_items(&saved_items);
    if pairs.iter().any(|(k, _)| k == "add_lines") {
        form.add_rows(EMPTY_ROWS);
        let mut page = FormPage::build(ctx, invoice_id, credit_note, &form, &FieldErrors::new());
        page.saved_items = item_choices(&saved_items);
        return ok(page);
    }
    let (document, rows, mut errors) = form.apply_to(base);
    // The customer and contract come from the form's hidden inputs (the picker chose them).
    let links = (form.linked_id("customer_id"), form.linked_id("contract_id"));
    let input = DraftInput {
        customer_id: links.0,
        contract_id: links.1,
        series: existing.as_ref().map(|r| r.series.clone()),
        corrects_invoice_id: existing.as_ref().and_then(|r| r.corrects_invoice_id),
        document,
    };
    let form_is_valid = errors.is_empty();
    let actor = user.actor();
    let outcome =
        crate::app::invoices::save_form_draft(&db, org_id, invoice_id, links, input, form_is_valid, actor).await?;
    match outcome {
        crate::app::invoices::Saved::Row(row) => {
            ctx.flash_success(Message::new("flash-draft-saved"));
            Ok(see_other(format!("/invoices/{}", row.id)))
        }
        crate::app::invoices::Saved::Invalid(problems) => {
            invoice_form::merge_problems(&mut errors, &problems, &rows);
            let mut page = FormPage::build(ctx, invoice_id, credit_note, &form, &errors);
            page.saved_items = item_choices(&saved_items);
            if invoice_id.is_none() {
                let (picker, _, _) = load_picker(&db, org_id, String::new(), links.0, links.1).await?;
                page.picker = Some(picker);
            }
            unprocessable(page)
        }
    }
}
