//! UBL 2.1 Invoice / CreditNote → invoice document: the inverse of `crate::render::ubl`, every
//! EN 16931 term kept (see the table in `docs/invoice-json.md`).

use super::xml::Node;
use super::{Stated, TaxBreakdownReason, attach_exemption_reasons, decimal, identifier};
use crate::domain::invoice::document::{
    Address, AllowanceCharge, Classification, Contact, Delivery, DocumentKind, EmbeddedFile, Identifier,
    InvoiceDocument, ItemAttribute, Line, Note, Party, Payee, PaymentCard, PaymentMeans, Period, PrecedingInvoice,
    SupportingDocument, TaxCurrency, TaxRepresentative,
};

pub(super) fn read(root: &Node) -> Result<(InvoiceDocument, Stated), super::ImportError> {
    let is_credit_note = root.name == "CreditNote";
    let mut doc = InvoiceDocument {
        kind: if is_credit_note {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        },
        number: root.text_at(&["ID"]).unwrap_or_default(),
        issue_date: root.text_at(&["IssueDate"]).unwrap_or_default(),
        due_date: root.text_at(&["DueDate"]),
        tax_point_date: root.text_at(&["TaxPointDate"]),
        type_code: root.text_at(&[if is_credit_note {
            "CreditNoteTypeCode"
        } else {
            "InvoiceTypeCode"
        }]),
        currency: root.text_at(&["DocumentCurrencyCode"]),
        specification_id: root.text_at(&["CustomizationID"]),
        // An absent ProfileID stays absent (empty = BT-23 left out).
        business_process: Some(root.text_at(&["ProfileID"]).unwrap_or_default()),
        accounting_reference: root.text_at(&["AccountingCost"]),
        ..InvoiceDocument::default()
    };
    for note in root.children("Note").filter_map(Node::value) {
        doc.notes.push(split_note(&note));
    }
    if let Some(code) = root.text_at(&["TaxCurrencyCode"]) {
        let vat_total = root
            .children("TaxTotal")
            .filter_map(|t| t.child("TaxAmount"))
            .find(|amount| amount.attribute("currencyID").as_deref() == Some(code.as_str()))
            .and_then(Node::value)
            .unwrap_or_default();
        doc.tax_currency = Some(TaxCurrency {
            code,
            vat_total: decimal(vat_total),
        });
    }
    let refs = &mut doc.references;
    refs.buyer_reference = root.text_at(&["BuyerReference"]);
    if let Some(order) = root.child("OrderReference") {
        refs.order_reference = order.text_at(&["ID"]).filter(|id| id != "NA");
        refs.sales_order_reference = order.text_at(&["SalesOrderID"]);
    }
    for billing in root.children("BillingReference") {
        if let Some(reference) = billing.child("InvoiceDocumentReference") {
            refs.preceding_invoices.push(PrecedingInvoice {
                number: reference.text_at(&["ID"]).unwrap_or_default(),
                issue_date: reference.text_at(&["IssueDate"]),
            });
        }
    }
    refs.despatch_advice_reference = root.text_at(&["DespatchDocumentReference", "ID"]);
    refs.receiving_advice_reference = root.text_at(&["ReceiptDocumentReference", "ID"]);
    refs.tender_reference = root.text_at(&["OriginatorDocumentReference", "ID"]);
    refs.contract_reference = root.text_at(&["ContractDocumentReference", "ID"]);
    refs.project_reference = root.text_at(&["ProjectReference", "ID"]);
    for reference in root.children("AdditionalDocumentReference") {
        match reference.text_at(&["DocumentTypeCode"]).as_deref() {
            Some("130") => doc.references.invoiced_object = reference.child("ID").and_then(identifier),
            Some("50") if is_credit_note => doc.references.project_reference = reference.text_at(&["ID"]),
            _ => doc.supporting_documents.push(supporting_document(reference)),
        }
    }
    if let Some(period) = root.child("InvoicePeriod") {
        doc.invoice_period = Some(period_of(period, true));
    }
    let seller = root.at(&["AccountingSupplierParty", "Party"]);
    let mut creditor_id = None;
    if let Some(party) = seller {
        let (parsed, sepa) = party_of(party, true);
        doc.seller = parsed;
        creditor_id = sepa;
    }
    if let Some(party) = root.at(&["AccountingCustomerParty", "Party"]) {
        doc.buyer = party_of(party, false).0;
    }
    if let Some(payee) = root.child("PayeeParty") {
        let mut identifier_of_payee = None;
        for id in payee.children("PartyIdentification").filter_map(|p| p.child("ID")) {
            if id.attribute("schemeID").as_deref() == Some("SEPA") {
                creditor_id = creditor_id.or(id.value());
            } else if identifier_of_payee.is_none() {
                identifier_of_payee = identifier(id);
            }
        }
        doc.payee = Some(Payee {
            name: payee.text_at(&["PartyName", "Name"]).unwrap_or_default(),
            identifier: identifier_of_payee,
            legal_id: payee.at(&["PartyLegalEntity", "CompanyID"]).and_then(identifier),
        });
    }
    if let Some(rep) = root.child("TaxRepresentativeParty") {
        doc.tax_representative = Some(TaxRepresentative {
            name: rep.text_at(&["PartyName", "Name"]).unwrap_or_default(),
            vat_id: rep.text_at(&["PartyTaxScheme", "CompanyID"]).unwrap_or_default(),
            address: rep.child("PostalAddress").map(address_of).unwrap_or_default(),
        });
    }
    if let Some(delivery) = root.child("Delivery") {
        doc.delivery = Some(Delivery {
            party_name: delivery.text_at(&["DeliveryParty", "PartyName", "Name"]),
            location: delivery.at(&["DeliveryLocation", "ID"]).and_then(identifier),
            date: delivery.text_at(&["ActualDeliveryDate"]),
            address: delivery.at(&["DeliveryLocation", "Address"]).map(address_of),
        });
    }
    for means in root.children("PaymentMeans") {
        if is_credit_note && doc.due_date.is_none() {
            doc.due_date = means.text_at(&["PaymentDueDate"]);
        }
        doc.payment_means.push(payment_means_of(means));
    }
    if let Some(creditor_id) = creditor_id {
        match doc.payment_means.first_mut() {
            Some(means) => means.creditor_id = Some(creditor_id),
            // No payment means to carry it: kept as the seller's SEPA identifier.
            None => doc.seller.identifiers.push(Identifier {
                id: creditor_id,
                scheme: Some("SEPA".into()),
            }),
        }
    }
    doc.payment_terms = root.text_at(&["PaymentTerms", "Note"]);
    for item in root.children("AllowanceCharge") {
        doc.allowances_charges.push(allowance_charge_of(item, true));
    }
    let document_currency = doc.currency.clone();
    let tax_total = root.children("TaxTotal").find(|total| {
        total.child("TaxAmount").and_then(|a| a.attribute("currencyID")) == document_currency
            || total.child("TaxSubtotal").is_some()
    });
    let mut reasons = Vec::new();
    if let Some(total) = tax_total {
        for subtotal in total.children("TaxSubtotal") {
            if let Some(category) = subtotal.child("TaxCategory") {
                reasons.push(TaxBreakdownReason {
                    category: category.text_at(&["ID"]).unwrap_or_default(),
                    rate: category.text_at(&["Percent"]),
                    reason: category.text_at(&["TaxExemptionReason"]),
                    reason_code: category.text_at(&["TaxExemptionReasonCode"]),
                    tax_amount: subtotal.text_at(&["TaxAmount"]),
                });
            }
        }
    }
    let monetary = root.child("LegalMonetaryTotal");
    let stated_amount = |name: &str| monetary.and_then(|m| m.text_at(&[name]));
    doc.prepaid_amount = stated_amount("PrepaidAmount").map(decimal);
    doc.rounding_amount = stated_amount("PayableRoundingAmount").map(decimal);
    let line_name = if is_credit_note {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    let quantity_name = if is_credit_note {
        "CreditedQuantity"
    } else {
        "InvoicedQuantity"
    };
    for line in root.children(line_name) {
        doc.lines.push(line_of(line, quantity_name));
    }
    attach_exemption_reasons(&mut doc, &reasons);
    let stated = Stated {
        tax_exclusive: stated_amount("TaxExclusiveAmount"),
        vat_total: tax_total.and_then(|t| t.text_at(&["TaxAmount"])),
        payable: stated_amount("PayableAmount"),
        breakdown: reasons,
    };
    Ok((doc, stated))
}

/// `#CODE#text` carries the subject code (BT-21) in a UBL note.
fn split_note(note: &str) -> Note {
    if let Some(rest) = note.strip_prefix('#')
        && let Some((code, text)) = rest.split_once('#')
        && !code.is_empty()
        && code.len() <= 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
    {
        return Note {
            subject_code: Some(code.to_owned()),
            text: text.to_owned(),
        };
    }
    Note {
        subject_code: None,
        text: note.to_owned(),
    }
}

fn supporting_document(reference: &Node) -> SupportingDocument {
    let attachment = reference.child("Attachment");
    SupportingDocument {
        id: reference.text_at(&["ID"]).unwrap_or_default(),
        description: reference.text_at(&["DocumentDescription"]),
        external_uri: attachment.and_then(|a| a.text_at(&["ExternalReference", "URI"])),
        file: attachment
            .and_then(|a| a.child("EmbeddedDocumentBinaryObject"))
            .map(|object| EmbeddedFile {
                filename: object.attribute("filename").unwrap_or_default(),
                mime_code: object.attribute("mimeCode").unwrap_or_default(),
                content_base64: object.text.split_whitespace().collect(),
            }),
    }
}

fn period_of(period: &Node, document_level: bool) -> Period {
    Period {
        start_date: period.text_at(&["StartDate"]),
        end_date: period.text_at(&["EndDate"]),
        description_code: if document_level {
            period.text_at(&["DescriptionCode"])
        } else {
            None
        },
    }
}

fn address_of(address: &Node) -> Address {
    Address {
        line1: address.text_at(&["StreetName"]),
        line2: address.text_at(&["AdditionalStreetName"]),
        line3: address.text_at(&["AddressLine", "Line"]),
        city: address.text_at(&["CityName"]),
        postal_code: address.text_at(&["PostalZone"]),
        country_subdivision: address.text_at(&["CountrySubentity"]),
        country_code: address.text_at(&["Country", "IdentificationCode"]).unwrap_or_default(),
    }
}

/// The party, and (seller) its SEPA creditor identifier (BT-90) when it carries one.
fn party_of(party: &Node, is_seller: bool) -> (Party, Option<String>) {
    let mut parsed = Party {
        electronic_address: party.child("EndpointID").and_then(identifier),
        trading_name: party.text_at(&["PartyName", "Name"]),
        address: party.child("PostalAddress").map(address_of).unwrap_or_default(),
        ..Party::default()
    };
    let mut creditor_id = None;
    for id in party.children("PartyIdentification").filter_map(|p| p.child("ID")) {
        let Some(value) = id.value() else { continue };
        let scheme = id.attribute("schemeID");
        // The AIFE code of a SIRET (`schemeName="1"`, Chorus Pro's E1 UBL), with or without the ICD.
        let aife_siret = id.attribute("schemeName").as_deref() == Some(crate::render::ubl::AIFE_SIRET_CODE)
            && matches!(scheme.as_deref(), None | Some(crate::render::ubl::SIRET_SCHEME));
        match scheme.as_deref() {
            _ if aife_siret
                && parsed.siret.is_none()
                && value.len() == 14
                && value.bytes().all(|b| b.is_ascii_digit()) =>
            {
                parsed.siret = Some(value)
            }
            Some("SEPA") if is_seller && creditor_id.is_none() => creditor_id = Some(value),
            Some(crate::render::ubl::SIRET_SCHEME)
                if parsed.siret.is_none() && value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit()) =>
            {
                parsed.siret = Some(value)
            }
            _ => parsed.identifiers.push(Identifier { id: value, scheme }),
        }
    }
    for tax in party.children("PartyTaxScheme") {
        let company_id = tax.text_at(&["CompanyID"]);
        match tax.text_at(&["TaxScheme", "ID"]).as_deref() {
            Some("VAT") => parsed.vat_id = company_id,
            scheme => {
                parsed.tax_registration_id = company_id;
                parsed.tax_registration_scheme = scheme.map(str::to_owned);
            }
        }
    }
    if let Some(legal) = party.child("PartyLegalEntity") {
        parsed.name = legal.text_at(&["RegistrationName"]).unwrap_or_default();
        if let Some(company) = legal.child("CompanyID").and_then(identifier) {
            let is_siren = company.scheme.as_deref() == Some(crate::render::ubl::SIREN_SCHEME)
                && company.id.len() == 9
                && company.id.bytes().all(|b| b.is_ascii_digit())
                && parsed
                    .siret
                    .as_deref()
                    .is_none_or(|siret| siret.starts_with(&company.id));
            if is_siren {
                parsed.siren = Some(company.id);
            } else {
                parsed.legal_id = Some(company);
            }
        }
        if is_seller {
            parsed.legal_form = legal.text_at(&["CompanyLegalForm"]);
        }
    }
    if let Some(contact) = party.child("Contact") {
        parsed.contact = Some(Contact {
            name: contact.text_at(&["Name"]),
            phone: contact.text_at(&["Telephone"]),
            email: contact.text_at(&["ElectronicMail"]),
        });
    }
    (parsed, creditor_id)
}

fn payment_means_of(means: &Node) -> PaymentMeans {
    let code = means.child("PaymentMeansCode");
    let account = means.child("PayeeFinancialAccount");
    PaymentMeans {
        code: code.and_then(Node::value).unwrap_or_default(),
        text: code.and_then(|c| c.attribute("name")),
        remittance_information: means.text_at(&["PaymentID"]),
        iban: account.and_then(|a| a.text_at(&["ID"])),
        account_name: account.and_then(|a| a.text_at(&["Name"])),
        bic: account.and_then(|a| a.text_at(&["FinancialInstitutionBranch", "ID"])),
        card: means.child("CardAccount").map(|card| PaymentCard {
            account_number: card.text_at(&["PrimaryAccountNumberID"]).unwrap_or_default(),
            network: card.text_at(&["NetworkID"]).filter(|n| n != "NA"),
            holder_name: card.text_at(&["HolderName"]),
        }),
        creditor_id: None,
        mandate_reference: means.text_at(&["PaymentMandate", "ID"]),
        debited_account: means.text_at(&["PaymentMandate", "PayerFinancialAccount", "ID"]),
    }
}

fn allowance_charge_of(item: &Node, document_level: bool) -> AllowanceCharge {
    let category = item.child("TaxCategory").filter(|_| document_level);
    AllowanceCharge {
        charge: item.text_at(&["ChargeIndicator"]).as_deref() == Some("true"),
        amount: item.text_at(&["Amount"]).map(decimal),
        base_amount: item.text_at(&["BaseAmount"]).map(decimal),
        percentage: item.text_at(&["MultiplierFactorNumeric"]).map(decimal),
        reason: item.text_at(&["AllowanceChargeReason"]),
        reason_code: item.text_at(&["AllowanceChargeReasonCode"]),
        vat_category: category.and_then(|c| c.text_at(&["ID"])),
        vat_rate: category.and_then(|c| c.text_at(&["Percent"])).map(decimal),
        vat_exemption_reason: None,
        vat_exemption_reason_code: None,
    }
}

fn line_of(line: &Node, quantity_name: &str) -> Line {
    let quantity = line.child(quantity_name);
    let item = line.child("Item");
    let item_text = |path: &[&str]| item.and_then(|i| i.text_at(path));
    let category = item.and_then(|i| i.child("ClassifiedTaxCategory"));
    let price = line.child("Price");
    let price_allowance = price.and_then(|p| p.child("AllowanceCharge"));
    let mut parsed = Line {
        id: line.text_at(&["ID"]),
        note: line.text_at(&["Note"]),
        object_identifier: line
            .children("DocumentReference")
            .find(|r| r.text_at(&["DocumentTypeCode"]).as_deref() == Some("130"))
            .and_then(|r| r.child("ID"))
            .and_then(identifier),
        quantity: decimal(quantity.and_then(Node::value).unwrap_or_default()),
        net_amount: line.text_at(&["LineExtensionAmount"]).map(decimal),
        unit_code: quantity.and_then(|q| q.attribute("unitCode")).unwrap_or_default(),
        unit_price: decimal(price.and_then(|p| p.text_at(&["PriceAmount"])).unwrap_or_default()),
        price_base_quantity: price.and_then(|p| p.text_at(&["BaseQuantity"])).map(decimal),
        gross_price: price_allowance.and_then(|a| a.text_at(&["BaseAmount"])).map(decimal),
        price_discount: price_allowance.and_then(|a| a.text_at(&["Amount"])).map(decimal),
        order_line_reference: line.text_at(&["OrderLineReference", "LineID"]),
        accounting_reference: line.text_at(&["AccountingCost"]),
        period: line.child("InvoicePeriod").map(|p| period_of(p, false)),
        name: item_text(&["Name"]).unwrap_or_default(),
        description: item_text(&["Description"]),
        seller_item_id: item_text(&["SellersItemIdentification", "ID"]),
        buyer_item_id: item_text(&["BuyersItemIdentification", "ID"]),
        standard_item_id: item
            .and_then(|i| i.at(&["StandardItemIdentification", "ID"]))
            .and_then(identifier),
        origin_country: item_text(&["OriginCountry", "IdentificationCode"]),
        vat_category: category.and_then(|c| c.text_at(&["ID"])).unwrap_or_default(),
        vat_rate: category.and_then(|c| c.text_at(&["Percent"])).map(decimal),
        ..Line::default()
    };
    for item_allowance in line.children("AllowanceCharge") {
        parsed
            .allowances_charges
            .push(allowance_charge_of(item_allowance, false));
    }
    if let Some(item) = item {
        for class in item
            .children("CommodityClassification")
            .filter_map(|c| c.child("ItemClassificationCode"))
        {
            parsed.classifications.push(Classification {
                code: class.value().unwrap_or_default(),
                list_id: class.attribute("listID").unwrap_or_default(),
                list_version: class.attribute("listVersionID"),
            });
        }
        for attribute in item.children("AdditionalItemProperty") {
            parsed.attributes.push(ItemAttribute {
                name: attribute.text_at(&["Name"]).unwrap_or_default(),
                value: attribute.text_at(&["Value"]).unwrap_or_default(),
            });
        }
    }
    parsed
}
