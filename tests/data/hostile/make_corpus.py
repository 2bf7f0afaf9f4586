"""Write the hostile-input corpus for the table and package readers.

Run from the repository root: ``python tests/data/hostile/make_corpus.py``.  Each file's
expected result is in ``cases.csv`` beside it (kept by hand).  Files too large to commit
(a 1 MB cell, two million columns) are made by the test itself.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
PRODUCT = "id,name,source\n"


def write(name: str, data: str | bytes) -> None:
    path = HERE / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def workbook(
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    merge: tuple[str, str] | None = None,
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
        if merge and title == merge[0]:
            sheet.merge_cells(merge[1])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def main() -> None:
    good_products = [
        ["id", "name", "source"],
        ["prod:bearing", "轴承", "t"],
        ["prod:bus", "客车", "t"],
    ]
    write("empty.csv", "")
    write("whitespace_only.csv", "  \n\n \t\n")
    write("header_only_fund.csv", "id,name,source,kind\n")
    write(
        "truncated_utf8.csv",
        (PRODUCT + "prod:bearing,轴承,t\nprod:bus,客车,t\n").encode("utf-8")[:-4],
    )
    lines = [PRODUCT] + [f"prod:{i},产品{i},t\n" for i in range(40)]
    write(
        "mixed_encodings.csv",
        "".join(lines).encode("utf-8") + "prod:bearing,轴承,t\n".encode("gbk"),
    )
    write("latin1.csv", (PRODUCT + "prod:bearing,café à la crème,t\n").encode("latin-1"))
    write("utf16.csv", (PRODUCT + "prod:bearing,轴承,t\n").encode("utf-16"))
    write("bom_in_middle.csv", PRODUCT + "prod:bearing,轴承,t\n\ufeffprod:bus,客车,t\n")
    write("nul_bytes.csv", (PRODUCT + "prod:bearing,轴\x00承,t\n").encode("utf-8"))
    write("unbalanced_quotes.csv", PRODUCT + 'prod:bearing,"轴承,t\nprod:bus,客车,t\n')
    write("ragged_row.csv", PRODUCT + "prod:bearing,轴承,t,extra,cells\nprod:bus,客车,t\n")
    write("duplicate_header.csv", "id,name,name,source\nprod:bearing,轴承,轴承,t\n")
    write(
        "duplicate_ids.csv",
        PRODUCT + "prod:bearing,轴承,t\nprod:bearing,另一个,t\nprod:bus,客车,t\n",
    )
    write("conflicting_ids_fund.csv", "id,name,source,kind\nent:1,冲突基金,t,venture\n")
    write("self_loop_supplies.csv", "from_id,to_id,source,evidence\nent:1,ent:1,t,observed\n")
    write(
        "region_cycle.csv",
        "from_id,to_id,source,evidence\nregion:4101,region:41,t,observed\n"
        "region:41,region:4103,t,observed\nregion:4103,region:4101,t,observed\n"
        "ent:1,region:4103,t,observed\nent:2,region:4101,t,observed\n"
        "ent:3,region:4101,t,observed\n",
    )
    write(
        "dates_wrong_form.csv",
        "id,name,source,since\nent:1,甲,t,2016-05-01\nent:2,乙,t,二〇一六\nent:3,丙,t,16\n",
    )
    write(
        "numbers_wrong_form.csv",
        "id,name,source,employees,revenue\nent:1,甲,t,1.5,12%\n"
        "ent:2,乙,t,-3,1e400\nent:3,丙,t,１２,NaN\n",
    )
    write(
        "formula_names.csv",
        PRODUCT + 'prod:bearing,=HYPERLINK("http://x"),t\n'
        "prod:bus,+cmd|' /C calc'!A0,t\nprod:x,@SUM(1+1),t\nprod:y,-2+3,t\n",
    )
    write(
        "html_names.csv",
        PRODUCT + "prod:bearing,<img src=x onerror=alert(1)>,t\n"
        "prod:bus,<script>alert('x')</script>,t\n",
    )
    write(
        "cypher_names.csv",
        PRODUCT + 'prod:bearing,"x\'}) DETACH DELETE n //",t\nprod:bus,"a\\\\b""c",t\n',
    )
    write(
        "path_and_shell_names.csv",
        PRODUCT + "prod:bearing,../../etc/passwd,t\nprod:bus,$(rm -rf ~); `reboot`,t\n",
    )
    write("unknown_column.csv", "id,name,source,secret\nprod:bearing,轴承,t,x\nprod:bus,客车,t,y\n")
    write(
        "credit_code_typo.csv",
        "id,name,source,credit_code\nent:1,甲,t,91350100M000100Y44\nent:2,乙,t,\nent:3,丙,t,\n",
    )
    write("not_a_table.csv", "\x7fELF\x02\x01\x01 binary junk that is printable-ish\n")

    write(
        "formulas.xlsx",
        workbook({"Product": [["id", "name", "source"], ["prod:bearing", "=1+1", "t"]]}),
    )
    write(
        "hidden_sheet.xlsx",
        workbook(
            {"Product": good_products, "Fund": [["id", "name", "source", "kind"]]}, hidden=("Fund",)
        ),
    )
    write("merged_cells.xlsx", workbook({"Product": good_products}, merge=("Product", "B2:B3")))
    macro = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook({"Product": good_products}))) as src,
        zipfile.ZipFile(macro, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b'\xd0\xcf\x11\xe0 Sub AutoOpen() Shell("calc")')
    write("macros.xlsx", macro.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    write("zip_bomb.xlsx", bomb.getvalue())
    write("not_a_zip.xlsx", "this is a text file with an .xlsx name\n")
    write("garbage.parquet", b"PAR1" + bytes(range(256)) * 4)

    base = {
        "format": "innokg-graph-package",
        "schema_version": "1.0",
        "sources": [],
        "counts": {"nodes": {}, "edges": {}},
        "files": {},
    }
    write("manifest_traversal.json", json.dumps({**base, "files": {"../../etc/passwd": {}}}))
    write("manifest_absolute.json", json.dumps({**base, "files": {"/etc/shadow": {}}}))
    write("manifest_newer_schema.json", json.dumps({**base, "schema_version": "9.0"}))
    write("manifest_not_json.json", '{"format": "innokg-graph-package", ')
    write("manifest_wrong_format.json", json.dumps({**base, "format": "something-else"}))
    write("manifest_is_a_list.json", "[1, 2, 3]")


if __name__ == "__main__":
    main()
