"""Signing distributed PDFs (meetings/signing.py) with a CA made for the tests."""

import datetime
import http.server
import io
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pypdf import PdfWriter

from meetings import signing
from meetings.packet import engine

PASSPHRASE = "正しい合言葉-2025"
SIGNER_NAME = "テスト県 連携推進本部"
PACKET_ROOTS = {"static": [str(Path(__file__).resolve().parents[2] / "static")]}


@dataclass(frozen=True)
class Pki:
    root: x509.Certificate
    other_root: x509.Certificate
    folder: Path  # PEM and PKCS#12 files named below
    tsa: x509.Certificate
    tsa_key: rsa.RSAPrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "テスト県"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    *,
    subject,
    issuer,
    key,
    issuer_key,
    ca: bool,
    time_stamping: bool = False,
    signer_usages: tuple[str, ...] = ("digital_signature", "content_commitment"),
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    usage = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        # content_commitment is nonRepudiation.
        usage.update(dict.fromkeys(signer_usages, True))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    """A root CA, an intermediate under it and a signer under that, as files."""
    folder = tmp_path_factory.mktemp("pki")
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate(
        subject=_name("テスト県 ルート認証局"),
        issuer=_name("テスト県 ルート認証局"),
        key=root_key,
        issuer_key=root_key,
        ca=True,
    )
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(
        subject=_name("テスト県 組織認証局"),
        issuer=root.subject,
        key=ca_key,
        issuer_key=root_key,
        ca=True,
    )
    # RSA, as LGPKI's organisation certificates are.
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _certificate(
        subject=_name(SIGNER_NAME),
        issuer=ca.subject,
        key=signer_key,
        issuer_key=ca_key,
        ca=False,
    )
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_root = _certificate(
        subject=_name("無関係な認証局"),
        issuer=_name("無関係な認証局"),
        key=other_key,
        issuer_key=other_key,
        ca=True,
    )
    for usages in [("digital_signature",), ("key_encipherment",)]:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(
            subject=_name("テスト県 " + "+".join(usages)),
            issuer=ca.subject,
            key=key,
            issuer_key=ca_key,
            ca=False,
            signer_usages=usages,
        )
        (folder / f"{usages[0]}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (folder / f"{usages[0]}.crt").write_bytes(_pem(cert))
    (folder / "not-a-certificate.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    (folder / "signer.key").write_bytes(
        signer_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    (folder / "signer.crt").write_bytes(_pem(signer))
    (folder / "chain.pem").write_bytes(_pem(ca))
    (folder / "root.crt").write_bytes(_pem(root))
    (folder / "other.crt").write_bytes(_pem(other_root))
    (folder / "signer.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer",
            signer_key,
            signer,
            [ca],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    # pyHanko's DummyTimeStamper, the TSA of the tests, signs with RSA only.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _certificate(
        subject=_name("テスト県 時刻認証局"),
        issuer=root.subject,
        key=tsa_key,
        issuer_key=root_key,
        ca=False,
        time_stamping=True,
    )
    return Pki(
        root=root, other_root=other_root, folder=folder, tsa=tsa, tsa_key=tsa_key
    )


@pytest.fixture
def unsigned(settings):
    for name in ["PKCS12", "KEY", "CERT", "CHAIN", "PASSPHRASE", "TSA_URL"]:
        setattr(settings, f"ONECHAMBER_SIGNING_{name}", "")
    return settings


@pytest.fixture
def with_pkcs12(unsigned, pki):
    unsigned.ONECHAMBER_SIGNING_PKCS12 = str(pki.folder / "signer.p12")
    unsigned.ONECHAMBER_SIGNING_PASSPHRASE = PASSPHRASE
    return unsigned


@pytest.fixture
def with_pem(unsigned, pki):
    unsigned.ONECHAMBER_SIGNING_KEY = str(pki.folder / "signer.key")
    unsigned.ONECHAMBER_SIGNING_CERT = str(pki.folder / "signer.crt")
    unsigned.ONECHAMBER_SIGNING_CHAIN = str(pki.folder / "chain.pem")
    unsigned.ONECHAMBER_SIGNING_PASSPHRASE = PASSPHRASE
    return unsigned


@pytest.fixture
def tsa_url(pki):
    """An RFC 3161 time-stamping authority on localhost, answering at one time."""
    stamped_at = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(
            pki.tsa.public_bytes(serialization.Encoding.DER)
        ),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            pki.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        fixed_dt=stamped_at - datetime.timedelta(minutes=5),
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(
                self.rfile.read(int(self.headers["Content-Length"]))
            )
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", stamper.fixed_dt
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "第1回 連携推進会議 配付資料"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signature_dict(signed: bytes):
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    return embedded


def test_pkcs12_signature_is_intact_valid_trusted_and_covers_the_file(
    with_pkcs12, pki, blank_pdf
):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    signed = signing.sign_pdf(blank_pdf)
    result = signing.verify_pdf(signed, trust_roots=[pki.root])

    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert result.coverage_entire_file is True
    assert result.ok is True
    assert result.signer == SIGNER_NAME
    assert before <= result.signed_at <= datetime.datetime.now(datetime.UTC)


def test_signing_appends_an_invisible_pades_signature_to_the_original_bytes(
    with_pkcs12, blank_pdf
):
    signed = signing.sign_pdf(blank_pdf, location="テスト県庁", name="事務局")

    assert signed.startswith(blank_pdf)
    embedded = _signature_dict(signed)
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "配付資料"
    assert embedded.sig_object["/Location"] == "テスト県庁"
    assert embedded.sig_object["/Name"] == "事務局"
    assert [float(x) for x in embedded.sig_field["/Rect"]] == [0, 0, 0, 0]


def test_reason_is_the_callers(with_pkcs12, blank_pdf):
    signed = signing.sign_pdf(blank_pdf, reason="第2版 差し替え")

    assert _signature_dict(signed).sig_object["/Reason"] == "第2版 差し替え"


def test_an_assembled_packet_signs_as_it_is(with_pkcs12, pki):
    # What the edition builder will hand over: WeasyPrint pages merged, numbered
    # and outlined by pypdf. pyHanko's strict parser reads it unchanged.
    rendered = engine.render_html("<h1>第1回 連携推進会議</h1>", PACKET_ROOTS)
    packet, _count = engine.assemble(
        [engine.Piece(pdf=rendered.pdf, title="次第")],
        title="第1回 連携推進会議",
        roots=PACKET_ROOTS,
    )

    result = signing.verify_pdf(signing.sign_pdf(packet), trust_roots=[pki.root])

    assert result.ok is True


def test_a_configured_tsa_stamps_the_signature_with_its_time(
    with_pkcs12, pki, tsa_url, blank_pdf
):
    url, stamped_at = tsa_url
    with_pkcs12.ONECHAMBER_SIGNING_TSA_URL = url

    result = signing.verify_pdf(signing.sign_pdf(blank_pdf), trust_roots=[pki.root])

    assert result.ok is True
    assert result.signed_at == stamped_at


def test_pem_key_certificate_and_chain_sign_a_trusted_file(with_pem, pki, blank_pdf):
    result = signing.verify_pdf(signing.sign_pdf(blank_pdf), trust_roots=[pki.root])

    assert result.ok is True
    assert result.signer == SIGNER_NAME


def test_a_certificate_for_digital_signature_only_is_trusted(with_pem, pki, blank_pdf):
    with_pem.ONECHAMBER_SIGNING_KEY = str(pki.folder / "digital_signature.key")
    with_pem.ONECHAMBER_SIGNING_CERT = str(pki.folder / "digital_signature.crt")
    with_pem.ONECHAMBER_SIGNING_PASSPHRASE = ""

    result = signing.verify_pdf(signing.sign_pdf(blank_pdf), trust_roots=[pki.root])

    assert result.ok is True


def test_a_certificate_not_for_signing_is_not_trusted(with_pem, pki, blank_pdf):
    with_pem.ONECHAMBER_SIGNING_KEY = str(pki.folder / "key_encipherment.key")
    with_pem.ONECHAMBER_SIGNING_CERT = str(pki.folder / "key_encipherment.crt")
    with_pem.ONECHAMBER_SIGNING_PASSPHRASE = ""

    result = signing.verify_pdf(signing.sign_pdf(blank_pdf), trust_roots=[pki.root])

    assert (result.intact, result.valid, result.trusted) == (True, True, False)


def test_without_the_chain_a_pem_signature_cannot_reach_the_root(
    with_pem, pki, blank_pdf
):
    with_pem.ONECHAMBER_SIGNING_CHAIN = ""

    result = signing.verify_pdf(signing.sign_pdf(blank_pdf), trust_roots=[pki.root])

    assert (result.intact, result.valid, result.trusted) == (True, True, False)


def test_trust_roots_may_be_pem_bytes(with_pkcs12, pki, blank_pdf):
    result = signing.verify_pdf(
        signing.sign_pdf(blank_pdf), trust_roots=[_pem(pki.root)]
    )

    assert result.trusted is True


def test_an_unrelated_root_does_not_trust_the_signature(with_pkcs12, pki, blank_pdf):
    result = signing.verify_pdf(
        signing.sign_pdf(blank_pdf), trust_roots=[pki.other_root]
    )

    assert (result.intact, result.valid, result.trusted) == (True, True, False)
    assert result.ok is False


def test_a_byte_changed_in_the_signed_range_breaks_the_signature(
    with_pkcs12, pki, blank_pdf
):
    signed = signing.sign_pdf(blank_pdf)
    # The title in the original revision: same length, so the file still parses.
    tampered = signed.replace(b"(pypdf)", b"(pypdF)", 1)
    assert tampered != signed

    result = signing.verify_pdf(tampered, trust_roots=[pki.root])

    # The digest no longer matches; the signature over the (unchanged) signed
    # attributes still checks, which pyHanko reports as valid.
    assert (result.intact, result.valid) == (False, True)
    assert result.ok is False


def test_bytes_appended_after_the_signature_are_not_covered(
    with_pkcs12, pki, blank_pdf
):
    signed = signing.sign_pdf(blank_pdf)

    result = signing.verify_pdf(
        signed + b"\n% appended later\n", trust_roots=[pki.root]
    )

    assert (result.intact, result.valid, result.trusted) == (True, True, True)
    assert result.coverage_entire_file is False
    assert result.ok is False


def test_an_incremental_update_after_signing_is_not_covered(
    with_pkcs12, pki, blank_pdf
):
    signed = signing.sign_pdf(blank_pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.add_object(writer.root)  # any new revision at all
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = signing.verify_pdf(out.getvalue(), trust_roots=[pki.root])

    assert result.coverage_entire_file is False
    assert result.ok is False


def test_an_unsigned_file_cannot_be_verified(pki, blank_pdf):
    with pytest.raises(ValueError, match="no signature"):
        signing.verify_pdf(blank_pdf, trust_roots=[pki.root])


def test_without_a_certificate_nothing_is_configured_and_signing_refuses(
    unsigned, blank_pdf
):
    assert signing.configured() is False
    with pytest.raises(signing.SigningNotConfigured, match="ONECHAMBER_SIGNING_PKCS12"):
        signing.sign_pdf(blank_pdf)


def test_a_certificate_configured_counts_as_configured(with_pkcs12):
    assert signing.configured() is True


def test_the_certificate_is_loaded_once_per_process(
    with_pkcs12, pki, tmp_path, blank_pdf
):
    copy = tmp_path / "signer.p12"
    copy.write_bytes((pki.folder / "signer.p12").read_bytes())
    with_pkcs12.ONECHAMBER_SIGNING_PKCS12 = str(copy)
    signing.sign_pdf(blank_pdf)
    copy.unlink()

    again = signing.sign_pdf(blank_pdf)

    assert signing.verify_pdf(again, trust_roots=[pki.root]).ok is True


def test_a_wrong_pkcs12_passphrase_is_named_in_the_error(with_pkcs12, blank_pdf):
    with_pkcs12.ONECHAMBER_SIGNING_PASSPHRASE = "違う合言葉"

    with pytest.raises(
        signing.SigningConfigurationError, match="wrong ONECHAMBER_SIGNING_PASSPHRASE"
    ):
        signing.sign_pdf(blank_pdf)


def test_a_wrong_key_passphrase_is_named_in_the_error(with_pem, blank_pdf):
    with_pem.ONECHAMBER_SIGNING_PASSPHRASE = "違う合言葉"

    with pytest.raises(
        signing.SigningConfigurationError,
        match="Cannot read ONECHAMBER_SIGNING_KEY .*ONECHAMBER_SIGNING_PASSPHRASE",
    ):
        signing.sign_pdf(blank_pdf)


def test_a_missing_file_is_named_in_the_error(with_pkcs12, tmp_path, blank_pdf):
    with_pkcs12.ONECHAMBER_SIGNING_PKCS12 = str(tmp_path / "nowhere.p12")

    with pytest.raises(
        signing.SigningConfigurationError,
        match="nowhere.p12 named by ONECHAMBER_SIGNING_PKCS12",
    ):
        signing.sign_pdf(blank_pdf)


@pytest.mark.parametrize("variable", ["CERT", "CHAIN"])
def test_a_file_that_is_not_a_certificate_is_named_in_the_error(
    with_pem, pki, blank_pdf, variable
):
    setattr(
        with_pem,
        f"ONECHAMBER_SIGNING_{variable}",
        str(pki.folder / "not-a-certificate.pem"),
    )

    with pytest.raises(
        signing.SigningConfigurationError,
        match=f"ONECHAMBER_SIGNING_{variable} .*is not a PEM or DER certificate",
    ):
        signing.sign_pdf(blank_pdf)


def test_a_key_without_its_certificate_is_refused(with_pem, blank_pdf):
    with_pem.ONECHAMBER_SIGNING_CERT = ""

    with pytest.raises(
        signing.SigningConfigurationError, match="ONECHAMBER_SIGNING_CERT is not set"
    ):
        signing.sign_pdf(blank_pdf)


def test_a_certificate_of_another_key_is_refused(with_pem, pki, blank_pdf):
    with_pem.ONECHAMBER_SIGNING_CERT = str(pki.folder / "other.crt")

    with pytest.raises(
        signing.SigningConfigurationError, match="not the one of the private key"
    ):
        signing.sign_pdf(blank_pdf)


def test_pkcs12_and_pem_together_are_refused(with_pkcs12, pki, blank_pdf):
    with_pkcs12.ONECHAMBER_SIGNING_KEY = str(pki.folder / "signer.key")

    with pytest.raises(signing.SigningConfigurationError, match="not both"):
        signing.sign_pdf(blank_pdf)


def test_verify_pdf_command_reports_a_good_signature_in_japanese(
    with_pkcs12, pki, tmp_path, blank_pdf
):
    signed = tmp_path / "第1版.pdf"
    signed.write_bytes(signing.sign_pdf(blank_pdf))
    out = io.StringIO()

    call_command(
        "verify_pdf", str(signed), "--trust", str(pki.folder / "root.crt"), stdout=out
    )

    lines = out.getvalue().splitlines()
    assert lines[1] == f"  署名者: {SIGNER_NAME}"
    assert lines[2].startswith("  署名日時: 20") and lines[2].endswith(" JST")
    assert lines[3:] == ["  改ざん: なし", "  証明書: 信頼できます", "有効な署名です。"]


def test_verify_pdf_command_fails_on_a_tampered_file(
    with_pkcs12, pki, tmp_path, blank_pdf
):
    tampered = tmp_path / "第1版.pdf"
    tampered.write_bytes(signing.sign_pdf(blank_pdf) + b"\n% appended later\n")
    out = io.StringIO()

    with pytest.raises(CommandError, match="署名を確認できませんでした"):
        call_command(
            "verify_pdf",
            str(tampered),
            "--trust",
            str(pki.folder / "other.crt"),
            stdout=out,
        )

    assert out.getvalue().splitlines()[3:] == [
        "  改ざん: あり（署名の後に変更されたか、署名が壊れています）",
        "  証明書: 指定の証明書からたどれません",
    ]


def test_verify_pdf_command_refuses_an_unsigned_file(pki, tmp_path, blank_pdf):
    unsigned_file = tmp_path / "unsigned.pdf"
    unsigned_file.write_bytes(blank_pdf)

    with pytest.raises(CommandError, match="署名がありません"):
        call_command(
            "verify_pdf", str(unsigned_file), "--trust", str(pki.folder / "root.crt")
        )


def test_verify_pdf_command_names_an_unreadable_trust_file(tmp_path, blank_pdf):
    pdf = tmp_path / "file.pdf"
    pdf.write_bytes(blank_pdf)

    with pytest.raises(CommandError, match="nowhere.pem を読めません"):
        call_command("verify_pdf", str(pdf), "--trust", str(tmp_path / "nowhere.pem"))


@pytest.mark.django_db
def test_a_distributed_edition_is_signed_and_any_changed_byte_breaks_it(
    with_pkcs12, pki, client
):
    from django.core.files.storage import storages
    from django.urls import reverse

    from meetings import services
    from meetings.models import Edition
    from tests import factories

    meeting = factories.make_meeting(published=False)
    factories.make_material(meeting=meeting, title="本文の資料", text="主な内容")
    services.publish_meeting(meeting=meeting, by=None)
    edition = Edition.objects.get(meeting=meeting, number=1)
    assert edition.state == "ready" and edition.signed
    with storages["editions"].open(edition.file_name, "rb") as f:
        packet = f.read()
    result = signing.verify_pdf(packet, trust_roots=[pki.root])
    assert result.ok and result.coverage_entire_file
    item = edition.items.get(role="material")
    with storages["editions"].open(item.file_name, "rb") as f:
        assert signing.verify_pdf(f.read(), trust_roots=[pki.root]).ok
    # What a viewer downloads is that signed file, byte for byte.
    client.force_login(factories.make_user(role="viewer", username="toyama"))
    response = client.get(reverse("meetings:edition_packet", args=[meeting.pk, 1]))
    assert b"".join(response.streaming_content) == packet
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "電子署名付き" in page
    # One byte changed anywhere in the signed range breaks it.
    middle = len(packet) // 3
    tampered = packet[:middle] + bytes([packet[middle] ^ 0x01]) + packet[middle + 1 :]
    assert not signing.verify_pdf(tampered, trust_roots=[pki.root]).ok


@pytest.mark.django_db
def test_a_preview_is_never_signed(with_pkcs12, client):
    from django.urls import reverse

    from meetings.models import Edition
    from tests import factories

    meeting = factories.make_meeting(published=False)
    factories.make_material(meeting=meeting, title="下書き")
    client.force_login(factories.make_user(role="secretariat", username="jimu"))
    response = client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert response.status_code == 200
    preview = Edition.objects.get(meeting=meeting)
    assert preview.number is None and not preview.signed
    with pytest.raises(ValueError):
        signing.verify_pdf(b"".join(response.streaming_content), trust_roots=[])
