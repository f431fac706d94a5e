import shutil
import subprocess
from datetime import date

import pytest

from citybridge.academy.certificate import (
    ALPHABET,
    CertificateData,
    certificate_pdf,
    new_verification_code,
    normalise_code,
)

DATA = CertificateData(
    name_en="Zhang Wei",
    name_zh="张伟",
    course_en="Energy Smart Cities",
    course_zh="能源智慧城市",
    academy_en="National Academy for Mayors of China",
    academy_zh="全国市长研修学院",
    start=date(2025, 3, 3),
    end=date(2025, 3, 21),
    training_days=16,
    issued_on=date(2025, 3, 22),
    code="7KQX-M2PA-RT9C-HW4E",
    verify_url="https://citybridge.example/verify/7KQX-M2PA-RT9C-HW4E",
)


def pdf_text(data: bytes, tmp_path) -> str:
    p = tmp_path / "c.pdf"
    p.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, check=True, text=True).stdout


def test_codes_are_valid_unique_and_typo_detecting():
    codes = {new_verification_code() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:50]:
        assert normalise_code(code) == code
        assert normalise_code(code.lower().replace("-", " ")) == code
        raw = code.replace("-", "")
        # any single-character change is detected by the check character
        for i in range(len(raw)):
            for ch in ALPHABET[:5]:
                if ch != raw[i]:
                    assert normalise_code(raw[:i] + ch + raw[i + 1 :]) is None
    assert normalise_code("") is None
    assert normalise_code("0000-0000-0000-0000") is None  # 0 is not in the alphabet


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_renders_chinese_and_english(tmp_path):
    data = certificate_pdf(DATA)
    assert data.startswith(b"%PDF")
    assert b"WenQuanYiZenHei" in data  # the CJK font is embedded (as a subset)
    text = pdf_text(data, tmp_path)
    for expected in (
        "结业证书",
        "Certificate of Completion",
        "张伟",
        "Zhang Wei",
        "全国市长研修学院",
        "能源智慧城市",
        "2025年3月3日",
        "16",
        "7KQX-M2PA-RT9C-HW4E",
        "证书验证码",
        "3 March 2025",
        "Verify / 验证",
    ):
        assert expected in text, expected
    assert "REVOKED" not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_revoked_certificate_is_marked(tmp_path):
    from dataclasses import replace

    text = pdf_text(certificate_pdf(replace(DATA, revoked=True)), tmp_path)
    assert "本证书已撤销" in text and "REVOKED" in text
