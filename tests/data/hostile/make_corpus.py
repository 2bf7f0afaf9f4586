"""Write the hostile-input corpus for the table, package, ChainKnowledgeGraph and RDF readers.

Run from the repository root: ``python tests/data/hostile/make_corpus.py``.  Each file's
expected result is in ``cases.csv`` beside it (kept by hand).  Files too large to commit
(a 1 MB cell, two million columns, a 1 MB JSON value) are made by the test itself.
``python tests/data/hostile/make_corpus.py jsonl rdf`` rewrites only the JSON Lines and
RDF files (the workbooks hold their time of writing, so rewriting them changes them).
"""

from __future__ import annotations

import io
import json
import sys
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


RDF_XML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
    '         xmlns:ik="https://w3id.org/innokg/ontology#"\n'
    '         xmlns:dcterms="http://purl.org/dc/terms/">\n'
)
TTL_PREFIXES = (
    "@prefix ik: <https://w3id.org/innokg/ontology#> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def product_ttl(subject: str, source: str = "<https://example.org/source>") -> str:
    return (
        f'{subject} a ik:Product ;\n    dcterms:identifier "prod:bearing" ;\n'
        f'    ik:name "轴承" ;\n    prov:wasDerivedFrom {source} .\n'
    )


def jsonl() -> None:
    """JSON Lines read by the chainkg source (each replaces one file of its fixture)."""
    write(
        "jsonl_broken_lines.json",
        '{"name": "钢材"}\n{"name": "焦\n{"name" "客车"}\n{"name": "座椅",}\n{"name": "煤"}\n',
    )
    write("jsonl_truncated_last_line.json", '{"name": "钢材"}\n{"name": "焦炭"}\n{"name": "客')
    write(
        "jsonl_not_objects.json",
        '{"name": "钢材"}\n[1, 2]\n"焦炭"\n42\nnull\n{"name": "客车"} {"name": "煤"}\n',
    )
    write(
        "jsonl_wrong_types.json",
        '{"company_code": ["600001.SH"], "product_name": "钢材", "rel_weight": 0.8}\n'
        '{"company_code": "600001.SH", "product_name": {"zh": "钢材"}, "rel_weight": 0.8}\n'
        '{"company_code": "600001.SH", "product_name": "钢材", "rel_weight": true}\n'
        '{"company_code": 600002, "product_name": "客车", "rel_weight": "0.9"}\n',
    )
    write(
        "jsonl_non_finite.json",
        '{"name": NaN}\n{"name": Infinity}\n{"name": 1e400}\n{"name": "钢材"}\n',
    )
    write("jsonl_nul_bytes.json", '{"name": "钢材"}\n{"name": "焦\x00炭"}\n'.encode())
    write(
        "jsonl_latin1.json",
        '{"name": "钢材"}\n'.encode() + '{"name": "café crème"}\n'.encode("latin-1"),
    )
    write("jsonl_utf16.json", '{"name": "钢材"}\n{"name": "焦炭"}\n'.encode("utf-16"))
    deep = 30_000  # Arrow's JSON reader crashes the process on nesting this deep
    write(
        "jsonl_deep_nesting.json",
        '{"name": "钢材"}\n{"name": ' + "[" * deep + "]" * deep + '}\n{"name": "焦炭"}\n',
    )


def rdf() -> None:
    """RDF read by the rdf source: outside files, entity bombs, IRIs that are not IRIs."""
    product = (
        '  <ik:Product rdf:about="https://example.org/p">\n'
        "    <dcterms:identifier>prod:bearing</dcterms:identifier>\n"
        "    <ik:name>{name}</ik:name>\n  </ik:Product>\n</rdf:RDF>\n"
    )
    xml = '<?xml version="1.0"?>\n'
    write(
        "rdf_xxe_file.rdf",
        xml
        + '<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + RDF_XML_HEAD
        + product.format(name="&xxe;"),
    )
    write(
        "rdf_xxe_parameter.rdf",
        xml
        + '<!DOCTYPE rdf:RDF [\n  <!entity % remote SYSTEM "file:///etc/passwd">\n  %remote;\n]>\n'
        + RDF_XML_HEAD
        + product.format(name="x"),
    )
    write(
        "rdf_external_dtd.rdf",
        xml
        + '<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">\n'
        + RDF_XML_HEAD
        + product.format(name="x"),
    )
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    bomb = (
        xml
        + '<!DOCTYPE rdf:RDF [\n<!ENTITY lol0 "lol">\n'
        + laughs
        + "]>\n"
        + RDF_XML_HEAD
        + product.format(name="&lol9;")
    )
    write("rdf_billion_laughs.rdf", bomb)
    write(
        "rdf_billion_laughs_utf16.rdf",
        bomb.replace(xml, '<?xml version="1.0" encoding="UTF-16"?>\n').encode("utf-16"),
    )
    write("ttl_iri_with_space.ttl", TTL_PREFIXES + product_ttl("<https://example.org/a b>"))
    write(
        "ttl_javascript_iri.ttl",
        TTL_PREFIXES + product_ttl("<javascript:alert(1)>", "<javascript:alert(2)>"),
    )
    write(
        "ttl_unbalanced_iri.ttl",
        TTL_PREFIXES + product_ttl("<https://example.org/a"),
    )
    write("ttl_truncated.ttl", (TTL_PREFIXES + product_ttl("<https://example.org/a>"))[:-30])
    write("ttl_named_rdf.rdf", TTL_PREFIXES + product_ttl("<https://example.org/a>"))
    write("rdfxml_named_ttl.ttl", xml + RDF_XML_HEAD + product.format(name="轴承"))
    name = "<https://w3id.org/innokg/ontology#name>"
    write(
        "nt_latin1.nt",
        f'<https://example.org/a> {name} "café crème" .\n'.encode("latin-1"),
    )
    write(
        "nt_bad_line.nt",
        f'<https://example.org/a> {name} "轴承" .\n<https://example.org/b> {name} 轴承 .\n'
        f'<https://example.org/c> {name} "客车" .\n',
    )


if __name__ == "__main__":
    parts = {"jsonl": jsonl, "rdf": rdf}
    chosen = sys.argv[1:]
    if not chosen:
        main()
    for part in chosen or parts:
        parts[part]()
