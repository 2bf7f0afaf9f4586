"""The MOE university list loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from innokg.graph.errors import SourceError
from innokg.loaders.regions import RegionResolver, read_regions_source
from innokg.loaders.registry import detect_kind
from innokg.loaders.universities import looks_like_universities, read_universities_source
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "sources" / "universities" / "universities.csv"
REGIONS = REPO / "tests" / "data" / "sources" / "regions"


def test_fixture_counts() -> None:
    src = read_universities_source(FIXTURE)
    assert src.rows_read == 14
    assert src.ledger.summary() == {
        "universities.csv": {
            "rows": 14,
            "used": 10,
            "folded": 1,
            "rejected": 3,
            "filtered": 0,
            "skipped": 0,
        }
    }
    assert len(src.nodes["ResearchInstitute"]) == 10
    assert len(src.edges["LOCATED_IN"]) == 9
    assert src.ledger.reasons("rejected") == {
        "identification code must be 10 digits": 1,
        "identification code already used by another institution in the list": 1,
        "name is empty": 1,
    }
    assert src.ledger.reasons("folded") == {"the same institution listed twice": 1}
    assert dict(src.ledger.fixes) == {"name: spaces removed": 1}
    assert dict(src.ledger.warnings) == {
        "identification code does not start with 41 as MOE codes do (kept; check the list)": 1,
        "办学层次 is neither 本科 nor 专科 (kept as given)": 1,
        "ownership not stated by 备注 (left empty)": 1,
        "所在地 is empty: no LOCATED_IN edge": 1,
        "所在地 left for the merging step to resolve": 2,
    }
    assert src.ledger.examples["ownership not stated by 备注 (left empty)"] == [
        "universities.csv, row 4"
    ]


def test_each_row_of_the_fixture() -> None:
    src = read_universities_source(FIXTURE)
    inst = src.nodes["ResearchInstitute"].set_index("moe_code")
    place = dict(
        zip(src.edges["LOCATED_IN"]["from_id"], src.edges["LOCATED_IN"]["to_id"], strict=True)
    )
    assert inst.loc["4141000001", ["name", "kind", "level", "ownership"]].tolist() == [
        "郑州示例大学",
        "university",
        "本科",
        "public",
    ]
    assert inst.loc["4141000002", "ownership"] == "private"  # 备注 民办
    assert inst.loc["4141000003", "ownership"] is None  # 中外合作办学: not stated
    assert inst.loc["4141000012", "level"] == "研究生"  # kept as given, with a warning
    assert inst.loc["4141000013", "name"] == "济源示例学院"  # spaces removed
    assert place["inst:moe:4141000001"] == "region:4101"  # 郑州市
    assert place["inst:moe:4141000002"] == "region:4107"  # 新乡 (short name)
    assert place["inst:moe:4141000010"] == "region:410204"  # 鼓楼区, within Henan
    assert place["inst:moe:4241000008"] == "region:4104"  # odd code, still Henan's
    assert place["inst:moe:4141000013"] == "region:419001"  # 济源市
    assert "inst:moe:4141000009" not in place  # no 所在地
    # places outside Henan, or unknown, are left for the merging step
    edges = src.edges["LOCATED_IN"].set_index("from_id")
    assert edges.loc["inst:moe:4111000014", ["to_id", "_within", "_place"]].tolist() == [
        "北京市",
        "11",
        True,
    ]
    assert edges.loc["inst:moe:4141000011", "to_id"] == "火星市"


def test_a_given_resolver_is_used() -> None:
    resolver = RegionResolver(read_regions_source(REGIONS).nodes["Region"])
    src = read_universities_source(FIXTURE, resolver=resolver)
    edges = src.edges["LOCATED_IN"].set_index("from_id")
    assert edges.loc["inst:moe:4111000014", "to_id"] == "region:11"
    assert bool(edges.loc["inst:moe:4141000011", "_place"]) is True


def test_detection_and_errors(tmp_path: Path) -> None:
    assert looks_like_universities(FIXTURE)
    assert detect_kind(FIXTURE) == "universities"
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(
        "学校名称,学校标识码,所在地\n郑州示例大学,4141000001,郑州市\n".encode("gb18030")
    )
    assert detect_kind(gbk) == "universities"
    src = read_universities_source(gbk)
    assert src.warnings[0] == "gbk.csv: read as GB18030"
    assert src.edges["LOCATED_IN"]["to_id"].tolist() == ["region:4101"]
    bad = tmp_path / "bad.csv"
    bad.write_text("学校名称,代码\n郑州示例大学,1\n", encoding="utf-8")
    assert not looks_like_universities(bad)
    with pytest.raises(SourceError, match=r"bad\.csv: column '学校标识码' is missing"):
        read_universities_source(bad)
    with pytest.raises(SourceError, match="no such file"):
        read_universities_source(tmp_path / "none.csv")


@pytest.mark.realdata
def test_real_list(shared_data: Path) -> None:
    src = read_universities_source(shared_data / "universities" / "henan_universities_2025.csv")
    inst = src.nodes["ResearchInstitute"]
    assert src.rows_read == len(inst) == 178
    assert inst["level"].value_counts().to_dict() == {"专科": 116, "本科": 62}
    assert inst["ownership"].value_counts(dropna=False).to_dict() == {
        "public": 117,
        "private": 60,
        None: 1,
    }
    edges = src.edges["LOCATED_IN"]
    assert len(edges) == 178 and not edges["_place"].any()
    assert edges["to_id"].nunique() == 18  # 17 cities and 济源
    assert dict(src.ledger.warnings) == {
        "identification code does not start with 41 as MOE codes do (kept; check the list)": 1,
        "ownership not stated by 备注 (left empty)": 1,
    }
    zzu = inst[inst["name"] == "郑州大学"].iloc[0]
    assert zzu["id"] == "inst:moe:4141010459"
    assert dict(zip(edges["from_id"], edges["to_id"], strict=True))[zzu["id"]] == "region:4101"
