"""Sign distributed PDFs with the headquarters' certificate (PAdES), and check them.

A signed file lets a municipality verify that the packet it holds is the one the
secretariat distributed, unaltered. The certificate (in production an LGPKI
organisation certificate) is configured through settings read from the
environment; with none configured, files are distributed unsigned.

This module reads `django.conf.settings` and nothing else of Django, so the
edition builder, a management command or a script can use it alike. pyHanko's
synchronous calls run their own event loop: call them from synchronous code only
(not from inside an async view).
"""

import functools
import io
import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from pyhanko.keys import (
    load_cert_from_pemder,
    load_certs_from_pemder,
    load_certs_from_pemder_data,
    load_private_key_from_pemder,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

DEFAULT_REASON = "配付資料"

# Organisation certificates carry digitalSignature, nonRepudiation or both;
# pyHanko's default demands nonRepudiation. Either shows who signed the file.
_SIGNER_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


class SigningNotConfigured(Exception):
    """No signing certificate is configured: files go out unsigned."""


class SigningConfigurationError(Exception):
    """The configured certificate cannot be loaded; the message names the setting."""


@dataclass(frozen=True)
class Verification:
    """What a check of a PDF's signature found."""

    intact: bool  # the signed bytes hash to the digest in the signature
    # The signature over the signed attributes (the digest among them) checks
    # with the certificate's key: a changed byte leaves it valid, not intact.
    valid: bool
    trusted: bool  # the certificate chains to one of the trust roots given
    signer: str  # the certificate subject's common name
    signed_at: datetime | None  # the TSA's time if stamped, else the signer's
    coverage_entire_file: bool  # nothing was appended after the signature

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, and covering every byte of the file."""
        return self.intact and self.valid and self.trusted and self.coverage_entire_file


def configured() -> bool:
    """Whether a signing certificate is configured (PKCS#12, or PEM key and cert)."""
    return bool(
        settings.ONECHAMBER_SIGNING_PKCS12
        or settings.ONECHAMBER_SIGNING_KEY
        or settings.ONECHAMBER_SIGNING_CERT
    )


def sign_pdf(
    data: bytes,
    *,
    reason: str = DEFAULT_REASON,
    location: str = "",
    name: str | None = None,
) -> bytes:
    """`data` with a PAdES baseline signature appended as an incremental update.

    The signature field is invisible: the page content stays as it was. `name`
    is the signer's name shown by readers (by default, the certificate's).
    Raises SigningNotConfigured when no certificate is configured.
    """
    signer = _configured_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(
        field_name=_free_field_name(writer),
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        name=name,
    )
    tsa_url = settings.ONECHAMBER_SIGNING_TSA_URL
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    output = signers.PdfSigner(metadata, signer, timestamper=timestamper).sign_pdf(
        writer
    )
    return output.getvalue()


def verify_pdf(data: bytes, *, trust_roots: list) -> Verification:
    """Check the last signature of `data` against `trust_roots`, offline.

    Trust roots are certificates as asn1crypto or cryptography objects, or as
    PEM/DER bytes. A tampered file gives a Verification saying so; a file
    without any signature raises ValueError.
    """
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = reader.embedded_regular_signatures
    if not embedded:
        raise ValueError("署名がありません / The PDF has no signature.")
    context = ValidationContext(
        trust_roots=[_asn1_cert(root) for root in trust_roots], allow_fetching=False
    )
    status = validate_pdf_signature(
        embedded[-1], context, key_usage_settings=_SIGNER_KEY_USAGE
    )
    stamp = status.timestamp_validity
    return Verification(
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        signer=status.signing_cert.subject.native.get("common_name", ""),
        signed_at=stamp.timestamp if stamp is not None else status.signer_reported_dt,
        coverage_entire_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    # A file signed before (an edition re-signed) keeps its signature field.
    taken = {name for name, *_ in fields.enumerate_sig_fields(writer)}
    return next(
        name
        for name in (f"Signature{n}" for n in itertools.count(1))
        if name not in taken
    )


def _configured_signer() -> signers.SimpleSigner:
    if not configured():
        raise SigningNotConfigured(
            "署名用の証明書が設定されていません / No signing certificate is "
            "configured: set ONECHAMBER_SIGNING_PKCS12 (or ONECHAMBER_SIGNING_KEY "
            "and ONECHAMBER_SIGNING_CERT)."
        )
    return _load_signer(
        pkcs12_path=settings.ONECHAMBER_SIGNING_PKCS12,
        key_path=settings.ONECHAMBER_SIGNING_KEY,
        cert_path=settings.ONECHAMBER_SIGNING_CERT,
        chain_path=settings.ONECHAMBER_SIGNING_CHAIN,
        passphrase=settings.ONECHAMBER_SIGNING_PASSPHRASE,
    )


# Once per process and configuration: a PKCS#12 file is decrypted with a
# deliberately slow key derivation. A renewed certificate needs a restart.
@functools.lru_cache(maxsize=4)
def _load_signer(
    *, pkcs12_path: str, key_path: str, cert_path: str, chain_path: str, passphrase: str
) -> signers.SimpleSigner:
    secret = passphrase.encode() if passphrase else None
    if pkcs12_path:
        if key_path or cert_path:
            raise SigningConfigurationError(
                "ONECHAMBER_SIGNING_PKCS12 と ONECHAMBER_SIGNING_KEY/CERT は"
                "どちらか一方だけを設定してください / Set either "
                "ONECHAMBER_SIGNING_PKCS12 or ONECHAMBER_SIGNING_KEY and "
                "ONECHAMBER_SIGNING_CERT, not both."
            )
        signer = _load_pkcs12(pkcs12_path, secret)
    else:
        signer = _load_pem(key_path, cert_path, secret)
    if chain_path:
        signer.cert_registry.register_multiple(_read_chain(chain_path))
    return signer


def _load_pkcs12(path: str, secret: bytes | None) -> signers.SimpleSigner:
    key, cert, chain = _read(
        "ONECHAMBER_SIGNING_PKCS12",
        path,
        lambda p: pkcs12.load_key_and_certificates(Path(p).read_bytes(), secret),
        unusable=(
            f"ONECHAMBER_SIGNING_PKCS12 ({path}) を開けません。"
            "ONECHAMBER_SIGNING_PASSPHRASE が違うか、PKCS#12 ファイルではありません"
            f" / Cannot open ONECHAMBER_SIGNING_PKCS12 ({path}): wrong "
            "ONECHAMBER_SIGNING_PASSPHRASE, or not a PKCS#12 file."
        ),
    )
    if key is None or cert is None:
        raise SigningConfigurationError(
            f"ONECHAMBER_SIGNING_PKCS12 ({path}) に秘密鍵と証明書の両方が"
            "必要です / ONECHAMBER_SIGNING_PKCS12 must hold both the private key "
            "and its certificate."
        )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
    )
    _check_pair(signer, "ONECHAMBER_SIGNING_PKCS12")
    return signer


def _load_pem(
    key_path: str, cert_path: str, secret: bytes | None
) -> signers.SimpleSigner:
    for variable, value in [
        ("ONECHAMBER_SIGNING_KEY", key_path),
        ("ONECHAMBER_SIGNING_CERT", cert_path),
    ]:
        if not value:
            raise SigningConfigurationError(
                f"{variable} が設定されていません / {variable} is not set: a PEM "
                "key needs its certificate and the certificate its key."
            )
    cert = _read(
        "ONECHAMBER_SIGNING_CERT",
        cert_path,
        # Parsed here: asn1crypto would otherwise fail only when signing.
        lambda p: pyca_x509.load_der_x509_certificate(load_cert_from_pemder(p).dump()),
        unusable=_not_certificates("ONECHAMBER_SIGNING_CERT", cert_path),
    )
    key = _read(
        "ONECHAMBER_SIGNING_KEY",
        key_path,
        lambda p: load_private_key_from_pemder(p, passphrase=secret),
        unusable=(
            f"ONECHAMBER_SIGNING_KEY ({key_path}) を読めません。"
            "ONECHAMBER_SIGNING_PASSPHRASE が違うか、不要か、足りません"
            f" / Cannot read ONECHAMBER_SIGNING_KEY ({key_path}): "
            "ONECHAMBER_SIGNING_PASSPHRASE is wrong, missing, or set for a key "
            "that is not encrypted."
        ),
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=key,
        cert_registry=SimpleCertificateStore(),
    )
    _check_pair(signer, "ONECHAMBER_SIGNING_CERT")
    return signer


def _read_chain(path: str) -> list[asn1_x509.Certificate]:
    return _read(
        "ONECHAMBER_SIGNING_CHAIN",
        path,
        lambda p: [
            _asn1_cert(pyca_x509.load_der_x509_certificate(c.dump()))
            for c in load_certs_from_pemder([p])
        ],
        unusable=_not_certificates("ONECHAMBER_SIGNING_CHAIN", path),
    )


def _not_certificates(variable: str, path: str) -> str:
    return (
        f"{variable} ({path}) は PEM/DER の証明書ではありません / {variable} "
        f"({path}) is not a PEM or DER certificate file."
    )


def _read(variable: str, path: str, load, *, unusable: str):
    try:
        return load(path)
    except OSError as error:
        raise SigningConfigurationError(
            f"{variable} のファイル {path} を読めません / Cannot read the file "
            f"{path} named by {variable}: {error.strerror or error}."
        ) from error
    except (TypeError, ValueError) as error:
        raise SigningConfigurationError(unusable) from error


def _check_pair(signer: signers.SimpleSigner, variable: str) -> None:
    # A certificate of another key signs without complaint and every reader
    # then rejects the file: refuse it at load time instead.
    key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
    cert = pyca_x509.load_der_x509_certificate(signer.signing_cert.dump())
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*raw) != cert.public_key().public_bytes(*raw):
        raise SigningConfigurationError(
            f"{variable} の証明書が秘密鍵と対になっていません / The certificate "
            f"in {variable} is not the one of the private key."
        )


def _asn1_cert(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, pyca_x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    certs = list(load_certs_from_pemder_data(cert))
    if len(certs) != 1:
        raise ValueError("A trust root must be exactly one certificate.")
    return certs[0]
