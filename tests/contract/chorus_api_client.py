#!/usr/bin/env python3
"""Contract test: the PyPI client `chorus-api` (1.0.6), code this project did not write, against
`chorus-desk simulator`.

Starts the simulator binary on a free port, points the client at it, and calls every operation the
client offers: token, deposit of a UBL, of a Factur-X made by the reference `factur-x` library
around one of our PDFs, and of a tar.gz batch of two UBL invoices; flux reports, invoice search,
structures, services, transverses. Fails on any refusal, unparsed answer or unexpected state, and
prints how many calls were made and answered.

Usage: chorus_api_client.py --binary target/debug/chorus-desk
"""

import argparse
import base64
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

from chorusapi.client import ChorusAPI
from chorusapi.constants.syntax_flux_constant import SyntaxFlux
from chorusapi.exceptions.exception import ChorusApiException
import facturx

# The simulator's built-in directory (src/simulator/directory.json) and default account.
SUPPLIER_SIRET = "41234567000019"
BUYER_SIRET = "21750001600019"
CLIENT_ID = "chorus-desk-sim"
CLIENT_SECRET = "sim-secret"
TECH_LOGIN = "TECH_sim@chorus-desk.test"
TECH_PASSWORD = "sim-password"

REPO = Path(__file__).resolve().parents[2]


class Counter:
    def __init__(self):
        self.made = 0
        self.answered = 0
        self.failures = []

    def call(self, name, action, check=lambda answer: None):
        """Calls the client; an exception, a non-zero codeRetour or a failed check is a failure."""
        self.made += 1
        try:
            answer = action()
            code = getattr(answer, "code_retour", 0)
            if code not in (0, None):
                raise AssertionError(f"codeRetour {code}: {getattr(answer, 'libelle', '')}")
            problem = check(answer)
            if problem:
                raise AssertionError(problem)
        except (ChorusApiException, AssertionError, KeyError, TypeError, ValueError) as error:
            self.failures.append(f"{name}: {error}")
            print(f"FAIL {name}: {error}", flush=True)
            return None
        self.answered += 1
        print(f"ok   {name}", flush=True)
        return answer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_simulator(binary, admin_token):
    port = free_port()
    env = dict(os.environ)
    env.update(
        CHORUS_SIM_ADMIN_TOKEN=admin_token,
        CHORUS_SIM_INTEGRATION_DELAY_MS="0",
        RUST_LOG="warn",
    )
    process = subprocess.Popen(
        [binary, "simulator", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the simulator exited: {process.stderr.read().decode()}")
        request = urllib.request.Request(
            f"{base}/simulator-admin/deposits", headers={"Authorization": f"Bearer {admin_token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the simulator did not answer within 60 s")


def invoice_json(number):
    """An invoice in the JSON of docs/invoice-json.md, from our supplier to a buyer of the directory."""
    return {
        "kind": "invoice",
        "number": number,
        "issue_date": time.strftime("%Y-%m-%d"),
        "due_date": time.strftime("%Y-%m-%d"),
        "currency": "EUR",
        "billing_framework": "A1",
        "seller": {
            "name": "Atelier Exemple",
            "siret": SUPPLIER_SIRET,
            "vat_id": "FR32412345670",
            "address": {"line1": "12 rue de la Paix", "city": "Paris", "postal_code": "75002", "country_code": "FR"},
        },
        "buyer": {
            "name": "Ville de Démo",
            "siret": BUYER_SIRET,
            "electronic_address": {"id": BUYER_SIRET, "scheme": "0009"},
            "address": {"line1": "1 place de la Mairie", "city": "Paris", "postal_code": "75004", "country_code": "FR"},
        },
        "payment_means": [{"code": "30", "iban": "FR7630006000011234567890189"}],
        "lines": [
            {"name": "Maintenance", "quantity": "2", "unit_code": "C62", "unit_price": "100.00",
             "vat_category": "S", "vat_rate": "20"}
        ],
    }


def render(binary, workdir, number, fmt):
    """Our renderer's XML and PDF of one invoice (`chorus-desk render`)."""
    source = workdir / f"{number}.json"
    source.write_text(json.dumps(invoice_json(number)), encoding="utf-8")
    out = workdir / fmt
    subprocess.run(
        [binary, "render", str(source), "--out", str(out), "--format", fmt, "--attachment", "none"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return (out / f"{number}.xml").read_bytes(), (out / f"{number}.pdf").read_bytes()


def b64(data):
    return base64.b64encode(data).decode("ascii")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = str(Path(args.binary).resolve())
    admin_token = secrets.token_urlsafe(24)
    process, base = start_simulator(binary, admin_token)
    counter = Counter()
    try:
        run(counter, binary, base)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"chorus-api contract: {counter.made} calls made, {counter.answered} answered")
    if counter.failures or counter.made != counter.answered:
        print("failures:\n  " + "\n  ".join(counter.failures))
        sys.exit(1)


def run(counter, binary, base):
    api = ChorusAPI(CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD, sandbox=True)
    # The client has the PISTE hosts built in; point it at the simulator.
    api.auth_url = f"{base}/api/oauth/token"
    api.api_url = base
    stamp = time.strftime("%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="chorus-contract-"))

    counter.call("auth", api.auth, lambda a: None if a.get_token() else "no token")
    counter.call("health_check", api.health_check)

    def integrated(numero, expected_invoices):
        def check(report):
            if report.etat_courant_depot_flux != "IN_INTEGRE":
                return f"flux {numero} is {report.etat_courant_depot_flux}: {[e.libelle_erreur for e in report.liste_erreur_technique]} {[e.libelle_erreur_dP for e in report.liste_erreur_dp]}"
            return None
        counter.call(f"consulter_cr_detaille {numero}", lambda: api.consulter_cr_detaille(numero), check)
        counter.call(
            f"consulter_cr {numero}",
            lambda: api.consulter_cr(numero),
            lambda r: None if r.etat_courant_flux == "IN_INTEGRE" and r.fichier_cr else f"CR {r.etat_courant_flux}",
        )
        counter.call(
            f"rechercher_facture {numero}",
            lambda: api.rechercher_facture(numero),
            lambda r: None
            if len(r.liste_factures) == expected_invoices
            and all(f.numero_flux_depot == numero and f.statut for f in r.liste_factures)
            else f"{len(r.liste_factures)} invoices found, {expected_invoices} expected",
        )

    # 1. One UBL invoice.
    ubl, _ = render(binary, workdir, f"CT-UBL-{stamp}", "ubl")
    deposit = counter.call(
        "deposer_flux UBL",
        lambda: api.deposer_flux(b64(ubl), f"CT-UBL-{stamp}.xml", syntaxe_flux=SyntaxFlux.IN_DP_E1_UBL_INVOICE),
        lambda d: None if d.numero_flux_depot else "no numeroFluxDepot",
    )
    if deposit:
        integrated(deposit.numero_flux_depot, 1)

    # 2. A Factur-X made by the reference library around our PDF (the client's default syntax).
    cii, pdf = render(binary, workdir, f"CT-FX-{stamp}", "cii")
    factur_x = facturx.generate_from_binary(pdf, cii, flavor="factur-x", level="autodetect", check_xsd=True)
    deposit = counter.call(
        "deposer_flux Factur-X",
        lambda: api.deposer_flux(b64(factur_x), f"CT-FX-{stamp}.pdf"),
        lambda d: None if d.numero_flux_depot else "no numeroFluxDepot",
    )
    if deposit:
        integrated(deposit.numero_flux_depot, 1)

    # 3. A tar.gz batch of two UBL invoices.
    batch = io.BytesIO()
    with tarfile.open(fileobj=batch, mode="w:gz") as archive:
        for number in (f"CT-TGZ1-{stamp}", f"CT-TGZ2-{stamp}"):
            xml, _ = render(binary, workdir, number, "ubl")
            entry = tarfile.TarInfo(f"{number}.xml")
            entry.size = len(xml)
            archive.addfile(entry, io.BytesIO(xml))
    deposit = counter.call(
        "deposer_flux tar.gz",
        lambda: api.deposer_flux(b64(batch.getvalue()), f"CT-LOT-{stamp}.tar.gz", syntaxe_flux=SyntaxFlux.IN_DP_E1_UBL_INVOICE),
        lambda d: None if d.numero_flux_depot else "no numeroFluxDepot",
    )
    if deposit:
        integrated(deposit.numero_flux_depot, 2)

    # 4. Structures, services, transverses.
    found = counter.call(
        "rechercher_structure",
        lambda: api.rechercher_structure(BUYER_SIRET),
        lambda r: None if r.liste_structures and r.liste_structures[0].id_structure_cpp else "buyer not found",
    )
    if found:
        id_structure = found.liste_structures[0].id_structure_cpp
        counter.call("rechercher_services", lambda: api.rechercher_services(id_structure),
                     lambda r: None if r.liste_structures else "no service")
        counter.call(
            "consulter_structure",
            lambda: api.consulter_structure(id_structure),
            lambda r: None
            if r.information_generales.identifiant_structure == BUYER_SIRET and r.adresse_postale_du_siege.ville
            else "structure details missing",
        )
    counter.call("information_siret", lambda: api.information_siret(BUYER_SIRET),
                 lambda r: None if r.siret == BUYER_SIRET and r.raison_sociale else "no SIRET data")
    counter.call("annuaire_destinataire", api.annuaire_destinataire,
                 lambda r: None if r.fichier_resultat and base64.b64decode(r.fichier_resultat)[:2] == b"PK" else "no directory file")
    counter.call("devises", api.devises,
                 lambda r: None if any(d.code_devise == "EUR" for d in r.liste_devises) else "no EUR")


if __name__ == "__main__":
    main()
