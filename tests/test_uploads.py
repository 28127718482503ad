"""Uploading extracts: preview changes nothing, accept is atomic and kept, any version restores."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from campaign.storage import load_dataset
from campaign.uploads import (
    UploadRejected,
    accept_upload,
    preview_upload,
    restore_version,
    versions,
)

HEADER = "日期,区市,企业名称,金融机构,融资方式,金额（万元）"
ROOT = Path(__file__).resolve().parents[1]


def financing_total(data_dir: Path) -> float:
    with load_dataset(data_dir).connect() as con:
        return con.execute("SELECT coalesce(sum(amount_wan), 0) FROM financing").fetchall()[0][0]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    (tmp_path / "extracts").mkdir()
    body = "2022-01-10,市南区,青岛甲公司,青岛银行,贷款,100\n2022-02-10,市北区,青岛乙公司,,股权,50\n"
    (tmp_path / "extracts" / "financing_2022.csv").write_text(f"{HEADER}\n{body}", "utf-8")
    return tmp_path


def gb18030_with_bad_rows() -> bytes:
    rows = [
        "2022-03-01,黄岛区,青岛丙公司,,贷款,30",
        "2022-03-02,城阳,青岛丁公司,,贷款,-5",  # line 3: negative
        "2022/3/3,即墨区,青岛戊公司,,贷款,20",
        "2022-02-30,即墨区,青岛己公司,,贷款,10",  # line 5: no such date
    ]
    return (HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("gb18030")


def test_preview_reports_everything_and_changes_nothing(data_dir):
    before = load_dataset(data_dir)
    preview = preview_upload(data_dir, "融资对接_2022_西海岸新区.csv", gb18030_with_bad_rows())
    assert (preview.kind, preview.encoding) == ("financing", "gb18030")
    assert (preview.report.rows_total, preview.report.rows_loaded, preview.rows_excluded) == (
        4,
        2,
        2,
    )
    assert [(e.line, e.column, e.reason_zh) for e in preview.report.errors] == [
        (3, "金额（万元）", "不能为负数"),
        (5, "日期", "日期不存在"),
    ]
    assert preview.acceptable and not preview.replaces_existing
    assert sorted(p.name for p in (data_dir / "extracts").iterdir()) == ["financing_2022.csv"]
    assert load_dataset(data_dir).fingerprint == before.fingerprint


def test_accept_valid_rows_then_roll_back_with_the_numbers_checked(data_dir):
    assert financing_total(data_dir) == 150.0  # 100 + 50
    dataset = accept_upload(data_dir, "融资对接_2022_西海岸新区.csv", gb18030_with_bad_rows())
    # Only the valid rows count: 150 + 30 + 20 = 200; the -5 and the 2022-02-30 rows are excluded.
    assert financing_total(data_dir) == 200.0
    assert dataset.rows_excluded == 2
    (added,) = versions(data_dir, "融资对接_2022_西海岸新区.csv")
    assert added.size is None  # before the upload the file did not exist
    restore_version(data_dir, "融资对接_2022_西海岸新区.csv", added.id)
    assert financing_total(data_dir) == 150.0
    assert not (data_dir / "extracts" / "融资对接_2022_西海岸新区.csv").exists()


def test_replacing_keeps_the_previous_version_and_it_can_come_back(data_dir):
    new = f"{HEADER}\n2022-01-10,市南区,青岛甲公司,青岛银行,贷款,999\n".encode()
    assert preview_upload(data_dir, "financing_2022.csv", new).replaces_existing
    accept_upload(data_dir, "financing_2022.csv", new)
    assert financing_total(data_dir) == 999.0
    (kept,) = versions(data_dir, "financing_2022.csv")
    restore_version(data_dir, "financing_2022.csv", kept.id)
    assert financing_total(data_dir) == 150.0
    # Restoring kept the 999 version too, so the rollback itself can be undone.
    assert len(versions(data_dir, "financing_2022.csv")) == 2


@pytest.mark.parametrize(
    "name, content, key",
    [
        ("../financing_x.csv", b"x", "upload.bad_name"),
        ("financing_x.pdf", b"x", "upload.bad_suffix"),
        ("report_2022.csv", b"a,b\n1,2\n", "validation.unknown_kind"),
        ("financing_empty.csv", b"   \n", "validation.empty_file"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(data_dir, name, content, key):
    with pytest.raises(UploadRejected) as refused:
        preview_upload(data_dir, name, content)
    assert refused.value.key == key


def test_the_size_limit_is_configurable(data_dir, monkeypatch):
    monkeypatch.setenv("CAMPAIGN_MAX_UPLOAD_MB", "0.0001")  # 100 bytes
    with pytest.raises(UploadRejected) as refused:
        accept_upload(data_dir, "financing_big.csv", HEADER.encode() + b"\n" + b"x" * 200)
    assert refused.value.key == "validation.file_too_large"


def test_a_workbook_that_is_not_one_gets_a_clear_message(data_dir):
    preview = preview_upload(data_dir, "financing_fake.xlsx", b"PK\x03\x04 not really a zip")
    assert not preview.acceptable
    assert "不是表格文件" in preview.report.errors[0].reason_zh


def test_a_failed_rebuild_puts_the_old_file_back(data_dir, monkeypatch):
    import campaign.storage as storage

    financing_total(data_dir)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(storage, "build_database", broken)
    with pytest.raises(UploadRejected) as refused:
        accept_upload(
            data_dir, "financing_2022.csv", f"{HEADER}\n2022-01-10,市南区,甲,,,1\n".encode()
        )
    assert refused.value.key == "upload.build_failed"
    monkeypatch.undo()
    assert financing_total(data_dir) == 150.0
    assert "100" in (data_dir / "extracts" / "financing_2022.csv").read_text("utf-8")


def test_two_uploads_at_once_do_not_corrupt_the_folder(data_dir):
    """Two threads and a second process upload different files at the same moment."""
    errors: list[BaseException] = []

    def upload(name: str, amount: int) -> None:
        try:
            accept_upload(
                data_dir, name, f"{HEADER}\n2022-05-01,李沧区,{name},,,{amount}\n".encode()
            )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from campaign.uploads import accept_upload;"
        f"accept_upload(Path(sys.argv[1]), 'financing_p.csv', '{HEADER}\\n2022-05-01,李沧区,p,,,4\\n'.encode())"
    )
    other = subprocess.Popen([sys.executable, "-c", script, str(data_dir), str(ROOT)])
    threads = [
        threading.Thread(target=upload, args=("financing_a.csv", 1)),
        threading.Thread(target=upload, args=("financing_b.csv", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other.wait(timeout=120) == 0
    assert not errors
    # 150 + 1 + 2 + 4: every upload landed, none half-written.
    assert financing_total(data_dir) == 157.0
    leftovers = [p.name for p in (data_dir / "extracts").iterdir() if p.name.startswith(".")]
    assert leftovers == []
