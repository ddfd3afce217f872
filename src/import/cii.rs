//! UN/CEFACT CII D16B (also the `factur-x.xml` of a Factur-X PDF) → invoice document: the
//! inverse of `crate::render::cii`, every EN 16931 term kept.

use super::xml::Node;
use super::{ImportError, Stated, TaxBreakdownReason, attach_exemption_reasons, decimal, identifier};
use crate::domain::invoice::code_lists::CREDIT_NOTE_TYPE_CODES;
use crate::domain::invoice::document::{
    Address, AllowanceCharge, Classification, Contact, Delivery, DocumentKind, EmbeddedFile, Identifier,
    InvoiceDocument, ItemAttribute, Line, Note, Party, Payee, PaymentCard, PaymentMeans, Period, PrecedingInvoice,
    SupportingDocument, TaxCurrency, TaxRepresentative,
};

/// `20240131` (format 102) → `2024-01-31`; other texts are kept for the parser to report.
fn date(node: Option<&Node>) -> Option<String> {
    let text = node?.value()?;
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]))
    } else {
        Some(text)
    }
}

/// BT-8: the CII UNTDID 2475 code back to the UNTDID 2005 code of the document.
fn description_code(cii_code: &str) -> String {
    match cii_code {
        "5" => "3",
        "29" => "35",
        "72" => "432",
        other => other,
    }
    .to_owned()
}

pub(super) fn read(root: &Node) -> Result<(InvoiceDocument, Stated), ImportError> {
    let context = root.child("ExchangedDocumentContext");
    let header = root.child("ExchangedDocument");
    let transaction = root
        .child("SupplyChainTradeTransaction")
        .ok_or_else(|| ImportError::Malformed("no SupplyChainTradeTransaction".into()))?;
    let agreement = transaction.child("ApplicableHeaderTradeAgreement");
    let delivery = transaction.child("ApplicableHeaderTradeDelivery");
    let settlement = transaction.child("ApplicableHeaderTradeSettlement");
    let type_code = header.and_then(|h| h.text_at(&["TypeCode"]));
    let is_credit_note = type_code
        .as_deref()
        .is_some_and(|code| CREDIT_NOTE_TYPE_CODES.binary_search(&code).is_ok());
    let mut doc = InvoiceDocument {
        kind: if is_credit_note {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        },
        number: header.and_then(|h| h.text_at(&["ID"])).unwrap_or_default(),
        issue_date: date(header.and_then(|h| h.at(&["IssueDateTime", "DateTimeString"]))).unwrap_or_default(),
        type_code,
        specification_id: context.and_then(|c| c.text_at(&["GuidelineSpecifiedDocumentContextParameter", "ID"])),
        business_process: Some(
            context
                .and_then(|c| c.text_at(&["BusinessProcessSpecifiedDocumentContextParameter", "ID"]))
                .unwrap_or_default(),
        ),
        ..InvoiceDocument::default()
    };
    if let Some(header) = header {
        for note in header.children("IncludedNote") {
            doc.notes.push(Note {
                subject_code: note.text_at(&["SubjectCode"]),
                text: note.text_at(&["Content"]).unwrap_or_default(),
            });
        }
    }
    for line in transaction.children("IncludedSupplyChainTradeLineItem") {
        doc.lines.push(line_of(line));
    }
    if let Some(agreement) = agreement {
        read_agreement(agreement, &mut doc);
    }
    if let Some(delivery) = delivery {
        read_delivery(delivery, &mut doc);
    }
    let stated = match settlement {
        Some(settlement) => read_settlement(settlement, &mut doc),
        None => Stated {
            tax_exclusive: None,
            vat_total: None,
            payable: None,
            breakdown: Vec::new(),
        },
    };
    Ok((doc, stated))
}

fn address_of(address: &Node) -> Address {
    Address {
        line1: address.text_at(&["LineOne"]),
        line2: address.text_at(&["LineTwo"]),
        line3: address.text_at(&["LineThree"]),
        city: address.text_at(&["CityName"]),
        postal_code: address.text_at(&["PostcodeCode"]),
        country_subdivision: address.text_at(&["CountrySubDivisionName"]),
        country_code: address.text_at(&["CountryID"]).unwrap_or_default(),
    }
}

fn party_of(party: &Node, is_seller: bool) -> Party {
    let mut parsed = Party {
        name: party.text_at(&["Name"]).unwrap_or_default(),
        address: party.child("PostalTradeAddress").map(address_of).unwrap_or_default(),
        electronic_address: party.at(&["URIUniversalCommunication", "URIID"]).and_then(identifier),
        ..Party::default()
    };
    for id in party.children.iter().filter(|c| c.name == "ID" || c.name == "GlobalID") {
        let Some(found) = identifier(id) else { continue };
        let is_siret = found.scheme.as_deref() == Some(crate::render::cii::SIRET_SCHEME)
            && found.id.len() == 14
            && found.id.bytes().all(|b| b.is_ascii_digit());
        if is_siret && parsed.siret.is_none() {
            parsed.siret = Some(found.id);
        } else {
            parsed.identifiers.push(found);
        }
    }
    if is_seller {
        parsed.legal_form = party.text_at(&["Description"]);
    }
    if let Some(legal) = party.child("SpecifiedLegalOrganization") {
        parsed.trading_name = legal.text_at(&["TradingBusinessName"]);
        if let Some(company) = legal.child("ID").and_then(identifier) {
            let is_siren = company.scheme.as_deref() == Some(crate::render::cii::SIREN_SCHEME)
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
    }
    // The AIFE profile's SIRET: a scheme-free identifier of 14 digits that begins with the SIREN.
    if parsed.siret.is_none()
        && let Some(siren) = parsed.siren.clone()
        && let Some(at) = parsed.identifiers.iter().position(|id| {
            id.scheme.is_none()
                && id.id.len() == 14
                && id.id.bytes().all(|b| b.is_ascii_digit())
                && id.id.starts_with(&siren)
        })
    {
        parsed.siret = Some(parsed.identifiers.remove(at).id);
    }
    if let Some(contact) = party.child("DefinedTradeContact") {
        parsed.contact = Some(Contact {
            name: contact.text_at(&["PersonName"]),
            phone: contact.text_at(&["TelephoneUniversalCommunication", "CompleteNumber"]),
            email: contact.text_at(&["EmailURIUniversalCommunication", "URIID"]),
        });
    }
    for registration in party.children("SpecifiedTaxRegistration").filter_map(|r| r.child("ID")) {
        match registration.attribute("schemeID").as_deref() {
            Some("FC") => parsed.tax_registration_id = registration.value(),
            _ => parsed.vat_id = registration.value(),
        }
    }
    parsed
}

fn read_agreement(agreement: &Node, doc: &mut InvoiceDocument) {
    let refs = &mut doc.references;
    refs.buyer_reference = agreement.text_at(&["BuyerReference"]);
    refs.sales_order_reference = agreement.text_at(&["SellerOrderReferencedDocument", "IssuerAssignedID"]);
    refs.order_reference = agreement.text_at(&["BuyerOrderReferencedDocument", "IssuerAssignedID"]);
    refs.contract_reference = agreement.text_at(&["ContractReferencedDocument", "IssuerAssignedID"]);
    refs.project_reference = agreement.text_at(&["SpecifiedProcuringProject", "ID"]);
    for reference in agreement.children("AdditionalReferencedDocument") {
        let id = reference.text_at(&["IssuerAssignedID"]).unwrap_or_default();
        match reference.text_at(&["TypeCode"]).as_deref() {
            Some("50") => doc.references.tender_reference = Some(id),
            Some("130") => {
                doc.references.invoiced_object = Some(Identifier {
                    id,
                    scheme: reference.text_at(&["ReferenceTypeCode"]),
                })
            }
            _ => doc.supporting_documents.push(SupportingDocument {
                id,
                description: reference.text_at(&["Name"]),
                external_uri: reference.text_at(&["URIID"]),
                file: reference.child("AttachmentBinaryObject").map(|object| EmbeddedFile {
                    filename: object.attribute("filename").unwrap_or_default(),
                    mime_code: object.attribute("mimeCode").unwrap_or_default(),
                    content_base64: object.text.split_whitespace().collect(),
                }),
            }),
        }
    }
    if let Some(party) = agreement.child("SellerTradeParty") {
        doc.seller = party_of(party, true);
    }
    if let Some(party) = agreement.child("BuyerTradeParty") {
        doc.buyer = party_of(party, false);
    }
    if let Some(rep) = agreement.child("SellerTaxRepresentativeTradeParty") {
        doc.tax_representative = Some(TaxRepresentative {
            name: rep.text_at(&["Name"]).unwrap_or_default(),
            vat_id: rep.text_at(&["SpecifiedTaxRegistration", "ID"]).unwrap_or_default(),
            address: rep.child("PostalTradeAddress").map(address_of).unwrap_or_default(),
        });
    }
}

fn read_delivery(delivery: &Node, doc: &mut InvoiceDocument) {
    doc.references.despatch_advice_reference =
        delivery.text_at(&["DespatchAdviceReferencedDocument", "IssuerAssignedID"]);
    doc.references.receiving_advice_reference =
        delivery.text_at(&["ReceivingAdviceReferencedDocument", "IssuerAssignedID"]);
    let ship_to = delivery.child("ShipToTradeParty");
    let date = date(delivery.at(&["ActualDeliverySupplyChainEvent", "OccurrenceDateTime", "DateTimeString"]));
    if ship_to.is_some() || date.is_some() {
        doc.delivery = Some(Delivery {
            party_name: ship_to.and_then(|s| s.text_at(&["Name"])),
            location: ship_to
                .and_then(|s| s.child("ID").or_else(|| s.child("GlobalID")))
                .and_then(identifier),
            date,
            address: ship_to.and_then(|s| s.child("PostalTradeAddress")).map(address_of),
        });
    }
}

fn allowance_charge_of(item: &Node, document_level: bool) -> AllowanceCharge {
    let tax = item.child("CategoryTradeTax").filter(|_| document_level);
    AllowanceCharge {
        charge: item.text_at(&["ChargeIndicator", "Indicator"]).as_deref() == Some("true"),
        amount: item.text_at(&["ActualAmount"]).map(decimal),
        base_amount: item.text_at(&["BasisAmount"]).map(decimal),
        percentage: item.text_at(&["CalculationPercent"]).map(decimal),
        reason: item.text_at(&["Reason"]),
        reason_code: item.text_at(&["ReasonCode"]),
        vat_category: tax.and_then(|t| t.text_at(&["CategoryCode"])),
        vat_rate: tax.and_then(|t| t.text_at(&["RateApplicablePercent"])).map(decimal),
        vat_exemption_reason: None,
        vat_exemption_reason_code: None,
    }
}

fn period_of(period: &Node) -> Period {
    Period {
        start_date: date(period.at(&["StartDateTime", "DateTimeString"])),
        end_date: date(period.at(&["EndDateTime", "DateTimeString"])),
        description_code: None,
    }
}

fn read_settlement(settlement: &Node, doc: &mut InvoiceDocument) -> Stated {
    doc.currency = settlement.text_at(&["InvoiceCurrencyCode"]);
    let remittance = settlement.text_at(&["PaymentReference"]);
    if let Some(payee) = settlement.child("PayeeTradeParty") {
        doc.payee = Some(Payee {
            name: payee.text_at(&["Name"]).unwrap_or_default(),
            identifier: payee
                .children
                .iter()
                .find(|c| c.name == "ID" || c.name == "GlobalID")
                .and_then(identifier),
            legal_id: payee.at(&["SpecifiedLegalOrganization", "ID"]).and_then(identifier),
        });
    }
    for means in settlement.children("SpecifiedTradeSettlementPaymentMeans") {
        let card = means.child("ApplicableTradeSettlementFinancialCard");
        let account = means.child("PayeePartyCreditorFinancialAccount");
        doc.payment_means.push(PaymentMeans {
            code: means.text_at(&["TypeCode"]).unwrap_or_default(),
            text: means.text_at(&["Information"]),
            iban: account.and_then(|a| a.text_at(&["IBANID"]).or_else(|| a.text_at(&["ProprietaryID"]))),
            account_name: account.and_then(|a| a.text_at(&["AccountName"])),
            bic: means.text_at(&["PayeeSpecifiedCreditorFinancialInstitution", "BICID"]),
            card: card.map(|card| PaymentCard {
                account_number: card.text_at(&["ID"]).unwrap_or_default(),
                network: None,
                holder_name: card.text_at(&["CardholderName"]),
            }),
            debited_account: means.text_at(&["PayerPartyDebtorFinancialAccount", "IBANID"]),
            ..PaymentMeans::default()
        });
    }
    let terms = settlement.child("SpecifiedTradePaymentTerms");
    let mandate = terms.and_then(|t| t.text_at(&["DirectDebitMandateID"]));
    let creditor_id = settlement.text_at(&["CreditorReferenceID"]);
    // CII carries these once per document; the document keeps them on the first payment means.
    if let Some(first) = doc.payment_means.first_mut() {
        first.remittance_information = remittance;
        first.mandate_reference = mandate;
        first.creditor_id = creditor_id;
    }
    doc.payment_terms = terms.and_then(|t| t.text_at(&["Description"]));
    doc.due_date = terms.and_then(|t| date(t.at(&["DueDateDateTime", "DateTimeString"])));

    let mut reasons = Vec::new();
    let mut description = None;
    for tax in settlement.children("ApplicableTradeTax") {
        reasons.push(TaxBreakdownReason {
            category: tax.text_at(&["CategoryCode"]).unwrap_or_default(),
            rate: tax.text_at(&["RateApplicablePercent"]),
            reason: tax.text_at(&["ExemptionReason"]),
            reason_code: tax.text_at(&["ExemptionReasonCode"]),
            tax_amount: tax.text_at(&["CalculatedAmount"]),
        });
        if doc.tax_point_date.is_none() {
            doc.tax_point_date = date(tax.at(&["TaxPointDate", "DateString"]));
        }
        if description.is_none() {
            description = tax.text_at(&["DueDateTypeCode"]).map(|c| description_code(&c));
        }
    }
    let period = settlement.child("BillingSpecifiedPeriod").map(period_of);
    if period.is_some() || description.is_some() {
        let mut period = period.unwrap_or_default();
        period.description_code = description;
        doc.invoice_period = Some(period);
    }
    for item in settlement.children("SpecifiedTradeAllowanceCharge") {
        doc.allowances_charges.push(allowance_charge_of(item, true));
    }
    for preceding in settlement.children("InvoiceReferencedDocument") {
        doc.references.preceding_invoices.push(PrecedingInvoice {
            number: preceding.text_at(&["IssuerAssignedID"]).unwrap_or_default(),
            issue_date: date(preceding.at(&["FormattedIssueDateTime", "DateTimeString"])),
        });
    }
    doc.accounting_reference = settlement.text_at(&["ReceivableSpecifiedTradeAccountingAccount", "ID"]);
    attach_exemption_reasons(doc, &reasons);

    let summation = settlement.child("SpecifiedTradeSettlementHeaderMonetarySummation");
    let amount = |name: &str| summation.and_then(|s| s.text_at(&[name]));
    doc.prepaid_amount = amount("TotalPrepaidAmount").map(decimal);
    doc.rounding_amount = amount("RoundingAmount").map(decimal);
    let tax_totals: Vec<&Node> = summation
        .map(|s| s.children("TaxTotalAmount").collect())
        .unwrap_or_default();
    let document_currency = doc.currency.clone();
    let vat_total = tax_totals
        .iter()
        .find(|t| t.attribute("currencyID").is_none() || t.attribute("currencyID") == document_currency)
        .and_then(|t| t.value());
    if let Some(code) = settlement.text_at(&["TaxCurrencyCode"]) {
        let in_tax_currency = tax_totals
            .iter()
            .find(|t| t.attribute("currencyID").as_deref() == Some(code.as_str()))
            .and_then(|t| t.value())
            .unwrap_or_default();
        doc.tax_currency = Some(TaxCurrency {
            code,
            vat_total: decimal(in_tax_currency),
        });
    }
    Stated {
        tax_exclusive: amount("TaxBasisTotalAmount"),
        // No TaxTotalAmount means no VAT at all (CII may leave it out).
        vat_total: vat_total.or_else(|| Some("0".into())),
        payable: amount("DuePayableAmount"),
        breakdown: reasons,
    }
}

fn line_of(item: &Node) -> Line {
    let product = item.child("SpecifiedTradeProduct");
    let product_text = |path: &[&str]| product.and_then(|p| p.text_at(path));
    let agreement = item.child("SpecifiedLineTradeAgreement");
    let gross = agreement.and_then(|a| a.child("GrossPriceProductTradePrice"));
    let net = agreement.and_then(|a| a.child("NetPriceProductTradePrice"));
    let quantity = item.at(&["SpecifiedLineTradeDelivery", "BilledQuantity"]);
    let settlement = item.child("SpecifiedLineTradeSettlement");
    let tax = settlement.and_then(|s| s.child("ApplicableTradeTax"));
    let mut line = Line {
        id: item.text_at(&["AssociatedDocumentLineDocument", "LineID"]),
        note: item.text_at(&["AssociatedDocumentLineDocument", "IncludedNote", "Content"]),
        quantity: decimal(quantity.and_then(Node::value).unwrap_or_default()),
        net_amount: settlement
            .and_then(|s| s.text_at(&["SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"]))
            .map(decimal),
        unit_code: quantity.and_then(|q| q.attribute("unitCode")).unwrap_or_default(),
        unit_price: decimal(net.and_then(|n| n.text_at(&["ChargeAmount"])).unwrap_or_default()),
        price_base_quantity: net
            .and_then(|n| n.text_at(&["BasisQuantity"]))
            .or_else(|| gross.and_then(|g| g.text_at(&["BasisQuantity"])))
            .map(decimal),
        gross_price: gross.and_then(|g| g.text_at(&["ChargeAmount"])).map(decimal),
        price_discount: gross
            .and_then(|g| g.text_at(&["AppliedTradeAllowanceCharge", "ActualAmount"]))
            .map(decimal),
        order_line_reference: agreement.and_then(|a| a.text_at(&["BuyerOrderReferencedDocument", "LineID"])),
        accounting_reference: settlement.and_then(|s| s.text_at(&["ReceivableSpecifiedTradeAccountingAccount", "ID"])),
        period: settlement
            .and_then(|s| s.child("BillingSpecifiedPeriod"))
            .map(period_of),
        name: product_text(&["Name"]).unwrap_or_default(),
        description: product_text(&["Description"]),
        seller_item_id: product_text(&["SellerAssignedID"]),
        buyer_item_id: product_text(&["BuyerAssignedID"]),
        standard_item_id: product.and_then(|p| p.child("GlobalID")).and_then(identifier),
        origin_country: product_text(&["OriginTradeCountry", "ID"]),
        vat_category: tax.and_then(|t| t.text_at(&["CategoryCode"])).unwrap_or_default(),
        vat_rate: tax.and_then(|t| t.text_at(&["RateApplicablePercent"])).map(decimal),
        ..Line::default()
    };
    if let Some(settlement) = settlement {
        for allowance in settlement.children("SpecifiedTradeAllowanceCharge") {
            line.allowances_charges.push(allowance_charge_of(allowance, false));
        }
        line.object_identifier = settlement
            .children("AdditionalReferencedDocument")
            .find(|r| r.text_at(&["TypeCode"]).as_deref() == Some("130"))
            .map(|r| Identifier {
                id: r.text_at(&["IssuerAssignedID"]).unwrap_or_default(),
                scheme: r.text_at(&["ReferenceTypeCode"]),
            });
    }
    if let Some(product) = product {
        for characteristic in product.children("ApplicableProductCharacteristic") {
            line.attributes.push(ItemAttribute {
                name: characteristic.text_at(&["Description"]).unwrap_or_default(),
                value: characteristic.text_at(&["Value"]).unwrap_or_default(),
            });
        }
        for class in product
            .children("DesignatedProductClassification")
            .filter_map(|c| c.child("ClassCode"))
        {
            line.classifications.push(Classification {
                code: class.value().unwrap_or_default(),
                list_id: class.attribute("listID").unwrap_or_default(),
                list_version: class.attribute("listVersionID"),
            });
        }
    }
    line
}
